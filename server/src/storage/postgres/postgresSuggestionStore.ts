import { type SuggestionPatch, type SuggestionRecord, UnknownRecordError } from '../storage.ts';
import type { SuggestionStore } from '../stores.ts';
import { type Executor, json, patchRecord, records } from './sql.ts';

/** Suggested edits and the decisions on them in PostgreSQL, listed in the order they were made. */
export class PostgresSuggestionStore implements SuggestionStore {
  constructor(private readonly db: Executor) {}

  async createSuggestion(suggestion: SuggestionRecord): Promise<void> {
    await this.db.write((sql) =>
      sql.query('INSERT INTO suggestions (id, draft_id, record) VALUES ($1, $2, $3)', [
        suggestion.id,
        suggestion.draftId,
        json(suggestion),
      ]),
    );
  }

  async getSuggestion(id: string): Promise<SuggestionRecord | undefined> {
    const { rows } = await this.db.read.query<{ record: SuggestionRecord }>(
      'SELECT record FROM suggestions WHERE id = $1',
      [id],
    );
    return rows[0]?.record;
  }

  async listSuggestions(draftId: string): Promise<SuggestionRecord[]> {
    const { rows } = await this.db.read.query<{ record: SuggestionRecord }>(
      'SELECT record FROM suggestions WHERE draft_id = $1 ORDER BY position',
      [draftId],
    );
    return records(rows);
  }

  async updateSuggestion(id: string, patch: SuggestionPatch): Promise<SuggestionRecord> {
    const next = await this.db.write((sql) => patchRecord<SuggestionRecord>(sql, 'suggestions', id, patch));
    if (!next) throw new UnknownRecordError('suggestion', id);
    return next;
  }
}
