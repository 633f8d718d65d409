import { describe, expect, it } from 'vitest';
import { CommitQueue, emptyTables, type Tables } from '../src/storage/commitQueue.ts';
import { LowdbAccountStore } from '../src/storage/lowdb/lowdbAccountStore.ts';
import { LowdbChangeLogStore } from '../src/storage/lowdb/lowdbChangeLogStore.ts';
import { LowdbSuggestionStore } from '../src/storage/lowdb/lowdbSuggestionStore.ts';
import { LowdbThreadStore } from '../src/storage/lowdb/lowdbThreadStore.ts';
import { committedTables, transactionTables } from '../src/storage/lowdb/tableAccess.ts';
import { EmailTakenError } from '../src/storage/storage.ts';
import {
  acceptance,
  commentRecord,
  logEntry,
  suggestionRecord,
  threadRecord,
  userRecord,
} from './support/records.ts';

/**
 * The lowdb record stores over a disk whose writes the test answers one by one: each write waits
 * until the test lets it succeed or fail, so the order of events around a failed write is exact.
 */
function storesOverControlledDisk() {
  const writes: { tables: Tables; succeed: () => void; fail: (error: Error) => void }[] = [];
  const queue = new CommitQueue(emptyTables(), (tables) => {
    return new Promise<void>((resolve, reject) => {
      writes.push({ tables: structuredClone(tables), succeed: resolve, fail: reject });
    });
  });
  const tables = committedTables(queue);
  const records = {
    accounts: new LowdbAccountStore(tables),
    threads: new LowdbThreadStore(tables),
    suggestions: new LowdbSuggestionStore(tables),
    changeLog: new LowdbChangeLogStore(tables),
    /** As `LowdbStorage.transaction`, over the same queue. */
    transaction: <R>(
      work: (tx: { changeLog: LowdbChangeLogStore; suggestions: LowdbSuggestionStore }) => Promise<R>,
    ) =>
      queue.transact((pending) => {
        const own = transactionTables(pending);
        return work({ changeLog: new LowdbChangeLogStore(own), suggestions: new LowdbSuggestionStore(own) });
      }),
  };
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

describe('lowdb record stores and their writes to margins.json', () => {
  it('SAVE-7 shows a change only once its write succeeded', async () => {
    const { records, nextWrite } = storesOverControlledDisk();
    const created = records.threads.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
    const write = await nextWrite();

    expect(await records.threads.listThreads('consulted')).toEqual([]);
    write.succeed();
    await created;
    expect((await records.threads.listThreads('consulted')).map((t) => t.id)).toEqual(['t1']);
  });

  it('SAVE-7 forgets a change whose write failed: the same email can sign up again', async () => {
    const { records, nextWrite } = storesOverControlledDisk();
    const failed = records.accounts.createUser(userRecord('bob'));
    (await nextWrite()).fail(diskFull());
    await expect(failed).rejects.toThrow(/ENOSPC/);
    expect(await records.accounts.findUserByEmail('bob@example.org')).toBeUndefined();

    const retried = records.accounts.createUser(userRecord('bob'));
    const write = await nextWrite();
    expect(write.tables.users.map((u) => u.id)).toEqual(['bob']);
    write.succeed();
    await retried;
    expect((await records.accounts.listUsers()).map((u) => u.id)).toEqual(['bob']);
  });

  it('keeps a change made while an earlier write was failing, and writes it without the failed one', async () => {
    const { records, nextWrite } = storesOverControlledDisk();
    const setup = records.threads.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
    (await nextWrite()).succeed();
    await setup;

    const first = records.threads.addComment(commentRecord('c2', 't1'));
    const firstWrite = await nextWrite();
    // Called while the first write runs: it waits for it, then starts from what is on disk.
    const second = records.threads.addComment(commentRecord('c3', 't1'));
    firstWrite.fail(diskFull());
    await expect(first).rejects.toThrow(/ENOSPC/);

    const secondWrite = await nextWrite();
    expect(secondWrite.tables.comments.map((c) => c.id)).toEqual(['c1', 'c3']);
    secondWrite.succeed();
    await second;
    expect((await records.threads.listComments('consulted')).map((c) => c.id)).toEqual(['c1', 'c3']);
  });

  it('writes changes made at the same moment once, each seeing the ones before it', async () => {
    const { records, nextWrite, pendingWrites } = storesOverControlledDisk();
    const results = Promise.allSettled([
      records.accounts.createUser(userRecord('alice')),
      records.accounts.createUser(userRecord('alice-again', { email: 'alice@example.org' })),
      records.accounts.createUser(userRecord('bob')),
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

  it('SAVE-7 refuses every change of a batch whose write failed, and keeps the earlier ones', async () => {
    const { records, nextWrite } = storesOverControlledDisk();
    const kept = records.accounts.createUser(userRecord('alice'));
    (await nextWrite()).succeed();
    await kept;

    const batch = Promise.allSettled([
      records.accounts.createUser(userRecord('bob')),
      records.accounts.setUserRole('alice', 'admin'),
    ]);
    (await nextWrite()).fail(diskFull());

    expect((await batch).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await records.accounts.listUsers()).toEqual([userRecord('alice')]);
  });

  it('does not write when nothing changed', async () => {
    const { records, pendingWrites } = storesOverControlledDisk();
    await records.accounts.deleteSession('no-such-session');
    expect(await records.accounts.claimInvite('no-such-invite', 'alice', '2024-01-01T00:00:00.000Z')).toBe(
      false,
    );
    expect(pendingWrites()).toBe(0);
  });

  it('writes a transaction once, with the changes made at the same moment, each seeing the ones before it', async () => {
    const { records, nextWrite, pendingWrites } = storesOverControlledDisk();
    const setup = records.suggestions.createSuggestion(suggestionRecord('s1'));
    (await nextWrite()).succeed();
    await setup;

    const decided = records.transaction(async (tx) => {
      await tx.changeLog.appendLogEntry(logEntry('consulted', 1));
      await tx.suggestions.updateSuggestion('s1', acceptance());
    });
    const next = records.changeLog.appendLogEntry(logEntry('consulted', 2));
    const write = await nextWrite();
    expect(pendingWrites()).toBe(0);
    expect(write.tables.changelog.map((e) => e.seq)).toEqual([1, 2]);
    expect(write.tables.suggestions.map((s) => s.status)).toEqual(['accepted']);
    write.succeed();
    await decided;
    await next;
  });

  it('SAVE-7 forgets every change of a transaction whose write failed', async () => {
    const { records, nextWrite } = storesOverControlledDisk();
    const setup = records.suggestions.createSuggestion(suggestionRecord('s1'));
    (await nextWrite()).succeed();
    await setup;

    const decided = records.transaction(async (tx) => {
      await tx.changeLog.appendLogEntry(logEntry('consulted', 1));
      await tx.suggestions.updateSuggestion('s1', acceptance());
    });
    (await nextWrite()).fail(diskFull());

    await expect(decided).rejects.toThrow(/ENOSPC/);
    expect(await records.changeLog.listLog('consulted')).toEqual([]);
    expect(await records.suggestions.getSuggestion('s1')).toEqual(suggestionRecord('s1'));
  });

  it('writes the rest of a batch without a transaction whose work threw', async () => {
    const { records, nextWrite } = storesOverControlledDisk();
    // Refused before the write is asked for: its rejection is caught at once.
    const failed = records
      .transaction(async (tx) => {
        await tx.changeLog.appendLogEntry(logEntry('consulted', 1));
        throw new Error('changed its mind');
      })
      .catch((error: unknown) => error);
    const kept = records.accounts.createUser(userRecord('alice'));

    const write = await nextWrite();
    expect(write.tables.changelog).toEqual([]);
    expect(write.tables.users.map((u) => u.id)).toEqual(['alice']);
    write.succeed();
    expect(await failed).toEqual(new Error('changed its mind'));
    await kept;
  });
});
