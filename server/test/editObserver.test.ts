import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EditObserver, ObservedDraft } from '../src/collab/room.ts';
import { Room } from '../src/collab/room.ts';
import { MemoryClient, settle } from './support/memoryPeer.ts';

const rooms: Room[] = [];
const clients: MemoryClient[] = [];

afterEach(() => {
  for (const each of clients.splice(0)) each.destroy();
  for (const room of rooms.splice(0)) room.destroy();
});

function roomWith(observer: EditObserver): { room: Room; errors: string[] } {
  const errors: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(line) });
  const room = new Room('observed-draft', undefined, {
    save: async () => {},
    logger,
    onEmpty: () => {},
    observer,
  });
  rooms.push(room);
  return { room, errors };
}

function person(room: Room, id: string): MemoryClient {
  const client = new MemoryClient(room, id);
  client.userId = `user-${id}`;
  clients.push(client);
  client.connect();
  return client;
}

describe('the sync core and whoever observes edits', () => {
  it('tells the observer who wrote, under which client ids, as plain data', async () => {
    const seen: { draftId: string; userId: string; clients: readonly number[] }[] = [];
    const { room } = roomWith({
      opened: () => {},
      beforeUpdate: (draft: ObservedDraft, userId, writtenClients) => {
        seen.push({ draftId: draft.draftId, userId, clients: [...writtenClients] });
      },
      journal: () => ({ authors: {}, bursts: [] }),
      settle: async () => {},
      closed: () => {},
    });
    const alice = person(room, 'alice');
    await settle([alice]);
    alice.write('Alice’s sentence');
    await settle([alice]);

    expect(seen).toContainEqual({
      draftId: 'observed-draft',
      userId: 'user-alice',
      clients: [alice.doc.clientID],
    });
  });

  it('keeps everyone editing when the observer fails, and logs the failure', async () => {
    const { room, errors } = roomWith({
      opened: () => {},
      beforeUpdate: () => {
        throw new Error('the change log is broken');
      },
      journal: () => ({ authors: {}, bursts: [] }),
      settle: async () => {},
      closed: () => {},
    });
    const alice = person(room, 'alice');
    const tom = person(room, 'tom');
    await settle([alice, tom]);
    alice.write('Still delivered');
    await settle([alice, tom]);

    expect(tom.content).toContain('Still delivered');
    expect(alice.closedWith).toBeUndefined();
    expect(errors.join('')).toContain('the change log is broken');
  });
});
