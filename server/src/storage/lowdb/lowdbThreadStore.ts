import { type CommentRecord, type ThreadRecord, UnknownRecordError } from '../storage.ts';
import type { ThreadStore } from '../stores.ts';
import { at, copy, maybeCopy, replaceIn, type TableAccess } from './tableAccess.ts';

/** Threads and comments as tables of margins.json; a thread and its first comment in one write. */
export class LowdbThreadStore implements ThreadStore {
  constructor(private readonly access: TableAccess) {}

  async createThread(thread: ThreadRecord, first: CommentRecord): Promise<void> {
    await this.access.mutate((t) => {
      t.change('threads').push(copy(thread));
      t.change('comments').push(copy(first));
    });
  }

  async getThread(id: string): Promise<ThreadRecord | undefined> {
    return maybeCopy(this.access.tables.threads.find((t) => t.id === id));
  }

  async listThreads(draftId: string): Promise<ThreadRecord[]> {
    return this.access.tables.threads.filter((t) => t.draftId === draftId).map(copy);
  }

  async updateThread(
    id: string,
    patch: Partial<Pick<ThreadRecord, 'status' | 'resolvedBy' | 'resolvedAt' | 'resolutionNote'>>,
  ): Promise<ThreadRecord> {
    return this.access.mutate((t) => {
      const thread = at(
        t.read('threads'),
        (r) => r.id === id,
        () => new UnknownRecordError('thread', id),
      );
      return copy(replaceIn(t.change('threads'), (r) => r.id === id, { ...thread, ...copy(patch) }));
    });
  }

  async addComment(comment: CommentRecord): Promise<void> {
    await this.access.mutate((t) => {
      t.change('comments').push(copy(comment));
    });
  }

  async getComment(id: string): Promise<CommentRecord | undefined> {
    return maybeCopy(this.access.tables.comments.find((c) => c.id === id));
  }

  async listComments(draftId: string): Promise<CommentRecord[]> {
    return this.access.tables.comments.filter((c) => c.draftId === draftId).map(copy);
  }

  async updateComment(
    id: string,
    patch: Partial<Pick<CommentRecord, 'body' | 'editedAt' | 'deletedAt'>>,
  ): Promise<CommentRecord> {
    return this.access.mutate((t) => {
      const comment = at(
        t.read('comments'),
        (c) => c.id === id,
        () => new UnknownRecordError('comment', id),
      );
      return copy(replaceIn(t.change('comments'), (c) => c.id === id, { ...comment, ...copy(patch) }));
    });
  }
}
