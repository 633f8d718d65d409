import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { defaultWindow } from '../../../shared/consultation.ts';
import { DRAFT_ID_PATTERN } from '../../../shared/drafts.ts';
import { emptyTables, RecordTables, type Tables } from './recordTables.ts';
import {
  type DocumentJournal,
  DraftExistsError,
  type DraftRecord,
  emptyJournal,
  type Storage,
  UnknownDraftError,
} from './storage.ts';

interface IndexData extends Tables {
  formatVersion: 1;
}

interface DocumentData {
  draftId: string;
  /** The Yjs state as one compacted update, base64-encoded (JSON has no bytes). */
  state: string;
  savedAt: string;
  /** Edit bursts and server changes not yet in the records (files written before it lack it). */
  journal?: DocumentJournal;
}

/**
 * The embedded default store: lowdb JSON files under the data directory.
 *
 * - `margins.json` holds the drafts' settings, people, sessions and invites;
 * - `documents/<draftId>.json` holds one draft's Yjs state, so saving a draft rewrites only its
 *   own file.
 *
 * lowdb (through steno) writes each file to a temporary file and renames it over the old one,
 * so a crash at any moment leaves either the old or the new version, never a torn file.
 */
export class LowdbStorage extends RecordTables implements Storage {
  private constructor(
    private readonly dir: string,
    private readonly index: Low<IndexData>,
  ) {
    super(index.data, () => index.write());
  }

  /** One lowdb file per document, opened once: two writers on one path would race on its temp file. */
  private readonly documents = new Map<string, Promise<Low<DocumentData | null>>>();
  /** Ids whose creation is under way, so that a concurrent create of the same id is refused. */
  private readonly creating = new Set<string>();

  static async open(dataDir: string): Promise<LowdbStorage> {
    await mkdir(path.join(dataDir, 'documents'), { recursive: true });
    const index = new Low<IndexData>(new JSONFile(path.join(dataDir, 'margins.json')), {
      formatVersion: 1,
      ...emptyTables(),
    });
    await index.read();
    upgrade(index.data);
    return new LowdbStorage(dataDir, index);
  }

  async createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void> {
    // Checked and claimed synchronously: the id only reaches the index after the awaits below.
    if (this.creating.has(draft.id) || this.index.data.drafts.some((d) => d.id === draft.id)) {
      throw new DraftExistsError(draft.id);
    }
    this.creating.add(draft.id);
    try {
      // The document is written first: a crash in between leaves an orphan file, never a listed
      // draft without content.
      await this.writeDocument(draft.id, initialState);
      this.index.data.drafts.push({ ...draft });
      await this.index.write();
    } finally {
      this.creating.delete(draft.id);
    }
  }

  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    if (!DRAFT_ID_PATTERN.test(id)) return undefined;
    const file = await this.documentFile(id);
    return file.data ? new Uint8Array(Buffer.from(file.data.state, 'base64')) : undefined;
  }

  async loadJournal(id: string): Promise<DocumentJournal> {
    if (!DRAFT_ID_PATTERN.test(id)) return emptyJournal();
    const file = await this.documentFile(id);
    return structuredClone(file.data?.journal ?? emptyJournal());
  }

  async saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<void> {
    const draft = this.index.data.drafts.find((d) => d.id === id);
    if (!draft) throw new UnknownDraftError(id);
    const savedAt = await this.writeDocument(id, state, journal);
    draft.updatedAt = savedAt;
    await this.index.write();
  }

  async close(): Promise<void> {
    this.documents.clear();
  }

  private async writeDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<string> {
    const file = await this.documentFile(id);
    const savedAt = new Date().toISOString();
    file.data = {
      draftId: id,
      state: Buffer.from(state).toString('base64'),
      savedAt,
      journal: structuredClone(journal ?? emptyJournal()),
    };
    await file.write();
    return savedAt;
  }

  private async documentFile(id: string): Promise<Low<DocumentData | null>> {
    // Ids are checked against DRAFT_ID_PATTERN before they reach a path, so no `..` or `/`.
    if (!DRAFT_ID_PATTERN.test(id)) throw new UnknownDraftError(id);
    // The promise is cached, not the opened file, so that concurrent first uses share one file.
    let file = this.documents.get(id);
    if (!file) {
      const low = new Low<DocumentData | null>(
        new JSONFile(path.join(this.dir, 'documents', `${id}.json`)),
        null,
      );
      file = low.read().then(() => low);
      this.documents.set(id, file);
      file.catch(() => this.documents.delete(id));
    }
    return file;
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
