import { MemoryAccountStore } from './memory/memoryAccountStore.ts';
import { MemoryChangeLogStore } from './memory/memoryChangeLogStore.ts';
import { MemoryDraftStore } from './memory/memoryDraftStore.ts';
import { MemorySuggestionStore } from './memory/memorySuggestionStore.ts';
import { MemoryThreadStore } from './memory/memoryThreadStore.ts';
import { MemoryVersionStore } from './memory/memoryVersionStore.ts';
import { writeGate } from './memory/writeGate.ts';
import type {
  AccountStore,
  ChangeLogStore,
  DraftStore,
  Stores,
  StoreTransaction,
  SuggestionStore,
  ThreadStore,
  VersionStore,
} from './stores.ts';

/**
 * Stores kept in process memory: for tests, and as the second implementation the contract suites
 * check (its own code: maps by id, where lowdb keeps tables of margins.json). Its writes run one
 * at a time through one gate, as lowdb's go through one commit queue.
 */
export class MemoryStorage implements Stores {
  readonly kind = 'memory';
  private readonly gate = writeGate();
  // The stores a transaction forks, kept with their own types (`fork`, `adopt`).
  private readonly own = {
    changeLog: new MemoryChangeLogStore(this.gate),
    suggestions: new MemorySuggestionStore(this.gate),
    versions: new MemoryVersionStore(this.gate),
  };
  readonly drafts: DraftStore = new MemoryDraftStore(this.gate);
  readonly accounts: AccountStore = new MemoryAccountStore(this.gate);
  readonly threads: ThreadStore = new MemoryThreadStore(this.gate);
  readonly suggestions: SuggestionStore = this.own.suggestions;
  readonly changeLog: ChangeLogStore = this.own.changeLog;
  readonly versions: VersionStore = this.own.versions;

  /**
   * Runs `work` in the gate's turn on forks of the stores it may change, then makes the forks
   * the stores' contents: readers see nothing of it until then, and nothing if it fails.
   */
  transaction<R>(work: (tx: StoreTransaction) => Promise<R>): Promise<R> {
    const { changeLog, suggestions, versions } = this.own;
    return this.gate.run(async () => {
      const tx = { changeLog: changeLog.fork(), suggestions: suggestions.fork(), versions: versions.fork() };
      const result = await work(tx);
      changeLog.adopt(tx.changeLog);
      suggestions.adopt(tx.suggestions);
      versions.adopt(tx.versions);
      return result;
    });
  }

  async close(): Promise<void> {}
}
