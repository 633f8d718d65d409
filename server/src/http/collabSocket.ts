import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { colorFor } from '../../../shared/auth.ts';
import { isDraftId } from '../../../shared/draftSchemas.ts';
import { can } from '../../../shared/permissions.ts';
import { CloseCode, COLLAB_PATH, Limits } from '../../../shared/protocol.ts';
import type { Actor } from '../../../shared/roles.ts';
import { draftIdOfThreadsRoom } from '../../../shared/threads.ts';
import { type AccountService, actorOf } from '../accounts/accountService.ts';
import {
  type BackpressureLimits,
  BackpressureMonitor,
  DEFAULT_BACKPRESSURE,
  type QueuedSocket,
  type QueueStats,
} from '../collab/backpressure.ts';
import {
  ConnectionCaps,
  type ConnectionCapsOptions,
  DEFAULT_CONNECTION_CAPS,
} from '../collab/connectionCaps.ts';
import { type Peer, type PresenceIdentity, ProtocolError } from '../collab/peer.ts';
import type { Room } from '../collab/room.ts';
import type { RoomRegistry } from '../collab/roomRegistry.ts';
import type { DraftService } from '../drafts/draftService.ts';
import { ServiceError } from '../serviceError.ts';
import type { DraftRecord, UserRecord } from '../storage/storage.ts';
import { originAllowed } from './origin.ts';
import { identify } from './session.ts';

export interface CollabSocketDeps {
  registry: RoomRegistry;
  accounts: AccountService;
  drafts: DraftService;
  logger: Logger;
  /** Origins besides our own whose pages may open sockets. */
  allowedOrigins: readonly string[];
  /** Bytes queued for one socket before it is dropped; tests lower it. */
  maxBufferedBytes?: number;
  /** The timed check of every socket's queue (`DEFAULT_BACKPRESSURE` for what is left out). */
  backpressure?: Partial<BackpressureLimits>;
  /** Caps on open sockets per client address and per draft (`DEFAULT_CONNECTION_CAPS` when left out). */
  connectionCaps?: ConnectionCapsOptions;
  /** The client's address as the HTTP side sees it (behind trusted proxies, from their headers). */
  addressOf?: (request: IncomingMessage) => string;
  /** Largest frame and message rate per socket (`Limits` for what is left out). */
  messageLimits?: Partial<MessageLimits>;
}

/** What one socket may send: frames larger close it with 1009, faster ones with 4529. */
export interface MessageLimits {
  maxMessageBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
}

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = {
  maxMessageBytes: Limits.maxMessageBytes,
  messagesPerSecond: Limits.messagesPerSecond,
  messageBurst: Limits.messageBurst,
};

/**
 * Mounts the collaboration core on `ws`: checks the origin and who is connecting, parses the path,
 * turns frames into `Room.receive` calls, and enforces the transport limits (frame size, message
 * rate, back-pressure, heartbeat). Each socket's identity decides, through `can`, whether its
 * document updates are applied.
 */
export class CollabSocketServer {
  private readonly wss: WebSocketServer;
  private readonly messageLimits: MessageLimits;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly backpressure: BackpressureMonitor;
  private readonly peers = new Set<SocketPeer>();
  private readonly logger: Logger;
  private readonly caps: ConnectionCaps;
  private nextPeerId = 1;

