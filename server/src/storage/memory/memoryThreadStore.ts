import { type CommentRecord, type ThreadRecord, UnknownRecordError } from '../storage.ts';
import type { ThreadStore } from '../stores.ts';
import { copy, maybeCopy, type WriteGate } from './writeGate.ts';

/** Threads and comments in process memory, kept by id in the order they were added. */
export class MemoryThreadStore implements ThreadStore {
  private readonly threads = new Map<string, ThreadRecord>();
  private readonly comments = new Map<string, CommentRecord>();

  constructor(private readonly gate: WriteGate) {}

  createThread(thread: ThreadRecord, first: CommentRecord): Promise<void> {
    return this.gate.run(() => {
      this.threads.set(thread.id, copy(thread));
      this.comments.set(first.id, copy(first));
    });
  }

  async getThread(id: string): Promise<ThreadRecord | undefined> {
    return maybeCopy(this.threads.get(id));
  }

  async listThreads(draftId: string): Promise<ThreadRecord[]> {
    return [...this.threads.values()].filter((t) => t.draftId === draftId).map(copy);
  }

  updateThread(
    id: string,
    patch: Partial<Pick<ThreadRecord, 'status' | 'resolvedBy' | 'resolvedAt' | 'resolutionNote'>>,
  ): Promise<ThreadRecord> {
    return this.gate.run(() => {
      const thread = this.threads.get(id);
      if (!thread) throw new UnknownRecordError('thread', id);
      const next = { ...thread, ...copy(patch) };
      this.threads.set(id, next);
      return copy(next);
    });
  }

  addComment(comment: CommentRecord): Promise<void> {
    return this.gate.run(() => {
      this.comments.set(comment.id, copy(comment));
    });
  }

  async getComment(id: string): Promise<CommentRecord | undefined> {
    return maybeCopy(this.comments.get(id));
  }

  async listComments(draftId: string): Promise<CommentRecord[]> {
    return [...this.comments.values()].filter((c) => c.draftId === draftId).map(copy);
  }

  updateComment(
    id: string,
    patch: Partial<Pick<CommentRecord, 'body' | 'editedAt' | 'deletedAt'>>,
  ): Promise<CommentRecord> {
    return this.gate.run(() => {
      const comment = this.comments.get(id);
      if (!comment) throw new UnknownRecordError('comment', id);
      const next = { ...comment, ...copy(patch) };
      this.comments.set(id, next);
      return copy(next);
    });
  }
}
