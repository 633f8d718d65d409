import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol.ts';
import type { BackpressureLimits } from '../src/collab/backpressure.ts';
import type { SocketHealth } from '../src/http/httpApp.ts';
import type { Stores } from '../src/storage/stores.ts';
import { type RawSocket, rawSocket, type StockClient, stockClient } from './support/collabClient.ts';
import { draftRecord, signUpAs, yjsStateWithText } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { readSlowly, resumeReading, stopReading } from './support/slowReaders.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// Readers that stop reading (or read slowly) while an editor writes megabytes. The kernel takes
// about 4 MiB per connection on loopback before anything queues in the server, so the editor
// writes well over that; the limits are lowered so that each test takes seconds, not minutes.

const DRAFT = 'slow-readers';
const KiB = 1024;
const MiB = 1024 * KiB;
const BEHIND_BYTES = 256 * KiB;

type Running = TestServer<Stores>;

const servers: Running[] = [];
const clients: StockClient[] = [];
const sockets: RawSocket[] = [];
const stops: (() => void)[] = [];

async function startServer(backpressure: Partial<BackpressureLimits>): Promise<Running> {
  const running = await startTestServer({
    backpressure: { behindBytes: BEHIND_BYTES, checkMs: 100, ...backpressure },
  });
  servers.push(running);
  await running.storage.drafts.createDraft(draftRecord(DRAFT), yjsStateWithText('The stored text.'));
  return running;
}

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.ws.terminate();
  for (const server of servers.splice(0)) await server.close();
});

/** A visitor's stock client (read-only: it only receives). */
function reader(running: Running): StockClient {
  const created = stockClient(running.port, DRAFT);
  clients.push(created);
  return created;
}

async function editor(running: Running, name: string): Promise<StockClient> {
  const identity = await signUpAs(running.server.accounts, 'taskforce', name);
  const created = stockClient(running.port, DRAFT, { cookie: identity.cookie });
  clients.push(created);
  return created;
}

/** A bare socket that has joined the draft (it has received the server's first messages). */
async function rawReader(running: Running): Promise<RawSocket> {
  const socket = rawSocket(running.port, DRAFT);
  sockets.push(socket);
  await socket.opened;
  await eventually(() => expect(socket.received.length).toBeGreaterThan(0));
  return socket;
}

async function synced(...each: StockClient[]): Promise<void> {
  await eventually(() => {
    for (const c of each) expect(c.provider.synced).toBe(true);
  });
}

/** What `/api/health` says of the sockets. */
async function health(running: Running): Promise<SocketHealth> {
  const response = await fetch(`${running.url}/api/health`);
  return ((await response.json()) as { sockets: SocketHealth }).sockets;
}

/** Writes `mib` MiB in paragraphs of 512 KiB; returns the start of the last one. */
function writeMiB(writer: StockClient, mib: number, tag: string): string {
  const chunk = 'x'.repeat(512 * KiB);
  for (let i = 0; i < mib * 2; i++) writer.write(`${tag}${i}:${chunk}`);
  return `${tag}${mib * 2 - 1}:x`;
}

/** Close codes a stock client's sockets ended with. */
function closeCodes(c: StockClient): number[] {
  const codes: number[] = [];
  c.provider.on('connection-close', (event) => codes.push(event?.code ?? 0));
  return codes;
}

