import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { colorFor } from '../../shared/auth.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { CloseCode, Limits, MessageType } from '../../shared/protocol.ts';
import type { LowdbStorage } from '../src/storage/lowdbStorage.ts';
import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import type { StoredDocument } from '../src/storage/storage.ts';
import { synced } from './support/api.ts';
import { type RawSocket, rawSocket, type StockClient, stockClient } from './support/collabClient.ts';
import { ForwardingDraftStore, withStores } from './support/fakeStores.ts';
import type { Identity } from './support/identities.ts';
import { draftRecord, signUpAs, yjsStateWithText } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { tempDir } from './support/tempDir.ts';
import { startTestServer, type TestServer, type TestServerOptions } from './support/testServer.ts';

const DRAFT = 'consultation-2027';
const DRAFT_SOURCE =
  '---\ntitle: Consultation 2027\nlanguage: fr\n---\n# Consultation 2027\n\nTexte initial.\n';

type Running = TestServer<LowdbStorage>;

const servers: Running[] = [];
const clients: StockClient[] = [];
const sockets: RawSocket[] = [];

/** A server on a lowdb store (a fresh one, or `dataDir`'s) holding the draft DRAFT_SOURCE. */
async function startServer(
  options: Pick<
    TestServerOptions,
    'dataDir' | 'saverTiming' | 'maxBufferedBytes' | 'backpressure' | 'env'
  > = {},
): Promise<Running> {
  const running = await startTestServer({ storage: 'lowdb', drafts: { [DRAFT]: DRAFT_SOURCE }, ...options });
  servers.push(running);
  return running;
}

/** A client of `draftId`; with `as`, signed in as that person, else a visitor (read-only). */
function client(running: Running, draftId = DRAFT, as?: Identity): StockClient {
  const created = stockClient(running.port, draftId, { cookie: as?.cookie });
  clients.push(created);
  return created;
}

/** A client signed in as a new task-force member, who may edit the draft. */
async function editor(running: Running, name: string, draftId = DRAFT): Promise<StockClient> {
  return client(running, draftId, await signUpAs(running.server.accounts, 'taskforce', name));
}

function raw(running: Running, draftId = DRAFT): RawSocket {
  const socket = rawSocket(running.port, draftId);
  sockets.push(socket);
  return socket;
}

/** The text of a stored draft, as the next server would load it. */
async function storedContent(storage: LowdbStorage, draftId = DRAFT): Promise<string> {
  const doc = new Y.Doc();
  const state = await storage.drafts.loadDocument(draftId);
  if (state) Y.applyUpdate(doc, state);
  return doc.getXmlFragment(CONTENT_FIELD).toString();
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.ws.terminate();
  for (const running of servers.splice(0).reverse()) await running.close();
});

describe('collaboration with stock y-websocket clients', () => {
  it('LIVE-1 brings two clients to the same text, starting from the stored draft', async () => {
    const running = await startServer();
    const alice = await editor(running, 'Alice');
    const tom = await editor(running, 'Tom');
    await synced(alice, tom);

    alice.write('Alice propose un amendement.');
    tom.write('Tom ajoute une précision.');

    await eventually(() => {
      expect(tom.content()).toBe(alice.content());
      for (const text of ['Texte initial.', 'Alice propose un amendement.', 'Tom ajoute une précision.']) {
        expect(alice.content()).toContain(text);
      }
    });
  });

  it('LIVE-4 shows each client the other’s presence', async () => {
    const running = await startServer();
    const aliceId = await signUpAs(running.server.accounts, 'stakeholder', 'Alice');
    const tomId = await signUpAs(running.server.accounts, 'taskforce', 'Tom');
    const alice = client(running, DRAFT, aliceId);
    const tom = client(running, DRAFT, tomId);
    // The server replaces whatever `user` a client claims with who its session says it is.
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice' });
    tom.provider.awareness.setLocalStateField('user', { name: 'Tom' });

    await eventually(() => {
      expect(alice.provider.awareness.getStates().get(tom.doc.clientID)).toEqual({
        user: { name: 'Tom', role: 'taskforce', color: colorFor(tomId.user.id) },
      });
      expect(tom.provider.awareness.getStates().get(alice.doc.clientID)).toEqual({
        user: { name: 'Alice', role: 'stakeholder', color: colorFor(aliceId.user.id) },
      });
    });
  });

  it('SAVE-8 merges what a client wrote offline with what others wrote meanwhile', async () => {
    const running = await startServer();
    const alice = await editor(running, 'Alice');
    const tom = await editor(running, 'Tom');
    await synced(alice, tom);

    alice.provider.disconnect();
    await eventually(() => expect(alice.provider.wsconnected).toBe(false));
    alice.write('Écrit hors ligne par Alice.');
    tom.write('Écrit en ligne par Tom.');
    const room = await running.server.registry.acquire(DRAFT);
    await eventually(() =>
      expect(room?.doc.getXmlFragment(CONTENT_FIELD).toString()).toContain('Écrit en ligne par Tom.'),
    );
    expect(alice.content()).not.toContain('Écrit en ligne par Tom.');
    expect(tom.content()).not.toContain('Écrit hors ligne par Alice.');

    alice.provider.connect();

    await eventually(() => {
      expect(alice.content()).toBe(tom.content());
      expect(alice.content()).toContain('Écrit hors ligne par Alice.');
      expect(alice.content()).toContain('Écrit en ligne par Tom.');
    });
  });
});

