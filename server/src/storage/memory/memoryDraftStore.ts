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
import { copy, type WriteGate } from './writeGate.ts';

interface StoredDraft {
  record: DraftRecord;
  state: Uint8Array;
  journal: DocumentJournal;
}

/** Drafts in process memory: each one's record with its document, kept by id. */
export class MemoryDraftStore implements DraftStore {
  private readonly drafts = new Map<string, StoredDraft>();

  constructor(private readonly gate: WriteGate) {}

  async listDrafts(): Promise<DraftRecord[]> {
    return [...this.drafts.values()].map((d) => copy(d.record));
  }

  async getDraft(id: string): Promise<DraftRecord | undefined> {
    const found = this.drafts.get(id);
    return found && copy(found.record);
  }

  createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void> {
    // Copied now: the caller may change its array before the write's turn comes.
    const state = initialState.slice();
    return this.gate.run(() => {
      if (this.drafts.has(draft.id)) throw new DraftExistsError(draft.id);
      this.drafts.set(draft.id, { record: copy(draft), state, journal: emptyJournal() });
    });
  }

  updateDraft(id: string, settings: DraftSettings): Promise<DraftRecord> {
    return this.gate.run(() => {
      const found = this.drafts.get(id);
      if (!found) throw new UnknownDraftError(id);
      const record = { ...found.record };
      if (settings.title !== undefined) record.title = settings.title;
      if (settings.visibility !== undefined) record.visibility = settings.visibility;
      if (settings.window !== undefined) record.window = { ...settings.window };
      this.drafts.set(id, { ...found, record });
      return copy(record);
    });
  }

  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    return this.drafts.get(id)?.state.slice();
  }

  async loadJournal(id: string): Promise<DocumentJournal> {
    return copy(this.drafts.get(id)?.journal ?? emptyJournal());
  }

  async loadDocumentWithJournal(id: string): Promise<StoredDocument> {
    const found = this.drafts.get(id);
    return { state: found?.state.slice(), journal: copy(found?.journal ?? emptyJournal()) };
  }

  saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<void> {
    const saved = { state: state.slice(), journal: copy(journal ?? emptyJournal()) };
    const at = new Date().toISOString();
    return this.gate.run(() => {
      const found = this.drafts.get(id);
      if (!found) throw new UnknownDraftError(id);
      // Forward only: a draft created with a later `updatedAt` keeps it.
      const record = found.record.updatedAt < at ? { ...found.record, updatedAt: at } : found.record;
      this.drafts.set(id, { record, ...saved });
    });
  }
}
