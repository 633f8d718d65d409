import type { Logger } from 'pino';

/** An update of the draft's log: its seq, and its bytes (a compacted state counts as its seq's update). */
export interface SequencedUpdate {
  seq: number;
  update: Uint8Array;
}

export interface LogFollowerDeps {
  /** Applies another instance's stored update to the live document. */
  apply: (update: Uint8Array) => void;
  /**
   * Applies an update that arrived ahead of a gap if everything it builds on is in the document
   * already (the gap is usually this instance's own update, still being stored); false otherwise.
   */
  applyIfComplete: (update: Uint8Array) => boolean;
  /** What a document holding every seq up to `seq` lacks, in order (see `UpdateLogStore.missingAfter`). */
  missingAfter: (seq: number) => Promise<SequencedUpdate[]>;
  logger: Logger;
}

/** How long an update that arrives ahead of a gap waits for the gap to fill before the store is read. */
const GAP_WAIT_MS = 25;
const RETRY_MS = 1000;

/**
 * Which stored updates of a draft (by seq in its update log) its live document holds, so that
 * updates from other instances are applied in order, each once, and a gap (a message lost, or
 * still on its way) is filled from the store. `seq` is the highest seq such that every update up
 * to it is in the document: what a save of the document covers.
 */
export class LogFollower {
  private applied: number;
  /** Seqs beyond a gap: another instance's update to apply, or null for one already in the document (our own). */
  private readonly ahead = new Map<number, Uint8Array | null>();
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private stopped = false;

  constructor(
    loadedSeq: number,
    private readonly deps: LogFollowerDeps,
  ) {
    this.applied = loadedSeq;
  }

  get seq(): number {
    return this.applied;
  }

  /** Our own update, already in the document, was stored as `seq`. */
  stored(seq: number): void {
    this.note(seq, null);
  }

  /** Another instance stored `update` as `seq`. */
  received(seq: number, update: Uint8Array): void {
    this.note(seq, update);
  }

  /** The log reaches `seq` (read from the store): fetch whatever of it the document lacks. */
  reaches(seq: number): void {
    if (seq > this.applied) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Resolves once a read of the store under way, if any, has been applied. */
  async caughtUp(): Promise<void> {
    await this.reading;
  }

  private note(seq: number, update: Uint8Array | null): void {
    if (seq <= this.applied || this.ahead.has(seq)) return;
    // Ahead of a gap, but complete: applied now rather than held until the gap fills.
    const early = update && seq > this.applied + 1 && this.deps.applyIfComplete(update);
    this.ahead.set(seq, early ? null : update);
    this.drain();
    if (this.ahead.size > 0) this.schedule(GAP_WAIT_MS);
  }

  private drain(): void {
    for (let next = this.applied + 1; this.ahead.has(next); next++) {
      const update = this.ahead.get(next);
      this.ahead.delete(next);
      if (update) this.deps.apply(update);
      this.applied = next;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.timer || this.reading) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reading = this.readMissing().finally(() => {
        this.reading = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async readMissing(): Promise<void> {
    let missing: SequencedUpdate[];
    try {
      missing = await this.deps.missingAfter(this.applied);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not read the updates this instance lacks; trying again');
      setTimeout(() => this.schedule(0), RETRY_MS).unref();
      return;
    }
    if (this.stopped) return;
    for (const { seq, update } of missing) {
      if (seq <= this.applied) continue;
      // Ours, or one that arrived meanwhile: already there or about to be; a compacted state may
      // jump over several seqs at once, which it holds all of.
      if (this.ahead.get(seq) !== null) this.deps.apply(update);
      for (const known of this.ahead.keys()) if (known <= seq) this.ahead.delete(known);
      this.applied = seq;
    }
    this.drain();
    if (this.ahead.size > 0) this.schedule(GAP_WAIT_MS);
  }
}