describe('refusing what the server cannot serve', () => {
  it('CLOSE-5 closes a socket for an unknown draft with 4404 and a reason', async () => {
    const running = await startServer();

    const unknown = raw(running, 'no-such-draft');
    const invalid = raw(running, 'Not A Draft Id');

    const closed = await unknown.closed;
    expect(closed.code).toBe(CloseCode.DraftNotFound);
    expect(closed.reason).toContain('no-such-draft');
    expect((await invalid.closed).code).toBe(CloseCode.DraftNotFound);
  });

  it('CLOSE-12 stops a stock client from retrying a draft that does not exist', async () => {
    const running = await startServer();
    const lost = client(running, 'no-such-draft');
    const closes: number[] = [];
    lost.provider.on('connection-close', (event) => {
      if (event) closes.push(event.code);
    });

    await eventually(() => expect(lost.provider.shouldConnect).toBe(false));
    expect(closes).toEqual([CloseCode.DraftNotFound]);
  });

  it('LIVE-5 answers 404 to WebSocket upgrades outside the collaboration path', async () => {
    const running = await startServer();
    const ws = new WebSocket(`ws://127.0.0.1:${running.port}/elsewhere/${DRAFT}`);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.on('unexpected-response', (_request, response) => resolve(response.statusCode));
      ws.on('error', () => resolve(undefined));
    });
    ws.terminate();
    expect(status).toBe(404);
  });

  /** Deterministic "random" bytes (mulberry32), so a failure can be replayed. */
  function seededBytes(seed: number, length: number): Uint8Array {
    let state = seed;
    return Uint8Array.from({ length }, () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) & 0xff;
    });
  }

  const malformedFrames: [string, Uint8Array | string][] = [
    ['random bytes', seededBytes(20_270_401, 64)],
    ['a text frame', 'hello, server'],
    ['a truncated sync message', new Uint8Array([MessageType.Sync, 2, 50, 1, 2, 3])],
    ['an unknown message type', new Uint8Array([42, 0, 0])],
  ];

  it.each(malformedFrames)('CLOSE-3 closes only the socket that sent %s, with 4400', async (kind, frame) => {
    const running = await startServer();
    const alice = await editor(running, 'Alice');
    const tom = client(running);
    await synced(alice, tom);
    const dropped: number[] = [];
    for (const c of [alice, tom]) {
      c.provider.on('connection-close', (event) => dropped.push(event?.code ?? 0));
    }
    const mallory = raw(running);
    await mallory.opened;

    mallory.ws.send(frame);

    expect((await mallory.closed).code).toBe(CloseCode.BadMessage);
    alice.write(`Still editing after ${kind}.`);
    await eventually(() => expect(tom.content()).toContain(`Still editing after ${kind}.`));
    expect(dropped).toEqual([]);
    expect(alice.provider.wsconnected && tom.provider.wsconnected).toBe(true);
  });

  it('CLOSE-2 closes a socket that sends a frame over the size limit with 1009, and keeps serving', async () => {
    const running = await startServer();
    const alice = await editor(running, 'Alice');
    await synced(alice);
    const mallory = raw(running);
    await mallory.opened;

    mallory.ws.send(new Uint8Array(Limits.maxMessageBytes + 1));

    expect((await mallory.closed).code).toBe(CloseCode.MessageTooBig);
    const tom = client(running);
    alice.write('After the oversized frame.');
    await eventually(() => expect(tom.content()).toContain('After the oversized frame.'));
    const health = await fetch(`${running.url}/api/health`);
    expect(health.status).toBe(200);
  });

  it('CLOSE-11 closes a socket that floods the server with messages with 4529', async () => {
    const running = await startServer();
    const flooder = raw(running);
    await flooder.opened;

    const queryAwareness = new Uint8Array([MessageType.QueryAwareness]);
    for (let i = 0; i < Limits.messageBurst + 50; i++) flooder.ws.send(queryAwareness);

    expect((await flooder.closed).code).toBe(CloseCode.RateLimited);
  });

  it('CLOSE-2 CLOSE-11 LIMIT-13 takes the frame size and the message rate from MAX_FRAME_BYTES and SOCKET_MESSAGE_BURST', async () => {
    const running = await startServer({
      env: {
        MAX_FRAME_BYTES: String(64 * 1024),
        SOCKET_MESSAGES_PER_SECOND: '5',
        SOCKET_MESSAGE_BURST: '20',
      },
    });
    const queryAwareness = new Uint8Array([MessageType.QueryAwareness]);
    // Both are well within the defaults: 100 KiB of a 8 MiB frame, 30 of a 400-message burst.
    const big = raw(running);
    await big.opened;
    big.ws.send(new Uint8Array(100 * 1024));
    expect((await big.closed).code).toBe(CloseCode.MessageTooBig);
    const chatty = raw(running);
    await chatty.opened;
    for (let i = 0; i < 30; i++) chatty.ws.send(queryAwareness);
    expect((await chatty.closed).code).toBe(CloseCode.RateLimited);
    const calm = raw(running);
    await calm.opened;
    for (let i = 0; i < 15; i++) calm.ws.send(queryAwareness);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calm.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('clients that cannot keep up', () => {
  it('CLOSE-9 drops a socket that stops reading with 4503 instead of buffering for it, and serves the others', async () => {
    // The close frame waits behind what is queued: the sleeper may take its time to read it.
    const running = await startServer({
      maxBufferedBytes: 256 * 1024,
      backpressure: { closeGraceMs: 60_000 },
    });
    const alice = await editor(running, 'Alice');
    const tom = client(running);
    await synced(alice, tom);
    const sleeper = raw(running);
    await sleeper.opened;
    // Stop reading: the kernel buffers fill, then the server's queue for this socket grows.
    (sleeper.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    const chunk = 'x'.repeat(512 * 1024);
    for (let i = 0; i < 32; i++) alice.write(`${i}:${chunk}`);
    await eventually(() => expect(tom.content()).toContain(`31:x`), 20_000);

    (sleeper.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await sleeper.closed).code).toBe(CloseCode.TooSlow);
    alice.write('Still flowing.');
    await eventually(() => expect(tom.content()).toContain('Still flowing.'));
  });
});

describe('keeping the drafts', () => {
  it('SAVE-4 CLOSE-1 keeps the edits across a server restart: closing the server saves them', async () => {
    // Saves are held back for a minute: only the shutdown can write these edits in time.
    const slowSaves = { debounceMs: 60_000, maxWaitMs: 60_000, retryMs: 1000, maxRetryMs: 1000 };
    const dataDir = tempDir('margins-collab-');
    const first = await startServer({ dataDir, saverTiming: slowSaves });
    const alice = await editor(first, 'Alice');
    const tom = client(first);
    await synced(alice, tom);
    const closeCodes: number[] = [];
    alice.provider.on('connection-close', (event) => closeCodes.push(event?.code ?? 0));
    alice.write('Gardé après le redémarrage.');
    await eventually(() => expect(tom.content()).toContain('Gardé après le redémarrage.'));
    expect(await storedContent(first.storage)).not.toContain('Gardé après le redémarrage.');

    await first.close();
    expect(closeCodes).toContain(CloseCode.GoingAway);

    const second = await startServer({ dataDir });
    const ines = client(second);
    await eventually(() => expect(ines.content()).toContain('Gardé après le redémarrage.'));
    expect(ines.content()).toContain('Texte initial.');
  });

  it('SAVE-5 saves and unloads a draft once its last client has left', async () => {
    const running = await startServer();
    const before = await running.storage.drafts.getDraft(DRAFT);
    const alice = await editor(running, 'Alice');
    const tom = client(running);
    await synced(alice, tom);
    alice.write('Saved when everybody left.');
    await eventually(() => expect(tom.content()).toContain('Saved when everybody left.'));
    expect(running.server.registry.loadedDraftIds).toEqual([DRAFT]);

    alice.destroy();
    tom.destroy();

    await eventually(() => expect(running.server.registry.loadedDraftIds).toEqual([]));
    const stored = await storedContent(running.storage);
    expect(stored).toContain('Saved when everybody left.');
    expect(stored).toContain('Texte initial.');
    expect((await running.storage.drafts.getDraft(DRAFT))?.updatedAt).not.toBe(before?.updatedAt);
  });

  it('SAVE-5 unloads a draft whose only client left while it was still loading', async () => {
    /** A draft store whose document loads wait until the test lets them through. */
    class GatedDrafts extends ForwardingDraftStore {
      loading = false;
      letThrough: () => void = () => {};
      private readonly gate = new Promise<void>((resolve) => {
        this.letThrough = resolve;
      });
      override async loadDocumentWithJournal(id: string): Promise<StoredDocument> {
        this.loading = true;
        await this.gate;
        return super.loadDocumentWithJournal(id);
      }
    }
    const memory = new MemoryStorage();
    const drafts = new GatedDrafts(memory.drafts);
    await drafts.createDraft(draftRecord(DRAFT), yjsStateWithText('Slow to load'));
    const { server, port, close } = await startTestServer({ storage: withStores(memory, { drafts }) });
    try {
      const impatient = rawSocket(port, DRAFT);
      await impatient.opened;
      await eventually(() => expect(drafts.loading).toBe(true));
      impatient.ws.close();
      await impatient.closed;

      drafts.letThrough();

      await eventually(() => expect(server.registry.loadedDraftIds).toEqual([]));
    } finally {
      await close();
    }
  });

  it('syncs a stock client whose first messages arrive while the draft is still being looked up', async () => {
    /** A draft store whose lookups take as long as a database's round trip, or longer. */
    class SlowLookups extends ForwardingDraftStore {
      override async getDraft(id: string) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return super.getDraft(id);
      }
    }
    const memory = new MemoryStorage();
    const drafts = new SlowLookups(memory.drafts);
    await drafts.createDraft(draftRecord(DRAFT), yjsStateWithText('Found after a while'));
    const { port, close } = await startTestServer({ storage: withStores(memory, { drafts }) });
    const readers = [stockClient(port, DRAFT), stockClient(port, DRAFT), stockClient(port, DRAFT)];
    try {
      // Each client sends its sync step 1 as its socket opens, before the lookup ends.
      await synced(...readers);
      for (const reader of readers) expect(reader.content()).toContain('Found after a while');
    } finally {
      for (const reader of readers) reader.destroy();
      await close();
    }
  });

  it('SAVE-5 loads the draft again for a client that comes after it was unloaded', async () => {
    const running = await startServer();
    const alice = await editor(running, 'Alice');
    await synced(alice);
    alice.write('Before the unload.');
    const room = await running.server.registry.acquire(DRAFT);
    await eventually(() =>
      expect(room?.doc.getXmlFragment(CONTENT_FIELD).toString()).toContain('Before the unload.'),
    );
    alice.destroy();
    await eventually(() => expect(running.server.registry.loadedDraftIds).toEqual([]));

    const tom = client(running);
    await eventually(() => expect(tom.content()).toContain('Before the unload.'));
    expect(running.server.registry.loadedDraftIds).toEqual([DRAFT]);
  });
});

describe('HTTP API of the in-process server', () => {
  it('lists the stored drafts and describes one', async () => {
    const running = await startServer();

    const list = await fetch(`${running.url}/api/drafts`);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([
      expect.objectContaining({ id: DRAFT, title: 'Consultation 2027', language: 'fr' }),
    ]);
    const one = await fetch(`${running.url}/api/drafts/${DRAFT}`);
    expect(await one.json()).toMatchObject({ id: DRAFT, title: 'Consultation 2027' });
  });

  it('answers unknown drafts and endpoints with a 404 error envelope', async () => {
    const running = await startServer();

    const draft = await fetch(`${running.url}/api/drafts/no-such-draft`);
    expect(draft.status).toBe(404);
    expect(await draft.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    const endpoint = await fetch(`${running.url}/api/nothing-here`);
    expect(endpoint.status).toBe(404);
    expect(await endpoint.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('explains that the client is not built when asked for a page', async () => {
    const running = await startServer();
    const page = await fetch(`${running.url}/drafts/${DRAFT}`);
    expect(page.status).toBe(503);
    expect(await page.json()).toMatchObject({ error: { code: 'client_not_built' } });
  });
});
