import type { ConsultationReport, Contribution, Count, SectionReport } from '../../../shared/report.ts';
import type { Actor } from '../../../shared/roles.ts';
import type { SuggestionStatus } from '../../../shared/suggestions.ts';
import type { DraftService } from '../drafts/draftService.ts';
import type { Stores } from '../storage/stores.ts';

export interface ReportDeps {
  storage: Pick<Stores, 'threads' | 'suggestions' | 'accounts'>;
  /** Which drafts the actor may read. */
  drafts: DraftService;
}

/** The "what we heard" numbers of a draft, and each person's contributions with their outcome. */
export class ReportService {
  constructor(private readonly deps: ReportDeps) {}

  /** The draft's numbers, counting stakeholders' input only (see ConsultationReport). */
  async report(actor: Actor, draftId: string): Promise<ConsultationReport> {
    const draft = await this.deps.drafts.readable(actor, draftId);
    const [allThreads, comments, allSuggestions, users] = await Promise.all([
      this.deps.storage.threads.listThreads(draftId),
      this.deps.storage.threads.listComments(draftId),
      this.deps.storage.suggestions.listSuggestions(draftId),
      this.deps.storage.accounts.listUsers(),
    ]);
    const byId = new Map(users.map((u) => [u.id, u]));
    // "What we heard" is the stakeholders' input: the task force's and admins' comments answer it
    // and are counted apart, and what they open or suggest is not input either. The role is the
    // account's role now; an author with no account left is counted as a stakeholder, so that
    // input is never dropped for want of a record.
    const fromStakeholder = (userId: string) => (byId.get(userId)?.role ?? 'stakeholder') === 'stakeholder';
    const live = comments.filter((c) => !c.deletedAt);
    const heard = live.filter((c) => fromStakeholder(c.authorId));
    const taskForceReplies = live.length - heard.length;
    const threads = allThreads.filter((t) => fromStakeholder(t.createdBy));
    const suggestions = allSuggestions.filter((s) => fromStakeholder(s.createdBy));
    const participants = new Set([...heard.map((c) => c.authorId), ...suggestions.map((s) => s.createdBy)]);
    const people = [...participants].map((id) => byId.get(id));
    const languages = [
      ...heard.map((c) => c.language),
      ...suggestions.map((s) => byId.get(s.createdBy)?.language ?? draft.language),
    ];

    const sections = new Map<string, SectionReport>();
    const sectionOf = (name: string | null) => {
      const key = name ?? '';
      let entry = sections.get(key);
      if (!entry) {
        entry = {
          section: key,
          threads: 0,
          openThreads: 0,
          suggestions: 0,
          openSuggestions: 0,
          accepted: 0,
          rejected: 0,
        };
        sections.set(key, entry);
      }
      return entry;
    };
    for (const thread of threads) {
      const entry = sectionOf(thread.section);
      entry.threads++;
      if (thread.status === 'open') entry.openThreads++;
    }
    const suggestionStatus: Record<SuggestionStatus, number> = {
      open: 0,
      accepted: 0,
      rejected: 0,
      withdrawn: 0,
      reverted: 0,
    };
    for (const suggestion of suggestions) {
      suggestionStatus[suggestion.status]++;
      const entry = sectionOf(suggestion.section);
      entry.suggestions++;
      if (suggestion.status === 'open') entry.openSuggestions++;
      if (suggestion.status === 'accepted') entry.accepted++;
      if (suggestion.status === 'rejected') entry.rejected++;
    }

    // Passages are grouped by their quote: several threads and suggestions on the same words count together.
    const passages = new Map<
      string,
      { section: string | null; quote: string; comments: number; suggestions: number }
    >();
    const passage = (section: string | null, quote: string) => {
      const key = `${section ?? ''}\u0000${quote}`;
      let entry = passages.get(key);
      if (!entry) {
        entry = { section, quote, comments: 0, suggestions: 0 };
        passages.set(key, entry);
      }
      return entry;
    };
    // A stakeholder's reply in a thread the task force opened is still about that passage.
    const threadById = new Map(allThreads.map((t) => [t.id, t]));
    const suggestionById = new Map(allSuggestions.map((s) => [s.id, s]));
    for (const comment of heard) {
      // A comment is in a thread, or in a suggestion's discussion: both are about its passage.
      const about = threadById.get(comment.threadId) ?? suggestionById.get(comment.threadId);
      if (about?.anchor.quote.exact) passage(about.section, about.anchor.quote.exact).comments++;
    }
    for (const suggestion of suggestions) {
      if (suggestion.anchor.quote.exact)
        passage(suggestion.section, suggestion.anchor.quote.exact).suggestions++;
    }

    return {
      draftId,
      title: draft.title,
      window: draft.window,
      participants: participants.size,
      contributions: {
        threads: threads.length,
        comments: heard.length,
        suggestions: suggestions.length,
      },
      taskForceReplies,
      bySector: counted(people.map((p) => p?.sector ?? '')),
      byCountry: counted(people.map((p) => p?.country ?? '')),
      byLanguage: counted(languages),
      threadStatus: {
        open: threads.filter((t) => t.status === 'open').length,
        resolved: threads.filter((t) => t.status === 'resolved').length,
      },
      suggestionStatus,
      sections: [...sections.values()],
      mostDiscussed: [...passages.values()]
        .sort((a, b) => b.comments + b.suggestions - (a.comments + a.suggestions))
        .slice(0, 5),
    };
  }

