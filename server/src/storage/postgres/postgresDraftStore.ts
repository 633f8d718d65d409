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
import { type Executor, isUniqueViolation, json } from './sql.ts';

interface DraftRow {
  record: DraftRecord;
  saved_at: string | null;
}

const SELECT_DRAFTS = `SELECT d.record, s.saved_at FROM drafts d LEFT JOIN documents s ON s.draft_id = d.id`;

/**
 * Drafts in PostgreSQL: each one's record in `drafts`, its document (Yjs state and journal) in
 * `documents`, written together in one statement. A save writes only its document's row; its
 * `saved_at` stands in for the record's `updatedAt` once newer, as in lowdb.
 */
export class PostgresDraftStore implements DraftStore {
  constructor(private readonly db: Executor) {}

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
        await sql.query(
          'INSERT INTO documents (draft_id, state, journal, saved_at) VALUES ($1, $2, $3, $4)',
          [draft.id, Buffer.from(initialState), json(emptyJournal()), draft.updatedAt],
        );
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
    return (await this.loadDocumentWithJournal(id)).state;
  }

  async loadJournal(id: string): Promise<DocumentJournal> {
    return (await this.loadDocumentWithJournal(id)).journal;
  }

  async loadDocumentWithJournal(id: string): Promise<StoredDocument> {
    const { rows } = await this.db.read.query<{ state: Buffer; journal: DocumentJournal }>(
      'SELECT state, journal FROM documents WHERE draft_id = $1',
      [id],
    );
    const row = rows[0];
    return row
      ? { state: new Uint8Array(row.state), journal: row.journal }
      : { state: undefined, journal: emptyJournal() };
  }

  async saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<void> {
    const at = new Date().toISOString();
    const { rowCount } = await this.db.write((sql) =>
      sql.query(
        `INSERT INTO documents (draft_id, state, journal, saved_at)
         SELECT id, $2, $3, $4 FROM drafts WHERE id = $1
         ON CONFLICT (draft_id) DO UPDATE
           SET state = EXCLUDED.state, journal = EXCLUDED.journal,
               saved_at = GREATEST(documents.saved_at, EXCLUDED.saved_at)`,
        [id, Buffer.from(state), json(journal ?? emptyJournal()), at],
      ),
    );
    if (rowCount === 0) throw new UnknownDraftError(id);
  }
}

function present(row: DraftRow): DraftRecord {
  const record = row.record;
  if (row.saved_at && row.saved_at > record.updatedAt) record.updatedAt = row.saved_at;
  return record;
}
