import type { ChangeLogEntry } from '../../../shared/changelog.ts';
import type { DraftSettings } from '../../../shared/drafts.ts';
import type { AccountRole } from '../../../shared/roles.ts';
import type {
  CommentRecord,
  DocumentJournal,
  DraftRecord,
  InviteRecord,
  SessionRecord,
  StoredDocument,
  SuggestionPatch,
  SuggestionRecord,
  ThreadRecord,
  UserRecord,
  VersionRecord,
} from './storage.ts';

// Everything the server keeps goes through these stores, one per capability, so that a backend
// (lowdb today, PostgreSQL next) can arrive one store at a time. Each store has its contract
// suite in server/test/contracts/, which every implementation must pass; services receive only
// the stores they use (`Pick<Stores, …>`), wired in marginsServer.ts.

/** Drafts: their settings, and each one's document (its Yjs state with the journal stored beside it). */
export interface DraftStore {
  listDrafts(): Promise<DraftRecord[]>;
  getDraft(id: string): Promise<DraftRecord | undefined>;
  /** Creates a draft with its initial document state; refuses an id that already exists. */
  createDraft(draft: DraftRecord, initialState: Uint8Array): Promise<void>;
  /** Changes a draft's title, visibility or consultation window; returns the updated draft. */
  updateDraft(id: string, settings: DraftSettings): Promise<DraftRecord>;
  /** The draft's stored Yjs state (a full update), or undefined if none was ever saved. */
  loadDocument(id: string): Promise<Uint8Array | undefined>;
  /** The journal stored with the draft's state (empty when none was ever saved). */
  loadJournal(id: string): Promise<DocumentJournal>;
  /** Both at once, as a draft is opened (one read of the stored document). */
  loadDocumentWithJournal(id: string): Promise<StoredDocument>;
  /**
   * Replaces the draft's stored Yjs state and its journal (an empty one when left out) in one
   * atomic write, and nothing else (a text save writes no other record); resolves only once both
   * are durably written. The draft's `updatedAt` follows the save.
   *
   * With an update log (`Stores.updateLog`), `covers` is the seq up to which `state` holds every
   * logged update: they are compacted into it, unless another instance's save already covers
   * more (then the state is left as it is, and only the journal written). Journals are each
   * instance's own there: a save writes this instance's.
   */
  saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal, covers?: number): Promise<void>;
}

/** One update of a draft as its update log keeps it. */
export interface LoggedUpdate {
  /** Its place in the draft's log: 1, 2, 3… with no gap. */
  seq: number;
  update: Uint8Array;
  /** Who wrote it; null for the server's own changes. */
  userId: string | null;
}

/**
 * Each live draft's accepted updates, in the order they were accepted, for backends that several
 * instances share (PostgreSQL). Every update is appended before anyone else is sent it; a save
 * (`DraftStore.saveDocument` with `covers`) compacts the log into the stored state. Loading
 * gives the state with the later updates merged in, and the seq it reaches (`StoredDocument.seq`).
 */
export interface UpdateLogStore {
  /**
   * Appends `update` after the draft's last one and resolves with its seq once committed; seqs
   * of one draft commit in order, so every smaller seq is stored by then.
   */
  appendUpdate(draftId: string, update: Uint8Array, userId: string | null): Promise<number>;
  /** The draft's stored updates after `seq`, in order (none that a save has compacted). */
  updatesAfter(draftId: string, seq: number): Promise<LoggedUpdate[]>;
  /**
   * What a document that holds every update up to `seq` lacks, in order: the later updates, led
   * by the compacted state (as the update of the seq it covers) when a save has compacted some of them.
   */
  missingAfter(draftId: string, seq: number): Promise<{ seq: number; update: Uint8Array }[]>;
  /** The seq of each draft's last stored update (0 when it has none). */
  lastSeqs(draftIds: readonly string[]): Promise<Map<string, number>>;
}

/** People, their sessions, and invitations to join. */
export interface AccountStore {
  /** Refuses an email already in use (`EmailTakenError`). */
  createUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  setUserRole(id: string, role: AccountRole): Promise<UserRecord>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  deleteSession(id: string): Promise<void>;

  createInvite(invite: InviteRecord): Promise<void>;
  findInviteByTokenHash(tokenHash: string): Promise<InviteRecord | undefined>;
  listInvites(): Promise<InviteRecord[]>;
  /** Marks an unused invite used; false if it was already used (only one caller can win). */
  claimInvite(id: string, userId: string, at: string): Promise<boolean>;
}

