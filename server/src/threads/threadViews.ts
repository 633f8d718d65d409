import * as Y from 'yjs';
import { SUGGESTIONS_MAP, type SuggestionView } from '../../../shared/suggestions.ts';
import {
  type CommentView,
  type PersonView,
  THREADS_MAP,
  type ThreadView,
  type VersionRef,
} from '../../../shared/threads.ts';
import type { CommentRecord, Storage, ThreadRecord, UserRecord } from '../storage/storage.ts';
import { suggestionViews } from '../suggestions/suggestionViews.ts';

const GONE: PersonView = { id: '', name: '', role: 'visitor', organisation: null };

export function person(user: UserRecord | undefined): PersonView {
  if (!user) return GONE;
  return { id: user.id, name: user.name, role: user.role, organisation: user.organisation };
}

/** Turns stored threads and comments into what clients see, authors' names included. */
export async function threadViews(storage: Storage, draftId: string): Promise<ThreadView[]> {
  const [threads, comments, users, versionOf] = await Promise.all([
    storage.listThreads(draftId),
    storage.listComments(draftId),
    storage.listUsers(),
    versionNames(storage, draftId),
  ]);
  const byId = new Map(users.map((user) => [user.id, user]));
  const byThread = new Map<string, CommentRecord[]>();
  for (const comment of comments) {
    const list = byThread.get(comment.threadId) ?? [];
    list.push(comment);
    byThread.set(comment.threadId, list);
  }
  return threads.map((thread) =>
    toView(thread, byThread.get(thread.id) ?? [], (id) => person(byId.get(id)), versionOf),
  );
}

export function toView(
  thread: ThreadRecord,
  comments: CommentRecord[],
  personOf: (userId: string) => PersonView,
  versionOf: (versionId: string | null | undefined) => VersionRef | null = () => null,
): ThreadView {
  return {
    id: thread.id,
    draftId: thread.draftId,
    anchor: { start: thread.anchor.start, end: thread.anchor.end },
    quote: thread.anchor.quote,
    section: thread.section,
    status: thread.status,
    author: personOf(thread.createdBy),
    createdAt: thread.createdAt,
    comments: commentViews(comments, personOf),
    resolution:
      thread.status === 'resolved' && thread.resolvedBy && thread.resolvedAt
        ? { by: personOf(thread.resolvedBy), at: thread.resolvedAt, note: thread.resolutionNote }
        : null,
    madeOn: versionOf(thread.versionId),
  };
}

/** Looks up a draft's published versions by id, for the "made on version…" of contributions. */
export async function versionNames(
  storage: Storage,
  draftId: string,
): Promise<(versionId: string | null | undefined) => VersionRef | null> {
  const names = new Map((await storage.listVersions(draftId)).map((v) => [v.id, v.name]));
  return (versionId) => {
    const name = versionId ? names.get(versionId) : undefined;
    return versionId && name !== undefined ? { id: versionId, name } : null;
  };
}

/** Comments as clients see them, oldest first; a deleted one keeps its place without its words. */
export function commentViews(
  comments: CommentRecord[],
  personOf: (userId: string) => PersonView,
): CommentView[] {
  return [...comments]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((comment) => ({
      id: comment.id,
      author: personOf(comment.authorId),
      body: comment.deletedAt ? '' : comment.body,
      language: comment.language,
      createdAt: comment.createdAt,
      editedAt: comment.editedAt,
      deleted: comment.deletedAt !== null,
    }));
}

/**
 * The threads document of a draft, built from its stored threads and suggestions (see
 * RoomRegistry).
 */
export async function threadsDocState(storage: Storage, draftId: string): Promise<Uint8Array> {
  const doc = new Y.Doc();
  const map = doc.getMap<ThreadView>(THREADS_MAP);
  for (const view of await threadViews(storage, draftId)) map.set(view.id, view);
  const suggestions = doc.getMap<SuggestionView>(SUGGESTIONS_MAP);
  for (const view of await suggestionViews(storage, draftId)) suggestions.set(view.id, view);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
