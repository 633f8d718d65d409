import type { ChangeLogEntry } from '../../../../shared/changelog.ts';
import { LogConflictError } from '../storage.ts';
import type { ChangeLogStore } from '../stores.ts';
import { type Executor, isUniqueViolation, json, records } from './sql.ts';

/**
 * Each draft's change log in PostgreSQL. An entry is inserted only if its `seq` follows the last
 * one; two instances appending the same `seq` at once meet the primary key, and the second is
 * refused: the chain can neither fork nor skip.
 */
export class PostgresChangeLogStore implements ChangeLogStore {
  constructor(private readonly db: Executor) {}

  async appendLogEntry(entry: ChangeLogEntry): Promise<void> {
    let inserted: number | null;
    try {
      ({ rowCount: inserted } = await this.db.write((sql) =>
        sql.query(
          `INSERT INTO change_log (draft_id, seq, entry)
           SELECT $1, $2, $3
           WHERE COALESCE((SELECT max(seq) FROM change_log WHERE draft_id = $1), 0) = $2 - 1`,
          [entry.draftId, entry.seq, json(entry)],
        ),
      ));
    } catch (error) {
      if (isUniqueViolation(error)) throw new LogConflictError(entry.draftId, entry.seq);
      throw error;
    }
    if (inserted === 0) throw new LogConflictError(entry.draftId, entry.seq);
  }

  async listLog(draftId: string): Promise<ChangeLogEntry[]> {
    const { rows } = await this.db.read.query<{ record: ChangeLogEntry }>(
      'SELECT entry AS record FROM change_log WHERE draft_id = $1 ORDER BY seq',
      [draftId],
    );
    return records(rows);
  }

  async lastLogEntry(draftId: string): Promise<ChangeLogEntry | undefined> {
    const { rows } = await this.db.read.query<{ record: ChangeLogEntry }>(
      'SELECT entry AS record FROM change_log WHERE draft_id = $1 ORDER BY seq DESC LIMIT 1',
      [draftId],
    );
    return rows[0]?.record;
  }
}
