import type * as Y from 'yjs';
import type { StoredIntent } from '../storage/storage.ts';
import type { ServerChange } from './origins.ts';

/**
 * One draft's live document, held loaded while a service reads or changes it. Changes are Yjs
 * transactions with one of the server's origins (`origins.ts`); they reach every connected
 * client as any edit does.
 */
export interface LiveDraft {
  /** The live document, its stored state applied. */
  readonly liveDoc: Y.Doc;
  /**
   * Stores the document now, with `intent` (the records that describe the server's change) in
   * the same write; resolves once both are on disk, so the change can be answered.
   */
  commit(intent?: StoredIntent): Promise<void>;
  /** The records of `intentId` are stored: it leaves the document's journal. */
  settleIntent(intentId: string): void;
}

/**
 * What services that read or change live drafts (threads, suggestions, versions, exports) may
 * ask of the sync core. They never see rooms, peers or sockets.
 */
export interface LiveDrafts {
  /**
   * Runs `work` on the draft's live document, loading it if needed and keeping it loaded until
   * `work` ends. Undefined when there is no such draft.
   */
  use<T>(draftId: string, work: (draft: LiveDraft) => T | Promise<T>): Promise<T | undefined>;
  /**
   * Closes the draft's open edit bursts and saves it, if it is loaded: before anything that must
   * come after its edits in the change log (a version, an export, the window closing).
   */
  settle(draftId: string): Promise<void>;
  /**
   * Changes the draft's side channel (the threads document its readers have open) in one
   * transaction with `origin`, if anyone has it open; otherwise does nothing, since the side
   * channel is rebuilt from the stored records when it is next opened.
   */
  publish(draftId: string, origin: ServerChange, change: (sideChannel: Y.Doc) => void): void;
  /**
   * Tells the other instances serving the draft that one view of its side channel changed, so
   * they rebuild it from the stored records (nothing to do with one instance).
   */
  announceView(change: { draftId: string; what: 'thread' | 'suggestion'; id: string }): void;
}
