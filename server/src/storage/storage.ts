import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import type { ChangeLogEntry, TextChange } from '../../../shared/changelog.ts';
import type { DraftSettings, DraftSummary } from '../../../shared/drafts.ts';
import type { AccountRole, Sector } from '../../../shared/roles.ts';
import type { SuggestionAnchor, SuggestionStatus } from '../../../shared/suggestions.ts';
import type { ThreadStatus } from '../../../shared/threads.ts';

/** A draft as stored: its summary. Its document state is stored separately, as bytes. */
export type DraftRecord = DraftSummary;

export interface UserRecord {
  id: string;
  /** Lower-cased; unique. */
  email: string;
  name: string;
  /** argon2id PHC string; never leaves the server. */
  passwordHash: string;
  role: AccountRole;
  organisation: string | null;
  sector: Sector | null;
  country: string | null;
  language: string | null;
  createdAt: string;
}

export interface SessionRecord {
  /** SHA-256 of the cookie's token, so a leaked store does not leak usable sessions. */
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface InviteRecord {
  id: string;
  /** SHA-256 of the link's token. */
  tokenHash: string;
  role: AccountRole;
  /** When set, only this address may use the invite. */
  email: string | null;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedBy: string | null;
}

/** A named, immutable snapshot of a draft's content. */
export interface VersionRecord {
  id: string;
  draftId: string;
  name: string;
  createdBy: string;
  createdAt: string;
  /** The document as ProseMirror JSON. */
  content: unknown;
  /** `seq` of the change-log entry that records the publication. */
  logSeq: number;
}

export interface ThreadRecord {
  id: string;
  draftId: string;
  /** The latest published version when the thread started (older records lack it). */
  versionId?: string | null;
  anchor: Anchor;
  section: string | null;
  status: ThreadStatus;
  createdBy: string;
  createdAt: string;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolutionNote: string | null;
}

export interface SuggestionRecord {
  id: string;
  draftId: string;
  /** The latest published version when the suggestion was made (older records lack it). */
  versionId?: string | null;
  anchor: SuggestionAnchor;
  /** The proposed wording; line breaks start new paragraphs. */
  text: string;
  justification: string | null;
  section: string | null;
  status: SuggestionStatus;
  createdBy: string;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  rationale: string | null;
  /** Once accepted: where the new words went, and the replaced content (a ProseMirror slice as JSON), for revert. */
  applied: { anchor: SuggestionAnchor; replaced: unknown; replacedText: string } | null;
  revertedBy: string | null;
  revertedAt: string | null;
  revertRationale: string | null;
}

export type SuggestionPatch = Partial<
  Pick<
    SuggestionRecord,
    | 'status'
    | 'decidedBy'
    | 'decidedAt'
    | 'rationale'
    | 'applied'
    | 'revertedBy'
    | 'revertedAt'
    | 'revertRationale'
  >
>;

export interface CommentRecord {
  id: string;
  /** The thread, or the suggestion, whose discussion this comment belongs to. */
  threadId: string;
  draftId: string;
  authorId: string;
  body: string;
  language: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/**
 * One person's burst of direct edits that is not in the change log yet. It is stored with the
 * document state it describes, in the same write, so that after a crash the stored text and the
 * bursts that wrote it are always of the same moment (see `changelog/editRecorder.ts`).
 */
export interface StoredBurst {
  id: string;
  userId: string;
  startedAt: string;
  lastAt: string;
  /** Yjs client id → its clock when the burst began: what the person inserted since. */
  clients: Record<string, number>;
  /** What the person deleted in the burst: a Yjs delete set, encoded (`Y.encodeSnapshot`), base64. */
  deletes: string;
}

/**
 * A change the server made to the text (an accepted or reverted suggestion) whose records may not
 * be written yet. It is stored with the text, so that either both survive a crash or, at the next
 * start, the records are completed from it.
 */
export interface StoredIntent {
  id: string;
  kind: 'suggestion.accepted' | 'suggestion.reverted';
  suggestionId: string;
  patch: SuggestionPatch;
  log: {
    userId: string | null;
    at: string;
    section: string | null;
    changes: TextChange[];
    rationale: string | null;
  };
}

/** What is stored beside a document's state, in the same atomic write. */
export interface DocumentJournal {
  /** Yjs client id → the user who writes under it, so edits are attributed by their item ids. */
  authors: Record<string, string>;
  bursts: StoredBurst[];
  intents: StoredIntent[];
}

export function emptyJournal(): DocumentJournal {
  return { authors: {}, bursts: [], intents: [] };
}

/**
 * Everything the server keeps on disk goes through this interface, so that a PostgreSQL
 * implementation can replace lowdb without touching the rest. Every implementation must pass
 * `server/test/storageContract.ts`.
 */
/** A draft's stored Yjs state (undefined if none was ever saved) and its journal. */
export interface StoredDocument {
  state: Uint8Array | undefined;
  journal: DocumentJournal;
}

export interface Storage {
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
  /** Both at once, as a draft is opened (one read of the stored file). */
  loadDocumentWithJournal(id: string): Promise<StoredDocument>;
  /**
   * Replaces the draft's stored Yjs state and its journal (an empty one when left out) in one
   * atomic write; resolves only once both are durably written.
   */
  saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<void>;

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

