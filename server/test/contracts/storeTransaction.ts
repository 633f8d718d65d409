import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogConflictError } from '../../src/storage/storage.ts';
import type { Stores } from '../../src/storage/stores.ts';
import { acceptance, logEntry, suggestionRecord, versionRecord } from '../support/records.ts';
import type { MakeStore, StoreUnderTest } from './storeUnderTest.ts';

/** The stores a transaction spans, with the transaction itself. */
export type TransactionalStores = Pick<Stores, 'transaction' | 'changeLog' | 'suggestions' | 'versions'>;

/** A promise the test settles by hand, to hold a transaction open at a chosen point. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/**
 * What `Stores.transaction` must do (see `server/src/storage/stores.ts`): the change log,
 * suggestions and versions written in one transaction are stored together or not at all.
 */
export function describeStoreTransactionContract(name: string, make: MakeStore<TransactionalStores>): void {
  describe(`${name}: Stores.transaction contract`, () => {
    let subject: StoreUnderTest<TransactionalStores>;
    let stores: TransactionalStores;

    beforeEach(async () => {
      subject = await make();
      stores = subject.store;
      await stores.suggestions.createSuggestion(suggestionRecord('s1'));
    });

    afterEach(async () => {
      await subject.close();
    });

    it('stores every write of a transaction, and answers what the work returned', async () => {
      const result = await stores.transaction(async (tx) => {
        await tx.changeLog.appendLogEntry(logEntry('consulted', 1));
        await tx.suggestions.updateSuggestion('s1', acceptance());
        await tx.versions.createVersion(versionRecord('v1', 'consulted', 'Draft for consultation'));
        return 'done';
      });

      expect(result).toBe('done');
      expect(await stores.changeLog.listLog('consulted')).toEqual([logEntry('consulted', 1)]);
      expect(await stores.suggestions.getSuggestion('s1')).toEqual(suggestionRecord('s1', acceptance()));
      expect(await stores.versions.getVersion('v1')).toEqual(
        versionRecord('v1', 'consulted', 'Draft for consultation'),
      );
    });

    it('lets the work read its own writes', async () => {
      await stores.transaction(async (tx) => {
        await tx.changeLog.appendLogEntry(logEntry('consulted', 1));
        expect(await tx.changeLog.lastLogEntry('consulted')).toEqual(logEntry('consulted', 1));
        await tx.suggestions.updateSuggestion('s1', acceptance());
        expect((await tx.suggestions.getSuggestion('s1'))?.status).toBe('accepted');
        await tx.changeLog.appendLogEntry(logEntry('consulted', 2));
      });

      expect((await stores.changeLog.listLog('consulted')).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('SAVE-1 stores nothing of a transaction whose work throws, and rejects with its error', async () => {
      const refused = new Error('the decision cannot be made');

      await expect(
        stores.transaction(async (tx) => {
          await tx.changeLog.appendLogEntry(logEntry('consulted', 1));
          await tx.suggestions.updateSuggestion('s1', acceptance());
          await tx.versions.createVersion(versionRecord('v1', 'consulted', 'Draft for consultation'));
          throw refused;
        }),
      ).rejects.toBe(refused);

      expect(await stores.changeLog.listLog('consulted')).toEqual([]);
      expect(await stores.suggestions.getSuggestion('s1')).toEqual(suggestionRecord('s1'));
      expect(await stores.versions.getVersion('v1')).toBeUndefined();
    });

    it('stores nothing of a transaction one of whose writes is refused', async () => {
      await stores.changeLog.appendLogEntry(logEntry('consulted', 1));

      await expect(
        stores.transaction(async (tx) => {
          await tx.suggestions.updateSuggestion('s1', acceptance());
          // Not the next entry: refused, and with it the whole transaction.
          await tx.changeLog.appendLogEntry(logEntry('consulted', 1));
        }),
      ).rejects.toBeInstanceOf(LogConflictError);

      expect(await stores.suggestions.getSuggestion('s1')).toEqual(suggestionRecord('s1'));
      expect(await stores.changeLog.listLog('consulted')).toEqual([logEntry('consulted', 1)]);
    });

    it('shows nothing of a transaction to others before it commits', async () => {
      const hold = gate();
      const written = gate();
      const running = stores.transaction(async (tx) => {
        await tx.changeLog.appendLogEntry(logEntry('consulted', 1));
        await tx.suggestions.updateSuggestion('s1', acceptance());
        written.open();
        await hold.opened;
      });
      await written.opened;

      expect(await stores.changeLog.listLog('consulted')).toEqual([]);
      expect(await stores.changeLog.lastLogEntry('consulted')).toBeUndefined();
      expect((await stores.suggestions.getSuggestion('s1'))?.status).toBe('open');
      hold.open();
      await running;
      expect(await stores.changeLog.lastLogEntry('consulted')).toEqual(logEntry('consulted', 1));
    });

    it('lets no other write land between what a transaction read and what it wrote', async () => {
      const hold = gate();
      const read = gate();
      const running = stores.transaction(async (tx) => {
        const last = await tx.changeLog.lastLogEntry('consulted');
        read.open();
        await hold.opened;
        await tx.changeLog.appendLogEntry(logEntry('consulted', (last?.seq ?? 0) + 1));
      });
      await read.opened;
      // Called while the transaction holds what it read: it waits, then chains to the entry the transaction wrote.
      const after = stores.changeLog.appendLogEntry(logEntry('consulted', 2));
      hold.open();

      await running;
      await after;
      expect((await stores.changeLog.listLog('consulted')).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('runs transactions that start together one after the other', async () => {
      const appendNext = () =>
        stores.transaction(async (tx) => {
          const last = await tx.changeLog.lastLogEntry('consulted');
          await tx.changeLog.appendLogEntry(logEntry('consulted', (last?.seq ?? 0) + 1));
        });

      await Promise.all([appendNext(), appendNext(), appendNext()]);

      expect((await stores.changeLog.listLog('consulted')).map((e) => e.seq)).toEqual([1, 2, 3]);
    });

    it('keeps every write of a transaction after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this store keeps nothing beyond the process');
      await stores.transaction(async (tx) => {
        await tx.changeLog.appendLogEntry(logEntry('consulted', 1));
        await tx.suggestions.updateSuggestion('s1', acceptance());
        await tx.versions.createVersion(versionRecord('v1', 'consulted', 'Draft for consultation'));
      });

      stores = await (subject.reopen as () => Promise<TransactionalStores>)();

      expect(await stores.changeLog.listLog('consulted')).toEqual([logEntry('consulted', 1)]);
      expect(await stores.suggestions.getSuggestion('s1')).toEqual(suggestionRecord('s1', acceptance()));
      expect((await stores.versions.listVersions('consulted')).map((v) => v.id)).toEqual(['v1']);
    });
  });
}
