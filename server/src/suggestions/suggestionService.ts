import { Slice } from '@tiptap/pm/model';
import type { Logger } from 'pino';
import type * as Y from 'yjs';
import { findPoint, findQuote, SUGGESTION_MARK } from '../../../shared/anchoring/locate.ts';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import type { Action } from '../../../shared/permissions.ts';
import type { Actor } from '../../../shared/roles.ts';
import {
  type LocatedSuggestionView,
  locateSuggestions,
  type SuggestionAnchor,
  type SuggestionView,
} from '../../../shared/suggestions.ts';
import { newId } from '../accounts/tokens.ts';
import type { ChangeLogService } from '../changelog/changeLogService.ts';
import type { LiveDraft, LiveDrafts } from '../collab/liveDrafts.ts';
import { ServerChanges } from '../collab/origins.ts';
import { languageOf, type PostingLimiter, requireAllowed } from '../contributions/participation.ts';
import type { ThreadsRoomPublisher } from '../contributions/publisher.ts';
import { latestVersionId, person } from '../contributions/views.ts';
import type { DraftService } from '../drafts/draftService.ts';
import {
  checkedPassage,
  contentSchema,
  markPassage,
  resolveRange,
  sectionAt,
  snapshot,
  unmarkPassage,
} from '../passages/passages.ts';
import { ServiceError } from '../serviceError.ts';
import type { DraftRecord, StoredIntent, SuggestionPatch, SuggestionRecord } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';
import {
  marksAt,
  pointResolver,
  type Range,
  replacementSlice,
  replaceRange,
  withoutSuggestionMarks,
} from './edits.ts';
import { completeIntent } from './intents.ts';
import { suggestionViews, toSuggestionView } from './suggestionViews.ts';

/** Origin of the server putting (or taking off) a suggestion's mark: not an edit. */
const SUGGESTION_ANCHORING = ServerChanges.suggestionAnchoring;
/** Origin of the transaction that applies an accepted suggestion, for the change log. */
const SUGGESTION_ACCEPTED = ServerChanges.suggestionAccepted;
/** Origin of the transaction that restores the wording an accepted suggestion replaced. */
const SUGGESTION_REVERTED = ServerChanges.suggestionReverted;

export interface SuggestionDeps {
  storage: Pick<Stores, 'suggestions' | 'threads' | 'accounts' | 'versions' | 'exclusive'>;
  /** The drafts' live documents (the sync core). */
  live: LiveDrafts;
  /** Writes suggestions into the threads room. */
  publisher: ThreadsRoomPublisher;
  drafts: DraftService;
  logger: Logger;
  now?: () => Date;
  /** Posts per person, one limiter shared by threads and suggestions (built in the composition root). */
  posting: PostingLimiter;
  changelog?: ChangeLogService;
}

/**
 * Suggested edits. Like threads, the server is their only writer; accepting one changes the
 * draft's live text on the server, in one Yjs transaction, so every client sees the same result
 * and no stakeholder ever needs write access to the text.
 */
