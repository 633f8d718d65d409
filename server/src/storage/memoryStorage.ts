import { FlatStorage } from './flatStorage.ts';
import { MemoryAccountStore } from './memory/memoryAccountStore.ts';
import { MemoryChangeLogStore } from './memory/memoryChangeLogStore.ts';
import { MemoryDraftStore } from './memory/memoryDraftStore.ts';
import { MemorySuggestionStore } from './memory/memorySuggestionStore.ts';
import { MemoryThreadStore } from './memory/memoryThreadStore.ts';
import { MemoryVersionStore } from './memory/memoryVersionStore.ts';
import { writeGate } from './memory/writeGate.ts';
import type { StoredDocument } from './storage.ts';
import type { Stores, StoreTransaction } from './stores.ts';

/** The memory backend's own stores. */
function memoryStores() {
  const gate = writeGate();
  return {
    gate,
    drafts: new MemoryDraftStore(gate),
    accounts: new MemoryAccountStore(gate),
    threads: new MemoryThreadStore(gate),
    suggestions: new MemorySuggestionStore(gate),
    changeLog: new MemoryChangeLogStore(gate),
    versions: new MemoryVersionStore(gate),
  };
}

/**
 * Stores kept in process memory: for tests, and as the second implementation the contract suites
 * check (its own code: maps by id, where lowdb keeps tables of margins.json). Its writes run one
 * at a time through one gate, as lowdb's go through one commit queue.
 */
export class MemoryStorage extends FlatStorage implements Stores {
  private readonly own: ReturnType<typeof memoryStores>;

  constructor() {
    const own = memoryStores();
    super(own);
    this.own = own;
  }

  /**
   * Runs `work` in the gate's turn on forks of the stores it may change, then makes the forks
   * the stores' contents: readers see nothing of it until then, and nothing if it fails.
   */
  transaction<R>(work: (tx: StoreTransaction) => Promise<R>): Promise<R> {
    const { gate, changeLog, suggestions, versions } = this.own;
    return gate.run(async () => {
      const tx = { changeLog: changeLog.fork(), suggestions: suggestions.fork(), versions: versions.fork() };
      const result = await work(tx);
      changeLog.adopt(tx.changeLog);
      suggestions.adopt(tx.suggestions);
      versions.adopt(tx.versions);
      return result;
    });
  }

  /**
   * Through `loadDocument` and `loadJournal`, as before the stores were split, so that the tests
   * which count or hold `loadDocument` (see `FlatStorage`) see a draft being opened.
   */
  override async loadDocumentWithJournal(id: string): Promise<StoredDocument> {
    return { state: await this.loadDocument(id), journal: await this.loadJournal(id) };
  }

  async close(): Promise<void> {}
}
