import type { DraftSummary } from '../../../shared/drafts.ts';

/** A draft as stored: its summary. Its document state is stored separately, as bytes. */
export type DraftRecord = DraftSummary;

/**
 * Everything the server keeps on disk goes through this interface, so that a PostgreSQL
 * implementation can replace lowdb without touching the rest. Every implementation must pass
 * `server/test/storageContract.ts`.
 */
export interface Storage {
  listDrafts(): Promise<DraftRecord[]>;
  getDraft(id: string): Promise<DraftRecord | undefined>;
  /** Creates a draft with its initial document state; refuses an id that already exists. */
  createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void>;
  /** The draft's stored Yjs state (a full update), or undefined if none was ever saved. */
  loadDocument(id: string): Promise<Uint8Array | undefined>;
  /** Replaces the draft's stored Yjs state; resolves only once the bytes are durably written. */
  saveDocument(id: string, state: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export class DraftExistsError extends Error {
  constructor(readonly draftId: string) {
    super(`A draft with id "${draftId}" already exists`);
    this.name = 'DraftExistsError';
  }
}

export class UnknownDraftError extends Error {
  constructor(readonly draftId: string) {
    super(`There is no draft with id "${draftId}"`);
    this.name = 'UnknownDraftError';
  }
}
