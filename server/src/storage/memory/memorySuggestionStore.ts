import { type SuggestionPatch, type SuggestionRecord, UnknownRecordError } from '../storage.ts';
import type { SuggestionStore } from '../stores.ts';
import { copy, maybeCopy, OPEN_GATE, type WriteGate } from './writeGate.ts';

/** Suggestions in process memory, kept by id in the order they were made. */
export class MemorySuggestionStore implements SuggestionStore {
  constructor(
    private readonly gate: WriteGate,
    /** Records are replaced, never changed in place, so a fork may share them. */
    private rows = new Map<string, SuggestionRecord>(),
  ) {}

  /** A copy for a transaction to change; `adopt` takes its changes on when the transaction commits. */
  fork(): MemorySuggestionStore {
    return new MemorySuggestionStore(OPEN_GATE, new Map(this.rows));
  }

  adopt(fork: MemorySuggestionStore): void {
    this.rows = fork.rows;
  }

  createSuggestion(suggestion: SuggestionRecord): Promise<void> {
    return this.gate.run(() => {
      this.rows.set(suggestion.id, copy(suggestion));
    });
  }

  async getSuggestion(id: string): Promise<SuggestionRecord | undefined> {
    return maybeCopy(this.rows.get(id));
  }

  async listSuggestions(draftId: string): Promise<SuggestionRecord[]> {
    return [...this.rows.values()].filter((s) => s.draftId === draftId).map(copy);
  }

  updateSuggestion(id: string, patch: SuggestionPatch): Promise<SuggestionRecord> {
    return this.gate.run(() => {
      const found = this.rows.get(id);
      if (!found) throw new UnknownRecordError('suggestion', id);
      const next = { ...found, ...copy(patch) };
      this.rows.set(id, next);
      return copy(next);
    });
  }
}
