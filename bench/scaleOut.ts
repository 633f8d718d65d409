import { readdirSync, readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { type EngineProcess, startPostgres, startRedis } from '../server/test/support/engines.ts';
import { CONTENT_FIELD } from '../shared/drafts.ts';
import { runStoreColdOpen, type StoreColdOpenResult, traceState } from './coldOpen.ts';
import {
  FANOUT_DRAFT,
  FANOUT_DRAFT_ID,
  type FanoutOptions,
  percentile,
  type SentEdit,
  trackDeliveries,
  typeOnSchedule,
} from './fanout.ts';
import { spliceSection } from './report.ts';
import {
  type BenchServer,
  type Client,
  connectClient,
  cpuSeconds,
  residentMemoryBytes,
  startMargins,
  until,
} from './servers.ts';

const CLK_TCK = 100;

// Several instances (issue 14): one draft, 1,000 stock clients spread over 1, 2 and 3 Margins
// instances on one PostgreSQL and one Redis, 10 writers typing 5 edits a second each. Every client
// records, for every edit of another writer, the time from the edit to the update that brought
// it; CPU is read from /proc for each instance, PostgreSQL (all its processes) and Redis.
// `node --import tsx bench/scaleOut.ts` alone (after `npm run build:server`), or in `npm run bench`.

/** The fan-out's load, with more clients. */
export type ScaleOutOptions = FanoutOptions;

export const DEFAULT_SCALE_OUT: ScaleOutOptions = {
  clients: 1000,
  writers: 10,
  editsPerSecond: 5,
  durationMs: 10_000,
};

export interface ScaleOutResult {
  instances: number;
  /** Which round of the bench (the configurations run in turn, in alternating order). */
  round: number;
  /** 'postgres': on PostgreSQL and Redis; 'embedded': one instance on lowdb, for comparison. */
  store: 'postgres' | 'embedded';
  /** Resident memory of each instance before any client, and with every client connected. */
  idleRssBytes: number[];
  openRssBytes: number[];
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

/**
 * The CPU seconds of a process and every process below it, those that ended included (PostgreSQL
 * forks one per connection): each live process's own and its reaped children's (fields 14–17 of
 * proc(5)), so the sum only grows.
 */
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
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLK_TCK;
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
    return { ...(await measure(servers, engines, options)), store: 'postgres', round: 1 };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** The same load on one instance on the embedded store (no PostgreSQL, no Redis), for comparison. */
export async function runEmbedded(
  engines: { postgres: EngineProcess; redis: EngineProcess },
  options: ScaleOutOptions = DEFAULT_SCALE_OUT,
): Promise<ScaleOutResult> {
  const server = await startMargins({ drafts: { [FANOUT_DRAFT_ID]: FANOUT_DRAFT } });
  try {
    return { ...(await measure([server], engines, options)), store: 'embedded', round: 1 };
  } finally {
    await server.stop();
  }
}

async function measure(
  servers: BenchServer[],
  engines: { postgres: EngineProcess; redis: EngineProcess },
  options: ScaleOutOptions,
): Promise<Omit<ScaleOutResult, 'store' | 'round'>> {
  process.setMaxListeners(options.clients + 10);
  const idleRssBytes = servers.map((server) => residentMemoryBytes(server.pid));
  const sent = new Map<number, SentEdit[]>();
  const latencies: number[] = [];
  let duplicates = 0;
  const connectStart = performance.now();
  const docs = Array.from({ length: options.clients }, () => new Y.Doc());
  for (const doc of docs) {
    trackDeliveries(doc, sent, latencies, () => {
      duplicates++;
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
  const openRssBytes = servers.map((server) => residentMemoryBytes(server.pid));
  const writers = docs.slice(0, options.writers);
  for (const writer of writers) sent.set(writer.clientID, []);
  const editsPerWriter = Math.floor((options.durationMs / 1000) * options.editsPerSecond);
  const expected = editsPerWriter * options.writers * (options.clients - 1);
  const before = servers.map((server) => cpuSeconds(server.pid));
  const postgresBefore = treeCpuSeconds(engines.postgres.pid());
  const redisBefore = cpuSeconds(engines.redis.pid());
  await typeOnSchedule(writers, sent, options, editsPerWriter);
  await until(() => latencies.length >= expected, 60_000, 'every edit to reach every client').catch(() => {});
  const instanceCpuSeconds = servers.map((server, i) => cpuSeconds(server.pid) - (before[i] ?? 0));
  const postgresCpuSeconds = treeCpuSeconds(engines.postgres.pid()) - postgresBefore;
  const redisCpuSeconds = cpuSeconds(engines.redis.pid()) - redisBefore;
  for (const client of clients) client.provider.destroy();
  for (const doc of docs) doc.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    instances: servers.length,
    idleRssBytes,
    openRssBytes,
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

/** A load this machine carries without saturating: what the cross-instance hop itself costs. */
const LIGHT_LOAD: ScaleOutOptions = { clients: 200, writers: 10, editsPerSecond: 5, durationMs: 5000 };

/** Rounds of the instance configurations (each runs 1, 2 and 3 instances). */
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 2);

/** What `benchScaleOut` measures: the fan-out over instances, and cold opens from each store. */
export interface ScaleOutBench {
  results: ScaleOutResult[];
  /** The same with LIGHT_LOAD's clients: where the machine is not saturated. */
  light: ScaleOutResult[];
  cold: StoreColdOpenResult;
}

/** Starts the engines, runs the embedded store and 1, 2 and 3 instances, then the cold opens; prints the results. */
export async function benchScaleOut(options: ScaleOutOptions = DEFAULT_SCALE_OUT): Promise<ScaleOutBench> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  try {
    const results: ScaleOutResult[] = [await runEmbedded({ postgres, redis }, options)];
    console.log(`scale-out embedded store: ${scaleOutLine(results[0] as ScaleOutResult)}`);
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternating order, so that no configuration always runs on a machine warmed by another.
      for (const count of round % 2 === 1 ? [1, 2, 3] : [3, 2, 1]) {
        const result = { ...(await runScaleOut(count, { postgres, redis }, options)), round };
        console.log(`scale-out round ${round}, ${count} instance(s): ${scaleOutLine(result)}`);
        results.push(result);
      }
    }
    const light: ScaleOutResult[] = [];
    for (const count of [1, 2, 3]) {
      const result = await runScaleOut(count, { postgres, redis }, LIGHT_LOAD);
      console.log(`scale-out light load, ${count} instance(s): ${scaleOutLine(result)}`);
      light.push(result);
    }
    const cold = await runStoreColdOpen(traceState(), postgres.url);
    console.log(
      `cold open: floor ${median(cold.floorMs).toFixed(1)} ms, lowdb ${median(cold.lowdbMs).toFixed(1)} ms, PostgreSQL ${median(cold.postgresMs).toFixed(1)} ms`,
    );
    return { results, light, cold };
  } finally {
    await Promise.all([postgres.remove(), redis.remove()]);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function scaleOutLine(r: ScaleOutResult): string {
  const total = r.instanceCpuSeconds.reduce((a, b) => a + b, 0);
  return (
    `p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.delivered}/${r.expected} deliveries, ` +
    `${r.duplicates} duplicates, CPU ${r.instanceCpuSeconds.map((s) => s.toFixed(2)).join(' + ')} = ${total.toFixed(2)} s ` +
    `(PostgreSQL ${r.postgresCpuSeconds.toFixed(2)} s, Redis ${r.redisCpuSeconds.toFixed(2)} s), connect ${(r.connectMs / 1000).toFixed(1)} s`
  );
}

const MIB = 2 ** 20;

/** The section of docs/benchmarks.md, with what 20,000 readers would take, worked out from these figures. */
export function renderScaleOut(
  { results, light, cold }: ScaleOutBench,
  options: ScaleOutOptions = DEFAULT_SCALE_OUT,
): string {
  const singleOf = (round: number) =>
    results.find((r) => r.instances === 1 && r.store === 'postgres' && r.round === round);
  const single = singleOf(1);
  const total = (r: ScaleOutResult) => r.instanceCpuSeconds.reduce((a, b) => a + b, 0);
  // Each configuration is compared with the single instance of the same round.
  const ratioOf = (r: ScaleOutResult) => r.p99Ms / (singleOf(r.round) ?? r).p99Ms;
  const rows = results.map((r) => {
    const perDelivery = (total(r) / Math.max(1, r.delivered)) * 1e6;
    const embedded = r.store === 'embedded';
    const ratio = embedded && single ? r.p99Ms / single.p99Ms : ratioOf(r);
    const verdict = embedded
      ? ''
      : r.instances === 1
        ? 'reference'
        : ratio <= 1.5
          ? 'met (≤ 1.5×)'
          : 'missed (> 1.5×)';
    const label = embedded ? '1, embedded store (lowdb, no Redis)' : `${r.instances} (round ${r.round})`;
    const rss = r.openRssBytes.map((bytes) => (bytes / MIB).toFixed(0)).join(' + ');
    return `| ${label} | ${r.p50Ms.toFixed(1)} ms | ${r.p99Ms.toFixed(1)} ms | ${ratio.toFixed(2)}× ${verdict} | ${r.delivered} / ${r.expected} (lost ${r.expected - r.delivered}) | ${r.duplicates} | ${r.instanceCpuSeconds.map((x) => x.toFixed(2)).join(' + ')} = ${total(r).toFixed(2)} s | ${perDelivery.toFixed(1)} µs | ${r.postgresCpuSeconds.toFixed(2)} s | ${r.redisCpuSeconds.toFixed(2)} s | ${rss} MiB |`;
  });
  const meanRatio = (instances: number) => {
    const ratios = results.filter((r) => r.store === 'postgres' && r.instances === instances).map(ratioOf);
    return ratios.reduce((x, y) => x + y, 0) / Math.max(1, ratios.length);
  };
  const summary = [2, 3]
    .map((n) => `${n} instances ${meanRatio(n).toFixed(2)}× (${meanRatio(n) <= 1.5 ? 'met' : 'missed'})`)
    .join(', ');
  const widest = [...results]
    .filter((r) => r.store === 'postgres')
    .sort((a, b) => b.instances - a.instances)[0];
  let paper = '';
  if (single && widest) {
    const perDelivery = total(widest) / Math.max(1, widest.delivered);
    const perClientBytes =
      ((single.openRssBytes[0] ?? 0) - (single.idleRssBytes[0] ?? 0)) / Math.max(1, options.clients);
    const readers = 20_000;
    const deliveriesPerSecond = readers * options.writers * options.editsPerSecond;
    const cores = deliveriesPerSecond * perDelivery;
    const edits = options.writers * options.editsPerSecond * (options.durationMs / 1000);
    const postgresPerEdit = widest.postgresCpuSeconds / Math.max(1, edits);
    paper = `
**What 20,000 readers would take**, worked out from the rows above (not measured at that size):
with the same ${options.writers} writers at ${options.editsPerSecond} edits a second, every edit goes to every reader:
${deliveriesPerSecond.toLocaleString('en')} deliveries a second. At ${(perDelivery * 1e6).toFixed(1)} µs of instance CPU per delivery (the
${widest.instances}-instance row) that is about **${cores.toFixed(1)} cores** of instances — e.g. ${Math.ceil(cores / 2)} instances of 2 cores
each, or ${Math.ceil(cores / 4)} of 4, with headroom on top for connect storms after a press release. Memory:
about ${(perClientBytes / 1024).toFixed(0)} KiB per connected client (the 1-instance row, connected minus idle), so about
${((perClientBytes * readers) / MIB).toFixed(0)} MiB for the readers across the instances, plus ~100 MiB per instance. PostgreSQL works per
*edit*, not per reader (${(postgresPerEdit * 1000).toFixed(2)} ms of its CPU per edit here: one insert, and a compaction every few
seconds), so one modest PostgreSQL (2 cores) serves this; Redis carries each edit once per instance
(${widest.redisCpuSeconds.toFixed(2)} s of CPU for the whole run), so one Redis suffices. The ceiling measured on this 2-core
machine is the load of the rows above: ${options.clients} clients, whose own decoding shares the cores with the
instances, PostgreSQL and Redis.
`;
  }
  return `## Several instances

\`bench/scaleOut.ts\` (also \`npm run bench:scale\`): one draft, ${options.clients} stock y-websocket clients spread
round-robin over 1, 2 and 3 compiled Margins instances (separate processes) on one throwaway
PostgreSQL and one Redis, ${options.writers} writers typing ${options.editsPerSecond} edits a second each for ${options.durationMs / 1000} s; and, for comparison,
one instance on the embedded store. Every client, all in the bench's own process, times each edit
of another writer from the moment it was made to the update that brought it. CPU is measured
from the first edit until every edit reached every client (PostgreSQL: all its processes).
"Duplicates" counts updates a client received that brought no edit it lacked. Everything runs on
the same 2 cores (the 1,000 clients included), so latency here is mostly the clients' own.
Target: cross-instance p99 at most 1.5× the single instance's on PostgreSQL of the same round
(the rounds run the configurations in alternating order).

| instances | delivery p50 | delivery p99 | p99 vs 1 instance | deliveries (lost) | duplicates | instance CPU | CPU per delivery | PostgreSQL CPU | Redis CPU | instance RSS, connected |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Cross-instance p99 over the single instance's of the same round, averaged over the rounds: ${summary}.

The same with ${LIGHT_LOAD.clients} clients (${LIGHT_LOAD.durationMs / 1000} s), a load this machine carries without saturating, shows what
the hop through PostgreSQL and Redis costs by itself:

| instances | delivery p50 | delivery p99 | p99 vs 1 instance | deliveries (lost) | instance CPU |
| --- | --- | --- | --- | --- | --- |
${light
  .map((r) => {
    const base = light.find((x) => x.instances === 1) ?? r;
    return `| ${r.instances} | ${r.p50Ms.toFixed(1)} ms | ${r.p99Ms.toFixed(1)} ms | ${(r.p99Ms / base.p99Ms).toFixed(2)}× | ${r.delivered} / ${r.expected} (lost ${r.expected - r.delivered}) | ${total(r).toFixed(2)} s |`;
  })
  .join('\n')}
${paper}
Cold open of the long-history draft (the automerge-paper trace, as in the cold-open table above)
from each store: a stock client on a draft nobody has loaded, to synced, each on its own compiled
instance, the decode floor in the same runs (median of ${cold.floorMs.length}):

| open | median | median/floor |
| --- | --- | --- |
| floor: Y.applyUpdate in the bench process | ${median(cold.floorMs).toFixed(1)} ms | 1.00× |
| from lowdb | ${median(cold.lowdbMs).toFixed(1)} ms | ${(median(cold.lowdbMs) / median(cold.floorMs)).toFixed(2)}× |
| from PostgreSQL | ${median(cold.postgresMs).toFixed(1)} ms | ${(median(cold.postgresMs) / median(cold.floorMs)).toFixed(2)}× |
`;
}

/** `document` with its `## Several instances` section replaced by `section` (or added at the end). */
export function spliceScaleOutSection(document: string, section: string): string {
  return spliceSection(document, '## Several instances', section);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `npm run bench:scale`: this load alone, its section of docs/benchmarks.md rewritten.
  const { writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const section = renderScaleOut(await benchScaleOut());
  const file = path.resolve(import.meta.dirname, '../docs/benchmarks.md');
  writeFileSync(file, `${spliceScaleOutSection(readFileSync(file, 'utf8'), section).trimEnd()}\n`);
  console.log(`\n${section}`);
  process.exit(0);
}
