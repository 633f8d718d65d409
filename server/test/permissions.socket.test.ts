import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { colorFor } from '../../shared/auth.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { CloseCode, Limits, MessageType, SyncStep } from '../../shared/protocol.ts';
import { encodeAwarenessUpdate } from '../src/collab/awarenessUpdate.ts';
import { READ_ONLY_REASON } from '../src/collab/room.ts';
import type { MarginsServer } from '../src/marginsServer.ts';
import type { Stores } from '../src/storage/stores.ts';
import {
  permissionDeniedReasons,
  type RawSocket,
  rawSocket,
  type SocketIdentity,
  type StockClient,
  stockClient,
} from './support/collabClient.ts';
import type { Identity } from './support/identities.ts';
import { awarenessMessage } from './support/memoryPeer.ts';
import {
  adminOf,
  type DraftSeed,
  seedDraft,
  signUpAs,
  windowFrom,
  yjsStateWithText,
} from './support/records.ts';
import { eventually } from './support/retry.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// One server for the file; each test works on its own draft. Tom and Inès are the task force,
// Alice a stakeholder, and the chair the admin.

const ALLOWED_ORIGIN = 'https://consult.example.org';

let running: TestServer<Stores>;
let server: MarginsServer;
let storage: Stores;
let port: number;
let base: string;
let chair: Identity;
let tomId: Identity;
let inesId: Identity;
let aliceId: Identity;

const clients: StockClient[] = [];
const sockets: RawSocket[] = [];

/** A new public draft whose consultation is open, unless `overrides` say otherwise. */
const draft = (overrides: DraftSeed = {}) =>
  seedDraft(storage.drafts, { text: 'The stored text.', ...overrides });

/** A stock client of `draftId`, signed in as `as` (or a visitor). */
function client(draftId: string, as?: Identity): StockClient {
  const created = stockClient(port, draftId, { cookie: as?.cookie });
  clients.push(created);
  return created;
}

function raw(draftId: string, identity: SocketIdentity = {}): RawSocket {
  const socket = rawSocket(port, draftId, identity);
  sockets.push(socket);
  return socket;
}

async function synced(...each: StockClient[]): Promise<void> {
  await eventually(() => {
    for (const c of each) expect(c.provider.synced).toBe(true);
  });
}

/** Close codes a stock client's sockets ended with. */
function closeCodes(c: StockClient): number[] {
  const codes: number[] = [];
  c.provider.on('connection-close', (event) => codes.push(event?.code ?? 0));
  return codes;
}

/** The text the server holds for a draft that has clients connected. */
async function serverText(draftId: string): Promise<string> {
  const room = await server.registry.acquire(draftId);
  return room?.doc.getXmlFragment(CONTENT_FIELD).toString() ?? '';
}

/** The text the server has written to storage, once it has saved what it holds. */
async function storedText(draftId: string): Promise<string> {
  await (await server.registry.acquire(draftId))?.flush();
  const doc = new Y.Doc();
  const state = await storage.drafts.loadDocument(draftId);
  if (state) Y.applyUpdate(doc, state);
  return doc.getXmlFragment(CONTENT_FIELD).toString();
}

/**
 * Resolves once the server has handled everything `sender` sent so far: the server handles one
 * socket's messages in order and answers a sync step 1 with a step 2, so once the answer to a
 * step 1 sent now has arrived, it has. (Presence cannot serve as the barrier: a reader's presence
 * is passed on as who they are only.)
 */
async function handled(sender: StockClient): Promise<void> {
  const handlers = sender.provider.messageHandlers;
  const original = handlers[MessageType.Sync];
  if (!original) throw new Error('the provider has no sync handler');
  let answered = false;
  handlers[MessageType.Sync] = (encoder, decoder, provider, emitSynced, messageType) => {
    const step = decoder.arr[decoder.pos];
    if (step === SyncStep.Step2) answered = true;
    original(encoder, decoder, provider, emitSynced, messageType);
  };
  try {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.writeSyncStep1(encoder, sender.doc);
    sender.provider.ws?.send(encoding.toUint8Array(encoder));
    await eventually(() => expect(answered).toBe(true));
  } finally {
    handlers[MessageType.Sync] = original;
  }
}

