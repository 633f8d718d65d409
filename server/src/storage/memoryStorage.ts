import { DraftExistsError, type DraftRecord, type Storage, UnknownDraftError } from './storage.ts';

/** Storage kept in process memory: for tests, and as the reference the contract suite checks. */
export class MemoryStorage implements Storage {
  private readonly drafts = new Map<string, DraftRecord>();
  private readonly documents = new Map<string, Uint8Array>();

  async listDrafts(): Promise<DraftRecord[]> {
    return [...this.drafts.values()].map((draft) => ({ ...draft }));
  }

  async getDraft(id: string): Promise<DraftRecord | undefined> {
    const draft = this.drafts.get(id);
    return draft && { ...draft };
  }

  async createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void> {
    if (this.drafts.has(draft.id)) throw new DraftExistsError(draft.id);
    this.drafts.set(draft.id, { ...draft });
    this.documents.set(draft.id, initialState.slice());
  }

  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    return this.documents.get(id)?.slice();
  }

  async saveDocument(id: string, state: Uint8Array): Promise<void> {
    const draft = this.drafts.get(id);
    if (!draft) throw new UnknownDraftError(id);
    this.documents.set(id, state.slice());
    this.drafts.set(id, { ...draft, updatedAt: new Date().toISOString() });
  }

  async close(): Promise<void> {}
}
