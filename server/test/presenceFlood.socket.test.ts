import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol.ts';
import { encodeAwarenessUpdate } from '../src/collab/awarenessUpdate.ts';
import type { MarginsServer } from '../src/marginsServer.ts';
import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import { type RawSocket, rawSocket, type StockClient, stockClient } from './support/collabClient.ts';
import { awarenessMessage, describeMessage } from './support/memoryPeer.ts';
import { draftRecord, yjsStateWithText } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// The presence flood of issue 12, as an anonymous visitor would run it: many sockets from one
// address, each claiming several presence ids.

let running: TestServer | undefined;
let server: MarginsServer | undefined;
const sockets: RawSocket[] = [];
const clients: StockClient[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  for (const client of clients.splice(0)) client.destroy();
  await running?.close();
  running = undefined;
  server = undefined;
});

async function start(caps: { perAddress: number; perDraft: number }, drafts = ['open']): Promise<number> {
  const storage = new MemoryStorage();
  for (const id of drafts)
    await storage.drafts.createDraft(draftRecord(id), yjsStateWithText('Public text.'));
  running = await startTestServer({ storage, connectionCaps: caps });
  server = running.server;
  return running.port;
}

function raw(port: number, draftId = 'open'): RawSocket {
  const socket = rawSocket(port, draftId);
  sockets.push(socket);
  return socket;
}

/** Whether the socket is still open a moment after opening (not refused after the upgrade). */
async function stays(socket: RawSocket): Promise<boolean> {
  const outcome = await Promise.race([
    socket.closed.then(() => 'closed' as const),
    socket.opened.then(() => new Promise((resolve) => setTimeout(() => resolve('open'), 150))),
  ]).catch(() => 'closed' as const);
  return outcome === 'open';
}

describe('presence flood from anonymous sockets', () => {
  it('CLOSE-8 accepts only so many sockets from one address, and closes the rest with 4429', async () => {
    const port = await start({ perAddress: 5, perDraft: 1000 });
    const crowd = Array.from({ length: 12 }, () => raw(port));

    const outcomes = await Promise.all(crowd.map(stays));
    expect(outcomes.filter(Boolean)).toHaveLength(5);
    const refused = await Promise.all(crowd.filter((_, i) => !outcomes[i]).map((socket) => socket.closed));
    expect(refused.map((close) => close.code)).toEqual(Array(7).fill(CloseCode.TooManyConnections));

    // One leaves: there is room for one more.
    crowd[outcomes.indexOf(true)]?.ws.close();
    await eventually(async () => expect(await stays(raw(port))).toBe(true));
  });

  it('CLOSE-10 accepts only so many sockets on one draft, and tells the next to come back (4513)', async () => {
    const port = await start({ perAddress: 100, perDraft: 3 }, ['open', 'other']);
    const first = Array.from({ length: 3 }, () => raw(port));
    for (const socket of first) expect(await stays(socket)).toBe(true);

    const late = raw(port);
    expect((await late.closed).code).toBe(CloseCode.DraftFull);
    // Another draft is not full.
    expect(await stays(raw(port, 'other'))).toBe(true);
  });

  it('CLOSE-10 CLOSE-12 the stock client comes back once a full draft has room again', async () => {
    const port = await start({ perAddress: 100, perDraft: 2 });
    const holders = [raw(port), raw(port)];
    for (const socket of holders) await socket.opened;
    const reader = stockClient(port, 'open');
    clients.push(reader);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reader.provider.synced).toBe(false);

    holders[0]?.ws.close();
    await eventually(() => expect(reader.content()).toContain('Public text.'));
  });

  it('LIMIT-1 keeps one presence per socket and tells a newcomer only of real people', async () => {
    const port = await start({ perAddress: 1000, perDraft: 1000 });
    const crowd = Array.from({ length: 100 }, () => raw(port));
    await Promise.all(crowd.map((socket) => socket.opened));
    // Each claims four ids, as the attack did; three of them are someone else's or invented.
    for (const [i, socket] of crowd.entries()) {
      const claims = [0, 1, 2, 3].map((k) => ({
        clientId: 10_000 + i * 4 + k,
        clock: 1,
        state: JSON.stringify({ user: { name: `Fake ${i}.${k}` }, cursor: null }),
      }));
      socket.ws.send(awarenessMessage(encodeAwarenessUpdate(claims)));
    }
    const present = await eventually(() => {
      const states = server?.registry.loaded('open')?.awareness.getStates();
      expect(states?.size).toBe(100);
      return states;
    });
    expect([...(present?.keys() ?? [])].every((id) => (id - 10_000) % 4 === 0)).toBe(true);

    const newcomer = raw(port);
    await eventually(() =>
      expect(newcomer.received.filter((m) => describeMessage(m) === 'awareness').length).toBeGreaterThan(0),
    );
    const presenceBytes = newcomer.received
      .filter((m) => describeMessage(m) === 'awareness')
      .reduce((sum, m) => sum + m.length, 0);
    // Readers are passed on as who they are only: about 60 bytes each.
    expect(presenceBytes).toBeLessThan(100 * 100);
  });

  it('keeps a stock client connected when it joins a crowd and sends everyone back, as it does', async () => {
    // The stock client repeats every presence change it receives, the newcomer's list of the
    // whole crowd included; with 300 present that echo was over the old 16 KiB cut (4400).
    const port = await start({ perAddress: 1000, perDraft: 1000 });
    const crowd = Array.from({ length: 300 }, () => raw(port));
    await Promise.all(crowd.map((socket) => socket.opened));
    for (const [i, socket] of crowd.entries()) {
      const state = JSON.stringify({ cursor: null });
      socket.ws.send(awarenessMessage(encodeAwarenessUpdate([{ clientId: 20_000 + i, clock: 1, state }])));
    }
    await eventually(() => expect(server?.registry.loaded('open')?.awareness.getStates().size).toBe(300));

    const reader = stockClient(port, 'open');
    clients.push(reader);
    const closes: number[] = [];
    reader.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
    reader.provider.awareness.setLocalStateField('user', { name: 'R.' });
    await eventually(() => expect(reader.provider.awareness.getStates().size).toBe(301));
    const editor = stockClient(port, 'open');
    clients.push(editor);
    editor.provider.awareness.setLocalStateField('user', { name: 'E.' });
    await eventually(() => expect(reader.provider.awareness.getStates().size).toBe(302));
    expect(closes).toEqual([]);
    expect(reader.provider.wsconnected).toBe(true);
  });
});