let nextLine = 1;

/**
 * Asserts that `text`, written by someone who may not edit, reached neither the server's
 * document, nor storage, nor the task force's screens. The two editors each write after the
 * barrier and wait for the other's line: by then each has received anything the server relayed
 * before, which would include the refused edit.
 */
async function expectNowhere(draftId: string, text: string, tom: StockClient, ines: StockClient) {
  const after = `${nextLine++}`;
  tom.write(`Tom, after ${after}`);
  ines.write(`Inès, after ${after}`);
  await eventually(() => {
    expect(ines.content()).toContain(`Tom, after ${after}`);
    expect(tom.content()).toContain(`Inès, after ${after}`);
  });
  expect(tom.content()).not.toContain(text);
  expect(ines.content()).not.toContain(text);
  expect(await serverText(draftId)).not.toContain(text);
  const stored = await storedText(draftId);
  expect(stored).toContain(`Tom, after ${after}`);
  expect(stored).not.toContain(text);
}

async function api(pathname: string, method: string, as: Identity, body: unknown): Promise<Response> {
  return fetch(`${base}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: as.cookie },
    body: JSON.stringify(body),
  });
}

/** A sync message carrying a Yjs update, as step 2 or as an update. */
function syncMessage(step: number, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

beforeAll(async () => {
  running = await startTestServer({ allowedOrigins: [ALLOWED_ORIGIN] });
  ({ server, storage, port, url: base } = running);
  chair = await adminOf(server.accounts);
  tomId = await signUpAs(server.accounts, 'taskforce', 'Tom');
  inesId = await signUpAs(server.accounts, 'taskforce', 'Inès');
  aliceId = await signUpAs(server.accounts, 'stakeholder', 'Alice');
});

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.ws.terminate();
});

afterAll(async () => {
  await running.close();
});

describe('read-only sockets', () => {
  const readers: [string, () => Identity | undefined][] = [
    ['a stakeholder', () => aliceId],
    ['a visitor', () => undefined],
  ];

  it.each(readers)(
    'PERM-2 ignores what %s’s stock client writes, and tells it once it is read-only',
    async (_who, as) => {
      const id = await draft();
      const tom = client(id, tomId);
      const ines = client(id, inesId);
      const reader = client(id, as());
      await synced(tom, ines, reader);

      reader.write('The reader rewrites the draft.');
      reader.write('And again.');
      await handled(reader);

      await expectNowhere(id, 'rewrites the draft', tom, ines);
      await expectNowhere(id, 'And again.', tom, ines);
      expect(reader.permissionDenied).toEqual([READ_ONLY_REASON]);
      expect(tom.permissionDenied).toEqual([]);
      // Read-only, not refused: the reader still follows the editors live.
      expect(reader.content()).toContain('Tom, after');
      expect(reader.provider.wsconnected).toBe(true);
    },
  );

  it('PERM-2 ignores document updates a visitor’s raw socket sends as sync step 2 and as updates', async () => {
    const id = await draft();
    const tom = client(id, tomId);
    const ines = client(id, inesId);
    await synced(tom, ines);
    const mallory = raw(id);
    await mallory.opened;

    mallory.ws.send(syncMessage(SyncStep.Step2, yjsStateWithText('Step 2 from Mallory')));
    mallory.ws.send(syncMessage(SyncStep.Update, yjsStateWithText('Update from Mallory')));
    const presence = encodeAwarenessUpdate([{ clientId: 424_242, clock: 1, state: '{"barrier":"raw"}' }]);
    mallory.ws.send(awarenessMessage(presence));
    // Handled in order: once her presence reaches Tom, her updates were handled too.
    await eventually(() => expect(tom.provider.awareness.getStates().has(424_242)).toBe(true));

    await expectNowhere(id, 'Mallory', tom, ines);
    expect(permissionDeniedReasons(mallory.received)).toEqual([READ_ONLY_REASON]);
    expect(mallory.ws.readyState).toBe(WebSocket.OPEN);
    expect(tom.provider.awareness.getStates().get(424_242)?.user).toEqual({
      name: '',
      role: 'visitor',
      color: expect.stringMatching(/^#/),
    });
  });
});

describe('presence bound to the socket’s identity', () => {
  it('PERM-6 shows a stakeholder who claims to be the chair with her real name and role', async () => {
    const id = await draft();
    const tom = client(id, tomId);
    const alice = client(id, aliceId);
    await synced(tom, alice);

    alice.provider.awareness.setLocalState({
      user: { name: 'Chair', role: 'admin', color: '#000000' },
      cursor: { anchor: 1, head: 4 },
    });

    // She cannot edit: who she is is passed on, her selection is not.
    await eventually(() =>
      expect(tom.provider.awareness.getStates().get(alice.doc.clientID)).toEqual({
        user: { name: 'Alice', role: 'stakeholder', color: colorFor(aliceId.user.id) },
      }),
    );
  });

  it('LIMIT-1 drops presence a raw socket sends for someone else’s client id', async () => {
    const id = await draft();
    const tom = client(id, tomId);
    const ines = client(id, inesId);
    tom.provider.awareness.setLocalStateField('cursor', 7);
    await eventually(() => expect(ines.provider.awareness.getStates().get(tom.doc.clientID)?.cursor).toBe(7));
    const mallory = raw(id, { cookie: aliceId.cookie });
    await mallory.opened;

    const forged = encodeAwarenessUpdate([
      { clientId: tom.doc.clientID, clock: 1000, state: '{"cursor":666}' },
      { clientId: 515_151, clock: 1, state: '{"barrier":"forged"}' },
    ]);
    mallory.ws.send(awarenessMessage(forged));
    // Her own (new) id is taken, as who she is; the entry for Tom's is dropped.
    await eventually(() =>
      expect(ines.provider.awareness.getStates().get(515_151)).toEqual({
        user: { name: 'Alice', role: 'stakeholder', color: colorFor(aliceId.user.id) },
      }),
    );

    expect(ines.provider.awareness.getStates().get(tom.doc.clientID)).toMatchObject({
      cursor: 7,
      user: { name: 'Tom', role: 'taskforce' },
    });
  });

  it('CLOSE-3 LIMIT-2 closes a socket whose presence update is over the size limit with 4400, and keeps the others', async () => {
    const id = await draft();
    const tom = client(id, tomId);
    const ines = client(id, inesId);
    await synced(tom, ines);
    const mallory = raw(id, { cookie: aliceId.cookie });
    await mallory.opened;

    const huge = JSON.stringify({ note: 'x'.repeat(Limits.maxAwarenessBytes) });
    mallory.ws.send(awarenessMessage(encodeAwarenessUpdate([{ clientId: 99, clock: 1, state: huge }])));

    expect((await mallory.closed).code).toBe(CloseCode.BadMessage);
    tom.write('Still editing.');
    await eventually(() => expect(ines.content()).toContain('Still editing.'));
  });
});

describe('who may open a socket', () => {
  it('PERM-7 refuses a foreign Origin before the upgrade, even with a valid session cookie', async () => {
    const id = await draft();

    const hijack = raw(id, { cookie: tomId.cookie, origin: 'https://evil.example' });

    const outcome = await Promise.race([
      hijack.refused.then((status) => `refused with HTTP ${status}`),
      hijack.opened.then(() => 'opened'),
    ]);
    expect(outcome).toBe('refused with HTTP 403');
    await expect(hijack.opened).rejects.toThrow();
    const own = raw(id, { cookie: tomId.cookie, origin: base });
    const allowed = raw(id, { cookie: tomId.cookie, origin: ALLOWED_ORIGIN });
    const script = raw(id, { cookie: tomId.cookie });
    await Promise.all([own.opened, allowed.opened, script.opened]);
  });

  it('CLOSE-5 PERM-3 answers a private draft’s socket like a missing draft (4404) for visitors and stakeholders', async () => {
    const id = await draft({ visibility: 'private' });

    const visitor = raw(id);
    const stakeholder = raw(id, { cookie: aliceId.cookie });
    const missing = raw('no-such-draft', { cookie: aliceId.cookie });
    const alice = client(id, aliceId);

    const closed = await visitor.closed;
    expect(closed).toEqual({ code: CloseCode.DraftNotFound, reason: `There is no draft "${id}"` });
    expect(await stakeholder.closed).toEqual(closed);
    expect((await missing.closed).reason).toBe('There is no draft "no-such-draft"');
    await eventually(() => expect(alice.provider.shouldConnect).toBe(false));
    const tom = client(id, tomId);
    await synced(tom);
    expect(tom.content()).toContain('The stored text.');
  });
});

describe('access changes on open sockets', () => {
  it('PERM-4 stops a task-force editor demoted by an admin from writing, on the same open socket', async () => {
    const id = await draft();
    const danaId = await signUpAs(server.accounts, 'taskforce', 'Dana');
    const tom = client(id, tomId);
    const ines = client(id, inesId);
    const dana = client(id, danaId);
    await synced(tom, ines, dana);
    dana.write('Dana, while on the task force.');
    await eventually(() => expect(tom.content()).toContain('Dana, while on the task force.'));
    // As the web client does (the caret extension sets who she says she is).
    dana.provider.awareness.setLocalStateField('user', { name: 'D.' });
    await eventually(() =>
      expect(tom.provider.awareness.getStates().get(dana.doc.clientID)?.user).toMatchObject({
        role: 'taskforce',
      }),
    );
    const socket = dana.provider.ws;
    const closes = closeCodes(dana);

    const demoted = await api(`/api/admin/people/${danaId.user.id}`, 'PATCH', chair, { role: 'stakeholder' });
    expect(demoted.status).toBe(200);

    await eventually(() => expect(dana.permissionDenied).toEqual([READ_ONLY_REASON]), 3000);
    dana.write('Dana, after being demoted.');
    await handled(dana);
    await expectNowhere(id, 'after being demoted', tom, ines);
    expect(await serverText(id)).toContain('Dana, while on the task force.');
    expect(dana.provider.ws).toBe(socket);
    expect(closes).toEqual([]);
    // Her presence now says what she is.
    expect(tom.provider.awareness.getStates().get(dana.doc.clientID)?.user).toMatchObject({
      name: 'Dana',
      role: 'stakeholder',
    });
  });

  it('CLOSE-4 PERM-4 closes stakeholders’ and visitors’ sockets with 4403 when the draft becomes private; the task force stays', async () => {
    const id = await draft();
    const tom = client(id, tomId);
    const ines = client(id, inesId);
    const alice = client(id, aliceId);
    const visitor = client(id);
    await synced(tom, ines, alice, visitor);
    const aliceCloses = closeCodes(alice);
    const visitorCloses = closeCodes(visitor);
    const tomCloses = closeCodes(tom);

    const changed = await api(`/api/drafts/${id}`, 'PATCH', chair, { visibility: 'private' });
    expect(changed.status).toBe(200);

    await eventually(() => {
      expect(aliceCloses).toEqual([CloseCode.Forbidden]);
      expect(visitorCloses).toEqual([CloseCode.Forbidden]);
      expect(alice.provider.shouldConnect).toBe(false);
      expect(visitor.provider.shouldConnect).toBe(false);
    });
    tom.write('Only the task force sees this now.');
    await eventually(() => expect(ines.content()).toContain('Only the task force sees this now.'));
    expect(tomCloses).toEqual([]);
    expect(alice.content()).not.toContain('Only the task force sees this now.');
  });

  it('WINDOW-2 lets the task force edit after the consultation window closes', async () => {
    const id = await draft();
    const tom = client(id, tomId);
    const ines = client(id, inesId);
    const alice = client(id, aliceId);
    await synced(tom, ines, alice);

    const closedWindow = windowFrom(-30, -1);
    const changed = await api(`/api/drafts/${id}`, 'PATCH', chair, { window: closedWindow });
    expect(await changed.json()).toMatchObject({ windowState: 'closed' });

    tom.write('Tom edits after the close.');
    await eventually(() => {
      expect(ines.content()).toContain('Tom edits after the close.');
      expect(alice.content()).toContain('Tom edits after the close.');
    });
    expect(await storedText(id)).toContain('Tom edits after the close.');
    // A client that connects after the close may edit as well.
    const late = client(id, inesId);
    await synced(late);
    late.write('Inès, after the close, from a new tab.');
    await eventually(() => expect(tom.content()).toContain('Inès, after the close, from a new tab.'));
    expect(tom.permissionDenied).toEqual([]);
  });
});
