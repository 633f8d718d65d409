import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { CloseCode, Limits, MessageType } from '../../shared/protocol.ts';
import { encodeAwarenessUpdate } from '../src/collab/awarenessUpdate.ts';
import { ProtocolError } from '../src/collab/peer.ts';
import { READ_ONLY_REASON, Room } from '../src/collab/room.ts';
import { markdownToYjsState } from '../src/drafts/markdown.ts';
import { permissionDeniedReasons } from './support/collabClient.ts';
import { awarenessMessage, describeMessage, MemoryClient, nextTurn, settle } from './support/memoryPeer.ts';
import { textOf } from './support/records.ts';
import { eventually } from './support/retry.ts';

const logger = pino({ level: 'silent' });
const rooms: Room[] = [];
const clients: MemoryClient[] = [];

function makeRoom(stored?: Uint8Array, presenceWindowMs?: (peers: number) => number) {
  const saves: Uint8Array[] = [];
  const onEmpty = vi.fn();
  const room = new Room('test-draft', stored, {
    save: async (state) => {
      saves.push(state);
    },
    logger,
    onEmpty,
    presenceWindowMs,
  });
  rooms.push(room);
  return { room, saves, onEmpty };
}

function client(room: Room, id: string): MemoryClient {
  const created = new MemoryClient(room, id);
  clients.push(created);
  return created;
}

afterEach(() => {
  for (const each of clients.splice(0)) each.destroy();
  for (const room of rooms.splice(0)) room.destroy();
});

describe('Room: document sync', () => {
  it('LIVE-1 brings three clients to the same document whatever order they write in', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    const ines = client(room, 'ines');
    for (const each of [alice, tom, ines]) each.connect();
    await settle([alice, tom, ines]);

    alice.write('Alice: first');
    tom.write('Tom: second');
    await nextTurn();
    ines.write('Inès: third');
    alice.write('Alice: again');
    await settle([alice, tom, ines]);

    expect(tom.content).toBe(alice.content);
    expect(ines.content).toBe(alice.content);
    for (const text of ['Alice: first', 'Tom: second', 'Inès: third', 'Alice: again']) {
      expect(alice.content).toContain(text);
    }
  });

  it('gives a newcomer the stored draft', async () => {
    const { room } = makeRoom(markdownToYjsState('# Estrategia\n\nTexto inicial.\n'));
    const alice = client(room, 'alice');
    alice.connect();
    await settle([alice]);

    expect(alice.content).toContain('Estrategia');
    expect(alice.content).toContain('Texto inicial.');
  });

  it('does not save a draft that was only read', async () => {
    const { room, saves } = makeRoom(markdownToYjsState('# Estrategia\n\nTexto inicial.\n'));
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();
    await settle([alice, tom]);

    expect(room.hasUnsavedChanges).toBe(false);
    await room.flush();
    expect(saves).toEqual([]);
  });

  it('merges what a client wrote before joining with the stored draft, and saves the result', async () => {
    const { room, saves } = makeRoom(markdownToYjsState('# Stored title\n'));
    const offline = client(room, 'offline');
    offline.write('Written before joining');
    const reader = client(room, 'reader');
    reader.connect();
    await settle([reader]);

    offline.connect();
    await settle([offline, reader]);

    expect(offline.content).toBe(reader.content);
    expect(reader.content).toContain('Stored title');
    expect(reader.content).toContain('Written before joining');
    expect(room.hasUnsavedChanges).toBe(true);
    await room.flush();
    const saved = textOf(saves.at(-1) ?? new Uint8Array());
    expect(saved).toContain('Written before joining');
    expect(saved).toContain('Stored title');
  });

  it('SAVE-8 brings a client that was away up to date, keeping what it wrote meanwhile', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();
    await settle([alice, tom]);

    alice.disconnect();
    tom.write('Tom while Alice was away');
    alice.write('Alice on the train');
    await settle([tom]);
    alice.connect();
    await settle([alice, tom]);

    expect(alice.content).toBe(tom.content);
    expect(alice.content).toContain('Tom while Alice was away');
    expect(alice.content).toContain('Alice on the train');
  });

  it('LIVE-2 does not echo an update to the client that sent it', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();
    await settle([alice, tom]);

    alice.write('Only Tom needs this');
    await nextTurn();

    expect(alice.inbox.map(describeMessage)).not.toContain('update');
    expect(tom.inbox.map(describeMessage)).toEqual(['update']);
  });

  it('LIVE-2 sends the updates of one event-loop turn as one message', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();
    await settle([alice, tom]);

    alice.write('one');
    alice.write('two');
    alice.write('three');
    await nextTurn();

    expect(tom.inbox.map(describeMessage)).toEqual(['update']);
    tom.receive();
    expect(tom.content).toBe(alice.content);
  });

  it('ignores messages from a peer that has left', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    alice.connect();
    await settle([alice]);
    alice.disconnect();

    expect(() => room.receive(alice, new Uint8Array([0xff]))).not.toThrow();
    expect(room.doc.getXmlFragment('default').length).toBe(0);
  });
});

