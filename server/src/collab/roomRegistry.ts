import type { Logger } from 'pino';
import type * as Y from 'yjs';
import { draftIdOfThreadsRoom, threadsRoomName } from '../../../shared/threads.ts';
import type { Stores } from '../storage/stores.ts';
import type { SaverTiming } from './documentSaver.ts';
import type { LiveDrafts } from './liveDrafts.ts';
import type { ServerChange } from './origins.ts';
import { type EditObserver, Room } from './room.ts';

const UNLOAD_RETRY_MS = 5000;

export interface RoomRegistryDeps {
  storage: Pick<Stores, 'drafts'>;
  logger: Logger;
  /** How rooms debounce and retry their saves; the saver's defaults otherwise. */
  saverTiming?: SaverTiming;
  /** Builds a draft's threads document from the stored threads (it is never saved itself); empty by default. */
  threadsState?: (draftId: string) => Promise<Uint8Array>;
  /** Told about people's edits to drafts' text (the change log's edit bursts). */
  observer?: EditObserver;
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

  constructor(private readonly deps: RoomRegistryDeps) {
    this.threadsState = deps.threadsState ?? (async () => new Uint8Array([0, 0]));
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

  private async load(draftId: string): Promise<Room> {
    const { state, journal } = await this.deps.storage.drafts.loadDocumentWithJournal(draftId);
    return new Room(draftId, state, {
      save: (bytes, journalNow) => this.deps.storage.drafts.saveDocument(draftId, bytes, journalNow),
      journal,
      logger: this.deps.logger,
      saverTiming: this.deps.saverTiming,
      onEmpty: (room) => void this.unloadIfIdle(room),
      observer: this.deps.observer,
    });
  }

  private async loadThreads(name: string, draftId: string): Promise<Room> {
    const state = await this.threadsState(draftId);
    return new Room(name, state, {
      // The stored threads are the truth; this document is rebuilt from them at every load.
      save: async () => {},
      logger: this.deps.logger,
      onEmpty: (room) => void this.unloadIfIdle(room),
    });
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
    room.destroy();
    this.deps.logger.debug({ draftId: room.draftId }, 'unloaded draft');
  }
}
