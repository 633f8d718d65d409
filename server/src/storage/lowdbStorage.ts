import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { defaultWindow } from '../../../shared/consultation.ts';
import { CommitQueue, emptyTables, type Tables } from './commitQueue.ts';
import { LowdbAccountStore } from './lowdb/lowdbAccountStore.ts';
import { LowdbChangeLogStore } from './lowdb/lowdbChangeLogStore.ts';
import { LowdbDraftStore } from './lowdb/lowdbDraftStore.ts';
import { LowdbSuggestionStore } from './lowdb/lowdbSuggestionStore.ts';
import { LowdbThreadStore } from './lowdb/lowdbThreadStore.ts';
import { LowdbVersionStore } from './lowdb/lowdbVersionStore.ts';
import { committedTables, type TableAccess, transactionTables } from './lowdb/tableAccess.ts';
import { checkStore, indexFileOf } from './storeCheck.ts';
import { StoreFile } from './storeFile.ts';
import { type IndexData, indexProblem } from './storeSchemas.ts';
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
 * The embedded default store: JSON files under the data directory.
 *
 * - `margins.json` holds every record: the drafts' settings, people, sessions, invites, threads,
 *   suggestions, change log and versions; all stores but the drafts' documents write it, through
 *   one `CommitQueue`, so their writes (and transactions) run one at a time and batch together;
 * - `documents/<draftId>.json` holds one draft's Yjs state with its journal, so saving a draft's
 *   text rewrites only its own file (`LowdbDraftStore`).
 *
 * Every file is written to a temporary file, fsynced, and renamed over the old one, which is kept
 * as `<file>.bak` (`writeFileAtomic`): a crash or power cut at any moment leaves the old or the
 * new version, never a torn file. `open` checks every file first (`checkStore`) and refuses a
 * damaged store instead of starting empty.
 */
export class LowdbStorage implements Stores {
  readonly kind = 'lowdb';
  readonly drafts: DraftStore;
  readonly accounts: AccountStore;
  readonly threads: ThreadStore;
  readonly suggestions: SuggestionStore;
  readonly changeLog: ChangeLogStore;
  readonly versions: VersionStore;

  private constructor(
    private readonly queue: CommitQueue,
    private readonly documents: LowdbDraftStore,
  ) {
    const tables = committedTables(queue);
    this.drafts = documents;
    this.accounts = new LowdbAccountStore(tables);
    this.threads = new LowdbThreadStore(tables);
    this.suggestions = new LowdbSuggestionStore(tables);
    this.changeLog = new LowdbChangeLogStore(tables);
    this.versions = new LowdbVersionStore(tables);
  }

  /** Opens the store at `dataDir` (creating a new one there if it holds none); throws `DamagedStoreError`. */
  static async open(dataDir: string): Promise<LowdbStorage> {
    const checked = await checkStore(dataDir);
    await mkdir(path.join(dataDir, 'documents'), { recursive: true });
    const index = new Low<IndexData>(new StoreFile(indexFileOf(dataDir), indexProblem), {
      formatVersion: 1,
      ...emptyTables(),
    });
    if (checked.index) {
      index.data = checked.index;
      upgrade(index.data);
    } else {
      // A new store gets its margins.json at once, so that a missing one always means a lost one.
      await index.write();
    }
    const queue = new CommitQueue(index.data, (tables) => writeIndex(index, tables));
    return new LowdbStorage(queue, new LowdbDraftStore(committedTables(queue), dataDir, checked.savedAt));
  }

  /** One write of margins.json for everything `work` did (see `Stores.transaction`). */
  transaction<R>(work: (tx: StoreTransaction) => Promise<R>): Promise<R> {
    return this.queue.transact((pending) => work(transactionStores(transactionTables(pending))));
  }

  async close(): Promise<void> {
    this.documents.close();
  }
}

function transactionStores(tables: TableAccess): StoreTransaction {
  return {
    changeLog: new LowdbChangeLogStore(tables),
    suggestions: new LowdbSuggestionStore(tables),
    versions: new LowdbVersionStore(tables),
  };
}

/** Writes the tables as margins.json; on failure `index.data` stays what the disk holds. */
async function writeIndex(index: Low<IndexData>, tables: Tables): Promise<void> {
  const previous = index.data;
  index.data = { ...tables, formatVersion: 1 };
  try {
    await index.write();
  } catch (error) {
    index.data = previous;
    throw error;
  }
}

/** Fills in what files written by earlier versions lack (tables, draft visibility and window). */
function upgrade(data: IndexData): void {
  const empty = emptyTables();
  data.users ??= empty.users;
  data.sessions ??= empty.sessions;
  data.invites ??= empty.invites;
  data.threads ??= empty.threads;
  data.comments ??= empty.comments;
  data.suggestions ??= empty.suggestions;
  data.changelog ??= empty.changelog;
  data.versions ??= empty.versions;
  for (const draft of data.drafts) {
    draft.visibility ??= 'public';
    draft.window ??= defaultWindow(new Date(draft.createdAt));
  }
}