describe('Room: malformed input', () => {
  const malformed: [string, number[]][] = [
    ['an empty message', []],
    ['an unknown message type', [9]],
    ['an auth message, which this server does not speak', [MessageType.Auth, 0]],
    ['a sync message of an unknown step', [MessageType.Sync, 7, 0]],
    ['a sync update cut short', [MessageType.Sync, 2, 50, 1, 2, 3]],
    ['a sync step 1 whose state vector is garbage', [MessageType.Sync, 0, 3, 0xff, 0xff, 0xff]],
    ['an awareness message cut short', [MessageType.Awareness, 20, 1, 2]],
    ['a varuint that never ends', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  ];

  it.each(malformed)('CLOSE-3 refuses %s with ProtocolError BadMessage', async (_what, bytes) => {
    const { room } = makeRoom();
    const mallory = client(room, 'mallory');
    mallory.connect();

    let thrown: unknown;
    try {
      room.receive(mallory, new Uint8Array(bytes));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProtocolError);
    expect((thrown as ProtocolError).code).toBe(CloseCode.BadMessage);
  });

  it('refuses presence whose state is not JSON', () => {
    const { room } = makeRoom();
    const mallory = client(room, 'mallory');
    mallory.connect();
    const update = encodeAwarenessUpdate([{ clientId: 7, clock: 1, state: '{not json' }]);

    expect(() => room.receive(mallory, awarenessMessage(update))).toThrow(ProtocolError);
    expect(room.awareness.getStates().has(7)).toBe(false);
  });

  it('CLOSE-3 LIMIT-2 refuses a presence update larger than the limit', () => {
    const { room } = makeRoom();
    const mallory = client(room, 'mallory');
    mallory.connect();
    const big = JSON.stringify({ name: 'x'.repeat(Limits.maxAwarenessBytes) });
    const update = encodeAwarenessUpdate([{ clientId: mallory.doc.clientID, clock: 1, state: big }]);

    expect(() => room.receive(mallory, awarenessMessage(update))).toThrow(
      expect.objectContaining({ code: CloseCode.BadMessage }),
    );
  });

  it('keeps syncing the other clients after refusing one client’s message', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const mallory = client(room, 'mallory');
    alice.connect();
    mallory.connect();
    await settle([alice, mallory]);

    expect(() => room.receive(mallory, new Uint8Array([MessageType.Sync, 2, 50, 1]))).toThrow(ProtocolError);
    const tom = client(room, 'tom');
    tom.connect();
    alice.write('Still working');
    await settle([alice, tom]);

    expect(tom.content).toContain('Still working');
  });
});