describe('readers that cannot keep up', { timeout: 60_000 }, () => {
  it('CLOSE-9 cuts a socket that stops reading within seconds, although nothing more is sent to it', async () => {
    const running = await startServer({ behindMs: 1000, closeGraceMs: 500 });
    const alice = await editor(running, 'Alice');
    const tom = reader(running);
    await synced(alice, tom);
    const sleeper = await rawReader(running);
    stopReading(sleeper.ws);
    expect((await health(running)).open).toBe(3);

    const last = writeMiB(alice, 6, 'p');
    await eventually(() => expect(tom.content()).toContain(last), 20_000);
    const written = Date.now();

    // Nobody writes any more: only the timed check can notice the sleeper now.
    await eventually(
      async () => {
        const sockets = await health(running);
        expect(sockets.open).toBe(2);
        expect(sockets.bufferedBytes).toBeLessThan(BEHIND_BYTES);
      },
      10_000,
      50,
    );
    // Cut after `behindMs`, destroyed `closeGraceMs` later: well before the heartbeat's 30 s.
    expect(Date.now() - written).toBeLessThan(5000);
    resumeReading(sleeper.ws);
    await sleeper.closed;
    alice.write('Still flowing.');
    await eventually(() => expect(tom.content()).toContain('Still flowing.'));
  });

  it('CLOSE-9 CLOSE-12 closes a stock client that stopped reading with 4503; it reconnects and resyncs', async () => {
    const running = await startServer({ behindMs: 1000, closeGraceMs: 10_000 });
    const alice = await editor(running, 'Alice');
    const bob = reader(running);
    await synced(alice, bob);
    const codes = closeCodes(bob);
    const first = bob.provider.ws;
    if (!first) throw new Error('no socket');
    stopReading(first);

    const last = writeMiB(alice, 6, 'p');
    await eventually(async () => expect((await health(running)).behind).toBe(1), 20_000, 50);
    // Cut: no longer counted as behind, but its queue is kept while it may still read the close.
    await eventually(
      async () => {
        const sockets = await health(running);
        expect(sockets.behind).toBe(0);
        expect(sockets.bufferedBytes).toBeGreaterThan(BEHIND_BYTES);
      },
      10_000,
      50,
    );
    resumeReading(first);

    await eventually(() => expect(codes).toEqual([CloseCode.TooSlow]), 10_000);
    await eventually(() => {
      expect(bob.provider.ws).not.toBe(first);
      expect(bob.provider.synced).toBe(true);
      expect(bob.content()).toContain(last);
      expect(bob.content()).toBe(alice.content());
    }, 20_000);
    alice.write('After the reconnect.');
    await eventually(() => expect(bob.content()).toContain('After the reconnect.'));
    expect(codes).toEqual([CloseCode.TooSlow]);
  });

  it('CLOSE-9 leaves a slow reader connected while it keeps reading, although it stays behind for longer than allowed', async () => {
    const running = await startServer({ behindMs: 2000 });
    const alice = await editor(running, 'Alice');
    const bob = reader(running);
    await synced(alice, bob);
    const codes = closeCodes(bob);
    const first = bob.provider.ws;
    if (!first) throw new Error('no socket');
    stops.push(readSlowly(first, 2 * MiB));
    // When the server said bob was behind (it looks every 100 ms, like this loop).
    const behindAt: number[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        if ((await health(running)).behind > 0) behindAt.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const last = writeMiB(alice, 12, 'p');
    await eventually(() => expect(bob.content()).toContain(last), 30_000, 50);
    watching = false;
    await watch;

    expect(codes).toEqual([]);
    expect(bob.provider.ws).toBe(first);
    expect((behindAt.at(-1) ?? 0) - (behindAt[0] ?? 0)).toBeGreaterThan(3000);
  });

  it('leaves a reader connected that stopped reading for less than the time allowed', async () => {
    const running = await startServer({ behindMs: 3000 });
    const alice = await editor(running, 'Alice');
    const bob = reader(running);
    await synced(alice, bob);
    const codes = closeCodes(bob);
    const first = bob.provider.ws;
    if (!first) throw new Error('no socket');
    stopReading(first);

    const last = writeMiB(alice, 6, 'p');
    await eventually(async () => expect((await health(running)).behind).toBe(1), 20_000, 50);
    // The scenario, not a wait for a result: a tab in the background for a second.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    resumeReading(first);

    await eventually(() => expect(bob.content()).toContain(last), 20_000);
    await eventually(async () => expect((await health(running)).behind).toBe(0));
    expect(codes).toEqual([]);
    expect(bob.provider.ws).toBe(first);
  });

  it('CLOSE-9 cuts the socket furthest behind first when all queues together pass the server-wide limit', async () => {
    const running = await startServer({ behindMs: 60_000, totalBufferedBytes: 7 * MiB, closeGraceMs: 500 });
    const alice = await editor(running, 'Alice');
    const tom = reader(running);
    await synced(alice, tom);
    const far = await rawReader(running);
    stopReading(far.ws);
    const first = writeMiB(alice, 6, 'a');
    await eventually(() => expect(tom.content()).toContain(first), 20_000);
    // `near` joins now and reads the 6 MiB, then stops reading too: it is 6 MiB less behind.
    const near = reader(running);
    await eventually(() => expect(near.content()).toContain(first), 20_000);
    const codes = closeCodes(near);
    const nearSocket = near.provider.ws;
    if (!nearSocket) throw new Error('no socket');
    stopReading(nearSocket);
    expect((await health(running)).open).toBe(4);

    // 6 MiB more: `far` is then 12 MiB behind less what its kernel holds (at most ~4 MiB), over
    // the limit alone; `near` is at most 6 MiB behind, under it however little its kernel holds.
    const second = writeMiB(alice, 6, 'b');
    await eventually(() => expect(tom.content()).toContain(second), 20_000);

    await eventually(
      async () => {
        const sockets = await health(running);
        expect(sockets.open).toBe(3);
        expect(sockets.bufferedBytes).toBeLessThanOrEqual(7 * MiB);
      },
      10_000,
      50,
    );
    resumeReading(far.ws);
    resumeReading(nearSocket);
    await far.closed;
    await eventually(() => expect(near.content()).toContain(second), 20_000);
    expect(codes).toEqual([]);
    expect(near.provider.ws).toBe(nearSocket);
  });
});
