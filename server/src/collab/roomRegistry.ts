import type { Logger } from 'pino';
import type * as Y from 'yjs';
import { draftIdOfThreadsRoom, threadsRoomName } from '../../../shared/threads.ts';
import type { Stores, UpdateLogStore } from '../storage/stores.ts';
import type { SaverTiming } from './documentSaver.ts';
import type { LiveDrafts } from './liveDrafts.ts';
import type { CollabMetrics } from './metrics.ts';
import type { ServerChange } from './origins.ts';
import type { DraftMessage, Relay } from './relay.ts';
import { type EditObserver, Room, type RoomLog } from './room.ts';

const UNLOAD_RETRY_MS = 5000;
/** How often the loaded drafts' log heads are read, to catch what the relay did not bring. */
const LOG_POLL_MS = 2000;
/** Every instance says it is alive this often; one silent this long counts as gone. */
const HEARTBEAT_MS = 5000;
const SILENT_INSTANCE_MS = 16_000;

/** A view of the threads room that another instance changed (see `Relay`). */
export interface ViewChange {
  draftId: string;
  what: 'thread' | 'suggestion';
  id: string;
}

export interface RoomRegistryDeps {
  storage: Pick<Stores, 'drafts'>;
  logger: Logger;
  /** How rooms debounce and retry their saves; the saver's defaults otherwise. */
  saverTiming?: SaverTiming;
  /** Builds a draft's threads document from the stored threads (it is never saved itself); empty by default. */
  threadsState?: (draftId: string) => Promise<Uint8Array>;
  /** Told about people's edits to drafts' text (the change log's edit bursts). */
  observer?: EditObserver;
  /**
   * With a store several instances share: the drafts' update log (every update is stored before
   * it is sent), and the relay to the other instances serving them (none: one instance).
   */
  updateLog?: UpdateLogStore;
  relay?: Relay;
  /** Another instance changed a view of a threads room loaded here: rebuild it from the store. */
  onViewChanged?: (change: ViewChange) => void;
  /** What rooms count for `/metrics`. */
  metrics?: CollabMetrics;
}

/**
 * Keeps each draft's Room loaded exactly once while anyone is connected, and unloads it after the
 * last peer has left and its state is saved. Concurrent joins of a draft that is still loading
 * share the same load.
 */
export class RoomRegistry implements LiveDrafts {
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly ready = new Map<string, Room>();

  private readonly threadsState: (draftId: string) => Promise<Uint8Array>;

  private readonly poll: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout | undefined;
  /** Other instances heard from, and when last (ms). */
  private readonly instancesSeen = new Map<string, number>();

