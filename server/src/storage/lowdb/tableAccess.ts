import type { CommitQueue, Mutation, PendingTables, Tables } from '../commitQueue.ts';

/**
 * How a lowdb store reaches the record tables (margins.json): the committed ones through the
 * commit queue, or a transaction's own (see `LowdbStorage.transaction`). The stores are written
 * once against this, so the same code runs inside and outside a transaction.
 */
export interface TableAccess {
  /** The tables as this access sees them (read-only: change them through `mutate`). */
  readonly tables: Readonly<Tables>;
  /** Applies `mutation` and resolves once it is written (outside a transaction) or applied (inside). */
  mutate<R>(mutation: Mutation<R>): Promise<R>;
}

/** The committed tables: a change is seen once its write succeeded (see `CommitQueue`). */
export function committedTables(queue: CommitQueue): TableAccess {
  return {
    get tables() {
      return queue.committed;
    },
    mutate: (mutation) => queue.run(mutation),
  };
}

/** A transaction's tables: changes apply at once, and are written when the transaction commits. */
export function transactionTables(pending: PendingTables): TableAccess {
  return {
    get tables() {
      return pending.tables;
    },
    mutate: async (mutation) => mutation(pending),
  };
}

/** The record matching `where`, or the error `missing` gives. */
export function at<T>(rows: readonly T[], where: (row: T) => boolean, missing: () => Error): T {
  const found = rows.find(where);
  if (!found) throw missing();
  return found;
}

/** Puts `next` in place of the record matching `where` (in a table the batch owns) and returns it. */
export function replaceIn<T>(rows: T[], where: (row: T) => boolean, next: T): T {
  rows[rows.findIndex(where)] = next;
  return next;
}

/** Records are copied in and out, so callers never hold the tables' own (committed ones are never changed in place). */
export function copy<T>(record: T): T {
  return structuredClone(record);
}

export function maybeCopy<T>(record: T | undefined): T | undefined {
  return record === undefined ? undefined : copy(record);
}
