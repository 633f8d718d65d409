import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SAVER_TIMING, DocumentSaver } from '../src/collab/documentSaver.ts';

const logger = pino({ level: 'silent' });
const { debounceMs, maxWaitMs, retryMs } = DEFAULT_SAVER_TIMING;

/** A write whose calls stay pending until the test settles them, one by one. */
function controlledWrite() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const write = vi.fn(
    () =>
      new Promise<void>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  );
  return {
    write,
    succeed: async () => {
      pending.shift()?.resolve();
      await vi.advanceTimersByTimeAsync(0);
    },
    fail: async () => {
      pending.shift()?.reject(new Error('disk full'));
      await vi.advanceTimersByTimeAsync(0);
    },
    get pendingCount() {
      return pending.length;
    },
  };
}

describe('DocumentSaver', () => {
  let saver: DocumentSaver | undefined;

  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    saver?.dispose();
    saver = undefined;
    vi.useRealTimers();
  });

  it('SAVE-2 saves once, a second after the last of a burst of changes', async () => {
    const write = vi.fn(async () => {});
    saver = new DocumentSaver(write, logger);

    saver.markDirty();
    await vi.advanceTimersByTimeAsync(400);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(400);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(debounceMs - 1);
    expect(write).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(1);
    expect(write).toHaveBeenCalledTimes(1);
    expect(saver.hasUnsavedChanges).toBe(false);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('does not save when nothing changed', async () => {
    const write = vi.fn(async () => {});
    saver = new DocumentSaver(write, logger);
    await vi.advanceTimersByTimeAsync(60_000);
    await saver.flush();
    expect(write).not.toHaveBeenCalled();
  });

  it('SAVE-2 saves at most five seconds after the first unsaved change, even while changes keep coming', async () => {
    const savedAt: number[] = [];
    const write = vi.fn(async () => {
      savedAt.push(Date.now());
    });
    saver = new DocumentSaver(write, logger);
    const start = Date.now();

    // Someone typing without pause for 12 seconds: the debounce alone would never fire.
    for (let elapsed = 0; elapsed < 12_000; elapsed += 200) {
      saver.markDirty();
      await vi.advanceTimersByTimeAsync(200);
    }

    expect(savedAt.map((at) => at - start)).toEqual([maxWaitMs, 2 * maxWaitMs]);
    await vi.advanceTimersByTimeAsync(debounceMs);
    expect(write).toHaveBeenCalledTimes(3);
    expect(saver.hasUnsavedChanges).toBe(false);
  });

  it('SAVE-2 runs one save at a time: a change during a save gets exactly one more save after it', async () => {
    const disk = controlledWrite();
    saver = new DocumentSaver(disk.write, logger);

    saver.markDirty();
    await vi.advanceTimersByTimeAsync(debounceMs);
    expect(disk.write).toHaveBeenCalledTimes(1);

    // Changes while the first write is slow: their timers fire, but no second write starts.
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(debounceMs * 3);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(maxWaitMs * 2);
    expect(disk.write).toHaveBeenCalledTimes(1);
    expect(disk.pendingCount).toBe(1);

    await disk.succeed();
    expect(disk.write).toHaveBeenCalledTimes(2);
    await disk.succeed();

    await vi.advanceTimersByTimeAsync(60_000);
    expect(disk.write).toHaveBeenCalledTimes(2);
    expect(saver.hasUnsavedChanges).toBe(false);
  });

  it('SAVE-3 keeps a document unsaved after a failed write and retries it with growing delays', async () => {
    const disk = controlledWrite();
    saver = new DocumentSaver(disk.write, logger);

    saver.markDirty();
    await vi.advanceTimersByTimeAsync(debounceMs);
    await disk.fail();
    expect(saver.hasUnsavedChanges).toBe(true);

    await vi.advanceTimersByTimeAsync(retryMs - 1);
    expect(disk.write).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(disk.write).toHaveBeenCalledTimes(2);
    await disk.fail();

    // The second retry waits twice as long; changes in between do not hurry it.
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(2 * retryMs - 1);
    expect(disk.write).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(disk.write).toHaveBeenCalledTimes(3);
    await disk.succeed();

    expect(saver.hasUnsavedChanges).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(disk.write).toHaveBeenCalledTimes(3);
  });

  it('debounces normally again after a failure has been recovered', async () => {
    const disk = controlledWrite();
    saver = new DocumentSaver(disk.write, logger);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(debounceMs);
    await disk.fail();
    await vi.advanceTimersByTimeAsync(retryMs);
    await disk.succeed();

    saver.markDirty();
    await vi.advanceTimersByTimeAsync(debounceMs - 1);
    expect(disk.write).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(disk.write).toHaveBeenCalledTimes(3);
    await disk.succeed();
  });

  it('flush writes at once and resolves when the write succeeds', async () => {
    const write = vi.fn(async () => {});
    saver = new DocumentSaver(write, logger);
    saver.markDirty();

    await saver.flush();

    expect(write).toHaveBeenCalledTimes(1);
    expect(saver.hasUnsavedChanges).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('SAVE-3 flush rejects when the write fails, and the change stays unsaved', async () => {
    const write = vi.fn(async () => {
      throw new Error('disk full');
    });
    saver = new DocumentSaver(write, logger);
    saver.markDirty();

    await expect(saver.flush()).rejects.toThrow(/could not be saved/);
    expect(saver.hasUnsavedChanges).toBe(true);
  });

  it('flush waits for a save in flight, then saves the changes made during it', async () => {
    const disk = controlledWrite();
    saver = new DocumentSaver(disk.write, logger);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(debounceMs);
    saver.markDirty();

    let flushed = false;
    const flushing = saver.flush().then(() => {
      flushed = true;
    });
    await disk.succeed();
    expect(flushed).toBe(false);
    expect(disk.write).toHaveBeenCalledTimes(2);
    await disk.succeed();
    await flushing;

    expect(flushed).toBe(true);
    expect(saver.hasUnsavedChanges).toBe(false);
  });

  it('flush still saves when the save in flight fails, and resolves if that save succeeds', async () => {
    const disk = controlledWrite();
    saver = new DocumentSaver(disk.write, logger);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(debounceMs);

    const flushing = saver.flush();
    await disk.fail();
    expect(disk.write).toHaveBeenCalledTimes(2);
    await disk.succeed();

    await expect(flushing).resolves.toBeUndefined();
    expect(saver.hasUnsavedChanges).toBe(false);
  });

  it('does not write again when a flush has already saved what a pending retry was for', async () => {
    const disk = controlledWrite();
    saver = new DocumentSaver(disk.write, logger);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(debounceMs);
    const flushing = saver.flush();
    await disk.fail();
    await disk.succeed();
    await flushing;

    await vi.advanceTimersByTimeAsync(60_000);

    expect(disk.write).toHaveBeenCalledTimes(2);
    expect(saver.hasUnsavedChanges).toBe(false);
  });
});
