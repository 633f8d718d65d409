import type { ChangeLogService } from '../changelog/changeLogService.ts';
import type { StoredIntent } from '../storage/storage.ts';
import type { Stores, SuggestionStore } from '../storage/stores.ts';

/**
 * Completes the records of a server change to the text (an accepted or reverted suggestion) that
 * was stored with the text but may not have reached the records: the suggestion's new status and
 * its change-log entry, written in one transaction. Safe to run twice: what is already written is
 * left as it is.
 */
export async function completeIntent(
  intent: StoredIntent,
  storage: Pick<Stores, 'suggestions'>,
  changelog: ChangeLogService | undefined,
  draftId: string,
  /** After a restart: the entry may already be in the log (the crash came after it). */
  recovering = false,
): Promise<void> {
  if (!(await storage.suggestions.getSuggestion(intent.suggestionId))) return;
  const from = intent.kind === 'suggestion.accepted' ? 'open' : 'accepted';
  /** The decision, unless it is already stored (read in the writer's own view of the store). */
  const decide = async (suggestions: SuggestionStore) => {
    const suggestion = await suggestions.getSuggestion(intent.suggestionId);
    if (suggestion?.status === from) await suggestions.updateSuggestion(intent.suggestionId, intent.patch);
  };
  const logged =
    recovering &&
    changelog &&
    (await changelog.list(draftId)).some(
      (entry) =>
        entry.type === intent.kind &&
        entry.suggestionId === intent.suggestionId &&
        entry.at === intent.log.at,
    );
  // Stores of earlier versions wrote the two apart, so the entry may be there without the decision.
  if (!changelog || logged) return decide(storage.suggestions);
  await changelog.record(
    draftId,
    {
      type: intent.kind,
      userId: intent.log.userId,
      at: new Date(intent.log.at),
      section: intent.log.section,
      suggestionId: intent.suggestionId,
      changes: intent.log.changes,
      rationale: intent.log.rationale,
    },
    (tx) => decide(tx.suggestions),
  );
}
