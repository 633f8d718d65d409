import { describe, expect, it } from 'vitest';
import { emptyTables, type Tables } from '../src/storage/commitQueue.ts';
import { RecordTables } from '../src/storage/recordTables.ts';
import { EmailTakenError } from '../src/storage/storage.ts';
import { commentRecord, threadRecord, userRecord } from './storageContract.ts';

/**
 * Record tables over a disk whose writes the test answers one by one: each write waits until the
 * test lets it succeed or fail, so the order of events around a failed write is exact.
 */
function tablesOverControlledDisk() {
  const writes: { tables: Tables; succeed: () => void; fail: (error: Error) => void }[] = [];
  const records = new RecordTables(emptyTables(), (tables) => {
    return new Promise<void>((resolve, reject) => {
      writes.push({ tables: structuredClone(tables), succeed: resolve, fail: reject });
    });
  });
  /** The next write, once it has been asked for. */
  const nextWrite = async () => {
    for (let i = 0; i < 100 && writes.length === 0; i++) await new Promise((r) => setImmediate(r));
    const write = writes.shift();
    if (!write) throw new Error('no write was asked for');
    return write;
  };
  return { records, nextWrite, pendingWrites: () => writes.length };
}

const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });

describe('record tables and their writes', () => {
  it('shows a change only once its write succeeded', async () => {
    const { records, nextWrite } = tablesOverControlledDisk();
    const created = records.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
    const write = await nextWrite();

    expect(await records.listThreads('consulted')).toEqual([]);
    write.succeed();
    await created;
    expect((await records.listThreads('consulted')).map((t) => t.id)).toEqual(['t1']);
  });

  it('forgets a change whose write failed: the same email can sign up again', async () => {
    const { records, nextWrite } = tablesOverControlledDisk();
    const failed = records.createUser(userRecord('bob'));
    (await nextWrite()).fail(diskFull());
    await expect(failed).rejects.toThrow(/ENOSPC/);
    expect(await records.findUserByEmail('bob@example.org')).toBeUndefined();

    const retried = records.createUser(userRecord('bob'));
    const write = await nextWrite();
    expect(write.tables.users.map((u) => u.id)).toEqual(['bob']);
    write.succeed();
    await retried;
    expect((await records.listUsers()).map((u) => u.id)).toEqual(['bob']);
  });

  it('keeps a change made while an earlier write was failing, and writes it without the failed one', async () => {
    const { records, nextWrite } = tablesOverControlledDisk();
    const setup = records.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
    (await nextWrite()).succeed();
    await setup;

    const first = records.addComment(commentRecord('c2', 't1'));
    const firstWrite = await nextWrite();
    // Called while the first write runs: it waits for it, then starts from what is on disk.
    const second = records.addComment(commentRecord('c3', 't1'));
    firstWrite.fail(diskFull());
    await expect(first).rejects.toThrow(/ENOSPC/);

    const secondWrite = await nextWrite();
    expect(secondWrite.tables.comments.map((c) => c.id)).toEqual(['c1', 'c3']);
    secondWrite.succeed();
    await second;
    expect((await records.listComments('consulted')).map((c) => c.id)).toEqual(['c1', 'c3']);
  });

  it('writes changes made at the same moment once, each seeing the ones before it', async () => {
    const { records, nextWrite, pendingWrites } = tablesOverControlledDisk();
    const results = Promise.allSettled([
      records.createUser(userRecord('alice')),
      records.createUser(userRecord('alice-again', { email: 'alice@example.org' })),
      records.createUser(userRecord('bob')),
    ]);
    const write = await nextWrite();
    expect(pendingWrites()).toBe(0);
    expect(write.tables.users.map((u) => u.id)).toEqual(['alice', 'bob']);
    write.succeed();

    const [alice, again, bob] = await results;
    expect(alice.status).toBe('fulfilled');
    expect(again.status === 'rejected' && again.reason).toBeInstanceOf(EmailTakenError);
    expect(bob.status).toBe('fulfilled');
  });

  it('refuses every change of a batch whose write failed, and keeps the earlier ones', async () => {
    const { records, nextWrite } = tablesOverControlledDisk();
    const kept = records.createUser(userRecord('alice'));
    (await nextWrite()).succeed();
    await kept;

    const batch = Promise.allSettled([
      records.createUser(userRecord('bob')),
      records.setUserRole('alice', 'admin'),
    ]);
    (await nextWrite()).fail(diskFull());

    expect((await batch).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await records.listUsers()).toEqual([userRecord('alice')]);
  });

  it('does not write when nothing changed', async () => {
    const { records, pendingWrites } = tablesOverControlledDisk();
    await records.deleteSession('no-such-session');
    expect(await records.claimInvite('no-such-invite', 'alice', '2024-01-01T00:00:00.000Z')).toBe(false);
    expect(pendingWrites()).toBe(0);
  });
});
