import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { CloseCode, MessageType, SyncStep } from '../../shared/protocol.ts';
import { THREADS_MAP, type ThreadView, threadsRoomName } from '../../shared/threads.ts';
import { verifyChain } from '../src/changelog/hashChain.ts';
import { READ_ONLY_REASON } from '../src/collab/room.ts';
import { PostgresStorage } from '../src/storage/postgresStorage.ts';
import { anchorIn } from './support/anchors.ts';
import { callApi, synced } from './support/api.ts';
import { rawSocket, type StockClient, stockClient } from './support/collabClient.ts';
import { type EngineProcess, startPostgres, startRedis } from './support/engines.ts';
import { cookieFrom } from './support/identities.ts';
import { type Cluster, startCluster } from './support/instances.ts';
import { signUpForm, textOf } from './support/records.ts';
import { eventually } from './support/retry.ts';

// Several instances as separate processes on one PostgreSQL and one Redis (issue 14), with stock
// y-websocket clients spread over them. Any client may connect to any instance.

const DRAFT = 'shared-plan';
const SOURCE = `---\ntitle: Shared plan\nlanguage: en\nvisibility: public\n---\n# Shared plan\n\nWe read everything. Then we decide.\n`;
const LIVE_MS = 1000;

let cluster: Cluster | undefined;
const clients: StockClient[] = [];
const engines: EngineProcess[] = [];

function client(port: number, room: string, cookie?: string, doc?: Y.Doc): StockClient {
  const created = stockClient(port, room, { cookie }, doc);
  clients.push(created);
  return created;
}

/** Instances A and B of a fresh cluster holding the draft, and the chair's session (signed in on A). */
async function twoInstances(options: Parameters<typeof startCluster>[2] = {}) {
  cluster = await startCluster(2, { [DRAFT]: SOURCE }, options);
  const [a, b] = cluster.instances;
  if (!a || !b) throw new Error('two instances expected');
  const cookie = await cluster.adminCookie(a);
  return { a, b, cookie, chair: { cookie }, cluster };
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await cluster?.stop();
  cluster = undefined;
  await Promise.all(engines.splice(0).map((engine) => engine.remove()));
});

