/**
 * Runs the memory stores' writes one at a time, a transaction's as one turn (see
 * `MemoryStorage.transaction`): while a transaction runs, other writes wait for it.
 */
export interface WriteGate {
  run<R>(write: () => R | Promise<R>): Promise<R>;
}

/** The gate of a bundle's committed stores. */
export function writeGate(): WriteGate {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(write) {
      const result = tail.then(write);
      tail = result.catch(() => {});
      return result;
    },
  };
}

/** The gate inside a transaction, which already has its turn: writes run at once. */
export const OPEN_GATE: WriteGate = { run: async (write) => write() };

/** Records are copied in and out, so that callers never hold the store's own. */
export function copy<T>(record: T): T {
  return structuredClone(record);
}

export function maybeCopy<T>(record: T | undefined): T | undefined {
  return record === undefined ? undefined : copy(record);
}