  constructor(private readonly deps: CollabSocketDeps) {
    this.logger = deps.logger;
    this.messageLimits = { ...DEFAULT_MESSAGE_LIMITS, ...deps.messageLimits };
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.messageLimits.maxMessageBytes });
    this.caps = new ConnectionCaps(deps.connectionCaps ?? DEFAULT_CONNECTION_CAPS);
    this.heartbeat = setInterval(() => this.checkHeartbeats(), Limits.heartbeatMs);
    this.heartbeat.unref();
    this.backpressure = new BackpressureMonitor(
      () => this.queuedSockets(),
      { ...DEFAULT_BACKPRESSURE, ...deps.backpressure },
      this.logger,
    );
  }

  /** Open sockets and what is queued for them, for `/api/health`. */
  stats(): { open: number } & QueueStats {
    return { open: this.wss.clients.size, ...this.backpressure.stats() };
  }

  /** Every socket that has a peer (one still being identified has nothing queued yet). */
  private *queuedSockets(): Iterable<QueuedSocket> {
    for (const ws of this.wss.clients) {
      const peer = SocketPeer.of(ws);
      if (peer) yield peer;
    }
  }

  /** Hook for the HTTP server's `upgrade` event. Answers 404 for paths that are not ours. */
  handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const draftId = parseCollabPath(request.url ?? '');
    if (draftId === undefined) {
      refuseUpgrade(socket, '404 Not Found');
      return;
    }
    // Cross-site WebSocket hijacking: a page on another site could open a socket with the
    // visitor's cookie, so foreign origins are refused before the upgrade.
    if (!originAllowed(request.headers.origin, request.headers.host, this.deps.allowedOrigins)) {
      refuseUpgrade(socket, '403 Forbidden');
      return;
    }
    // Counted before anything costs: a flood of sockets from one address is turned away here.
    const address = this.deps.addressOf?.(request) ?? request.socket.remoteAddress ?? 'unknown';
    const admitted = this.caps.admit(address, draftIdOfThreadsRoom(draftId) ?? draftId);
    if ('refuse' in admitted) {
      // Upgraded only to say why: a refused upgrade reaches a browser as a bare 1006.
      this.wss.handleUpgrade(request, socket, head, (ws) => ws.close(admitted.refuse, admitted.reason));
      return;
    }
    socket.once('close', admitted.release);
    identify(this.deps.accounts, request).then(
      ({ user }) => {
        if (socket.destroyed) return admitted.release();
        this.wss.handleUpgrade(request, socket, head, (ws) => void this.attach(ws, draftId, user));
      },
      (error: unknown) => {
        this.logger.error({ err: error }, 'could not identify a socket');
        admitted.release();
        refuseUpgrade(socket, '500 Internal Server Error');
      },
    );
  };

  /** A person's role changed: their open sockets follow at once (read-only, or closed). */
  roleChanged(user: UserRecord): void {
    for (const peer of this.peers) {
      if (peer.actor.userId !== user.id) continue;
      peer.actor = actorOf(user);
      peer.presence = presenceOf(peer.actor, user, peer.id);
      this.recheck(peer);
    }
  }

  /** A draft's visibility or window changed: its sockets follow at once. */
  draftChanged(draft: DraftRecord): void {
    for (const peer of this.peers) {
      if (peer.draft.id !== draft.id) continue;
      peer.draft = draft;
      this.recheck(peer);
    }
  }

  private recheck(peer: SocketPeer): void {
    if (!can(peer.actor, 'draft.read', { draft: peer.draft })) {
      peer.close(CloseCode.Forbidden, 'You no longer have access to this draft');
      return;
    }
    peer.room?.accessChanged(peer);
  }

  /**
   * Closes every socket with 1001 so clients reconnect to the next server; a socket that does not
   * finish its closing handshake within `graceMs` is cut, so a silent client cannot hold up a
   * shutdown.
   */
  async close(graceMs = 1000): Promise<void> {
    clearInterval(this.heartbeat);
    this.backpressure.stop();
    const closing = [...this.wss.clients].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(CloseCode.GoingAway, 'Server is restarting');
          setTimeout(() => ws.terminate(), graceMs).unref();
        }),
    );
    this.wss.close();
    await Promise.all(closing);
  }

  private async attach(ws: WebSocket, roomName: string, user: UserRecord | undefined): Promise<void> {
    const id = `p${this.nextPeerId++}`;
    // A draft's threads live in a second room that only the server writes.
    const threadsOf = draftIdOfThreadsRoom(roomName);
    const draftId = threadsOf ?? roomName;
    const actor = actorOf(user);
    // The client speaks as soon as its socket opens (its sync step 1 first): what it sends while
    // the draft is looked up must be kept for the handler below, or the store's round trip would
    // swallow it and the client would wait for ever. Kept up to the burst the limiter allows.
    const beforeLookup: [RawData, boolean][] = [];
    const keep = (data: RawData, isBinary: boolean) => {
      if (beforeLookup.length < this.messageLimits.messageBurst) beforeLookup.push([data, isBinary]);
      else ws.close(CloseCode.RateLimited, closeReason('Too many messages; slow down'));
    };
    ws.on('message', keep);
    let draft: DraftRecord | undefined;
    try {
      draft = isDraftId(draftId) ? await this.deps.drafts.readable(actor, draftId) : undefined;
    } catch (error) {
      if (!(error instanceof ServiceError)) this.logger.error({ err: error }, 'could not look up a draft');
    }
    // A private draft answers exactly like a missing one, so its existence does not leak.
    if (!draft) return void ws.close(CloseCode.DraftNotFound, closeReason(`There is no draft "${draftId}"`));
    const peer = new SocketPeer(ws, id, this.deps.maxBufferedBytes ?? Limits.maxBufferedBytes, {
      actor,
      draft,
      presence: presenceOf(actor, user, id),
      serverWritten: threadsOf !== undefined,
    });
    const log = this.logger.child({ room: roomName, peer: peer.id });
    // Frames that arrive while the room loads are kept, in order, and handled once it is ready.
    const early: Uint8Array[] = [];
    let room: Room | undefined;
    const limiter = new RateLimiter(this.messageLimits.messagesPerSecond, this.messageLimits.messageBurst);

    const onMessage = (data: RawData, isBinary: boolean) => {
      if (!isBinary) return peer.close(CloseCode.BadMessage, 'Only binary frames are accepted');
      if (!limiter.take()) return peer.close(CloseCode.RateLimited, 'Too many messages; slow down');
      const bytes = toUint8Array(data);
      if (room) this.deliver(room, peer, bytes, log);
      else early.push(bytes);
    };
    ws.off('message', keep);
    ws.on('message', onMessage);
    for (const [data, isBinary] of beforeLookup.splice(0)) onMessage(data, isBinary);
    ws.on('error', (error) => log.debug({ err: error }, 'socket error'));
    ws.on('pong', () => {
      peer.alive = true;
    });

    let loaded: Room | undefined;
    try {
      loaded = await this.deps.registry.acquire(roomName);
    } catch (error) {
      log.error({ err: error }, 'could not load draft');
      return peer.close(CloseCode.ServerError, 'The draft could not be loaded; try again later');
    }
    if (!loaded) return peer.close(CloseCode.DraftNotFound, `There is no draft "${draftId}"`);
    // The client left while the draft loaded: without a join, no leave would ever unload it.
    if (ws.readyState !== WebSocket.OPEN) return this.deps.registry.release(loaded);

    room = loaded;
    peer.room = loaded;
    this.peers.add(peer);
    room.join(peer);
    ws.on('close', () => {
      this.peers.delete(peer);
      loaded.leave(peer);
    });
    for (const bytes of early.splice(0)) this.deliver(loaded, peer, bytes, log);
  }

  private deliver(room: Room, peer: SocketPeer, bytes: Uint8Array, log: Logger): void {
    if (peer.closed) return;
    try {
      room.receive(peer, bytes);
    } catch (error) {
      if (error instanceof ProtocolError) {
        log.info({ reason: error.message }, 'closing socket that broke the protocol');
        peer.close(error.code, error.message);
      } else {
        log.error({ err: error }, 'unexpected error handling a message');
        peer.close(CloseCode.ServerError, 'Internal error');
      }
    }
  }

  private checkHeartbeats(): void {
    for (const ws of this.wss.clients) {
      const peer = SocketPeer.of(ws);
      if (!peer) continue;
      if (!peer.alive) {
        ws.terminate();
        continue;
      }
      peer.alive = false;
      ws.ping();
    }
  }
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** What others see of a socket's person: set by the server from the session, never by the client. */
function presenceOf(actor: Actor, user: UserRecord | undefined, peerId: string): PresenceIdentity {
  return {
    name: user?.name ?? '',
    role: actor.role,
    color: colorFor(user?.id ?? peerId),
  };
}