describe('several instances on one PostgreSQL and one Redis', () => {
  it('SCALE-1 brings an edit made on A to a reader on B within a second, and presence and threads too', async () => {
    const { a, b, cookie, chair } = await twoInstances();
    const writer = client(a.port, DRAFT, cookie);
    const reader = client(b.port, DRAFT);
    const readersThreads = client(b.port, threadsRoomName(DRAFT));
    await synced(writer, reader, readersThreads);

    const sent = performance.now();
    writer.write('Written on instance A.');
    await eventually(() => expect(reader.content()).toContain('Written on instance A.'), LIVE_MS, 5);
    expect(performance.now() - sent).toBeLessThan(LIVE_MS);

    writer.provider.awareness.setLocalStateField('cursor', { at: 1 });
    await eventually(() => {
      const seen = [...reader.provider.awareness.getStates().values()].map((state) => state.user?.name);
      expect(seen).toContain('Administrator');
    }, LIVE_MS);

    const anchor = anchorIn(writer.doc.getXmlFragment(CONTENT_FIELD), 'Then we decide.');
    const created = await callApi(a.url, `/api/drafts/${DRAFT}/threads`, {
      method: 'POST',
      as: chair,
      body: { anchor, body: 'Who decides?' },
    });
    expect(created.status).toBe(201);
    const thread = created.json as ThreadView;
    await eventually(
      () =>
        expect(readersThreads.doc.getMap<ThreadView>(THREADS_MAP).get(thread.id)?.comments[0]?.body).toBe(
          'Who decides?',
        ),
      LIVE_MS,
    );
    // The thread's mark on its passage, made on A, reached B's reader's text too.
    await eventually(() => expect(reader.content()).toContain(thread.id), LIVE_MS);

    // What operators watch: health names the store and Redis, readiness says 200, metrics count.
    const health = await callApi(b.url, '/api/health');
    expect(health.json).toMatchObject({
      status: 'ok',
      store: { kind: 'postgres', reachable: true },
      relay: { connected: true },
      stopping: false,
    });
    expect((await callApi(b.url, '/api/ready')).status).toBe(200);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/^margins_sockets_open 2$/m);
    expect(metrics).toMatch(/^margins_drafts_loaded 2$/m);
    expect(metrics).toMatch(/^margins_updates_out_total [1-9]/m);
    expect(metrics).toMatch(/^margins_relay_lag_seconds_count [1-9]/m);
    expect(metrics).toContain('margins_node_process_resident_memory_bytes');
  });

  it('SCALE-1 converges when writers on both instances type at once, and a fresh instance serves the same text', async () => {
    const { a, b, cookie, cluster: started } = await twoInstances();
    const onA = client(a.port, DRAFT, cookie);
    const onB = client(b.port, DRAFT, cookie);
    await synced(onA, onB);

    for (let i = 0; i < 30; i++) {
      onA.write(`A${i}`);
      onB.write(`B${i}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    await eventually(() => {
      expect(onA.content()).toContain('B29');
      expect(onB.content()).toContain('A29');
      expect(onA.content()).toBe(onB.content());
    }, 5000);
    const c = await started.start();
    const late = client(c.port, DRAFT);
    await synced(late);
    await eventually(() => expect(late.content()).toBe(onA.content()), 5000);
    const text = new Y.Doc();
    Y.applyUpdate(text, Y.encodeStateAsUpdate(late.doc));
    expect(text.getXmlFragment(CONTENT_FIELD).toString()).toContain('A0');
  });

  it('SCALE-2 applies two suggestions accepted at the same moment on A and on B; the change log verifies, each seq once', async () => {
    const { a, b, cookie, chair } = await twoInstances();
    const onA = client(a.port, DRAFT, cookie);
    const onB = client(b.port, DRAFT);
    await synced(onA, onB);
    const fragment = onA.doc.getXmlFragment(CONTENT_FIELD);
    const suggest = async (words: string, text: string) => {
      const created = await callApi(a.url, `/api/drafts/${DRAFT}/suggestions`, {
        method: 'POST',
        as: chair,
        body: { anchor: anchorIn(fragment, words), text },
      });
      expect(created.status).toBe(201);
      return (created.json as { id: string }).id;
    };
    const first = await suggest('We read everything.', 'We read every contribution.');
    const second = await suggest('Then we decide.', 'Then the task force decides.');

    const [onInstanceA, onInstanceB] = await Promise.all([
      callApi(a.url, `/api/drafts/${DRAFT}/suggestions/${first}/accept`, {
        method: 'POST',
        as: chair,
        body: {},
      }),
      callApi(b.url, `/api/drafts/${DRAFT}/suggestions/${second}/accept`, {
        method: 'POST',
        as: chair,
        body: {},
      }),
    ]);

    expect([onInstanceA.status, onInstanceB.status]).toEqual([200, 200]);
    for (const reader of [onA, onB]) {
      await eventually(() => {
        expect(reader.content()).toContain('We read every contribution.');
        expect(reader.content()).toContain('Then the task force decides.');
      }, 2000);
    }
    for (const instance of [a, b]) {
      const log = await callApi(instance.url, `/api/drafts/${DRAFT}/changelog`, { as: chair });
      const entries = log.json as { seq: number; type: string; suggestionId?: string | null }[];
      expect(verifyChain(entries)).toMatchObject({ ok: true });
      expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, i) => i + 1));
      const accepted = entries
        .filter((entry) => entry.type === 'suggestion.accepted')
        .map((e) => e.suggestionId);
      expect(accepted.sort()).toEqual([first, second].sort());
    }
  });

  it('SCALE-6 stops an editor demoted on A from writing on her open socket on B', async () => {
    const { a, b, cookie, chair } = await twoInstances();
    const registered = await fetch(`${b.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signUpForm('Dana')),
    });
    expect(registered.status).toBe(201);
    const dana = {
      cookie: cookieFrom(registered),
      id: ((await registered.json()) as { user: { id: string } }).user.id,
    };
    const promoted = await callApi(a.url, `/api/admin/people/${dana.id}`, {
      method: 'PATCH',
      as: chair,
      body: { role: 'taskforce' },
    });
    expect(promoted.status).toBe(200);
    const watcher = client(a.port, DRAFT, cookie);
    const danasEditor = client(b.port, DRAFT, dana.cookie);
    await synced(watcher, danasEditor);
    danasEditor.write('Dana, on the task force.');
    await eventually(() => expect(watcher.content()).toContain('Dana, on the task force.'), LIVE_MS);
    const socket = danasEditor.provider.ws;

    const demoted = await callApi(a.url, `/api/admin/people/${dana.id}`, {
      method: 'PATCH',
      as: chair,
      body: { role: 'stakeholder' },
    });

    expect(demoted.status).toBe(200);
    await eventually(() => expect(danasEditor.permissionDenied).toEqual([READ_ONLY_REASON]), LIVE_MS);
    danasEditor.write('Dana, after being demoted.');
    watcher.write('The chair, later.');
    await eventually(() => expect(danasEditor.content()).toContain('The chair, later.'), LIVE_MS);
    expect(watcher.content()).not.toContain('after being demoted');
    expect(danasEditor.provider.ws).toBe(socket);
  });

  it('SCALE-3 loses nothing anyone saw when instance A is killed while its clients type; they go on on B', async () => {
    const { a, b, cookie, cluster: started } = await twoInstances();
    const staying = client(a.port, DRAFT, cookie);
    const leaving = client(a.port, DRAFT, cookie);
    const onB = client(b.port, DRAFT, cookie);
    const reader = client(b.port, DRAFT);
    await synced(staying, leaving, onB, reader);

    let typing = true;
    let line = 0;
    const typed = (async () => {
      while (typing) {
        line++;
        staying.write(`stay-${line}`);
        leaving.write(`leave-${line}`);
        onB.write(`b-${line}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await eventually(() => expect(reader.content()).toContain('leave-20'), 5000);
    a.process.kill('SIGKILL');
    // What B's reader had seen at the moment A died.
    const seenOnB = reader.content();
    typing = false;
    await typed;
    // One of A's tabs is closed for good; the other's load balancer sends it to B.
    leaving.provider.destroy();
    staying.provider.destroy();
    const moved = client(b.port, DRAFT, cookie, staying.doc);

    await eventually(() => {
      expect(moved.provider.synced).toBe(true);
      expect(reader.content()).toBe(moved.content());
      expect(onB.content()).toBe(moved.content());
    }, 10_000);
    const finalText = moved.content();
    // Everything any client had on its screen is kept, and served by an instance that starts now.
    await b.stop('SIGKILL');
    const c = await started.start();
    const fresh = client(c.port, DRAFT);
    await synced(fresh);
    for (const seen of lines(seenOnB)) expect(fresh.content()).toContain(seen);
    expect(fresh.content()).toBe(finalText);
  });

  it('SCALE-4 converges within 10 s of Redis coming back after 10 s away, while clients on A and B kept editing', async () => {
    const redis = await startRedis();
    engines.push(redis);
    const { a, b, cookie } = await twoInstances({ redisUrl: redis.url });
    const onA = client(a.port, DRAFT, cookie);
    const onB = client(b.port, DRAFT, cookie);
    await synced(onA, onB);

    await redis.stop();
    const away = Date.now();
    let line = 0;
    while (Date.now() - away < 10_000) {
      line++;
      onA.write(`a-${line}`);
      onB.write(`b-${line}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await redis.start();
    const back = performance.now();

    await eventually(() => {
      expect(onA.content()).toContain(`b-${line}`);
      expect(onB.content()).toContain(`a-${line}`);
      expect(onA.content()).toBe(onB.content());
    }, 10_000);
    expect(performance.now() - back).toBeLessThan(10_000);
    // And live traffic flows through Redis again: five edits in a row each arrive within 300 ms
    // (the store's heads, read every 2 s, would bring them later).
    await eventually(async () => {
      for (let i = 0; i < 5; i++) {
        const mark = `after-${Math.random()}`;
        const sentAt = performance.now();
        onA.write(mark);
        await eventually(() => expect(onB.content()).toContain(mark), 300, 5);
        expect(performance.now() - sentAt).toBeLessThan(300);
      }
    }, 10_000);
    for (let i = 1; i <= line; i++) {
      expect(onB.content()).toContain(`<paragraph>a-${i}</paragraph>`);
      expect(onA.content()).toContain(`<paragraph>b-${i}</paragraph>`);
    }
  }, 60_000);

  it('SCALE-5 answers writes 503 while PostgreSQL restarts, keeps live editing going, and stores it once it is back', async () => {
    const postgres = await startPostgres();
    engines.push(postgres);
    const { a, b, cookie, chair, cluster: started } = await twoInstances({ postgresUrl: postgres.url });
    const onA = client(a.port, DRAFT, cookie);
    const onB = client(b.port, DRAFT, cookie);
    await synced(onA, onB);
    const anchor = anchorIn(onA.doc.getXmlFragment(CONTENT_FIELD), 'Then we decide.');
    const before = await callApi(a.url, `/api/drafts/${DRAFT}/threads`, {
      method: 'POST',
      as: chair,
      body: { anchor, body: 'Answered before the outage.' },
    });
    expect(before.status).toBe(201);

    await postgres.stop();
    const ready = await callApi(b.url, '/api/ready');
    expect(ready.status).toBe(503);
    expect(ready.json).toEqual({ ready: false, reasons: ['store unreachable'] });
    expect((await callApi(b.url, '/api/health')).json).toMatchObject({
      status: 'degraded',
      store: { kind: 'postgres', reachable: false },
    });
    const refused = await callApi(b.url, `/api/drafts/${DRAFT}/threads`, {
      method: 'POST',
      as: chair,
      body: { anchor, body: 'Posted during the outage.' },
    });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe('store_unavailable');
    expect(refused.headers.get('retry-after')).toBe('5');
    onA.write('Typed while the store was away.');
    await eventually(() => expect(onB.content()).toContain('Typed while the store was away.'), 3000);

    await postgres.start();
    onB.write('Typed once it was back.');
    await eventually(() => expect(onA.content()).toContain('Typed once it was back.'), 5000);
    // Stored once the store is back (the appends are retried): read from PostgreSQL itself.
    const store = await PostgresStorage.open(started.databaseUrl);
    try {
      await eventually(async () => {
        const stored = textOf(await store.drafts.loadDocument(DRAFT));
        expect(stored).toContain('Typed while the store was away.');
        expect(stored).toContain('Typed once it was back.');
      }, 15_000);
    } finally {
      await store.close();
    }
    // Killed outright, the instances leave it to a fresh one to serve.
    await Promise.all([a.stop('SIGKILL'), b.stop('SIGKILL')]);
    const c = await started.start();
    const fresh = client(c.port, DRAFT);
    await synced(fresh);
    expect(fresh.content()).toContain('Typed while the store was away.');
    expect(fresh.content()).toContain('Typed once it was back.');
    const threads = await callApi(c.url, `/api/drafts/${DRAFT}/threads`);
    const bodies = (threads.json as ThreadView[]).flatMap((thread) =>
      thread.comments.map((comment) => comment.body),
    );
    expect(bodies).toEqual(['Answered before the outage.']);
  }, 60_000);

  it('SCALE-6 holds a rate limit reached on A on B too', async () => {
    const { a, b, cookie, chair } = await twoInstances({ env: { POSTS_PER_MINUTE_PER_ACCOUNT: '3' } });
    const reader = client(a.port, DRAFT, cookie);
    await synced(reader);
    const anchor = anchorIn(reader.doc.getXmlFragment(CONTENT_FIELD), 'Then we decide.');
    const post = (on: typeof a, body: string) =>
      callApi(on.url, `/api/drafts/${DRAFT}/threads`, { method: 'POST', as: chair, body: { anchor, body } });

    for (const n of [1, 2, 3]) expect((await post(a, `Comment ${n}, on A.`)).status).toBe(201);
    const fourth = await post(b, 'Comment 4, on B.');

    expect(fourth.status).toBe(429);
    expect(fourth.json.error.code).toBe('rate_limited');
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('SCALE-2 applies a suggestion accepted at the same moment on A and on B once: the second answers 409 already_decided', async () => {
    const { a, b, chair } = await twoInstances();
    const reader = client(b.port, DRAFT);
    await synced(reader);
    const created = await callApi(a.url, `/api/drafts/${DRAFT}/suggestions`, {
      method: 'POST',
      as: chair,
      body: {
        anchor: anchorIn(reader.doc.getXmlFragment(CONTENT_FIELD), 'Then we decide.'),
        text: 'Then we agree.',
      },
    });
    expect(created.status).toBe(201);
    const id = (created.json as { id: string }).id;

    const answers = await Promise.all(
      [a, b, a, b].map((on) =>
        callApi(on.url, `/api/drafts/${DRAFT}/suggestions/${id}/accept`, {
          method: 'POST',
          as: chair,
          body: {},
        }),
      ),
    );

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409]);
    await eventually(() => expect(reader.content()).toContain('Then we agree.'), 2000);
    expect(reader.content().split('Then we agree.').length - 1).toBe(1);
    expect(reader.content()).not.toContain('Then we decide.');
    const log = await callApi(b.url, `/api/drafts/${DRAFT}/changelog`, { as: chair });
    const accepted = (log.json as { type: string }[]).filter((entry) => entry.type === 'suggestion.accepted');
    expect(accepted).toHaveLength(1);
  });

  it('SCALE-3 removes the presence of people on a killed instance everywhere within 30 s', async () => {
    const { a, b, cookie } = await twoInstances();
    const onA = client(a.port, DRAFT, cookie);
    const onB = client(b.port, DRAFT);
    await synced(onA, onB);
    onA.provider.awareness.setLocalStateField('cursor', { at: 1 });
    await eventually(
      () => expect(onB.provider.awareness.getStates().has(onA.doc.clientID)).toBe(true),
      LIVE_MS,
    );
    // Its socket would otherwise be closed by the instance's death and tell nothing more.
    onA.provider.disconnect();

    a.process.kill('SIGKILL');
    const killed = performance.now();

    await eventually(
      () => expect(onB.provider.awareness.getStates().has(onA.doc.clientID)).toBe(false),
      30_000,
      200,
    );
    expect(performance.now() - killed).toBeLessThan(30_000);
  }, 60_000);

  it('SCALE-3 on SIGTERM, closes its sockets with 1001 so clients go on on another instance, and loses nothing', async () => {
    const { a, b, cookie, cluster: started } = await twoInstances();
    const onA = client(a.port, DRAFT, cookie);
    const onB = client(b.port, DRAFT);
    await synced(onA, onB);
    const codes: number[] = [];
    onA.provider.on('connection-close', (event: { code?: number } | null) => codes.push(event?.code ?? 0));
    for (let i = 0; i < 20; i++) onA.write(`before-stop-${i}`);

    const stopping = a.stop('SIGTERM');
    await eventually(() => expect(codes).toContain(1001), 5000);
    expect(await stopping).toBe(0);
    onA.provider.destroy();
    const moved = client(b.port, DRAFT, cookie, onA.doc);
    moved.write('after-the-move');

    await eventually(() => expect(onB.content()).toBe(moved.content()), 5000);
    await b.stop('SIGKILL');
    const c = await started.start();
    const fresh = client(c.port, DRAFT);
    await synced(fresh);
    for (let i = 0; i < 20; i++) expect(fresh.content()).toContain(`before-stop-${i}`);
    expect(fresh.content()).toContain('after-the-move');
  });

  it('SCALE-3 loses no edit when a client leaves and comes back while its instance unloads the draft', async () => {
    const { a, b, cookie } = await twoInstances();
    const onA = client(a.port, DRAFT, cookie);
    await synced(onA);
    for (let round = 0; round < 10; round++) {
      // The only client on B leaves (B saves and unloads the draft) and a new one comes at once.
      const leaving = client(b.port, DRAFT, cookie);
      await synced(leaving);
      leaving.write(`left-${round}`);
      leaving.provider.destroy();
      const back = client(b.port, DRAFT, cookie, leaving.doc);
      back.write(`back-${round}`);
      onA.write(`a-${round}`);
      await eventually(() => {
        expect(onA.content()).toContain(`back-${round}`);
        expect(back.content()).toContain(`a-${round}`);
      }, 5000);
      back.provider.destroy();
    }
    const fresh = client(b.port, DRAFT);
    await synced(fresh);
    await eventually(() => expect(fresh.content()).toBe(onA.content()), 5000);
    for (let round = 0; round < 10; round++) {
      for (const line of [`left-${round}`, `back-${round}`, `a-${round}`])
        expect(fresh.content()).toContain(line);
    }
  });

  it('SCALE-6 refuses, on B, an update written under the client id of someone connected to A', async () => {
    const { a, b, cookie, chair } = await twoInstances();
    const registered = await fetch(`${b.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signUpForm('Tom')),
    });
    const tom = {
      cookie: cookieFrom(registered),
      id: ((await registered.json()) as { user: { id: string } }).user.id,
    };
    const promoted = await callApi(a.url, `/api/admin/people/${tom.id}`, {
      method: 'PATCH',
      as: chair,
      body: { role: 'taskforce' },
    });
    expect(promoted.status).toBe(200);
    const chairsEditor = client(a.port, DRAFT, cookie);
    const watcher = client(b.port, DRAFT);
    await synced(chairsEditor, watcher);
    chairsEditor.write('The chair wrote this.');
    await eventually(() => expect(watcher.content()).toContain('The chair wrote this.'), LIVE_MS);

    // Tom, on B, writes under the chair's client id, to put words in her name.
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(chairsEditor.doc));
    forged.clientID = chairsEditor.doc.clientID;
    const before = Y.encodeStateVector(forged);
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('Forged in the chair’s name.')]);
    forged.getXmlFragment(CONTENT_FIELD).insert(0, [paragraph]);
    const socket = rawSocket(b.port, DRAFT, { cookie: tom.cookie });
    await socket.opened;
    socket.ws.send(syncUpdate(Y.encodeStateAsUpdate(forged, before)));

    expect((await socket.closed).code).toBe(CloseCode.ForeignClient);
    chairsEditor.write('The chair, later.');
    await eventually(() => expect(watcher.content()).toContain('The chair, later.'), LIVE_MS);
    expect(watcher.content()).not.toContain('Forged');
    expect(chairsEditor.content()).not.toContain('Forged');
  });
});

/** A y-protocols sync update message carrying `update`. */
function syncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, SyncStep.Update);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** The paragraphs of a client's content. */
function lines(content: string): string[] {
  return [...content.matchAll(/<paragraph>([^<]*)<\/paragraph>/g)]
    .map((match) => match[1] ?? '')
    .filter(Boolean);
}
