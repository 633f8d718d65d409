import type { DraftSettings } from '../../../shared/drafts.ts';
import type {
  DocumentJournal,
  DraftRecord,
  StoredDocument,
  SuggestionPatch,
  SuggestionRecord,
} from '../../src/storage/storage.ts';
import type { DraftStore, Stores, SuggestionStore } from '../../src/storage/stores.ts';

// Fakes of one store at a time: a test subclasses the forwarding store of the capability it
// needs to slow, gate or fail, overrides the one method, and hands it to the server in a bundle
// whose other stores are a real backend's (`withStores`).

/** `base` with some of its stores replaced; transactions and `close` are still `base`'s own. */
export function withStores(base: Stores, replaced: Partial<Omit<Stores, 'transaction' | 'close'>>): Stores {
  return {
    drafts: replaced.drafts ?? base.drafts,
    accounts: replaced.accounts ?? base.accounts,
    threads: replaced.threads ?? base.threads,
    suggestions: replaced.suggestions ?? base.suggestions,
    changeLog: replaced.changeLog ?? base.changeLog,
    versions: replaced.versions ?? base.versions,
    // A transaction writes through the backend's own stores, not through the replacements.
    transaction: (work) => base.transaction(work),
    close: () => base.close(),
  };
}

/** A draft store that forwards every call to `inner`: subclass it and override what the test fakes. */
export class ForwardingDraftStore implements DraftStore {
  constructor(protected readonly inner: DraftStore) {}

  listDrafts(): Promise<DraftRecord[]> {
    return this.inner.listDrafts();
  }
  getDraft(id: string): Promise<DraftRecord | undefined> {
    return this.inner.getDraft(id);
  }
  createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void> {
    return this.inner.createDraft(draft, initialState);
  }
  updateDraft(id: string, settings: DraftSettings): Promise<DraftRecord> {
    return this.inner.updateDraft(id, settings);
  }
  loadDocument(id: string): Promise<Uint8Array | undefined> {
    return this.inner.loadDocument(id);
  }
  loadJournal(id: string): Promise<DocumentJournal> {
    return this.inner.loadJournal(id);
  }
  loadDocumentWithJournal(id: string): Promise<StoredDocument> {
    return this.inner.loadDocumentWithJournal(id);
  }
  saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<void> {
    return this.inner.saveDocument(id, state, journal);
  }
}

/** A suggestion store that forwards every call to `inner`: subclass it and override what the test fakes. */
export class ForwardingSuggestionStore implements SuggestionStore {
  constructor(protected readonly inner: SuggestionStore) {}

  createSuggestion(suggestion: SuggestionRecord): Promise<void> {
    return this.inner.createSuggestion(suggestion);
  }
  getSuggestion(id: string): Promise<SuggestionRecord | undefined> {
    return this.inner.getSuggestion(id);
  }
  listSuggestions(draftId: string): Promise<SuggestionRecord[]> {
    return this.inner.listSuggestions(draftId);
  }
  updateSuggestion(id: string, patch: SuggestionPatch): Promise<SuggestionRecord> {
    return this.inner.updateSuggestion(id, patch);
  }
}