describe('Room: presence (awareness)', () => {
  function stateOf(viewer: MemoryClient | Room, subject: MemoryClient): unknown {
    return viewer.awareness.getStates().get(subject.doc.clientID);
  }

  it('LIVE-4 shares each client’s presence with the others', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();
    alice.setPresence({ name: 'Alice' });
    tom.setPresence({ name: 'Tom' });
    await settle([alice, tom]);

    expect(stateOf(alice, tom)).toEqual({ name: 'Tom', user: tom.presence });
    expect(stateOf(tom, alice)).toEqual({ name: 'Alice', user: alice.presence });
  });

  it('tells a newcomer who is already there', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    alice.connect();
    alice.setPresence({ name: 'Alice' });
    await settle([alice]);

    const tom = client(room, 'tom');
    tom.connect();
    await settle([tom]);

    expect(stateOf(tom, alice)).toEqual({ name: 'Alice', user: alice.presence });
  });

  it('LIMIT-1 drops presence entries for a client id that another peer speaks for', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const mallory = client(room, 'mallory');
    const tom = client(room, 'tom');
    for (const each of [alice, mallory, tom]) each.connect();
    alice.setPresence({ name: 'Alice' });
    await settle([alice, mallory, tom]);

    const forged = encodeAwarenessUpdate([
      { clientId: alice.doc.clientID, clock: 99, state: JSON.stringify({ name: 'Mallory as Alice' }) },
      { clientId: mallory.doc.clientID, clock: 1, state: JSON.stringify({ name: 'Mallory' }) },
    ]);
    room.receive(mallory, awarenessMessage(forged));
    const removal = encodeAwarenessUpdate([{ clientId: alice.doc.clientID, clock: 100, state: 'null' }]);
    room.receive(mallory, awarenessMessage(removal));
    await settle([alice, mallory, tom]);

    expect(stateOf(room, alice)).toEqual({ name: 'Alice', user: alice.presence });
    expect(stateOf(tom, alice)).toEqual({ name: 'Alice', user: alice.presence });
    expect(stateOf(tom, mallory)).toEqual({ name: 'Mallory', user: mallory.presence });
  });

  it(`LIMIT-1 lets one peer speak for at most ${Limits.maxAwarenessClientsPerSocket} presence client ids`, async () => {
    const { room } = makeRoom();
    const mallory = client(room, 'mallory');
    mallory.connect();
    const many = Array.from({ length: 10 }, (_, i) => ({
      clientId: 1000 + i,
      clock: 1,
      state: JSON.stringify({ name: `Puppet ${i}` }),
    }));

    room.receive(mallory, awarenessMessage(encodeAwarenessUpdate(many.slice(0, 8))));
    for (const entry of many.slice(8))
      room.receive(mallory, awarenessMessage(encodeAwarenessUpdate([entry])));

    const puppets = [...room.awareness.getStates().keys()].filter((id) => id >= 1000 && id < 1010);
    expect(puppets).toHaveLength(Limits.maxAwarenessClientsPerSocket);
  });

  it('relays the presence changes of one turn as one frame to each peer, however many changed', async () => {
    // Before: each change went to every peer as it came, N changes × N peers (the presence flood).
    const { room } = makeRoom();
    const crowd = Array.from({ length: 300 }, (_, i) => client(room, `reader-${i}`));
    for (const each of crowd) each.connect();
    await settle(crowd);
    for (const each of crowd) each.inbox.length = 0;

    for (const [i, each] of crowd.entries()) each.setPresence({ name: `Reader ${i}` });
    await new Promise((resolve) => setTimeout(resolve, 300));

    for (const each of crowd) {
      const frames = each.inbox.filter((message) => describeMessage(message) === 'awareness');
      expect(frames.length).toBeLessThanOrEqual(2);
    }
    await settle(crowd);
    const last = crowd.at(-1) as MemoryClient;
    expect(crowd[0]?.awareness.getStates().get(last.doc.clientID)).toMatchObject({ user: last.presence });
    expect(room.awareness.getStates().size).toBe(300);
  });

  it('sends a crowded draft’s readers the edits of a window as one message, and editors each at once', async () => {
    const { room } = makeRoom(undefined, () => 40);
    const tom = client(room, 'tom');
    const ines = client(room, 'ines');
    const reader = client(room, 'reader');
    reader.canWrite = false;
    for (const each of [tom, ines, reader]) each.connect();
    await settle([tom, ines, reader]);
    for (const each of [ines, reader]) each.inbox.length = 0;

    for (let i = 0; i < 5; i++) {
      tom.write(`Line ${i}.`);
      await nextTurn();
    }
    expect(ines.inbox.filter((m) => describeMessage(m) === 'update')).toHaveLength(5);
    await eventually(() =>
      expect(reader.inbox.filter((m) => describeMessage(m) === 'update')).toHaveLength(1),
    );
    await settle([tom, ines, reader]);
    expect(reader.doc.getXmlFragment(CONTENT_FIELD).toString()).toContain('Line 4.');
  });

  it('gives a reader promoted during a window the edits that waited for it, and the later ones at once', async () => {
    const { room } = makeRoom(undefined, () => 10_000);
    const tom = client(room, 'tom');
    const reader = client(room, 'reader');
    reader.canWrite = false;
    for (const each of [tom, reader]) each.connect();
    await settle([tom, reader]);

    tom.write('Before the promotion.');
    await nextTurn();
    reader.canWrite = true;
    room.accessChanged(reader);
    tom.write('After it.');
    // The window is ten seconds: only the promotion can have brought the first line this soon.
    await settle([tom, reader]);
    const text = reader.doc.getXmlFragment(CONTENT_FIELD).toString();
    expect(text).toContain('Before the promotion.');
    expect(text).toContain('After it.');
  });

  it('passes on only who a reader is, not their selection or anything else they set', async () => {
    const { room } = makeRoom();
    const reader = client(room, 'reader');
    reader.canWrite = false;
    const tom = client(room, 'tom');
    reader.connect();
    tom.connect();
    reader.setPresence({ name: 'Chair', cursor: { anchor: 1, head: 9 }, junk: 'x'.repeat(1000) });
    await settle([reader, tom]);

    expect(stateOf(tom, reader)).toEqual({ user: reader.presence });
  });

  it('does not relay a repeated, unchanged presence again and again', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();
    alice.setPresence({ name: 'Alice' });
    await settle([alice, tom]);
    tom.inbox.length = 0;

    for (let i = 0; i < 20; i++) {
      alice.setPresence({ name: 'Alice' });
      await nextTurn();
    }
    expect(tom.inbox.filter((message) => describeMessage(message) === 'awareness')).toHaveLength(0);

    alice.setPresence({ name: 'Alice', cursor: 3 });
    await settle([alice, tom]);
    expect(stateOf(tom, alice)).toEqual({ name: 'Alice', cursor: 3, user: alice.presence });
  });

  it('LIMIT-2 refuses a presence state larger than the limit', () => {
    const { room } = makeRoom();
    const mallory = client(room, 'mallory');
    mallory.connect();
    const state = JSON.stringify({ name: 'x'.repeat(Limits.maxPresenceStateBytes) });
    const update = encodeAwarenessUpdate([{ clientId: mallory.doc.clientID, clock: 1, state }]);
    expect(() => room.receive(mallory, awarenessMessage(update))).toThrow('presence state too large');
    expect(room.awareness.getStates().has(mallory.doc.clientID)).toBe(false);
  });

  it('lets a peer update and clear its own presence', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();
    alice.setPresence({ name: 'Alice', cursor: 1 });
    alice.setPresence({ name: 'Alice', cursor: 2 });
    await settle([alice, tom]);
    expect(stateOf(tom, alice)).toEqual({ name: 'Alice', cursor: 2, user: alice.presence });

    alice.awareness.setLocalState(null);
    alice.sendAwareness([alice.doc.clientID]);
    await settle([alice, tom]);
    expect(tom.awareness.getStates().has(alice.doc.clientID)).toBe(false);
  });

  it('removes a leaving peer’s presence and tells those who stay', async () => {
    const { room, onEmpty } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();
    alice.setPresence({ name: 'Alice' });
    tom.setPresence({ name: 'Tom' });
    await settle([alice, tom]);

    alice.disconnect();
    await settle([tom]);

    expect(room.awareness.getStates().has(alice.doc.clientID)).toBe(false);
    expect(tom.awareness.getStates().has(alice.doc.clientID)).toBe(false);
    expect(stateOf(tom, tom)).toEqual({ name: 'Tom' });
    expect(onEmpty).not.toHaveBeenCalled();
    expect(room.peerCount).toBe(1);
  });

  it('lets a new peer use a client id whose owner has left', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();
    alice.setPresence({ name: 'Alice' });
    await settle([alice, tom]);
    alice.disconnect();

    const reused = encodeAwarenessUpdate([
      { clientId: alice.doc.clientID, clock: 5, state: JSON.stringify({ name: 'Tom, second tab' }) },
    ]);
    room.receive(tom, awarenessMessage(reused));

    expect(stateOf(room, alice)).toEqual({ name: 'Tom, second tab', user: tom.presence });
  });

  it('PERM-6 replaces the user a client claims with who the server says it is, so nobody poses as the chair', async () => {
    const { room } = makeRoom();
    const mallory = client(room, 'mallory');
    const tom = client(room, 'tom');
    mallory.presence = { name: 'Mallory', role: 'stakeholder', color: '#b42318' };
    mallory.connect();
    tom.connect();

    mallory.setPresence({ user: { name: 'Chair', role: 'admin', color: '#000000' }, cursor: 3 });
    await settle([mallory, tom]);

    const expected = { user: { name: 'Mallory', role: 'stakeholder', color: '#b42318' }, cursor: 3 };
    expect(stateOf(room, mallory)).toEqual(expected);
    expect(stateOf(tom, mallory)).toEqual(expected);
  });

  it('gives a presence state that is not an object only the server’s user', async () => {
    const { room } = makeRoom();
    const mallory = client(room, 'mallory');
    mallory.connect();
    const update = encodeAwarenessUpdate([{ clientId: mallory.doc.clientID, clock: 1, state: '"Chair"' }]);

    room.receive(mallory, awarenessMessage(update));

    expect(stateOf(room, mallory)).toEqual({ user: mallory.presence });
  });

  it('reports the room empty once the last peer has left', () => {
    const { room, onEmpty } = makeRoom();
    const alice = client(room, 'alice');
    const tom = client(room, 'tom');
    alice.connect();
    tom.connect();

    alice.disconnect();
    expect(onEmpty).not.toHaveBeenCalled();
    tom.disconnect();
    expect(onEmpty).toHaveBeenCalledTimes(1);
    expect(onEmpty).toHaveBeenCalledWith(room);
  });
});

