import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnknownRecordError } from '../../src/storage/storage.ts';
import type { ThreadStore } from '../../src/storage/stores.ts';
import { commentRecord, threadRecord } from '../support/records.ts';
import type { MakeStore, StoreUnderTest } from './storeUnderTest.ts';

/**
 * What every `ThreadStore` must do (threads and comments; see `server/src/storage/stores.ts`). Run it once per
 * implementation; `make` gives a fresh, empty store for each test.
 */
export function describeThreadStoreContract(name: string, make: MakeStore<ThreadStore>): void {
  describe(`${name}: ThreadStore contract`, () => {
    let subject: StoreUnderTest<ThreadStore>;
    let store: ThreadStore;

    beforeEach(async () => {
      subject = await make();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('stores a thread with its first comment, found by id and listed with its draft’s', async () => {
      const thread = threadRecord('thread-1');
      const first = commentRecord('comment-1', 'thread-1');
      await store.createThread(thread, first);
      await store.createThread(threadRecord('thread-2'), commentRecord('comment-2', 'thread-2'));
      await store.createThread(
        threadRecord('elsewhere', { draftId: 'other' }),
        commentRecord('comment-3', 'elsewhere', { draftId: 'other' }),
      );

      expect(await store.getThread('thread-1')).toEqual(thread);
      expect(await store.getComment('comment-1')).toEqual(first);
      expect((await store.listThreads('consulted')).map((t) => t.id).sort()).toEqual([
        'thread-1',
        'thread-2',
      ]);
      expect(await store.listThreads('other')).toEqual([threadRecord('elsewhere', { draftId: 'other' })]);
      expect(await store.listThreads('no-such-draft')).toEqual([]);
      expect(await store.listComments('no-such-draft')).toEqual([]);
    });

    it('answers undefined for a thread or comment it does not hold', async () => {
      expect(await store.getThread('no-such-thread')).toBeUndefined();
      expect(await store.getComment('no-such-comment')).toBeUndefined();
    });

    it('lists a draft’s comments across its threads, oldest first', async () => {
      const at = (minute: number) => `2024-01-02T03:${String(minute).padStart(2, '0')}:00.000Z`;
      await store.createThread(threadRecord('t1'), commentRecord('c1', 't1', { createdAt: at(1) }));
      await store.createThread(threadRecord('t2'), commentRecord('c2', 't2', { createdAt: at(2) }));
      await store.addComment(commentRecord('c3', 't1', { authorId: 'bruno', createdAt: at(3) }));
      await store.addComment(commentRecord('c4', 't2', { createdAt: at(4) }));
      await store.createThread(
        threadRecord('t3', { draftId: 'other' }),
        commentRecord('c5', 't3', { draftId: 'other', createdAt: at(5) }),
      );

      expect((await store.listComments('consulted')).map((c) => c.id)).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(await store.getComment('c3')).toEqual(
        commentRecord('c3', 't1', { authorId: 'bruno', createdAt: at(3) }),
      );
    });

    it('keeps the replies of a suggestion with the draft’s comments, in the order they were added', async () => {
      // A comment's parent (here the suggestion s1) is checked by the service: the store keeps any discussion's.
      await store.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
      await store.addComment(commentRecord('c2', 's1'));
      await store.addComment(commentRecord('c3', 't1'));

      expect((await store.listComments('consulted')).map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
      expect(await store.getComment('c2')).toEqual(commentRecord('c2', 's1'));
      expect(await store.getThread('s1')).toBeUndefined();
    });

    it('changes only the given fields of a thread and returns it; an unknown thread is an error', async () => {
      await store.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
      const resolution = {
        status: 'resolved' as const,
        resolvedBy: 'tom',
        resolvedAt: '2024-02-01T00:00:00.000Z',
        resolutionNote: 'Answered in section 4',
      };

      const resolved = await store.updateThread('t1', resolution);

      expect(resolved).toEqual(threadRecord('t1', resolution));
      expect(await store.getThread('t1')).toEqual(resolved);
      expect(
        await store.updateThread('t1', {
          status: 'open',
          resolvedBy: null,
          resolvedAt: null,
          resolutionNote: null,
        }),
      ).toEqual(threadRecord('t1'));
      await expect(store.updateThread('no-such-thread', { status: 'resolved' })).rejects.toBeInstanceOf(
        UnknownRecordError,
      );
      expect(await store.getThread('no-such-thread')).toBeUndefined();
    });

    it('changes only the given fields of a comment and returns it; an unknown comment is an error', async () => {
      await store.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
      await store.addComment(commentRecord('c2', 't1'));

      const edited = await store.updateComment('c1', {
        body: 'Reworded',
        editedAt: '2024-02-01T00:00:00.000Z',
      });
      const deleted = await store.updateComment('c2', { deletedAt: '2024-02-02T00:00:00.000Z' });

      expect(edited).toEqual(
        commentRecord('c1', 't1', { body: 'Reworded', editedAt: '2024-02-01T00:00:00.000Z' }),
      );
      expect(deleted).toEqual(commentRecord('c2', 't1', { deletedAt: '2024-02-02T00:00:00.000Z' }));
      expect(await store.listComments('consulted')).toEqual([edited, deleted]);
      await expect(store.updateComment('no-such-comment', { body: 'x' })).rejects.toBeInstanceOf(
        UnknownRecordError,
      );
    });

    it('keeps its own copy of threads and comments, unaffected by given or returned records', async () => {
      const thread = threadRecord('t1');
      const first = commentRecord('c1', 't1');
      const reply = commentRecord('c2', 't1');
      await store.createThread(thread, first);
      await store.addComment(reply);
      thread.status = 'resolved';
      thread.anchor.quote.exact = 'changed by the caller';
      first.body = 'changed by the caller';
      reply.body = 'changed by the caller';
      const found = await store.getThread('t1');
      if (found) found.anchor.quote.exact = 'changed through get';
      const listed = await store.listThreads('consulted');
      if (listed[0]) listed[0].status = 'resolved';
      const updated = await store.updateThread('t1', { resolutionNote: null });
      updated.anchor.start = 'changed';
      const comment = await store.getComment('c1');
      if (comment) comment.body = 'changed through get';
      const comments = await store.listComments('consulted');
      if (comments[1]) comments[1].body = 'changed through the list';
      const edited = await store.updateComment('c1', { editedAt: '2024-02-01T00:00:00.000Z' });
      edited.body = 'changed through update';

      expect(await store.getThread('t1')).toEqual(threadRecord('t1'));
      expect(await store.listComments('consulted')).toEqual([
        commentRecord('c1', 't1', { editedAt: '2024-02-01T00:00:00.000Z' }),
        commentRecord('c2', 't1'),
      ]);
    });

    it('keeps threads and comments after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this store keeps nothing beyond the process');
      await store.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
      await store.addComment(commentRecord('c2', 't1'));
      const resolved = await store.updateThread('t1', { status: 'resolved', resolvedBy: 'tom' });
      const deleted = await store.updateComment('c1', { deletedAt: '2024-02-02T00:00:00.000Z' });

      store = await (subject.reopen as () => Promise<ThreadStore>)();

      expect(await store.listThreads('consulted')).toEqual([resolved]);
      expect(await store.listComments('consulted')).toEqual([deleted, commentRecord('c2', 't1')]);
    });
  });
}
