import type { SuggestionView } from '../../../shared/suggestions.ts';
import type { PersonView, VersionRef } from '../../../shared/threads.ts';
import { commentViews, person, versionNames } from '../contributions/views.ts';
import type { CommentRecord, SuggestionRecord } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';

/** Turns stored suggestions and their replies into what clients see, authors' names included. */
export async function suggestionViews(
  storage: Pick<Stores, 'suggestions' | 'threads' | 'accounts' | 'versions'>,
  draftId: string,
): Promise<SuggestionView[]> {
  const [suggestions, comments, users, versionOf] = await Promise.all([
    storage.suggestions.listSuggestions(draftId),
    storage.threads.listComments(draftId),
    storage.accounts.listUsers(),
    versionNames(storage, draftId),
  ]);
  const byId = new Map(users.map((user) => [user.id, user]));
  const replies = new Map<string, CommentRecord[]>();
  for (const comment of comments) {
    const list = replies.get(comment.threadId) ?? [];
    list.push(comment);
    replies.set(comment.threadId, list);
  }
  return suggestions.map((suggestion) =>
    toSuggestionView(suggestion, replies.get(suggestion.id) ?? [], (id) => person(byId.get(id)), versionOf),
  );
}

export function toSuggestionView(
  suggestion: SuggestionRecord,
  comments: CommentRecord[],
  personOf: (userId: string) => PersonView,
  versionOf: (versionId: string | null | undefined) => VersionRef | null = () => null,
): SuggestionView {
  const decided = suggestion.decidedBy && suggestion.decidedAt;
  return {
    id: suggestion.id,
    draftId: suggestion.draftId,
    anchor: { start: suggestion.anchor.start, end: suggestion.anchor.end },
    quote: suggestion.anchor.quote,
    text: suggestion.text,
    justification: suggestion.justification,
    section: suggestion.section,
    status: suggestion.status,
    author: personOf(suggestion.createdBy),
    createdAt: suggestion.createdAt,
    comments: commentViews(comments, personOf),
    decision:
      decided && suggestion.decidedBy && suggestion.decidedAt
        ? { by: personOf(suggestion.decidedBy), at: suggestion.decidedAt, rationale: suggestion.rationale }
        : null,
    reversion:
      suggestion.revertedBy && suggestion.revertedAt
        ? {
            by: personOf(suggestion.revertedBy),
            at: suggestion.revertedAt,
            rationale: suggestion.revertRationale,
          }
        : null,
    replacedText: suggestion.applied?.replacedText ?? null,
    madeOn: versionOf(suggestion.versionId),
  };
}