  /** Stores a thread with its first comment. */
  createThread(thread: ThreadRecord, first: CommentRecord): Promise<void>;
  getThread(id: string): Promise<ThreadRecord | undefined>;
  listThreads(draftId: string): Promise<ThreadRecord[]>;
  updateThread(
    id: string,
    patch: Partial<Pick<ThreadRecord, 'status' | 'resolvedBy' | 'resolvedAt' | 'resolutionNote'>>,
  ): Promise<ThreadRecord>;
  addComment(comment: CommentRecord): Promise<void>;
  getComment(id: string): Promise<CommentRecord | undefined>;
  /** Comments of a draft (all threads), oldest first. */
  listComments(draftId: string): Promise<CommentRecord[]>;
  updateComment(
    id: string,
    patch: Partial<Pick<CommentRecord, 'body' | 'editedAt' | 'deletedAt'>>,
  ): Promise<CommentRecord>;

  createSuggestion(suggestion: SuggestionRecord): Promise<void>;
  getSuggestion(id: string): Promise<SuggestionRecord | undefined>;
  listSuggestions(draftId: string): Promise<SuggestionRecord[]>;
  updateSuggestion(id: string, patch: SuggestionPatch): Promise<SuggestionRecord>;

  /**
   * Appends to a draft's change log; refuses (`LogConflictError`) an entry whose `seq` is not the
   * next one, so two writers can never fork the chain.
   */
  appendLogEntry(entry: ChangeLogEntry): Promise<void>;
  /** A draft's change log, in order. */
  listLog(draftId: string): Promise<ChangeLogEntry[]>;
  /** The last entry of a draft's change log (what the next one chains to). */
  lastLogEntry(draftId: string): Promise<ChangeLogEntry | undefined>;

  createVersion(version: VersionRecord): Promise<void>;
  getVersion(id: string): Promise<VersionRecord | undefined>;
  /** A draft's versions, oldest first. */
  listVersions(draftId: string): Promise<VersionRecord[]>;

  close(): Promise<void>;
}

export class LogConflictError extends Error {
  constructor(
    readonly draftId: string,
    readonly seq: number,
  ) {
    super(`Change log entry ${seq} of "${draftId}" is not the next one`);
    this.name = 'LogConflictError';
  }
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

export class EmailTakenError extends Error {
  constructor(readonly email: string) {
    super(`An account with the address ${email} already exists`);
    this.name = 'EmailTakenError';
  }
}

export class UnknownUserError extends Error {
  constructor(readonly userId: string) {
    super(`There is no user ${userId}`);
    this.name = 'UnknownUserError';
  }
}

export class UnknownRecordError extends Error {
  constructor(
    readonly kind: 'thread' | 'comment' | 'suggestion',
    readonly id: string,
  ) {
    super(`There is no ${kind} ${id}`);
    this.name = 'UnknownRecordError';
  }
}

/**
 * A store file that cannot be what Margins wrote (empty, cut short, zero-filled, `null`, wrong
 * shape, undecodable document state). Start-up stops on it instead of starting empty or seeding
 * over it; the message names the file, what is wrong, and how to recover.
 */
export class DamagedStoreError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    /** Where the previous good version is kept, when there is one. */
    readonly previousGood: string | undefined,
  ) {
    const recovery = previousGood
      ? `restore it from a backup, or use the previous good version kept beside it (${previousGood})`
      : 'restore it from a backup (one made with npm run backup)';
    super(
      `The store file ${file} is damaged: ${problem}. Nothing was changed; ${recovery}, then start again.`,
    );
    this.name = 'DamagedStoreError';
  }
}

/**
 * A draft's document file exists although no draft record lists it (a creation interrupted
 * between its two writes, or records lost): creating the draft would write over it, so it is refused.
 */
export class StrayDocumentError extends Error {
  constructor(
    readonly draftId: string,
    readonly file: string,
  ) {
    super(
      `${file} exists but no draft "${draftId}" is listed, so nothing was written over it. ` +
        'Move that file away to create the draft anew, or restore the store from a backup.',
    );
    this.name = 'StrayDocumentError';
  }
}
