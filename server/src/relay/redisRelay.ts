import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type ControlMessage,
  type DraftMessage,
  decodeDraftMessage,
  encodeDraftMessage,
  type Relay,
} from '../collab/relay.ts';

/** Channel names start with the deployment's id, so deployments sharing a Redis never hear each other. */
const roomChannel = (deployment: string, room: string) => `margins:${deployment}:room:${room}`;
const controlChannel = (deployment: string) => `margins:${deployment}:control`;
/** A join waits this long for Redis at most: while it is down, drafts still load (the store fills any gap). */
const JOIN_WAIT_MS = 1000;

/**
 * The relay between instances over Redis pub/sub: one channel per room, one for control
 * messages. Pub/sub may drop messages (a restart, a slow subscriber); nothing depends on it
 * alone, since every update relayed is stored first and instances read what they lack from
 * the store (see `LogFollower`). So there is no Redis lock and no persistence here.
 */
export class RedisRelay implements Relay {
  private readonly listeners = new Map<string, (message: DraftMessage, from: string) => void>();
  private readonly controlListeners: ((message: ControlMessage, from: string) => void)[] = [];
  private lastError = 0;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    readonly instanceId: string,
    private readonly deploymentId: string,
    private readonly logger: Logger,
  ) {
    for (const client of [publisher, subscriber]) client.on('error', this.onError);
    subscriber.on('messageBuffer', (channel: Buffer, bytes: Buffer) =>
      this.onMessage(channel.toString(), bytes),
    );
  }

  /** Connects to `url`; rejects if Redis cannot be reached at start. */
  static async connect(
    url: string,
    ids: { instance: string; deployment: string },
    logger: Logger,
  ): Promise<RedisRelay> {
    // Publishes fail at once while Redis is down rather than queue up: a lost message is found
    // again through the store. The subscriber queues, so its subscriptions come back with it.
    const publisher = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      await subscriber.subscribe(controlChannel(ids.deployment));
    } catch (error) {
      publisher.disconnect();
      subscriber.disconnect();
      throw error;
    }
    return new RedisRelay(publisher, subscriber, ids.instance, ids.deployment, logger);
  }

  get connected(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  async join(room: string, listener: (message: DraftMessage, from: string) => void): Promise<void> {
    this.listeners.set(room, listener);
    const subscribed = this.subscriber
      .subscribe(roomChannel(this.deploymentId, room))
      .catch((error: Error) => {
        this.logger.warn({ err: error, room }, 'could not subscribe to a room on Redis');
      });
    await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, JOIN_WAIT_MS).unref())]);
  }

  leave(room: string): void {
    this.listeners.delete(room);
    this.subscriber.unsubscribe(roomChannel(this.deploymentId, room)).catch(() => {});
  }

  publish(room: string, message: DraftMessage): void {
    this.send(
      roomChannel(this.deploymentId, room),
      Buffer.from(encodeDraftMessage(this.instanceId, message)),
    );
  }

  onControl(listener: (message: ControlMessage, from: string) => void): void {
    this.controlListeners.push(listener);
  }

  publishControl(message: ControlMessage): void {
    this.send(
      controlChannel(this.deploymentId),
      Buffer.from(JSON.stringify({ from: this.instanceId, message })),
    );
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  private send(channel: string, bytes: Buffer): void {
    if (this.publisher.status !== 'ready') return;
    this.publisher.publish(channel, bytes).catch(this.onError);
  }

  private onMessage(channel: string, bytes: Buffer): void {
    if (channel === controlChannel(this.deploymentId)) {
      const parsed = parseControl(bytes.toString());
      if (!parsed || parsed.from === this.instanceId) return;
      for (const listener of this.controlListeners) listener(parsed.message, parsed.from);
      return;
    }
    const prefix = roomChannel(this.deploymentId, '');
    if (!channel.startsWith(prefix)) return;
    const listener = this.listeners.get(channel.slice(prefix.length));
    const decoded = decodeDraftMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (!listener || !decoded || decoded.from === this.instanceId) return;
    listener(decoded.message, decoded.from);
  }

  /** Redis being away is logged once every 10 s at most; ioredis reconnects by itself. */
  private readonly onError = (error: Error): void => {
    const now = Date.now();
    if (now - this.lastError < 10_000) return;
    this.lastError = now;
    this.logger.warn(
      { err: error },
      'Redis is unreachable; live traffic between instances waits for it (the store fills the gaps)',
    );
  };
}

const CONTROL_KINDS = new Set(['role-changed', 'draft-changed', 'heartbeat']);

function parseControl(text: string): { from: string; message: ControlMessage } | undefined {
  try {
    const parsed = JSON.parse(text) as { from?: unknown; message?: { kind?: unknown } };
    if (typeof parsed.from !== 'string' || !CONTROL_KINDS.has(String(parsed.message?.kind))) return undefined;
    return parsed as { from: string; message: ControlMessage };
  } catch {
    return undefined;
  }
}
