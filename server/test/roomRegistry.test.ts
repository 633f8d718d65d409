import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Room } from '../src/collab/room.ts';
import { RoomRegistry } from '../src/collab/roomRegistry.ts';
import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import type { DocumentJournal, StoredDocument } from '../src/storage/storage.ts';
import { ForwardingDraftStore } from './support/fakeStores.ts';
import { MemoryClient, settle } from './support/memoryPeer.ts';
import { draftRecord, textOf, yjsStateWithText } from './support/records.ts';
import { eventually } from './support/retry.ts';

const logger = pino({ level: 'silent' });

/** A draft store whose saves fail while `failing` is set, counting every save attempt and every load. */
class FlakyDrafts extends ForwardingDraftStore {
  failing = false;
  saveAttempts = 0;
  loads = 0;

  override async saveDocument(id: string, state: Uint8Array, journal?: DocumentJournal): Promise<void> {
    this.saveAttempts++;
    if (this.failing) throw new Error('disk unavailable');
    return super.saveDocument(id, state, journal);
  }

  override async loadDocumentWithJournal(id: string): Promise<StoredDocument> {
    this.loads++;
    return super.loadDocumentWithJournal(id);
  }
}

async function storageWithDraft(id = 'consultation'): Promise<{ drafts: FlakyDrafts }> {
  const storage = { drafts: new FlakyDrafts(new MemoryStorage().drafts) };
  await storage.drafts.createDraft(draftRecord(id), yjsStateWithText('Stored text'));
  return storage;
}

const clients: MemoryClient[] = [];
function join(room: Room, id: string): MemoryClient {
  const client = new MemoryClient(room, id);
  clients.push(client);
  client.connect();
  return client;
}

afterEach(() => {
  vi.useRealTimers();
  for (const client of clients.splice(0)) client.destroy();
});

describe('RoomRegistry', () => {
  it('answers undefined for a draft that does not exist, without loading anything', async () => {
    const storage = await storageWithDraft();
    const registry = new RoomRegistry({ storage, logger });

    expect(await registry.acquire('no-such-draft')).toBeUndefined();
    expect(registry.loadedDraftIds).toEqual([]);
    expect(storage.drafts.loads).toBe(0);
  });

  it('SAVE-5 loads a draft once when several clients ask for it at the same time', async () => {
    const storage = await storageWithDraft();
    const registry = new RoomRegistry({ storage, logger });

    const rooms = await Promise.all([1, 2, 3].map(() => registry.acquire('consultation')));

    expect(storage.drafts.loads).toBe(1);
    expect(new Set(rooms).size).toBe(1);
    expect(registry.loadedDraftIds).toEqual(['consultation']);
    rooms[0]?.destroy();
  });

  it('SAVE-5 saves the edits and unloads the draft after the last client leaves', async () => {
    const storage = await storageWithDraft();
    const registry = new RoomRegistry({ storage, logger });
    const room = await registry.acquire('consultation');
    if (!room) throw new Error('draft not found');
    const alice = join(room, 'alice');
    const tom = join(room, 'tom');
    await settle([alice, tom]);
    alice.write('Edited by Alice');
    await settle([alice, tom]);

    alice.disconnect();
    expect(registry.loadedDraftIds).toEqual(['consultation']);
    tom.disconnect();

    await eventually(() => expect(registry.loadedDraftIds).toEqual([]));
    expect(textOf(await storage.drafts.loadDocument('consultation'))).toContain('Edited by Alice');
  });

  it('unloads a room that was acquired but never joined once it is released', async () => {
    const storage = await storageWithDraft();
    const registry = new RoomRegistry({ storage, logger });
    const room = await registry.acquire('consultation');
    if (!room) throw new Error('draft not found');

    registry.release(room);

    await eventually(() => expect(registry.loadedDraftIds).toEqual([]));
  });

  it('SAVE-5 keeps a released room loaded while someone is in it', async () => {
    const storage = await storageWithDraft();
    const registry = new RoomRegistry({ storage, logger });
    const room = await registry.acquire('consultation');
    if (!room) throw new Error('draft not found');
    const alice = join(room, 'alice');

    registry.release(room);
    await settle([alice]);

    expect(registry.loadedDraftIds).toEqual(['consultation']);
    room.destroy();
  });

  it('SAVE-3 keeps a draft in memory while its save fails, and unloads it once a retry succeeds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const storage = await storageWithDraft();
    const registry = new RoomRegistry({ storage, logger });
    const room = await registry.acquire('consultation');
    if (!room) throw new Error('draft not found');
    const alice = join(room, 'alice');
    await settle([alice]);
    alice.write('Must not be lost');
    await settle([alice]);
    storage.drafts.failing = true;

    alice.disconnect();
    await vi.waitFor(() => expect(storage.drafts.saveAttempts).toBeGreaterThan(0));
    await vi.advanceTimersByTimeAsync(0);
    expect(registry.loadedDraftIds).toEqual(['consultation']);
    expect(room.hasUnsavedChanges).toBe(true);

    storage.drafts.failing = false;
    await vi.advanceTimersByTimeAsync(10_000);

    expect(registry.loadedDraftIds).toEqual([]);
    expect(textOf(await storage.drafts.loadDocument('consultation'))).toContain('Must not be lost');
  });

  it('SAVE-3 SAVE-4 flushAll saves every loaded draft and names those it could not save', async () => {
    const storage = await storageWithDraft('first');
    await storage.drafts.createDraft(draftRecord('second'), yjsStateWithText('x'));
    const registry = new RoomRegistry({ storage, logger });
    const first = await registry.acquire('first');
    const second = await registry.acquire('second');
    if (!first || !second) throw new Error('draft not found');
    const alice = join(first, 'alice');
    const tom = join(second, 'tom');
    await settle([alice, tom]);
    alice.write('In the first draft');
    tom.write('In the second draft');
    await settle([alice, tom]);

    storage.drafts.failing = true;
    await expect(registry.flushAll()).rejects.toThrow(/first, second|second, first/);
    storage.drafts.failing = false;
    await registry.flushAll();

    expect(textOf(await storage.drafts.loadDocument('first'))).toContain('In the first draft');
    expect(textOf(await storage.drafts.loadDocument('second'))).toContain('In the second draft');
    first.destroy();
    second.destroy();
  });
});