describe('Room: read-only peers', () => {
  /** A room with a task-force writer and a reader (`canWrite` false), both synced. */
  async function withReader(stored = markdownToYjsState('# Draft\n\nStored text.\n')) {
    const made = makeRoom(stored);
    const tom = client(made.room, 'tom');
    const alice = client(made.room, 'alice');
    alice.canWrite = false;
    alice.presence = { name: 'Alice', role: 'stakeholder', color: '#b42318' };
    tom.connect();
    alice.connect();
    await settle([tom, alice]);
    return { ...made, tom, alice };
  }

  const serverText = (room: Room) => room.doc.getXmlFragment('default').toString();

  it('serves a reader the document and the others’ edits', async () => {
    const { tom, alice } = await withReader();

    tom.write('Tom edits');
    await settle([tom, alice]);

    expect(alice.content).toContain('Stored text.');
    expect(alice.content).toContain('Tom edits');
  });

  it('PERM-2 neither applies nor relays a reader’s updates, and saves nothing for them', async () => {
    const { room, saves, tom, alice } = await withReader();

    alice.write('Alice rewrites the draft');
    await settle([tom, alice]);

    expect(serverText(room)).not.toContain('Alice rewrites the draft');
    expect(tom.content).not.toContain('Alice rewrites the draft');
    expect(tom.received.map(describeMessage)).not.toContain('update');
    expect(room.hasUnsavedChanges).toBe(false);
    await room.flush();
    expect(saves).toEqual([]);
  });

  it('ignores what a reader sends as sync step 2 (its answer to the server’s step 1)', async () => {
    const { room } = makeRoom();
    const reader = client(room, 'reader');
    reader.canWrite = false;
    reader.write('Written before joining');

    reader.connect();
    await settle([reader]);

    expect(serverText(room)).toBe('');
  });

  it('PERM-2 tells a reader once that it is read-only, however much it writes', async () => {
    const { tom, alice } = await withReader();

    alice.write('one');
    alice.write('two');
    await settle([tom, alice]);

    expect(permissionDeniedReasons(alice.received)).toEqual([READ_ONLY_REASON]);
    expect(permissionDeniedReasons(tom.received)).toEqual([]);
  });

  it('PERM-4 stops obeying a writer that loses the right to write, and tells it', async () => {
    const { room, tom, alice } = await withReader();

    tom.canWrite = false;
    room.accessChanged(tom);
    tom.write('Tom after losing the right');
    await settle([tom, alice]);

    expect(permissionDeniedReasons(tom.received)).toEqual([READ_ONLY_REASON]);
    expect(serverText(room)).not.toContain('Tom after losing the right');
    expect(alice.content).not.toContain('Tom after losing the right');
  });

  it('obeys a reader that gains the right to write, and would tell it again if it lost it', async () => {
    const { room, tom, alice } = await withReader();

    alice.canWrite = true;
    room.accessChanged(alice);
    alice.write('Alice, now on the task force');
    await settle([tom, alice]);
    expect(tom.content).toContain('Alice, now on the task force');

    alice.canWrite = false;
    room.accessChanged(alice);
    expect(permissionDeniedReasons(alice.received)).toEqual([READ_ONLY_REASON, READ_ONLY_REASON]);
  });
});