/** `/collab/<draftId>` (with an optional query string) → draftId; anything else → undefined. */
export function parseCollabPath(url: string): string | undefined {
  const pathname = url.split('?')[0] ?? '';
  const prefix = `${COLLAB_PATH}/`;
  if (!pathname.startsWith(prefix)) return undefined;
  const rest = pathname.slice(prefix.length);
  if (rest.length === 0 || rest.includes('/')) return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

const peersBySocket = new WeakMap<WebSocket, SocketPeer>();

/** The parts of Node's `net.Socket` (under `ws`) that say how much the kernel has taken. */
interface TcpInternals {
  _bytesDispatched?: number;
  _handle?: { writeQueueSize?: number } | null;
}

interface PeerIdentity {
  actor: Actor;
  draft: DraftRecord;
  presence: PresenceIdentity;
  /** A room only the server writes (a draft's threads): nobody's updates are applied. */
  serverWritten: boolean;
}

class SocketPeer implements Peer, QueuedSocket {
  alive = true;
  closed = false;
  /** When the server closed this socket; `BackpressureMonitor` destroys it if it lingers. */
  closedAt: number | undefined;
  private lastSentBytes = 0;
  room: Room | undefined;
  actor: Actor;
  draft: DraftRecord;
  presence: PresenceIdentity;
  private readonly serverWritten: boolean;

  constructor(
    private readonly ws: WebSocket,
    readonly id: string,
    private readonly maxBufferedBytes: number,
    identity: PeerIdentity,
  ) {
    this.actor = identity.actor;
    this.draft = identity.draft;
    this.presence = identity.presence;
    this.serverWritten = identity.serverWritten;
    peersBySocket.set(ws, this);
  }

  get userId(): string | null {
    return this.actor.userId;
  }

  /** Asked afresh at every update, so a role or window change applies to the next keystroke. */
  get canWrite(): boolean {
    return !this.serverWritten && can(this.actor, 'draft.edit', { draft: this.draft });
  }

  static of(ws: WebSocket): SocketPeer | undefined {
    return peersBySocket.get(ws);
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  /**
   * What the kernel has taken for this socket, for `BackpressureMonitor` to tell a slow reader
   * from a stalled one. `bufferedAmount` cannot: it drops only when a whole message is written,
   * and a cold open's sync step is one message of the draft's size, which a slow reader takes
   * minutes to read. Node exposes the count only on its internals (`_bytesDispatched` less
   * libuv's queue); without them this stays 0, and a socket behind for `behindMs` is cut.
   */
  get sentBytes(): number {
    const tcp = (this.ws as unknown as { _socket?: TcpInternals })._socket;
    const dispatched = tcp?._bytesDispatched;
    const queued = tcp?._handle?.writeQueueSize;
    if (typeof dispatched === 'number' && typeof queued === 'number')
      this.lastSentBytes = dispatched - queued;
    return this.lastSentBytes;
  }

  send(message: Uint8Array): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    // A client that cannot keep up is dropped rather than buffered without bound; it reconnects
    // and resyncs from the current state. `BackpressureMonitor` also looks between sends.
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.cutTooSlow();
      return;
    }
    this.ws.send(message, { binary: true });
  }

  cutTooSlow(): void {
    this.close(CloseCode.TooSlow, 'Connection too slow; reconnect to resync');
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedAt = Date.now();
    this.ws.close(code, closeReason(reason));
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** A token bucket: `ratePerSecond` sustained, `burst` at once. */
class RateLimiter {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The WebSocket protocol allows at most 123 bytes of close reason. */
function closeReason(reason: string): string {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -2);
  return text;
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
