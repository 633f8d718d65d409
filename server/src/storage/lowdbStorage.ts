import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { defaultWindow } from '../../../shared/consultation.ts';
import { DRAFT_ID_PATTERN } from '../../../shared/drafts.ts';
import { unlinkIfPresent } from './atomicFile.ts';
import { emptyTables, type Tables } from './commitQueue.ts';
import { RecordTables } from './recordTables.ts';
import {
  type DocumentJournal,
  DraftExistsError,
  type DraftRecord,
  emptyJournal,
  type Storage,
  type StoredDocument,
  StrayDocumentError,
  UnknownDraftError,
} from './storage.ts';
import { checkStore, documentFileOf, indexFileOf } from './storeCheck.ts';
import { StoreFile } from './storeFile.ts';
import { type DocumentData, documentProblem, type IndexData, indexProblem } from './storeSchemas.ts';

/**
 * The embedded default store: JSON files under the data directory.
 *
 * - `margins.json` holds the drafts' settings, people, sessions, invites, threads, suggestions,
 *   change log and versions;
 * - `documents/<draftId>.json` holds one draft's Yjs state with its journal, so saving a draft
 *   rewrites only its own file.
 *
 * Every file is written to a temporary file, fsynced, and renamed over the old one, which is kept
 * as `<file>.bak` (`writeFileAtomic`): a crash or power cut at any moment leaves the old or the
 * new version, never a torn file. `open` checks every file first (`checkStore`) and refuses a
 * damaged store instead of starting empty.
 */
export class LowdbStorage extends RecordTables implements Storage {
  /** One writer per document file, so writes of one file run one at a time (they share a temp name). */
  private readonly documents = new Map<string, StoreFile<DocumentData>>();
  /** Ids whose creation is under way, so that a concurrent create of the same id is refused. */
  private readonly creating = new Set<string>();

  private constructor(
    private readonly dir: string,
    index: Low<IndexData>,
    savedAt: Map<string, string>,
  ) {
    super(index.data, (tables) => writeIndex(index, tables));
    for (const [id, at] of savedAt) this.documentSaved(id, at);
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
    return new LowdbStorage(dataDir, index, checked.savedAt);
  }

  async createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void> {
    // Checked and claimed synchronously: the id only reaches the index after the awaits below.
    if (this.creating.has(draft.id) || this.tables.drafts.some((d) => d.id === draft.id)) {
      throw new DraftExistsError(draft.id);
    }
    this.creating.add(draft.id);
    try {
      const file = documentFileOf(this.dir, draft.id);
      if (await exists(file)) throw new StrayDocumentError(draft.id, file);
      // The document is written first: a crash in between leaves a stray file (refused, never
      // written over), not a listed draft without content.
      // Saved "at" the draft's own `updatedAt`, which its document's `savedAt` overrides once newer.
      await this.writeDocument(draft.id, initialState, undefined, draft.updatedAt);
      try {
        await this.addDraft(draft);
      } catch (error) {
        // Answered as failed, so nothing of it may stay (the file is new: no `.bak` to restore).
        await unlinkIfPresent(file);
        throw error;
      }
    } finally {
      this.creating.delete(draft.id);
    }
  }

  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    const data = await this.readDocument(id);
    return data ? new Uint8Array(Buffer.from(data.state, 'base64')) : undefined;
  }

  async loadJournal(id: string): Promise<DocumentJournal> {
    return (await this.readDocument(id))?.journal ?? emptyJournal();
  }

  async loadDocumentWithJournal(id: string): Promise<StoredDocument> {
    const data = await this.readDocument(id);
    return {
      state: data ? new Uint8Array(Buffer.from(data.state, 'base64')) : undefined,
      journal: data?.journal ?? emptyJournal(),
    };
  }

  async saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<void> {
    if (!this.tables.drafts.some((d) => d.id === id)) throw new UnknownDraftError(id);
    // Only the document file is written: its `savedAt` is the draft's `updatedAt` from now on.
    this.documentSaved(id, await this.writeDocument(id, state, journal));
  }

  async close(): Promise<void> {
    this.documents.clear();
  }

  private async readDocument(id: string): Promise<DocumentData | null> {
    // Ids are checked against DRAFT_ID_PATTERN before they reach a path, so no `..` or `/`.
    if (!DRAFT_ID_PATTERN.test(id)) return null;
    return this.documentFile(id).read();
  }

  private async writeDocument(
    id: string,
    state: Uint8Array,
    journal?: DocumentJournal,
    savedAt = new Date().toISOString(),
  ): Promise<string> {
    await this.documentFile(id).write({
      draftId: id,
      state: Buffer.from(state).toString('base64'),
      savedAt,
      journal: journal ?? emptyJournal(),
    });
    return savedAt;
  }

  private documentFile(id: string): StoreFile<DocumentData> {
    if (!DRAFT_ID_PATTERN.test(id)) throw new UnknownDraftError(id);
    let file = this.documents.get(id);
    if (!file) {
      file = new StoreFile(documentFileOf(this.dir, id), (value) => documentProblem(value, id));
      this.documents.set(id, file);
    }
    return file;
  }
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

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
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
