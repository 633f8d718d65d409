import type { Logger } from 'pino';

export interface BackpressureLimits {
  /** A socket with more than this many bytes queued for it is behind. */
  behindBytes: number;
  /** How long a socket may stay behind while reading less than `minReadBytesPerSecond`. */
  behindMs: number;
  /** What a socket that is behind must read, on average, to be left alone. */
  minReadBytesPerSecond: number;
  /** Bytes queued across all sockets; above it the sockets furthest behind are cut first. */
  totalBufferedBytes: number;
  /** How long a socket we closed has to finish the closing handshake before it is destroyed. */
  closeGraceMs: number;
  /** How often every socket is looked at. */
  checkMs: number;
}

/**
 * Defaults of `SOCKET_BEHIND_BYTES`, `SOCKET_BEHIND_SECONDS`, `SOCKET_MIN_READ_BYTES_PER_SECOND`
 * and `MAX_BUFFERED_BYTES_TOTAL`. 64 KiB a second is a poor mobile link: a reader that slow still
 * loads a 17 MiB draft, in under five minutes.
 */
export const DEFAULT_BACKPRESSURE: BackpressureLimits = {
  behindBytes: 1024 * 1024,
  behindMs: 5000,
  minReadBytesPerSecond: 64 * 1024,
  totalBufferedBytes: 256 * 1024 * 1024,
  closeGraceMs: 2000,
  checkMs: 1000,
};

/** A socket as the check sees it (the WebSocket adapter's peer). */
export interface QueuedSocket {
  /** Bytes queued in this process for the socket, not yet taken by the kernel (`ws.bufferedAmount`). */
  readonly bufferedBytes: number;
  /**
   * Bytes that have left this process for the socket so far (taken by the kernel): grows as the
   * client reads, stops when it does not.
   */
  readonly sentBytes: number;
  /** When the server closed it (`Date.now()`), undefined while it is open. */
  readonly closedAt: number | undefined;
  /** For logs. */
  readonly id: string;
  /** Closes it with `CloseCode.TooSlow` (a "come back" code: the client reconnects and resyncs). */
  cutTooSlow(): void;
  /** Destroys the connection, releasing whatever is still queued for it. */
  terminate(): void;
}

/** What `/api/health` reports of the queues. */
export interface QueueStats {
  /** Bytes queued in this process across all sockets. */
  bufferedBytes: number;
  /** `totalBufferedBytes`: the server-wide limit on `bufferedBytes`. */
  bufferedBytesLimit: number;
  /** Sockets more than `behindBytes` behind right now. */
  behind: number;
}

interface BehindSince {
  at: number;
  /** `sentBytes` then. */
  sent: number;
}

/**
 * Looks at every socket's queue on a timer, because a socket that never reads is only noticed at
 * a send otherwise, and a quiet draft sends nothing: its queue would stay in memory until the
 * heartbeat gave up on it. A socket that stays behind without reading is cut; so are the sockets
 * furthest behind when all queues together pass the server-wide limit. A cut socket gets
 * `closeGraceMs` to finish its closing handshake, then is destroyed: a socket that does not read
 * never reads our close frame either, and `ws` would wait 30 s for it.
 *
 * Only this process's queues are seen: the kernel holds a few more MiB per stalled connection
 * (about 4 MiB on Linux loopback) before anything queues here.
 */
export class BackpressureMonitor {
  private readonly timer: NodeJS.Timeout;
  private readonly behindSince = new WeakMap<QueuedSocket, BehindSince>();

  constructor(
    private readonly sockets: () => Iterable<QueuedSocket>,
    private readonly limits: BackpressureLimits,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.check(), limits.checkMs);
    this.timer.unref();
  }

  /** One look at every socket: cuts the stalled, then the furthest behind while over the total. */
  check(): void {
    const now = this.now();
    const open: { socket: QueuedSocket; buffered: number }[] = [];
    for (const socket of this.sockets()) {
      if (socket.closedAt !== undefined) {
        if (now - socket.closedAt >= this.limits.closeGraceMs) socket.terminate();
        continue;
      }
      const buffered = socket.bufferedBytes;
      if (this.stalled(socket, buffered, now)) {
        this.cut(socket, buffered, 'stayed behind without reading');
        continue;
      }
      open.push({ socket, buffered });
    }
    let total = open.reduce((sum, { buffered }) => sum + buffered, 0);
    if (total <= this.limits.totalBufferedBytes) return;
    // Sockets already closing are not counted: they are released within the grace.
    open.sort((a, b) => b.buffered - a.buffered);
    for (const { socket, buffered } of open) {
      if (total <= this.limits.totalBufferedBytes) break;
      this.cut(socket, buffered, 'furthest behind while all queues are over the limit');
      total -= buffered;
    }
  }

  stats(): QueueStats {
    let bufferedBytes = 0;
    let behind = 0;
    for (const socket of this.sockets()) {
      const buffered = socket.bufferedBytes;
      bufferedBytes += buffered;
      if (socket.closedAt === undefined && buffered > this.limits.behindBytes) behind++;
    }
    return { bufferedBytes, bufferedBytesLimit: this.limits.totalBufferedBytes, behind };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Whether a socket has been behind for `behindMs` and read too little meanwhile. Reading is
   * measured, not the queue's length: a slow reader loading a large draft is behind for a long
   * time yet keeps reading, and cutting it would only make it load again from the start.
   */
  private stalled(socket: QueuedSocket, buffered: number, now: number): boolean {
    if (buffered <= this.limits.behindBytes) {
      this.behindSince.delete(socket);
      return false;
    }
    const sent = socket.sentBytes;
    const since = this.behindSince.get(socket);
    if (!since) {
      this.behindSince.set(socket, { at: now, sent });
      return false;
    }
    const elapsedMs = now - since.at;
    if (elapsedMs < this.limits.behindMs) return false;
    if (sent - since.sent < (this.limits.minReadBytesPerSecond * elapsedMs) / 1000) return true;
    // It kept reading: it gets another period to catch up.
    this.behindSince.set(socket, { at: now, sent });
    return false;
  }

  private cut(socket: QueuedSocket, buffered: number, why: string): void {
    this.logger.info({ peer: socket.id, bufferedBytes: buffered }, `cutting a slow socket: ${why}`);
    socket.cutTooSlow();
  }
}