export class SuggestionService {
  private readonly now: () => Date;
  private readonly posting: PostingLimiter;
  /** Per draft, the decision being made: decisions on one draft run one at a time. */
  private readonly deciding = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: SuggestionDeps) {
    this.now = deps.now ?? (() => new Date());
    this.posting = deps.posting;
  }

  /** Every suggestion of a draft; open ones with where their passage is now and whether it changed. */
  async list(actor: Actor, draftId: string): Promise<LocatedSuggestionView[]> {
    await this.deps.drafts.readable(actor, draftId);
    const views = await suggestionViews(this.deps.storage, draftId);
    const located = await this.deps.live.use(draftId, (room) => {
      const fragment = room.liveDoc.getXmlFragment(CONTENT_FIELD);
      const { doc, mapping } = snapshot(fragment);
      const open = views.filter((view) => view.status === 'open');
      const where = locateSuggestions(doc, open, pointResolver(room.liveDoc, fragment, mapping));
      return views.map((view): LocatedSuggestionView => {
        const location = where.get(view.id);
        if (!location) return { ...view, outdated: false, detached: false, currentText: null };
        const attached = location.state !== 'detached';
        return {
          ...view,
          outdated: location.outdated,
          detached: !attached,
          currentText: attached ? location.text : null,
        };
      });
    });
    return (located ?? []).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Proposes new wording for a passage (or an insertion at a point, or a deletion). */
  async create(
    actor: Actor,
    draftId: string,
    input: { anchor: SuggestionAnchor; text: string; justification?: string },
  ): Promise<SuggestionView> {
    const draft = await this.deps.drafts.readable(actor, draftId);
    this.require(actor, 'suggestion.create', draft);
    const suggestion: SuggestionRecord = {
      id: newId(),
      draftId,
      anchor: input.anchor,
      text: input.text.replace(/\r\n?/g, '\n'),
      justification: input.justification || null,
      section: null,
      status: 'open',
      createdBy: actor.userId ?? '',
      createdAt: this.now().toISOString(),
      versionId: await latestVersionId(this.deps.storage, draftId),
      decidedBy: null,
      decidedAt: null,
      rationale: null,
      applied: null,
      revertedBy: null,
      revertedAt: null,
      revertRationale: null,
    };
    await this.deps.live.use(draftId, async (room) => {
      const ydoc = room.liveDoc;
      const fragment = ydoc.getXmlFragment(CONTENT_FIELD);
      const passage = checkedPassage(ydoc, fragment, input.anchor);
      suggestion.section = sectionAt(snapshot(fragment).doc, passage.from);
      // Counted only once the anchor is accepted: a refused selection is not a post.
      await this.posting.consume(actor);
      await this.deps.storage.suggestions.createSuggestion(suggestion);
      if (input.anchor.quote.exact === '') return;
      // The text may have changed while we stored: resolve again right before marking.
      const current = resolveRange(ydoc, fragment, input.anchor);
      if (current && current.from < current.to) {
        markPassage(ydoc, fragment, suggestion.id, current, SUGGESTION_ANCHORING, SUGGESTION_MARK);
      } else {
        this.deps.logger.warn({ suggestionId: suggestion.id }, 'passage changed before it could be marked');
      }
      // The mark is on disk before the suggestion is answered as made.
      await room.commit();
    });
    await this.deps.changelog?.recordSafely(draftId, {
      type: 'suggestion.made',
      userId: actor.userId,
      section: suggestion.section,
      suggestionId: suggestion.id,
      changes: [{ section: suggestion.section, before: input.anchor.quote.exact, after: suggestion.text }],
      rationale: suggestion.justification,
    });
    return this.publish(draftId, suggestion.id);
  }

  /** A reply in a suggestion's discussion. */
  async reply(actor: Actor, draftId: string, id: string, input: { body: string; language?: string }) {
    const { draft } = await this.suggestionOf(actor, draftId, id);
    this.require(actor, 'comment.create', draft);
    await this.posting.consume(actor);
    await this.deps.storage.threads.addComment({
      id: newId(),
      threadId: id,
      draftId,
      authorId: actor.userId ?? '',
      body: input.body,
      language: input.language ?? (await languageOf(this.deps.storage, actor, draft)),
      createdAt: this.now().toISOString(),
      editedAt: null,
      deletedAt: null,
    });
    return this.publish(draftId, id);
  }

  /**
   * Applies the suggestion to the live draft for everyone. If its passage was edited since it was
   * made, the proposed text replaces the current passage only with `confirmOutdated`.
   */
  async accept(
    actor: Actor,
    draftId: string,
    id: string,
    input: { rationale?: string; confirmOutdated?: boolean },
  ): Promise<SuggestionView> {
    return this.oneAtATime(draftId, async () => {
      const { draft, suggestion } = await this.suggestionOf(actor, draftId, id);
      this.require(actor, 'suggestion.decide', draft);
      assertOpen(suggestion);
      const applied = await this.deps.live.use(draftId, async (room) => {
        const ydoc = room.liveDoc;
        const fragment = ydoc.getXmlFragment(CONTENT_FIELD);
        const { doc, mapping } = snapshot(fragment);
        const view = toSuggestionView(suggestion, [], () => person(undefined));
        const where = locateSuggestions(doc, [view], pointResolver(ydoc, fragment, mapping)).get(id);
        if (!where || where.state === 'detached') {
          throw new ServiceError(
            ErrorCode.PassageGone,
            'The words this suggestion changes are no longer in the draft, so it cannot be applied. Reject it with a reason instead.',
          );
        }
        if (where.outdated && !input.confirmOutdated) {
          throw new ServiceError(
            ErrorCode.SuggestionOutdated,
            'The passage was edited after this suggestion was made. Compare the current and proposed wording, then confirm to replace the current passage.',
          );
        }
        const range: Range = { from: where.from, to: where.to };
        const inCode = Boolean(doc.resolve(range.from).parent.type.spec.code);
        const replacement = replaceRange(
          ydoc,
          fragment,
          range,
          (current) => replacementSlice(contentSchema, suggestion.text, marksAt(current, range, id), inCode),
          SUGGESTION_ACCEPTED,
        );
        // Concurrent edits can leave bits of its mark outside the passage (text retyped or moved):
        // a decided suggestion must not leave a mark anywhere.
        unmarkPassage(ydoc, fragment, id, SUGGESTION_ANCHORING, SUGGESTION_MARK);
        const { inserted, replaced, replacedText } = replacement;
        const at = this.now().toISOString();
        // The new wording and the records that say so are stored together (see StoredIntent).
        await this.durably(room, draftId, {
          id: newId(),
          kind: 'suggestion.accepted',
          suggestionId: id,
          patch: {
            status: 'accepted',
            decidedBy: actor.userId,
            decidedAt: at,
            rationale: input.rationale || null,
            applied: { anchor: inserted, replaced, replacedText },
          },
          log: {
            userId: actor.userId,
            at,
            section: suggestion.section,
            changes: [{ section: suggestion.section, before: replacedText, after: suggestion.text }],
            rationale: input.rationale || null,
          },
        });
        return true;
      });
      if (!applied) throw new ServiceError(ErrorCode.NotFound, 'There is no such draft.');
      return this.publish(draftId, id);
    });
  }

  /** Rejects the suggestion with a reason everyone can read; the text is not changed. */
  async reject(actor: Actor, draftId: string, id: string, input: { rationale: string }) {
    return this.oneAtATime(draftId, async () => {
      const { draft, suggestion } = await this.suggestionOf(actor, draftId, id);
      this.require(actor, 'suggestion.decide', draft);
      assertOpen(suggestion);
      await this.decide(id, 'rejected', actor, input.rationale);
      await this.unmark(draftId, id);
      await this.deps.changelog?.recordSafely(draftId, {
        type: 'suggestion.rejected',
        userId: actor.userId,
        section: suggestion.section,
        suggestionId: id,
        rationale: input.rationale,
      });
      return this.publish(draftId, id);
    });
  }

  /** The author takes back an open suggestion. */
  async withdraw(actor: Actor, draftId: string, id: string) {
    return this.oneAtATime(draftId, async () => {
      const { draft, suggestion } = await this.suggestionOf(actor, draftId, id);
      this.require(actor, 'suggestion.withdraw', draft, suggestion.createdBy);
      assertOpen(suggestion);
      await this.decide(id, 'withdrawn', actor, undefined);
      await this.unmark(draftId, id);
      await this.deps.changelog?.recordSafely(draftId, {
        type: 'suggestion.withdrawn',
        userId: actor.userId,
        section: suggestion.section,
        suggestionId: id,
      });
      return this.publish(draftId, id);
    });
  }

  /**
   * Restores the wording an accepted suggestion replaced, as a new change. If the accepted words
   * were edited since, they are replaced only with `confirmChanged`.
   */
  async revert(
    actor: Actor,
    draftId: string,
    id: string,
    input: { rationale?: string; confirmChanged?: boolean },
  ): Promise<SuggestionView> {
    return this.oneAtATime(draftId, async () => {
      const { draft, suggestion } = await this.suggestionOf(actor, draftId, id);
      this.require(actor, 'suggestion.decide', draft);
      const applied = suggestion.applied;
      if (suggestion.status !== 'accepted' || !applied) {
        throw new ServiceError(ErrorCode.AlreadyDecided, 'Only an accepted suggestion can be reverted.');
      }
      const open = new Set(
        (await this.deps.storage.suggestions.listSuggestions(draftId))
          .filter((s) => s.status === 'open')
          .map((s) => s.id),
      );
      const restored = { current: applied.anchor.quote.exact };
      await this.deps.live.use(draftId, async (room) => {
        const ydoc = room.liveDoc;
        const fragment = ydoc.getXmlFragment(CONTENT_FIELD);
        const range = appliedRange(ydoc, fragment, applied.anchor);
        if (!range) {
          throw new ServiceError(
            ErrorCode.PassageGone,
            'The accepted wording is no longer in the draft, so there is nothing to revert.',
          );
        }
        if (range.text !== applied.anchor.quote.exact && !input.confirmChanged) {
          throw new ServiceError(
            ErrorCode.SuggestionOutdated,
            'The accepted wording was edited since. Confirm to put the previous wording back over the current one.',
          );
        }
        // Marks of suggestions still open come back with their words; decided ones' do not.
        const previous = withoutSuggestionMarks(
          Slice.fromJSON(contentSchema, applied.replaced),
          (suggestionId) => typeof suggestionId !== 'string' || !open.has(suggestionId),
        );
        restored.current = range?.text ?? restored.current;
        replaceRange(ydoc, fragment, range, () => previous, SUGGESTION_REVERTED);
        const at = this.now().toISOString();
        await this.durably(room, draftId, {
          id: newId(),
          kind: 'suggestion.reverted',
          suggestionId: id,
          patch: {
            status: 'reverted',
            revertedBy: actor.userId,
            revertedAt: at,
            revertRationale: input.rationale || null,
          },
          log: {
            userId: actor.userId,
            at,
            section: suggestion.section,
            changes: [{ section: suggestion.section, before: restored.current, after: applied.replacedText }],
            rationale: input.rationale || null,
          },
        });
      });
      return this.publish(draftId, id);
    });
  }

  /** Writes the suggestion's current view into the live threads room, if anyone has it open. */
  private publish(draftId: string, id: string): Promise<SuggestionView> {
    return this.deps.publisher.suggestion(draftId, id);
  }

  /**
   * Stores the text the server just changed together with `intent`, then writes the records it
   * describes; only then is the change answered. A crash in between leaves the intent in the
   * document's journal, and the next start completes the records from it.
   */
  private async durably(room: LiveDraft, draftId: string, intent: StoredIntent): Promise<void> {
    await room.commit(intent);
    await completeIntent(intent, this.deps.storage, this.deps.changelog, draftId);
    room.settleIntent(intent.id);
  }

  private async decide(
    id: string,
    status: 'accepted' | 'rejected' | 'withdrawn',
    actor: Actor,
    rationale: string | undefined,
    extra: SuggestionPatch = {},
  ): Promise<void> {
    await this.deps.storage.suggestions.updateSuggestion(id, {
      status,
      decidedBy: actor.userId,
      decidedAt: this.now().toISOString(),
      rationale: rationale || null,
      ...extra,
    });
  }

  private async unmark(draftId: string, id: string): Promise<void> {
    await this.deps.live.use(draftId, async (room) => {
      const ydoc = room.liveDoc;
      unmarkPassage(ydoc, ydoc.getXmlFragment(CONTENT_FIELD), id, SUGGESTION_ANCHORING, SUGGESTION_MARK);
      await room.commit();
    });
  }

  /**
   * Runs decisions on one draft one after another, so two people accepting the same suggestion
   * at the same moment apply it once (the second finds it decided), on one instance or several.
   */
  private oneAtATime<T>(draftId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.deciding.get(draftId) ?? Promise.resolve();
    // Across instances sharing a store, too: the second decision waits, then finds it decided.
    const { storage } = this.deps;
    const decide = (): Promise<T> =>
      storage.exclusive ? storage.exclusive(`decide:${draftId}`, work) : work();
    const next = previous.then(decide, decide);
    const settled = next.catch(() => undefined);
    this.deciding.set(draftId, settled);
    void settled.then(() => {
      if (this.deciding.get(draftId) === settled) this.deciding.delete(draftId);
    });
    return next;
  }

  private async suggestionOf(actor: Actor, draftId: string, id: string) {
    const draft = await this.deps.drafts.readable(actor, draftId);
    const suggestion = await this.deps.storage.suggestions.getSuggestion(id);
    if (!suggestion || suggestion.draftId !== draftId) {
      throw new ServiceError(ErrorCode.NotFound, 'There is no such suggestion on this draft.');
    }
    return { draft, suggestion };
  }

  private require(actor: Actor, action: Action, draft: DraftRecord, ownerId?: string): void {
    requireAllowed(actor, action, draft, this.now(), ownerId);
  }
}

function assertOpen(suggestion: SuggestionRecord): void {
  if (suggestion.status !== 'open') {
    throw new ServiceError(ErrorCode.AlreadyDecided, `This suggestion was already ${suggestion.status}.`);
  }
}

/** Where accepted words are now: by their positions, else by their quote; undefined if gone. */
function appliedRange(ydoc: Y.Doc, fragment: Y.XmlFragment, anchor: SuggestionAnchor) {
  const byPosition = resolveRange(ydoc, fragment, anchor);
  if (byPosition && byPosition.text === anchor.quote.exact) return byPosition;
  const { doc } = snapshot(fragment);
  if (anchor.quote.exact === '') {
    const point = findPoint(doc, anchor.quote);
    if (point !== undefined) return { from: point, to: point, text: '' };
  } else {
    const found = findQuote(doc, anchor.quote);
    if (found) return found;
  }
  return byPosition;
}
