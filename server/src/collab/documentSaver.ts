import type { Logger } from 'pino';

export interface SaverTiming {
  /** Save this long after the last change... */
  debounceMs: number;
  /** ...but never wait longer than this after the first unsaved change. */
  maxWaitMs: number;
  /** First retry delay after a failed save; doubles up to `maxRetryMs`. */
  retryMs: number;
  maxRetryMs: number;
}

export const DEFAULT_SAVER_TIMING: SaverTiming = {
  debounceMs: 1000,
  maxWaitMs: 5000,
  retryMs: 1000,
  maxRetryMs: 30_000,
};

/**
 * Decides when a document is written: debounced with a maximum wait, one write at a time, and
 * retried after a failure with the document still in memory. It never marks a change as saved
 * unless the write that included it succeeded.
 */
export class DocumentSaver {
  private dirty = false;
  private firstDirtyAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly logger: Logger,
    private readonly timing: SaverTiming = DEFAULT_SAVER_TIMING,
  ) {}

  get hasUnsavedChanges(): boolean {
    return this.dirty || this.inFlight !== undefined;
  }

  /** Call on every change; schedules a save. */
  markDirty(): void {
    const now = Date.now();
    if (!this.dirty) {
      this.dirty = true;
      this.firstDirtyAt = now;
    }
    if (this.failures > 0) return; // the retry timer is already set
    const due = Math.min(now + this.timing.debounceMs, this.firstDirtyAt + this.timing.maxWaitMs);
    this.schedule(Math.max(0, due - now));
  }

  /** Saves now if anything is unsaved, and resolves once everything is on disk; rejects if that fails. */
  async flush(): Promise<void> {
    this.clearTimer();
    // A change may arrive while a save is in flight: loop until nothing is left.
    while (this.inFlight || this.dirty) {
      if (this.inFlight) {
        await this.inFlight.catch(() => undefined);
        continue;
      }
      await this.runSave();
      if (this.failures > 0) throw new Error('The document could not be saved');
    }
  }

  /** Stops timers; unsaved changes stay unsaved (call `flush` first to keep them). */
  dispose(): void {
    this.clearTimer();
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A flush may have saved everything since this timer was set (a retry timer outlives it).
      if (!this.dirty) return;
      if (this.inFlight) {
        // One save at a time: try again when the current one has finished.
        void this.inFlight.finally(() => {
          if (this.dirty && this.failures === 0) this.schedule(0);
        });
        return;
      }
      void this.runSave();
    }, delayMs);
    this.timer.unref();
  }

  private runSave(): Promise<void> {
    // Clear the flag before writing: a change made during the write marks the document dirty
    // again and gets its own save.
    this.dirty = false;
    const save = this.write().then(
      () => {
        this.failures = 0;
      },
      (error: unknown) => {
        this.dirty = true;
        this.failures++;
        const delay = Math.min(this.timing.retryMs * 2 ** (this.failures - 1), this.timing.maxRetryMs);
        this.logger.error({ err: error, retryInMs: delay }, 'saving a document failed; it stays in memory');
        this.schedule(delay);
      },
    );
    this.inFlight = save.finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
