/** One store of a fresh, empty backend, as a contract suite tests it. */
export interface StoreUnderTest<S> {
  store: S;
  /** Closes the backend and opens the same data again; only persistent implementations have it. */
  reopen?: () => Promise<S>;
  /** Closes the backend (the reopened one, after `reopen`). */
  close: () => Promise<void>;
}

/** Gives a fresh, empty backend's store for each test. */
export type MakeStore<S> = () => Promise<StoreUnderTest<S>>;
