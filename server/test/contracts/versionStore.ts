import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VersionStore } from '../../src/storage/stores.ts';
import { versionRecord } from '../support/records.ts';
import type { MakeStore, StoreUnderTest } from './storeUnderTest.ts';

/**
 * What every `VersionStore` must do (versions; see `server/src/storage/stores.ts`). Run it once per
 * implementation; `make` gives a fresh, empty store for each test.
 */
export function describeVersionStoreContract(name: string, make: MakeStore<VersionStore>): void {
  describe(`${name}: VersionStore contract`, () => {
    let subject: StoreUnderTest<VersionStore>;
    let store: VersionStore;

    beforeEach(async () => {
      subject = await make();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('stores versions, found by id and listed oldest first with their draft’s', async () => {
      const first = versionRecord('v1', 'consulted', 'Draft for consultation');
      await store.createVersion(first);
      await store.createVersion(versionRecord('v2', 'consulted', 'Revision'));
      await store.createVersion(versionRecord('elsewhere', 'other', 'Other'));
      expect(await store.getVersion('v1')).toEqual(first);
      expect(await store.getVersion('missing')).toBeUndefined();
      expect((await store.listVersions('consulted')).map((v) => v.name)).toEqual([
        'Draft for consultation',
        'Revision',
      ]);
    });

    it('answers nothing for a draft without versions', async () => {
      await store.createVersion(versionRecord('v1', 'consulted', 'Draft for consultation'));

      expect(await store.listVersions('no-such-draft')).toEqual([]);
      expect(await store.getVersion('no-such-version')).toBeUndefined();
    });

    it('keeps its own copy of versions, unaffected by given or returned ones', async () => {
      const given = versionRecord('v1', 'consulted', 'Draft for consultation');
      await store.createVersion(given);
      given.name = 'changed by the caller';
      const found = await store.getVersion('v1');
      if (found) found.content = null;
      const listed = await store.listVersions('consulted');
      if (listed[0]) listed[0].logSeq = 99;

      expect(await store.getVersion('v1')).toEqual(
        versionRecord('v1', 'consulted', 'Draft for consultation'),
      );
    });

    it('keeps versions after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this store keeps nothing beyond the process');
      await store.createVersion(versionRecord('v1', 'consulted', 'Draft for consultation'));
      await store.createVersion(versionRecord('v2', 'consulted', 'Revision'));

      store = await (subject.reopen as () => Promise<VersionStore>)();

      expect(await store.getVersion('v1')).toEqual(
        versionRecord('v1', 'consulted', 'Draft for consultation'),
      );
      expect((await store.listVersions('consulted')).map((v) => v.id)).toEqual(['v1', 'v2']);
    });
  });
}