  /** Everything a signed-in person contributed, across the drafts they may read, newest first. */
  async contributions(actor: Actor): Promise<Contribution[]> {
    if (!actor.userId) return [];
    const me = actor.userId;
    const [drafts, users] = await Promise.all([
      this.deps.drafts.list(actor),
      this.deps.storage.accounts.listUsers(),
    ]);
    const names = new Map(users.map((u) => [u.id, u.name]));
    const out: Contribution[] = [];
    for (const draft of drafts) {
      const [threads, comments, suggestions] = await Promise.all([
        this.deps.storage.threads.listThreads(draft.id),
        this.deps.storage.threads.listComments(draft.id),
        this.deps.storage.suggestions.listSuggestions(draft.id),
      ]);
      const threadById = new Map(threads.map((t) => [t.id, t]));
      const suggestionById = new Map(suggestions.map((s) => [s.id, s]));
      const firsts = new Map<string, string>();
      for (const comment of [...comments].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
        if (!firsts.has(comment.threadId)) firsts.set(comment.threadId, comment.id);
      }
      for (const comment of comments) {
        if (comment.authorId !== me || comment.deletedAt) continue;
        const thread = threadById.get(comment.threadId);
        const onSuggestion = suggestionById.get(comment.threadId);
        const parent = thread ?? onSuggestion;
        if (!parent) continue;
        out.push({
          kind: 'comment',
          id: comment.id,
          draftId: draft.id,
          draftTitle: draft.title,
          anchorId: parent.id,
          anchorKind: thread ? 'thread' : 'suggestion',
          section: parent.section,
          quote: parent.anchor.quote.exact,
          text: comment.body,
          createdAt: comment.createdAt,
          startedThread: firsts.get(comment.threadId) === comment.id && Boolean(thread),
          status: thread ? thread.status : (onSuggestion?.status ?? 'open'),
          decidedBy: thread?.resolvedBy ? (names.get(thread.resolvedBy) ?? null) : null,
          decidedAt: thread?.resolvedAt ?? null,
          rationale: thread?.resolutionNote ?? null,
        });
      }
      for (const suggestion of suggestions) {
        if (suggestion.createdBy !== me) continue;
        const reverted = suggestion.status === 'reverted';
        out.push({
          kind: 'suggestion',
          id: suggestion.id,
          draftId: draft.id,
          draftTitle: draft.title,
          anchorId: suggestion.id,
          anchorKind: 'suggestion',
          section: suggestion.section,
          quote: suggestion.anchor.quote.exact,
          text: suggestion.text,
          createdAt: suggestion.createdAt,
          startedThread: false,
          status: suggestion.status,
          decidedBy: names.get((reverted ? suggestion.revertedBy : suggestion.decidedBy) ?? '') ?? null,
          decidedAt: reverted ? suggestion.revertedAt : suggestion.decidedAt,
          rationale: reverted ? suggestion.revertRationale : suggestion.rationale,
        });
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}

/** Occurrences of each key, most frequent first. */
function counted(keys: string[]): Count[] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}
