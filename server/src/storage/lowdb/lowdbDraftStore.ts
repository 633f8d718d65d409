import { access as accessFile } from 'node:fs/promises';
import { DRAFT_ID_PATTERN, type DraftSettings } from '../../../../shared/drafts.ts';
import { unlinkIfPresent } from '../atomicFile.ts';
import {
  type DocumentJournal,
  DraftExistsError,
  type DraftRecord,
  emptyJournal,
  type StoredDocument,
  StrayDocumentError,
  UnknownDraftError,
} from '../storage.ts';
import { documentFileOf } from '../storeCheck.ts';
import { StoreFile } from '../storeFile.ts';
import { type DocumentData, documentProblem } from '../storeSchemas.ts';
import type { DraftStore } from '../stores.ts';
import { at, copy, replaceIn, type TableAccess } from './tableAccess.ts';

/**
 * Drafts on disk: their records in margins.json (the `drafts` table), each one's document in its
 * own file, `documents/<draftId>.json` (state and journal together), so that a text save rewrites
 * that file only, never margins.json. The save time the document file holds (`savedAt`) stands in
 * for the record's `updatedAt` once newer, so a save needs no second write.
 */
export class LowdbDraftStore implements DraftStore {
  /** One writer per document file, so writes of one file run one at a time (they share a temp name). */
  private readonly documents = new Map<string, StoreFile<DocumentData>>();
  /** Ids whose creation is under way, so that a concurrent create of the same id is refused. */
  private readonly creating = new Set<string>();
  /** Draft id → when its document was last saved (what its file's `savedAt` holds). */
  private readonly savedAt: Map<string, string>;

  constructor(
    private readonly access: TableAccess,
    private readonly dataDir: string,
    /** Each document file's `savedAt`, as the store check read them. */
    savedAt: ReadonlyMap<string, string>,
  ) {
    this.savedAt = new Map(savedAt);
  }

  async listDrafts(): Promise<DraftRecord[]> {
    return this.access.tables.drafts.map((d) => this.present(d));
  }

  async getDraft(id: string): Promise<DraftRecord | undefined> {
    const draft = this.access.tables.drafts.find((d) => d.id === id);
    return draft && this.present(draft);
  }

  async createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void> {
    // Checked and claimed synchronously: the id only reaches the index after the awaits below.
    if (this.creating.has(draft.id) || this.access.tables.drafts.some((d) => d.id === draft.id)) {
      throw new DraftExistsError(draft.id);
    }
    this.creating.add(draft.id);
    try {
      const file = documentFileOf(this.dataDir, draft.id);
      if (await exists(file)) throw new StrayDocumentError(draft.id, file);
      // The document is written first: a crash in between leaves a stray file (refused, never
      // written over), not a listed draft without content.
      // Saved "at" the draft's own `updatedAt`, which its document's `savedAt` overrides once newer.
      await this.writeDocument(draft.id, initialState, undefined, draft.updatedAt);
      try {
        await this.access.mutate((t) => {
          if (t.read('drafts').some((d) => d.id === draft.id)) throw new DraftExistsError(draft.id);
          t.change('drafts').push(copy(draft));
        });
      } catch (error) {
        // Answered as failed, so nothing of it may stay (the file is new: no `.bak` to restore).
        await unlinkIfPresent(file);
        this.savedAt.delete(draft.id);
        throw error;
      }
    } finally {
      this.creating.delete(draft.id);
    }
  }

  async updateDraft(id: string, settings: DraftSettings): Promise<DraftRecord> {
    const updated = await this.access.mutate((t) => {
      const next = {
        ...at(
          t.read('drafts'),
          (d) => d.id === id,
          () => new UnknownDraftError(id),
        ),
      };
      if (settings.title !== undefined) next.title = settings.title;
      if (settings.visibility !== undefined) next.visibility = settings.visibility;
      if (settings.window !== undefined) next.window = { ...settings.window };
      return replaceIn(t.change('drafts'), (d) => d.id === id, next);
    });
    return this.present(updated);
  }

  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    return (await this.loadDocumentWithJournal(id)).state;
  }

  async loadJournal(id: string): Promise<DocumentJournal> {
    return (await this.loadDocumentWithJournal(id)).journal;
  }

  async loadDocumentWithJournal(id: string): Promise<StoredDocument> {
    // Ids are checked against DRAFT_ID_PATTERN before they reach a path, so no `..` or `/`.
    const data = DRAFT_ID_PATTERN.test(id) ? await this.documentFile(id).read() : null;
    return {
      state: data ? new Uint8Array(Buffer.from(data.state, 'base64')) : undefined,
      journal: data?.journal ?? emptyJournal(),
    };
  }

  async saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<void> {
    if (!this.access.tables.drafts.some((d) => d.id === id)) throw new UnknownDraftError(id);
    // Only the document file is written: its `savedAt` is the draft's `updatedAt` from now on.
    await this.writeDocument(id, state, journal);
  }

  /** Forgets the open document files (their writes have all been awaited by their callers). */
  close(): void {
    this.documents.clear();
  }

  private present(draft: DraftRecord): DraftRecord {
    const saved = this.savedAt.get(draft.id);
    const record = copy(draft);
    if (saved && saved > record.updatedAt) record.updatedAt = saved;
    return record;
  }

  private async writeDocument(
    id: string,
    state: Uint8Array,
    journal?: DocumentJournal,
    savedAt = new Date().toISOString(),
  ): Promise<void> {
    await this.documentFile(id).write({
      draftId: id,
      state: Buffer.from(state).toString('base64'),
      savedAt,
      journal: journal ?? emptyJournal(),
    });
    const known = this.savedAt.get(id);
    if (!known || savedAt > known) this.savedAt.set(id, savedAt);
  }

  private documentFile(id: string): StoreFile<DocumentData> {
    if (!DRAFT_ID_PATTERN.test(id)) throw new UnknownDraftError(id);
    let file = this.documents.get(id);
    if (!file) {
      file = new StoreFile(documentFileOf(this.dataDir, id), (value) => documentProblem(value, id));
      this.documents.set(id, file);
    }
    return file;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await accessFile(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
