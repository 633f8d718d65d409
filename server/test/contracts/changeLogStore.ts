import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogConflictError } from '../../src/storage/storage.ts';
import type { ChangeLogStore } from '../../src/storage/stores.ts';
import { logEntry } from '../support/records.ts';
import type { MakeStore, StoreUnderTest } from './storeUnderTest.ts';

/**
 * What every `ChangeLogStore` must do (the change log; see `server/src/storage/stores.ts`). Run it once per
 * implementation; `make` gives a fresh, empty store for each test.
 */
export function describeChangeLogStoreContract(name: string, make: MakeStore<ChangeLogStore>): void {
  describe(`${name}: ChangeLogStore contract`, () => {
    let subject: StoreUnderTest<ChangeLogStore>;
    let store: ChangeLogStore;

    beforeEach(async () => {
      subject = await make();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('appends a draft’s change-log entries in order, each draft its own sequence', async () => {
      await store.appendLogEntry(logEntry('consulted', 1));
      await store.appendLogEntry(logEntry('other', 1));
      await store.appendLogEntry(logEntry('consulted', 2));
      expect((await store.listLog('consulted')).map((e) => e.seq)).toEqual([1, 2]);
      expect(await store.lastLogEntry('consulted')).toEqual(logEntry('consulted', 2));
      expect(await store.lastLogEntry('nothing-logged')).toBeUndefined();
      expect(await store.listLog('other')).toEqual([logEntry('other', 1)]);
      expect(await store.listLog('nothing-logged')).toEqual([]);
    });

    it('CHAIN-4 refuses a change-log entry that is not the next one, so the chain cannot fork', async () => {
      await store.appendLogEntry(logEntry('consulted', 1));
      await expect(store.appendLogEntry(logEntry('consulted', 1))).rejects.toBeInstanceOf(LogConflictError);
      await expect(store.appendLogEntry(logEntry('consulted', 3))).rejects.toBeInstanceOf(LogConflictError);
      await expect(store.appendLogEntry(logEntry('fresh', 2))).rejects.toBeInstanceOf(LogConflictError);
      expect(await store.listLog('consulted')).toHaveLength(1);
    });

    it('CHAIN-4 refuses every entry but one when two writers append the same next entry at the same time', async () => {
      await store.appendLogEntry(logEntry('consulted', 1));

      const results = await Promise.allSettled([
        store.appendLogEntry(logEntry('consulted', 2)),
        store.appendLogEntry({ ...logEntry('consulted', 2), detail: 'the other writer' }),
      ]);

      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((await store.listLog('consulted')).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('keeps its own copy of entries, unaffected by given or returned ones', async () => {
      const given = logEntry('consulted', 1);
      await store.appendLogEntry(given);
      given.detail = 'changed by the caller';
      const listed = await store.listLog('consulted');
      if (listed[0]) listed[0].detail = 'changed through the list';
      const last = await store.lastLogEntry('consulted');
      if (last) last.changes.push({ section: null, before: 'a', after: 'b' });

      expect(await store.listLog('consulted')).toEqual([logEntry('consulted', 1)]);
    });

    it('keeps the change log after being closed and reopened, and goes on from its last entry', async (ctx) => {
      if (!subject.reopen) ctx.skip('this store keeps nothing beyond the process');
      await store.appendLogEntry(logEntry('consulted', 1));
      await store.appendLogEntry(logEntry('consulted', 2));

      store = await (subject.reopen as () => Promise<ChangeLogStore>)();

      expect(await store.listLog('consulted')).toEqual([logEntry('consulted', 1), logEntry('consulted', 2)]);
      expect(await store.lastLogEntry('consulted')).toEqual(logEntry('consulted', 2));
      await expect(store.appendLogEntry(logEntry('consulted', 2))).rejects.toBeInstanceOf(LogConflictError);
      await store.appendLogEntry(logEntry('consulted', 3));
      expect((await store.listLog('consulted')).map((e) => e.seq)).toEqual([1, 2, 3]);
    });
  });
}