describe('saving', () => {
  it('keeps the stored text when only the journal is saved before anything was applied', async () => {
    const stored = markdownToYjsState('# Plan\n\nKept words.\n');
    const { room, saves } = makeRoom(stored);
    room.journalChanged();
    await room.flush();
    expect(saves).toHaveLength(1);
    expect(textOf(saves[0] ?? new Uint8Array())).toContain('Kept words.');
  });
});

describe('who writes under which client id', () => {
  it('CLOSE-6 refuses an update that writes under another connection’s client id (4409), and keeps the text', async () => {
    const { room } = makeRoom();
    const alice = client(room, 'alice');
    const mallory = client(room, 'mallory');
    alice.connect();
    mallory.connect();
    await settle([alice, mallory]);
    alice.write('Alice wrote this.');
    await settle([alice, mallory]);
    // Mallory forges the next edit under Alice's client id.
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(alice.doc));
    // Set after the copy: Yjs itself moves away from a client id it sees someone else use.
    forged.clientID = alice.doc.clientID;
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('Alice never wrote this.')]);
    const fragment = forged.getXmlFragment('default');
    fragment.insert(fragment.length, [paragraph]);
    const update = Y.encodeStateAsUpdate(forged, Y.encodeStateVector(alice.doc));
    expect(() => room.receive(mallory, syncUpdateMessage(update))).toThrow(
      expect.objectContaining({ code: CloseCode.ForeignClient }),
    );
    expect(room.doc.getXmlFragment('default').toString()).not.toContain('never wrote');
    // The same person's new connection (a reconnect the server has not noticed yet) may take over.
    alice.userId = 'u-alice';
    const again = client(room, 'alice-again');
    again.userId = 'u-alice';
    again.connect();
    expect(() => room.receive(again, syncUpdateMessage(update))).not.toThrow();
    expect(room.doc.getXmlFragment('default').toString()).toContain('never wrote');
    // Re-sending structs the room already has, under anyone's id, is harmless and accepted.
    expect(() => room.receive(mallory, syncUpdateMessage(Y.encodeStateAsUpdate(alice.doc)))).not.toThrow();
  });
});

function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}
