import type { VersionRecord } from '../storage.ts';
import type { VersionStore } from '../stores.ts';
import { type Executor, json, records } from './sql.ts';

/** Published versions in PostgreSQL, oldest first. */
export class PostgresVersionStore implements VersionStore {
  constructor(private readonly db: Executor) {}

  async createVersion(version: VersionRecord): Promise<void> {
    await this.db.write((sql) =>
      sql.query('INSERT INTO versions (id, draft_id, record) VALUES ($1, $2, $3)', [
        version.id,
        version.draftId,
        json(version),
      ]),
    );
  }

  async getVersion(id: string): Promise<VersionRecord | undefined> {
    const { rows } = await this.db.read.query<{ record: VersionRecord }>(
      'SELECT record FROM versions WHERE id = $1',
      [id],
    );
    return rows[0]?.record;
  }

  async listVersions(draftId: string): Promise<VersionRecord[]> {
    const { rows } = await this.db.read.query<{ record: VersionRecord }>(
      'SELECT record FROM versions WHERE draft_id = $1 ORDER BY position',
      [draftId],
    );
    return records(rows);
  }
}
