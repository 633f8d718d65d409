import type { Logger } from 'pino';
import type { Storage } from '../storage/storage.ts';
import type { SaverTiming } from './documentSaver.ts';
import { Room } from './room.ts';

const UNLOAD_RETRY_MS = 5000;

/**
 * Keeps each draft's Room loaded exactly once while anyone is connected, and unloads it after the
 * last peer has left and its state is saved. Concurrent joins of a draft that is still loading
 * share the same load.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Promise<Room>>();

  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
    private readonly saverTiming?: SaverTiming,
  ) {}

  /** The live room of a draft, loading it if needed; undefined when the draft does not exist. */
  async acquire(draftId: string): Promise<Room | undefined> {
    const loaded = this.rooms.get(draftId);
    if (loaded) return loaded;
    if (!(await this.storage.getDraft(draftId))) return undefined;
    // Another acquire may have started the load while we awaited.
    const raced = this.rooms.get(draftId);
    if (raced) return raced;
    const loading = this.load(draftId);
    this.rooms.set(draftId, loading);
    loading.catch(() => this.rooms.delete(draftId));
    return loading;
  }

  /** For a caller that acquired a room but will not join it: unloads the room if nobody is in it. */
  release(room: Room): void {
    if (room.peerCount === 0) void this.unloadIfIdle(room);
  }

  get loadedDraftIds(): string[] {
    return [...this.rooms.keys()];
  }

  /** Saves every loaded room; rejects listing the drafts that could not be saved. */
  async flushAll(): Promise<void> {
    const failures: string[] = [];
    await Promise.all(
      [...this.rooms.entries()].map(async ([draftId, loading]) => {
        try {
          await (await loading).flush();
        } catch {
          failures.push(draftId);
        }
      }),
    );
    if (failures.length > 0) throw new Error(`Could not save drafts: ${failures.join(', ')}`);
  }

  private async load(draftId: string): Promise<Room> {
    const state = await this.storage.loadDocument(draftId);
    return new Room(draftId, state, {
      save: (bytes) => this.storage.saveDocument(draftId, bytes),
      logger: this.logger,
      saverTiming: this.saverTiming,
      onEmpty: (room) => void this.unloadIfIdle(room),
    });
  }

  private async unloadIfIdle(room: Room): Promise<void> {
    try {
      await room.flush();
    } catch {
      // The saver keeps retrying; try unloading again later rather than drop unsaved edits.
      setTimeout(() => void this.unloadIfIdle(room), UNLOAD_RETRY_MS).unref();
      return;
    }
    // Someone may have joined while we were saving; then the room stays.
    const current = await this.rooms.get(room.draftId)?.catch(() => undefined);
    if (current !== room || room.peerCount > 0 || room.hasUnsavedChanges) return;
    this.rooms.delete(room.draftId);
    room.destroy();
    this.logger.debug({ draftId: room.draftId }, 'unloaded draft');
  }
}
