import { type SuggestionPatch, type SuggestionRecord, UnknownRecordError } from '../storage.ts';
import type { SuggestionStore } from '../stores.ts';
import { at, copy, maybeCopy, replaceIn, type TableAccess } from './tableAccess.ts';

/** Suggestions as a table of margins.json. */
export class LowdbSuggestionStore implements SuggestionStore {
  constructor(private readonly access: TableAccess) {}

  async createSuggestion(suggestion: SuggestionRecord): Promise<void> {
    await this.access.mutate((t) => {
      t.change('suggestions').push(copy(suggestion));
    });
  }

  async getSuggestion(id: string): Promise<SuggestionRecord | undefined> {
    return maybeCopy(this.access.tables.suggestions.find((s) => s.id === id));
  }

  async listSuggestions(draftId: string): Promise<SuggestionRecord[]> {
    return this.access.tables.suggestions.filter((s) => s.draftId === draftId).map(copy);
  }

  async updateSuggestion(id: string, patch: SuggestionPatch): Promise<SuggestionRecord> {
    return this.access.mutate((t) => {
      const found = at(
        t.read('suggestions'),
        (s) => s.id === id,
        () => new UnknownRecordError('suggestion', id),
      );
      return copy(replaceIn(t.change('suggestions'), (s) => s.id === id, { ...found, ...copy(patch) }));
    });
  }
}
