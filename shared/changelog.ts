import type { Role } from './roles.ts';

/** Everything the change log records. */
export const CHANGE_TYPES = [
  'consultation.opened',
  'consultation.closed',
  'version.published',
  'suggestion.made',
  'suggestion.accepted',
  'suggestion.rejected',
  'suggestion.withdrawn',
  'suggestion.reverted',
  'thread.opened',
  'thread.resolved',
  'thread.reopened',
  'edit',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** Who did it, as they were at the time (null: Margins itself, e.g. a window opening on schedule). */
export interface LogActor {
  id: string;
  name: string;
  role: Role;
  organisation: string | null;
}

/** One changed paragraph (or passage): its section and its text before and after. */
export interface TextChange {
  section: string | null;
  before: string;
  after: string;
}

/** An entry as it is hashed: everything but its own hash. */
export interface UnsealedEntry {
  /** 1, 2, 3… per draft, with no gaps. */
  seq: number;
  /** ISO 8601 time. */
  at: string;
  draftId: string;
  actor: LogActor | null;
  type: ChangeType;
  /** The heading above what changed (for several paragraphs: the first one's). */
  section: string | null;
  /** Before/after text where relevant (edits, accepted and reverted suggestions); else empty. */
  changes: TextChange[];
  /** The reason given (a rejection's rationale, a resolution note…), if any. */
  rationale: string | null;
  /** What the entry is about, where relevant. */
  threadId: string | null;
  suggestionId: string | null;
  versionId: string | null;
  /** A short free text the type needs (a version's name, a suggestion's proposed wording…). */
  detail: string | null;
  /** `hash` of the previous entry, or GENESIS_HASH for the first. */
  prevHash: string;
  /**
   * For an edit: the burst it records, with when its first and last edits were made (`at` is the
   * last). Entries written before bursts were timed lack it.
   */
  burst?: EditBurst;
}

/** One person's run of direct edits, as an edit entry records it. */
export interface EditBurst {
  id: string;
  startedAt: string;
  endedAt: string;
}

/**
 * An entry of a draft's append-only change log. `hash` is the SHA-256 (hex) of the RFC 8785
 * canonical JSON of the entry without `hash`; each entry carries the previous one's, so changing,
 * removing or reordering any entry of a published export breaks the chain from there on.
 */
export interface ChangeLogEntry extends UnsealedEntry {
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** `changelog.json`: what `npm run verify-log` checks. */
export interface ChangeLogExport {
  format: 'margins-changelog';
  version: 1;
  draftId: string;
  title: string;
  exportedAt: string;
  hashAlgorithm: 'SHA-256';
  canonicalization: 'RFC 8785';
  entries: ChangeLogEntry[];
}
