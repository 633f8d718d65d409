import * as Y from 'yjs';
import type { DraftSettings } from '../../../../shared/drafts.ts';
import {
  type DocumentJournal,
  DraftExistsError,
  type DraftRecord,
  emptyJournal,
  type StoredDocument,
  UnknownDraftError,
} from '../storage.ts';
import type { DraftStore } from '../stores.ts';
import { type Executor, isUniqueViolation, json, type Sql } from './sql.ts';

interface DraftRow {
  record: DraftRecord;
  saved_at: string | null;
}

const SELECT_DRAFTS = 'SELECT d.record, s.saved_at FROM drafts d LEFT JOIN documents s ON s.draft_id = d.id';

/** How long an instance that stopped renewing its row counts as running (see `InstanceRegistry`). */
export const INSTANCE_LIFETIME = "interval '30 seconds'";

/** Journals of `draftId` that are this instance's or no running instance's. */
const MINE_OR_ORPHANED = `draft_id = $1 AND (instance_id = $2 OR instance_id NOT IN
  (SELECT id FROM instances WHERE seen_at > now() - ${INSTANCE_LIFETIME}))`;

/**
 * Drafts in PostgreSQL: each one's record in `drafts`, its compacted document state in
 * `documents` (with the seq of the last logged update it holds), the updates logged since in
 * `document_updates` (see PostgresUpdateLog), and each instance's journal in
 * `document_journals`. A save writes only the document's rows; its `saved_at` stands in for the
 * record's `updatedAt` once newer, as in lowdb.
 */
export class PostgresDraftStore implements DraftStore {
  constructor(
    private readonly db: Executor,
    /** The running instance, whose journal this store reads and writes. */
    private readonly instanceId: string,
  ) {}

  async listDrafts(): Promise<DraftRecord[]> {
    const { rows } = await this.db.read.query<DraftRow>(`${SELECT_DRAFTS} ORDER BY d.position`);
    return rows.map(present);
  }

  async getDraft(id: string): Promise<DraftRecord | undefined> {
    const { rows } = await this.db.read.query<DraftRow>(`${SELECT_DRAFTS} WHERE d.id = $1`, [id]);
    return rows[0] && present(rows[0]);
  }

