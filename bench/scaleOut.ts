import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as Y from 'yjs';
import { type EngineProcess, startPostgres, startRedis } from '../server/test/support/engines.ts';
import { CONTENT_FIELD } from '../shared/drafts.ts';
import { FANOUT_DRAFT, FANOUT_DRAFT_ID, percentile } from './fanout.ts';
import { type BenchServer, type Client, connectClient, cpuSeconds, startMargins, until } from './servers.ts';

// Several instances (issue 14): one draft, 1,000 stock clients spread over 1, 2 and 3 Margins
// instances on one PostgreSQL and one Redis, 10 writers typing 5 edits a second each. Every client
// records, for every edit of another writer, the time from the edit to the update that brought
// it; CPU is read from /proc for each instance, PostgreSQL (all its processes) and Redis.
// `node --import tsx bench/scaleOut.ts` alone (after `npm run build:server`), or in `npm run bench`.

export interface ScaleOutOptions {
  clients: number;
  writers: number;
  editsPerSecond: number;
  durationMs: number;
}

export const DEFAULT_SCALE_OUT: ScaleOutOptions = {
  clients: 1000,
  writers: 10,
  editsPerSecond: 5,
  durationMs: 10_000,
};

export interface ScaleOutResult {
  instances: number;
  p50Ms: number;
  p99Ms: number;
  /** Deliveries seen and expected (edits × other clients). */
  delivered: number;
  expected: number;
  /** CPU seconds of each instance from the first edit until every edit reached every client. */
  instanceCpuSeconds: number[];
  postgresCpuSeconds: number;
  redisCpuSeconds: number;
  connectMs: number;
  /** Deliveries of an edit a client already had (counted on each client's update events). */
  duplicates: number;
}

/** The CPU seconds of a process and every process below it (PostgreSQL forks one per connection). */
function treeCpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const visit = (pid: number) => {
    try {
      total += cpuSeconds(pid);
    } catch {
      return;
    }
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return total;
}

