import { emptyTables } from './commitQueue.ts';
import { RecordTables } from './recordTables.ts';
import {
  type DocumentJournal,
  DraftExistsError,
  type DraftRecord,
  emptyJournal,
  type Storage,
  type StoredDocument,
  UnknownDraftError,
} from './storage.ts';

/** Storage kept in process memory: for tests, and as the reference the contract suite checks. */
export class MemoryStorage extends RecordTables implements Storage {
  private readonly documents = new Map<string, Uint8Array>();
  private readonly journals = new Map<string, DocumentJournal>();

  constructor() {
    super(emptyTables(), async () => {});
  }

  async createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void> {
    if (this.tables.drafts.some((d) => d.id === draft.id)) throw new DraftExistsError(draft.id);
    const state = initialState.slice();
    await this.addDraft(draft);
    this.documents.set(draft.id, state);
  }

  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    return this.documents.get(id)?.slice();
  }

  async loadJournal(id: string): Promise<DocumentJournal> {
    return structuredClone(this.journals.get(id) ?? emptyJournal());
  }

  async loadDocumentWithJournal(id: string): Promise<StoredDocument> {
    return { state: await this.loadDocument(id), journal: await this.loadJournal(id) };
  }

  async saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<void> {
    if (!this.tables.drafts.some((d) => d.id === id)) throw new UnknownDraftError(id);
    this.documents.set(id, state.slice());
    this.journals.set(id, structuredClone(journal ?? emptyJournal()));
    this.documentSaved(id, new Date().toISOString());
  }

  async close(): Promise<void> {}
}
