import type { TextQuote } from './anchoring/anchor.ts';
import type { Role } from './roles.ts';

export const MAX_COMMENT_LENGTH = 10_000;
export const MAX_NOTE_LENGTH = 2_000;

export type ThreadStatus = 'open' | 'resolved';

export interface PersonView {
  id: string;
  name: string;
  role: Role;
  organisation: string | null;
}

export interface CommentView {
  id: string;
  author: PersonView;
  /** Plain text; empty once deleted. */
  body: string;
  language: string;
  createdAt: string;
  editedAt: string | null;
  /** A deleted comment stays as "comment removed" so replies keep their context. */
  deleted: boolean;
}

/** A thread as clients see it (REST and the live threads document alike). */
export interface ThreadView {
  id: string;
  draftId: string;
  anchor: { start: string; end: string };
  quote: TextQuote;
  /** The heading the passage was under when the thread started. */
  section: string | null;
  status: ThreadStatus;
  author: PersonView;
  createdAt: string;
  comments: CommentView[];
  resolution: { by: PersonView; at: string; note: string | null } | null;
  /** The published version that was the latest when the thread started (null: none yet). */
  madeOn: VersionRef | null;
}

/** A published version, by id and name. */
export interface VersionRef {
  id: string;
  name: string;
}

/** What `GET …/threads` adds: where the passage is now. */
export interface LocatedThreadView extends ThreadView {
  /** The passage's words were all deleted: shown with its quote, never dropped. */
  detached: boolean;
  /** The mark was lost and the passage was found again by its quote. */
  recovered: boolean;
  currentText: string | null;
}

/** Name of the server-written room holding a draft's threads (`--` never occurs in draft ids). */
export function threadsRoomName(draftId: string): string {
  return `${draftId}--threads`;
}

export function draftIdOfThreadsRoom(room: string): string | undefined {
  return room.endsWith('--threads') ? room.slice(0, -'--threads'.length) : undefined;
}

/** The Y.Map, in the threads room's document, of thread id → ThreadView. */
export const THREADS_MAP = 'threads';
