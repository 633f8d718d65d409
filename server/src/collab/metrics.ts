/**
 * What the sync core counts, for the metrics endpoint (`GET /metrics`, server/src/http/metrics.ts);
 * the core knows nothing of how it is exported.
 */
export interface CollabMetrics {
  /** A person's update was applied to a live draft. */
  updateReceived(): void;
  /** An update went out to `peers` sockets. */
  updateSent(peers: number): void;
  /** A draft's save (or compaction) took `seconds`. */
  saved(seconds: number): void;
  /** Another instance's update arrived `seconds` after it was sent. */
  relayed(seconds: number): void;
}

export const NO_METRICS: CollabMetrics = {
  updateReceived: () => {},
  updateSent: () => {},
  saved: () => {},
  relayed: () => {},
};
