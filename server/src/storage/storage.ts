import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import type { TextChange } from '../../../shared/changelog.ts';
import type { DraftSummary } from '../../../shared/drafts.ts';
import type { AccountRole, Sector } from '../../../shared/roles.ts';
import type { SuggestionAnchor, SuggestionStatus } from '../../../shared/suggestions.ts';
import type { ThreadStatus } from '../../../shared/threads.ts';

// What the stores keep (their interfaces are in stores.ts), and the errors they refuse with.

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

/** A draft's stored Yjs state (undefined if none was ever saved) and its journal. */
export interface StoredDocument {
  state: Uint8Array | undefined;
  journal: DocumentJournal;
  /** With an update log: the seq of the last logged update `state` holds (0 for none). */
  seq?: number;
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

/**
 * The store could not be reached (PostgreSQL down, restarting, or out of connections): nothing
 * of the operation was done. Requests answer 503 `store_unavailable` with Retry-After.
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The store cannot be reached', { cause });
    this.name = 'StoreUnavailableError';
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
