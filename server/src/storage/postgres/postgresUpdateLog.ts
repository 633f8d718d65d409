import { UnknownDraftError } from '../storage.ts';
import type { LoggedUpdate, UpdateLogStore } from '../stores.ts';
import type { Executor } from './sql.ts';

/**
 * Each draft's update log in PostgreSQL. An append takes the draft's next seq from its
 * `document_heads` row and inserts the update in one statement: the row stays locked until that
 * statement commits, so one draft's appends commit one after another, in seq order, on every
 * instance, and a reader that sees seq n sees every seq below it.
 */
export class PostgresUpdateLog implements UpdateLogStore {
  constructor(
    private readonly db: Executor,
    private readonly instanceId: string,
  ) {}

  async appendUpdate(draftId: string, update: Uint8Array, userId: string | null): Promise<number> {
    const { rows } = await this.db.read.query<{ seq: string }>(
      `WITH head AS (UPDATE document_heads SET seq = seq + 1 WHERE draft_id = $1 RETURNING seq)
       INSERT INTO document_updates (draft_id, seq, "update", user_id, instance_id)
       SELECT $1, seq, $2, $3, $4 FROM head
       RETURNING seq`,
      [draftId, Buffer.from(update), userId, this.instanceId],
    );
    const row = rows[0];
    if (!row) throw new UnknownDraftError(draftId);
    return Number(row.seq);
  }

  async updatesAfter(draftId: string, seq: number): Promise<LoggedUpdate[]> {
    const { rows } = await this.db.read.query<{ seq: string; update: Buffer; user_id: string | null }>(
      'SELECT seq, "update", user_id FROM document_updates WHERE draft_id = $1 AND seq > $2 ORDER BY seq',
      [draftId, seq],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      update: new Uint8Array(row.update),
      userId: row.user_id,
    }));
  }

  missingAfter(draftId: string, seq: number): Promise<{ seq: number; update: Uint8Array }[]> {
    return this.db.snapshot(async (sql) => {
      const { rows } = await sql.query<{ state: Buffer; state_seq: string }>(
        'SELECT state, state_seq FROM documents WHERE draft_id = $1',
        [draftId],
      );
      const row = rows[0];
      if (!row) return [];
      const compacted = Number(row.state_seq);
      const lead = compacted > seq ? [{ seq: compacted, update: new Uint8Array(row.state) }] : [];
      const later = await sql.query<{ seq: string; update: Buffer }>(
        'SELECT seq, "update" FROM document_updates WHERE draft_id = $1 AND seq > $2 ORDER BY seq',
        [draftId, Math.max(seq, compacted)],
      );
      return [...lead, ...later.rows.map((r) => ({ seq: Number(r.seq), update: new Uint8Array(r.update) }))];
    });
  }

  async lastSeqs(draftIds: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await this.db.read.query<{ draft_id: string; seq: string }>(
      'SELECT draft_id, seq FROM document_heads WHERE draft_id = ANY($1)',
      [draftIds],
    );
    return new Map(rows.map((row) => [row.draft_id, Number(row.seq)]));
  }
}
