import type { ChangeLogService } from '../changelog/changeLogService.ts';
import type { Storage, StoredIntent } from '../storage/storage.ts';

/**
 * Completes the records of a server change to the text (an accepted or reverted suggestion) that
 * was stored with the text but may not have reached the records: the suggestion's new status and
 * its change-log entry. Safe to run twice: what is already written is left as it is.
 */
export async function completeIntent(
  intent: StoredIntent,
  storage: Storage,
  changelog: ChangeLogService | undefined,
  draftId: string,
  /** After a restart: the entry may already be in the log (the crash came after it). */
  recovering = false,
): Promise<void> {
  const suggestion = await storage.getSuggestion(intent.suggestionId);
  if (!suggestion) return;
  const from = intent.kind === 'suggestion.accepted' ? 'open' : 'accepted';
  if (suggestion.status === from) await storage.updateSuggestion(intent.suggestionId, intent.patch);
  if (!changelog) return;
  const logged =
    recovering &&
    (await changelog.list(draftId)).some(
      (entry) =>
        entry.type === intent.kind &&
        entry.suggestionId === intent.suggestionId &&
        entry.at === intent.log.at,
    );
  if (logged) return;
  await changelog.record(draftId, {
    type: intent.kind,
    userId: intent.log.userId,
    at: new Date(intent.log.at),
    section: intent.log.section,
    suggestionId: intent.suggestionId,
    changes: intent.log.changes,
    rationale: intent.log.rationale,
  });
}