  async createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void> {
    try {
      await this.db.write(async (sql) => {
        await sql.query('INSERT INTO drafts (id, record) VALUES ($1, $2)', [draft.id, json(draft)]);
        // Saved "at" the draft's own `updatedAt`, which later saves override once newer.
        await sql.query('INSERT INTO documents (draft_id, state, saved_at) VALUES ($1, $2, $3)', [
          draft.id,
          Buffer.from(initialState),
          draft.updatedAt,
        ]);
        await sql.query('INSERT INTO document_heads (draft_id, seq) VALUES ($1, 0)', [draft.id]);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DraftExistsError(draft.id);
      throw error;
    }
  }

  updateDraft(id: string, settings: DraftSettings): Promise<DraftRecord> {
    return this.db.write(async (sql) => {
      const { rows } = await sql.query<DraftRow>(`${SELECT_DRAFTS} WHERE d.id = $1 FOR UPDATE OF d`, [id]);
      const found = rows[0];
      if (!found) throw new UnknownDraftError(id);
      const record = found.record;
      if (settings.title !== undefined) record.title = settings.title;
      if (settings.visibility !== undefined) record.visibility = settings.visibility;
      if (settings.window !== undefined) record.window = { ...settings.window };
      await sql.query('UPDATE drafts SET record = $2 WHERE id = $1', [id, json(record)]);
      return present({ record, saved_at: found.saved_at });
    });
  }

  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    return (await this.readDocument(this.db.read, id)).state;
  }

  /** This instance's journal with those of instances no longer running, which it would adopt on load. */
  async loadJournal(id: string): Promise<DocumentJournal> {
    const { rows } = await this.db.read.query<{ journal: DocumentJournal }>(
      `SELECT journal FROM document_journals WHERE ${MINE_OR_ORPHANED} ORDER BY instance_id`,
      [id, this.instanceId],
    );
    return mergeJournals(rows.map((row) => row.journal));
  }

  /**
   * The state with every later logged update merged in, and this instance's journal, into which
   * it first adopts the journals of instances no longer running (their open bursts and pending
   * changes are completed from here on).
   */
  async loadDocumentWithJournal(id: string): Promise<StoredDocument> {
    const journal = await this.db.write(async (sql) => {
      const orphans = await sql.query<{ journal: DocumentJournal }>(
        `DELETE FROM document_journals WHERE ${MINE_OR_ORPHANED} AND instance_id <> $2 RETURNING journal`,
        [id, this.instanceId],
      );
      const mine = await sql.query<{ journal: DocumentJournal }>(
        'SELECT journal FROM document_journals WHERE draft_id = $1 AND instance_id = $2 FOR UPDATE',
        [id, this.instanceId],
      );
      const merged = mergeJournals([...mine.rows, ...orphans.rows].map((row) => row.journal));
      if (orphans.rows.length > 0) await writeJournal(sql, id, this.instanceId, merged);
      return merged;
    });
    // The state and the updates after it, as of one moment: a save in between would otherwise
    // compact rows this read then misses.
    const document = await this.db.snapshot((sql) => this.readDocument(sql, id));
    return { ...document, journal };
  }

  async saveDocument(
    id: string,
    state: Uint8Array,
    journal?: DocumentJournal,
    covers?: number,
  ): Promise<void> {
    const at = new Date().toISOString();
    await this.db.write(async (sql) => {
      const { rows } = await sql.query<{ state_seq: string }>(
        'SELECT state_seq FROM documents WHERE draft_id = $1 FOR UPDATE',
        [id],
      );
      const row = rows[0];
      if (!row) throw new UnknownDraftError(id);
      const stored = Number(row.state_seq);
      if (covers === undefined) {
        // A caller that loaded the whole document (an import, a repair): its state replaces the stored one.
        await sql.query(
          'UPDATE documents SET state = $2, saved_at = GREATEST(saved_at, $3) WHERE draft_id = $1',
          [id, Buffer.from(state), at],
        );
      } else if (covers >= stored) {
        await sql.query(
          'UPDATE documents SET state = $2, state_seq = $3, saved_at = GREATEST(saved_at, $4) WHERE draft_id = $1',
          [id, Buffer.from(state), covers, at],
        );
        // Exactly the rows the state holds: appends commit in seq order, so none below `covers` is still to come.
        await sql.query('DELETE FROM document_updates WHERE draft_id = $1 AND seq <= $2', [id, covers]);
      } else {
        // Another instance's save holds more of the log: its state stays; what only this
        // instance holds is in the log already, or on its way there.
        await sql.query('UPDATE documents SET saved_at = GREATEST(saved_at, $2) WHERE draft_id = $1', [
          id,
          at,
        ]);
      }
      await writeJournal(sql, id, this.instanceId, journal ?? emptyJournal());
    });
  }

  private async readDocument(sql: Sql, id: string): Promise<StoredDocument> {
    const { rows } = await sql.query<{ state: Buffer; state_seq: string }>(
      'SELECT state, state_seq FROM documents WHERE draft_id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) return { state: undefined, journal: emptyJournal() };
    const later = await sql.query<{ seq: string; update: Buffer }>(
      'SELECT seq, "update" FROM document_updates WHERE draft_id = $1 AND seq > $2 ORDER BY seq',
      [id, row.state_seq],
    );
    const last = later.rows.at(-1);
    const state =
      later.rows.length === 0
        ? new Uint8Array(row.state)
        : Y.mergeUpdates([
            new Uint8Array(row.state),
            ...later.rows.map((update) => new Uint8Array(update.update)),
          ]);
    return { state, journal: emptyJournal(), seq: Number(last?.seq ?? row.state_seq) };
  }
}

/** Writes this instance's journal of a draft; an empty one leaves no row. */
async function writeJournal(
  sql: Sql,
  draftId: string,
  instanceId: string,
  journal: DocumentJournal,
): Promise<void> {
  const empty =
    Object.keys(journal.authors).length === 0 && journal.bursts.length === 0 && journal.intents.length === 0;
  if (empty) {
    await sql.query('DELETE FROM document_journals WHERE draft_id = $1 AND instance_id = $2', [
      draftId,
      instanceId,
    ]);
    return;
  }
  await sql.query(
    `INSERT INTO document_journals (draft_id, instance_id, journal) VALUES ($1, $2, $3)
     ON CONFLICT (draft_id, instance_id) DO UPDATE SET journal = EXCLUDED.journal`,
    [draftId, instanceId, json(journal)],
  );
}

/** Several instances' journals as one: every author, burst and pending change of each. */
function mergeJournals(journals: DocumentJournal[]): DocumentJournal {
  const merged = emptyJournal();
  for (const journal of journals) {
    Object.assign(merged.authors, journal.authors);
    merged.bursts.push(...journal.bursts);
    merged.intents.push(...journal.intents);
  }
  return merged;
}

function present(row: DraftRow): DraftRecord {
  const record = row.record;
  if (row.saved_at && row.saved_at > record.updatedAt) record.updatedAt = row.saved_at;
  return record;
}
