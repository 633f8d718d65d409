import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BackpressureLimits,
  BackpressureMonitor,
  type QueuedSocket,
} from '../src/collab/backpressure.ts';

// The timed check with sockets and a clock in memory: each `look()` is one tick of the timer.

const KiB = 1024;
const MiB = 1024 * KiB;
const LIMITS: BackpressureLimits = {
  behindBytes: 1 * MiB,
  behindMs: 5000,
  minReadBytesPerSecond: 64 * KiB,
  totalBufferedBytes: 10 * MiB,
  closeGraceMs: 2000,
  // Never fires on its own here: the tests call `check()` themselves.
  checkMs: 3_600_000,
};

class FakeSocket implements QueuedSocket {
  bufferedBytes = 0;
  sentBytes = 0;
  closedAt: number | undefined;
  cuts = 0;
  terminated = false;

  constructor(
    readonly id: string,
    private readonly clock: { now: number },
  ) {}

  cutTooSlow(): void {
    this.cuts++;
    this.closedAt ??= this.clock.now;
  }

  terminate(): void {
    this.terminated = true;
  }
}

const monitors: BackpressureMonitor[] = [];
afterEach(() => {
  for (const monitor of monitors.splice(0)) monitor.stop();
});

function setup(limits: Partial<BackpressureLimits> = {}) {
  const clock = { now: 1_000_000 };
  const sockets: FakeSocket[] = [];
  const monitor = new BackpressureMonitor(
    () => sockets,
    { ...LIMITS, ...limits },
    pino({ level: 'silent' }),
    () => clock.now,
  );
  monitors.push(monitor);
  const socket = (buffered = 0) => {
    const created = new FakeSocket(`s${sockets.length + 1}`, clock);
    created.bufferedBytes = buffered;
    sockets.push(created);
    return created;
  };
  /** Lets `ms` pass, during which each socket reads `read[i]` bytes, then the check looks once. */
  const look = (ms = 1000, read: Map<FakeSocket, number> = new Map()) => {
    clock.now += ms;
    for (const [s, bytes] of read) s.sentBytes += bytes;
    monitor.check();
  };
  return { clock, monitor, socket, look };
}

describe('the timed check of slow sockets', () => {
  it('CLOSE-9 cuts a socket that stays behind without reading once behindMs have passed, not before', () => {
    const { socket, look } = setup();
    const stalled = socket(2 * MiB);
    look(); // first seen behind
    for (let i = 0; i < 4; i++) look();
    expect(stalled.cuts).toBe(0);
    look();
    expect(stalled.cuts).toBe(1);
  });

  it('destroys a cut socket that has not finished closing after the grace', () => {
    const { socket, look } = setup();
    const stalled = socket(2 * MiB);
    for (let i = 0; i < 6; i++) look();
    expect(stalled.cuts).toBe(1);
    look(1000);
    expect(stalled.terminated).toBe(false);
    look(1000);
    expect(stalled.terminated).toBe(true);
    expect(stalled.cuts).toBe(1);
  });

  it('CLOSE-9 leaves alone a socket that stays behind but reads at least the minimum rate', () => {
    const { socket, look } = setup();
    const slow = socket(8 * MiB);
    look();
    // 80 KiB a second, in steps as the kernel frees room: nothing for three seconds in four.
    for (let i = 0; i < 30; i++) look(1000, new Map([[slow, i % 4 === 3 ? 320 * KiB : 0]]));
    expect(slow.cuts).toBe(0);
  });

  it('cuts a socket that reads, but less than the minimum rate', () => {
    const { socket, look } = setup();
    const trickle = socket(8 * MiB);
    look();
    for (let i = 0; i < 6; i++) look(1000, new Map([[trickle, 32 * KiB]]));
    expect(trickle.cuts).toBe(1);
  });

  it('forgets a socket that catches up: when it falls behind again, it gets behindMs anew', () => {
    const { socket, look } = setup();
    const tab = socket(2 * MiB);
    look();
    look(3000);
    tab.bufferedBytes = 0;
    look();
    tab.bufferedBytes = 2 * MiB;
    look();
    look(3000);
    expect(tab.cuts).toBe(0);
    look(2000);
    expect(tab.cuts).toBe(1);
  });

  it('CLOSE-9 cuts the sockets furthest behind first until the total is within the limit', () => {
    const { socket, look } = setup({ behindMs: 3_600_000 });
    const small = socket(2 * MiB);
    const largest = socket(6 * MiB);
    const middle = socket(4 * MiB);
    const idle = socket(0);
    look();
    // 12 MiB > 10 MiB: cutting the largest (6 MiB) is enough.
    expect([largest.cuts, middle.cuts, small.cuts, idle.cuts]).toEqual([1, 0, 0, 0]);
    // Still closing, it no longer counts: 6 MiB remain, within the limit.
    middle.bufferedBytes = 7 * MiB;
    look();
    expect([middle.cuts, small.cuts]).toEqual([0, 0]);
    small.bufferedBytes = 4 * MiB;
    look();
    expect([middle.cuts, small.cuts]).toEqual([1, 0]);
  });

  it('reports what is queued, the limit, and how many sockets are behind', () => {
    const { socket, monitor } = setup();
    socket(3 * MiB);
    socket(512 * KiB);
    const closing = socket(2 * MiB);
    closing.closedAt = 0;
    expect(monitor.stats()).toEqual({
      bufferedBytes: 5.5 * MiB,
      bufferedBytesLimit: 10 * MiB,
      behind: 1,
    });
  });
});