/**
 * Comment threads, and the comments of every discussion: a thread's, and a suggestion's replies
 * (a comment's `threadId` names either). That the thread or suggestion exists is checked by the
 * service before it adds a comment: neither is ever deleted, so the check cannot go stale.
 */
export interface ThreadStore {
  /** Stores a thread with its first comment, both or neither. */
  createThread(thread: ThreadRecord, first: CommentRecord): Promise<void>;
  getThread(id: string): Promise<ThreadRecord | undefined>;
  listThreads(draftId: string): Promise<ThreadRecord[]>;
  updateThread(
    id: string,
    patch: Partial<Pick<ThreadRecord, 'status' | 'resolvedBy' | 'resolvedAt' | 'resolutionNote'>>,
  ): Promise<ThreadRecord>;
  addComment(comment: CommentRecord): Promise<void>;
  getComment(id: string): Promise<CommentRecord | undefined>;
  /** Comments of a draft (all its discussions), in the order they were added. */
  listComments(draftId: string): Promise<CommentRecord[]>;
  updateComment(
    id: string,
    patch: Partial<Pick<CommentRecord, 'body' | 'editedAt' | 'deletedAt'>>,
  ): Promise<CommentRecord>;
}

/** Suggested edits and the decisions on them. */
export interface SuggestionStore {
  createSuggestion(suggestion: SuggestionRecord): Promise<void>;
  getSuggestion(id: string): Promise<SuggestionRecord | undefined>;
  listSuggestions(draftId: string): Promise<SuggestionRecord[]>;
  updateSuggestion(id: string, patch: SuggestionPatch): Promise<SuggestionRecord>;
}

/** Each draft's append-only, hash-chained change log. */
export interface ChangeLogStore {
  /**
   * Appends to a draft's change log; refuses (`LogConflictError`) an entry whose `seq` is not the
   * next one, so two writers can never fork the chain.
   */
  appendLogEntry(entry: ChangeLogEntry): Promise<void>;
  /** A draft's change log, in order. */
  listLog(draftId: string): Promise<ChangeLogEntry[]>;
  /** The last entry of a draft's change log (what the next one chains to). */
  lastLogEntry(draftId: string): Promise<ChangeLogEntry | undefined>;
}

/** Named, immutable snapshots of drafts. */
export interface VersionStore {
  createVersion(version: VersionRecord): Promise<void>;
  getVersion(id: string): Promise<VersionRecord | undefined>;
  /** A draft's versions, oldest first. */
  listVersions(draftId: string): Promise<VersionRecord[]>;
}

/**
 * The stores whose writes must sometimes land together: a change-log entry with the record it
 * tells of (a suggestion's decision, a published version). See `Stores.transaction`.
 */
export interface StoreTransaction {
  readonly changeLog: ChangeLogStore;
  readonly suggestions: SuggestionStore;
  readonly versions: VersionStore;
}

/** One backend's stores, as the composition root hands them out. */
export interface Stores {
  readonly drafts: DraftStore;
  readonly accounts: AccountStore;
  readonly threads: ThreadStore;
  readonly suggestions: SuggestionStore;
  readonly changeLog: ChangeLogStore;
  readonly versions: VersionStore;
  /** Only in backends that several instances share: see `UpdateLogStore`. */
  readonly updateLog?: UpdateLogStore;
  /**
   * Atomic writes across stores. `work` reads and writes through `tx` only; everything it wrote
   * is committed at once when it resolves (durably, before this resolves), or not at all when it
   * throws or the commit fails. Until then nobody else sees its writes, and no other write of the
   * stores in `tx` lands in between (transactions and writes of those stores run one at a time),
   * so what `work` read is still true when it commits. Do not call the outer stores' writes or
   * start another transaction inside `work`: they wait for it, and it would wait for them.
   *
   * Only the stores in `StoreTransaction` take part, so they must come from one backend (lowdb
   * keeps them in margins.json, written once per commit; PostgreSQL would use BEGIN…COMMIT).
   * A document state never does: what must reach the records with it is stored in its journal,
   * in the same write, and completed from there after a crash (see `StoredIntent`).
   */
  transaction<R>(work: (tx: StoreTransaction) => Promise<R>): Promise<R>;
  /** Releases the backend; callers first wait for their own writes (every write resolves once durable). */
  close(): Promise<void>;
  /**
   * Runs `work` while no other instance sharing the store runs work under the same `key` (a
   * lock in the store, released if this instance dies). Backends of one process have none: one
   * instance orders its own work.
   */
  exclusive?<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Which backend this is, for health reports. */
  readonly kind?: 'lowdb' | 'memory' | 'postgres';
  /** Resolves if the store can be reached now (one round trip); backends in this process have none. */
  ping?(): Promise<void>;
}
