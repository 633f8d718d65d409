import type { PersonView, ThreadView, VersionRef } from '../../../shared/threads.ts';
import { commentViews, person, versionNames } from '../contributions/views.ts';
import type { CommentRecord, ThreadRecord } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';

/** Turns stored threads and comments into what clients see, authors' names included. */
export async function threadViews(
  storage: Pick<Stores, 'threads' | 'accounts' | 'versions'>,
  draftId: string,
): Promise<ThreadView[]> {
  const [threads, comments, users, versionOf] = await Promise.all([
    storage.threads.listThreads(draftId),
    storage.threads.listComments(draftId),
    storage.accounts.listUsers(),
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
