import type { Stores } from '../../src/storage/stores.ts';
import { describeAccountStoreContract } from './accountStore.ts';
import { describeChangeLogStoreContract } from './changeLogStore.ts';
import { describeDraftStoreContract } from './draftStore.ts';
import { describeStoreTransactionContract } from './storeTransaction.ts';
import type { MakeStore } from './storeUnderTest.ts';
import { describeSuggestionStoreContract } from './suggestionStore.ts';
import { describeThreadStoreContract } from './threadStore.ts';
import { describeVersionStoreContract } from './versionStore.ts';

/** A fresh, empty backend with all its stores. */
export interface StoresUnderTest {
  stores: Stores;
  /** Closes `stores` and opens the same data again; only persistent backends have it. */
  reopen?: () => Promise<Stores>;
}

/**
 * Runs every store's contract suite, and the transaction's, against one backend. A backend that
 * brings one store at a time runs that store's suite alone (`describeThreadStoreContract`…).
 */
export function describeEveryStoreContract(name: string, make: () => Promise<StoresUnderTest>): void {
  const part =
    <S>(pick: (stores: Stores) => S): MakeStore<S> =>
    async () => {
      const subject = await make();
      let current = subject.stores;
      const reopen = subject.reopen;
      return {
        store: pick(current),
        reopen:
          reopen &&
          (async () => {
            current = await reopen();
            return pick(current);
          }),
        close: () => current.close(),
      };
    };
  describeDraftStoreContract(
    name,
    part((s) => s.drafts),
  );
  describeAccountStoreContract(
    name,
    part((s) => s.accounts),
  );
  describeThreadStoreContract(
    name,
    part((s) => s.threads),
  );
  describeSuggestionStoreContract(
    name,
    part((s) => s.suggestions),
  );
  describeChangeLogStoreContract(
    name,
    part((s) => s.changeLog),
  );
  describeVersionStoreContract(
    name,
    part((s) => s.versions),
  );
  describeStoreTransactionContract(
    name,
    part((s) => s),
  );
}