  constructor(private readonly deps: RoomRegistryDeps) {
    this.threadsState = deps.threadsState ?? (async () => new Uint8Array([0, 0]));
    if (deps.updateLog) {
      this.poll = setInterval(() => void this.readLogHeads(), LOG_POLL_MS);
      this.poll.unref();
    }
    const { relay } = deps;
    if (relay) {
      relay.onControl((message, from) => {
        if (message.kind === 'heartbeat') this.instancesSeen.set(from, Date.now());
      });
      relay.publishControl({ kind: 'heartbeat' });
      this.heartbeat = setInterval(() => {
        relay.publishControl({ kind: 'heartbeat' });
        this.dropSilentInstances();
      }, HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  /** Stops reading the log's heads and sending heartbeats (the server is stopping). */
  stop(): void {
    clearInterval(this.poll);
    clearInterval(this.heartbeat);
  }

  /**
   * An instance that has sent no heartbeat for a while has stopped (killed, or cut off): the
   * presence of its people is removed here at once, rather than when each times out.
   */
  private dropSilentInstances(): void {
    const now = Date.now();
    for (const [instance, seen] of this.instancesSeen) {
      if (now - seen < SILENT_INSTANCE_MS) continue;
      this.instancesSeen.delete(instance);
      this.deps.logger.info({ instance }, 'another instance went silent: its people’s presence is removed');
      for (const room of this.ready.values()) room.dropInstance(instance);
    }
  }

  /**
   * A threads room's view changed here: the other instances rebuild it from the store. (Their
   * threads rooms are built independently, so views travel as "this one changed", never as Yjs updates.)
   */
  announceView(change: ViewChange): void {
    this.deps.relay?.publish(threadsRoomName(change.draftId), {
      kind: 'view',
      what: change.what,
      id: change.id,
    });
  }

  /** Whatever the relay lost (a Redis restart, a dropped message) is found here: the log says how far each draft goes. */
  private async readLogHeads(): Promise<void> {
    const log = this.deps.updateLog;
    const loaded = [...this.ready.values()].filter((room) => room.loggedSeq !== undefined);
    if (!log || loaded.length === 0) return;
    try {
      const heads = await log.lastSeqs(loaded.map((room) => room.draftId));
      for (const room of loaded) room.logReaches(heads.get(room.draftId) ?? 0);
    } catch (error) {
      this.deps.logger.debug({ err: error }, 'could not read the update log heads');
    }
  }

  /**
   * The live room called `name`, loading it if needed; undefined when its draft does not exist.
   * A name is a draft id (the draft's text) or `threadsRoomName(draftId)` (its threads).
   */
  async acquire(name: string): Promise<Room | undefined> {
    const loaded = this.rooms.get(name);
    if (loaded) return loaded;
    const threadsOf = draftIdOfThreadsRoom(name);
    if (!(await this.deps.storage.drafts.getDraft(threadsOf ?? name))) return undefined;
    // Another acquire may have started the load while we awaited.
    const raced = this.rooms.get(name);
    if (raced) return raced;
    const loading = threadsOf ? this.loadThreads(name, threadsOf) : this.load(name);
    this.rooms.set(name, loading);
    loading.then(
      (room) => this.ready.set(name, room),
      () => this.rooms.delete(name),
    );
    return loading;
  }

  /** The room called `name` if it is loaded now (never loads it). */
  loaded(name: string): Room | undefined {
    return this.ready.get(name);
  }

  /**
   * Runs a server-side change on a room that may have no peers: loads it, keeps it loaded while
   * `change` runs, and lets it unload afterwards. Undefined when the draft does not exist.
   */
  async use<T>(name: string, change: (room: Room) => T | Promise<T>): Promise<T | undefined> {
    const room = await this.acquire(name);
    if (!room) return undefined;
    room.hold();
    try {
      return await change(room);
    } finally {
      room.unhold();
    }
  }

  async settle(draftId: string): Promise<void> {
    await this.ready.get(draftId)?.settle();
  }

  publish(draftId: string, origin: ServerChange, change: (sideChannel: Y.Doc) => void): void {
    const room = this.ready.get(threadsRoomName(draftId));
    if (!room) return;
    const doc = room.liveDoc;
    doc.transact(() => change(doc), origin);
  }

  /** For a caller that acquired a room but will not join it: unloads the room if nobody is in it. */
  release(room: Room): void {
    if (!room.busy) void this.unloadIfIdle(room);
  }

  get loadedDraftIds(): string[] {
    return [...this.rooms.keys()];
  }

  /** Records what is open and saves every loaded room; rejects listing the drafts that could not be saved. */
  async flushAll(): Promise<void> {
    const failures: string[] = [];
    await Promise.all(
      [...this.rooms.entries()].map(async ([draftId, loading]) => {
        try {
          await (await loading).settle();
        } catch {
          failures.push(draftId);
        }
      }),
    );
    if (failures.length > 0) throw new Error(`Could not save drafts: ${failures.join(', ')}`);
  }

  /**
   * Loads a draft's text. With a relay, its channel is joined first and what arrives meanwhile is
   * kept, then the store is read, then the kept messages are applied: nothing stored in between is missed.
   */
  private async load(draftId: string): Promise<Room> {
    const early: [DraftMessage, string][] = [];
    let room: Room | undefined;
    await this.deps.relay?.join(draftId, (message, from) => {
      if (room) this.receive(room, message, from);
      else early.push([message, from]);
    });
    try {
      const { state, journal, seq } = await this.deps.storage.drafts.loadDocumentWithJournal(draftId);
      room = new Room(draftId, state, {
        save: async (bytes, journalNow, covers) => {
          const started = performance.now();
          await this.deps.storage.drafts.saveDocument(draftId, bytes, journalNow, covers);
          this.deps.metrics?.saved((performance.now() - started) / 1000);
        },
        journal,
        logger: this.deps.logger,
        saverTiming: this.deps.saverTiming,
        onEmpty: (loaded) => void this.unloadIfIdle(loaded),
        observer: this.deps.observer,
        log: this.logOf(draftId, seq ?? 0),
        metrics: this.deps.metrics,
      });
    } catch (error) {
      this.deps.relay?.leave(draftId);
      throw error;
    }
    for (const [message, from] of early) this.receive(room, message, from);
    return room;
  }

  private logOf(draftId: string, loadedSeq: number): RoomLog | undefined {
    const { updateLog, relay } = this.deps;
    if (!updateLog) return undefined;
    return {
      loadedSeq,
      append: (update, userId) => updateLog.appendUpdate(draftId, update, userId),
      missingAfter: (seq) => updateLog.missingAfter(draftId, seq),
      stored: (update, seq, userId) =>
        relay?.publish(draftId, { kind: 'update', seq, update, sentAt: Date.now(), userId: userId ?? '' }),
      unstored: (update, userId) =>
        relay?.publish(draftId, { kind: 'unstored', update, userId: userId ?? '' }),
      presence: (update) => relay?.publish(draftId, { kind: 'presence', update }),
    };
  }

  private receive(room: Room, message: DraftMessage, from: string): void {
    // Heard from: an instance whose people are here is watched even before its first heartbeat.
    this.instancesSeen.set(from, Date.now());
    if (room.doc.isDestroyed) return;
    if (message.kind === 'update') {
      this.deps.metrics?.relayed(Math.max(0, Date.now() - message.sentAt) / 1000);
      room.receiveStored(message.seq, message.update, message.userId);
    } else if (message.kind === 'presence') room.receiveRemotePresence(message.update, from);
    else if (message.kind === 'unstored') room.receiveUnstored(message.update, message.userId);
  }

  private async loadThreads(name: string, draftId: string): Promise<Room> {
    // Views another instance changed while this one loads are read from the store anyway.
    await this.deps.relay?.join(name, (message) => {
      if (message.kind === 'view' && this.ready.has(name)) {
        this.deps.onViewChanged?.({ draftId, what: message.what, id: message.id });
      }
    });
    try {
      const state = await this.threadsState(draftId);
      return new Room(name, state, {
        // The stored threads are the truth; this document is rebuilt from them at every load.
        save: async () => {},
        logger: this.deps.logger,
        onEmpty: (room) => void this.unloadIfIdle(room),
      });
    } catch (error) {
      this.deps.relay?.leave(name);
      throw error;
    }
  }

  private async unloadIfIdle(room: Room): Promise<void> {
    try {
      // Open edit bursts are logged first, so that the last save holds no burst still to log.
      await room.settle();
    } catch {
      // The saver keeps retrying; try unloading again later rather than drop unsaved edits.
      setTimeout(() => void this.unloadIfIdle(room), UNLOAD_RETRY_MS).unref();
      return;
    }
    // Someone may have joined while we were saving; then the room stays.
    const current = await this.rooms.get(room.draftId)?.catch(() => undefined);
    if (current !== room || room.busy || room.hasUnsavedChanges) return;
    this.rooms.delete(room.draftId);
    this.ready.delete(room.draftId);
    this.deps.relay?.leave(room.draftId);
    room.destroy();
    this.deps.logger.debug({ draftId: room.draftId }, 'unloaded draft');
  }
}
