import { emptyTables, RecordTables } from './recordTables.ts';
import { DraftExistsError, type DraftRecord, type Storage, UnknownDraftError } from './storage.ts';

/** Storage kept in process memory: for tests, and as the reference the contract suite checks. */
export class MemoryStorage extends RecordTables implements Storage {
  private readonly documents = new Map<string, Uint8Array>();

  constructor() {
    super(emptyTables(), async () => {});
  }

  async createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void> {
    if (this.tables.drafts.some((d) => d.id === draft.id)) throw new DraftExistsError(draft.id);
    this.tables.drafts.push(structuredClone(draft));
    this.documents.set(draft.id, initialState.slice());
  }

  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    return this.documents.get(id)?.slice();
  }

  async saveDocument(id: string, state: Uint8Array): Promise<void> {
    const draft = this.tables.drafts.find((d) => d.id === id);
    if (!draft) throw new UnknownDraftError(id);
    this.documents.set(id, state.slice());
    draft.updatedAt = new Date().toISOString();
  }

  async close(): Promise<void> {}
}