export async function runScaleOut(
  instanceCount: number,
  engines: { postgres: EngineProcess; redis: EngineProcess },
  options: ScaleOutOptions = DEFAULT_SCALE_OUT,
): Promise<ScaleOutResult> {
  const database = `bench_${instanceCount}_${Date.now()}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: engines.postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(engines.postgres.url);
  url.pathname = `/${database}`;
  const env = { DATABASE_URL: url.toString(), REDIS_URL: engines.redis.url, LOG_LEVEL: 'warn' };
  const servers: BenchServer[] = [];
  // The first imports the draft and migrates; the others find both done.
  servers.push(await startMargins({ drafts: { [FANOUT_DRAFT_ID]: FANOUT_DRAFT }, env }));
  for (let i = 1; i < instanceCount; i++) servers.push(await startMargins({ env }));
  try {
    return await measure(servers, engines, options);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

interface SentEdit {
  clock: number;
  sentAt: number;
}

async function measure(
  servers: BenchServer[],
  engines: { postgres: EngineProcess; redis: EngineProcess },
  options: ScaleOutOptions,
): Promise<ScaleOutResult> {
  process.setMaxListeners(options.clients + 10);
  const sent = new Map<number, SentEdit[]>();
  const latencies: number[] = [];
  let duplicates = 0;
  const connectStart = performance.now();
  const docs = Array.from({ length: options.clients }, () => new Y.Doc());
  for (const doc of docs) {
    const seen = new Map<number, number>();
    doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin === null) return; // the client's own edit
      const now = performance.now();
      let brought = false;
      for (const [writer, edits] of sent) {
        if (writer === doc.clientID) continue;
        const state = Y.getState(doc.store, writer);
        let next = seen.get(writer) ?? 0;
        for (let edit = edits[next]; edit && edit.clock <= state; edit = edits[++next]) {
          latencies.push(now - edit.sentAt);
          brought = true;
        }
        seen.set(writer, next);
      }
      if (!brought && sent.size > 0) duplicates++;
    });
  }
  // Round-robin: client i on instance i mod n, so every instance has writers and readers.
  const clients: Client[] = docs.map((doc, i) =>
    connectClient(servers[i % servers.length] as BenchServer, FANOUT_DRAFT_ID, doc),
  );
  await Promise.all(clients.map((client) => client.synced));
  await until(
    () => docs.every((doc) => doc.getXmlFragment(CONTENT_FIELD).length > 0),
    60_000,
    'every client to have the draft',
  );
  const connectMs = performance.now() - connectStart;
  const writers = docs.slice(0, options.writers);
  for (const writer of writers) sent.set(writer.clientID, []);
  const editsPerWriter = Math.floor((options.durationMs / 1000) * options.editsPerSecond);
  const expected = editsPerWriter * options.writers * (options.clients - 1);
  const before = servers.map((server) => cpuSeconds(server.pid));
  const postgresBefore = treeCpuSeconds(engines.postgres.pid());
  const redisBefore = cpuSeconds(engines.redis.pid());
  const period = 1000 / options.editsPerSecond;
  const texts = writers.map((doc, w) => paragraphOf(doc, w));
  const start = performance.now();
  for (let k = 0; k < editsPerWriter; k++) {
    for (let w = 0; w < writers.length; w++) {
      const wait = start + k * period + (w * period) / writers.length - performance.now();
      if (wait > 1) await sleep(wait);
      const doc = writers[w] as Y.Doc;
      const sentAt = performance.now();
      texts[w]?.insert(texts[w]?.length ?? 0, 'typing'.slice(0, 1 + (k % 3)));
      sent.get(doc.clientID)?.push({ clock: Y.getState(doc.store, doc.clientID), sentAt });
    }
  }
  await until(() => latencies.length >= expected, 60_000, 'every edit to reach every client').catch(() => {});
  const instanceCpuSeconds = servers.map((server, i) => cpuSeconds(server.pid) - (before[i] ?? 0));
  const postgresCpuSeconds = treeCpuSeconds(engines.postgres.pid()) - postgresBefore;
  const redisCpuSeconds = cpuSeconds(engines.redis.pid()) - redisBefore;
  for (const client of clients) client.provider.destroy();
  for (const doc of docs) doc.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    instances: servers.length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    delivered: latencies.length,
    expected,
    instanceCpuSeconds,
    postgresCpuSeconds,
    redisCpuSeconds,
    connectMs,
    duplicates,
  };
}

function paragraphOf(doc: Y.Doc, w: number): Y.XmlText | undefined {
  const paragraphs = doc
    .getXmlFragment(CONTENT_FIELD)
    .toArray()
    .filter((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === 'paragraph');
  const text = paragraphs[w % paragraphs.length]?.get(0);
  return text instanceof Y.XmlText ? text : undefined;
}

/** Starts the engines, runs 1, 2 and 3 instances, prints the results. */
export async function benchScaleOut(options: ScaleOutOptions = DEFAULT_SCALE_OUT): Promise<ScaleOutResult[]> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  try {
    const results: ScaleOutResult[] = [];
    for (const count of [1, 2, 3]) {
      const result = await runScaleOut(count, { postgres, redis }, options);
      console.log(`scale-out ${count} instance(s): ${scaleOutLine(result)}`);
      results.push(result);
    }
    return results;
  } finally {
    await Promise.all([postgres.remove(), redis.remove()]);
  }
}

export function scaleOutLine(r: ScaleOutResult): string {
  const total = r.instanceCpuSeconds.reduce((a, b) => a + b, 0);
  return (
    `p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.delivered}/${r.expected} deliveries, ` +
    `${r.duplicates} duplicates, CPU ${r.instanceCpuSeconds.map((s) => s.toFixed(2)).join(' + ')} = ${total.toFixed(2)} s ` +
    `(PostgreSQL ${r.postgresCpuSeconds.toFixed(2)} s, Redis ${r.redisCpuSeconds.toFixed(2)} s), connect ${(r.connectMs / 1000).toFixed(1)} s`
  );
}

/** The section of docs/benchmarks.md. */
export function renderScaleOut(
  results: ScaleOutResult[],
  options: ScaleOutOptions = DEFAULT_SCALE_OUT,
): string {
  const single = results.find((r) => r.instances === 1);
  const rows = results.map((r) => {
    const total = r.instanceCpuSeconds.reduce((a, b) => a + b, 0);
    const perUpdate = (total / Math.max(1, r.delivered)) * 1e6;
    const ratio = single ? r.p99Ms / single.p99Ms : Number.NaN;
    const verdict = r.instances === 1 ? 'reference' : ratio <= 1.5 ? 'met (≤ 1.5×)' : 'missed (> 1.5×)';
    return `| ${r.instances} | ${r.p50Ms.toFixed(1)} ms | ${r.p99Ms.toFixed(1)} ms | ${ratio.toFixed(2)}× ${verdict} | ${r.delivered} / ${r.expected} (lost ${r.expected - r.delivered}) | ${r.duplicates} | ${r.instanceCpuSeconds.map((s) => s.toFixed(2)).join(' + ')} = ${total.toFixed(2)} s | ${perUpdate.toFixed(1)} µs | ${r.postgresCpuSeconds.toFixed(2)} s | ${r.redisCpuSeconds.toFixed(2)} s |`;
  });
  return `## Several instances

\`bench/scaleOut.ts\`: one draft, ${options.clients} stock y-websocket clients spread round-robin over 1, 2 and 3
compiled Margins instances (separate processes) on one throwaway PostgreSQL and one Redis, ${options.writers} writers
typing ${options.editsPerSecond} edits a second each for ${options.durationMs / 1000} s. Every client, the bench's own process,
times each edit of another writer from the moment it was made to the update that brought it.
CPU is measured from the first edit until every edit reached every client. "Duplicates" counts
updates a client received that brought no edit it lacked. Everything runs on the same 2 cores
(clients included), so the figures are a floor for what a spread deployment does.

| instances | delivery p50 | delivery p99 | p99 vs 1 instance | deliveries (lost) | duplicates | instance CPU | CPU per delivery | PostgreSQL CPU | Redis CPU |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await benchScaleOut();
  console.log(`\n${renderScaleOut(results)}`);
  process.exit(0);
}
