import { spawn } from 'node:child_process';
import path from 'node:path';
import { FANOUT_DRAFT, FANOUT_DRAFT_ID, percentile, runFanout } from './fanout.ts';
import { spliceSection } from './report.ts';
import { type BenchServer, peakMemoryBytes, startMargins, until } from './servers.ts';

// The presence flood of issue 12 as a load: 2,000 anonymous visitor sockets on one draft, each
// changing its presence once a second, while 10 editors type; against the same 10 editors with
// no crowd. `/api/health` is asked all along, one request at a time.

export const FLOOD = { visitors: 2000, editors: 10, editsPerSecond: 5, durationMs: 15_000 };

export interface FloodRun {
  visitors: number;
  healthP50Ms: number;
  healthP99Ms: number;
  healthMaxMs: number;
  editorsP50Ms: number;
  editorsP99Ms: number;
  delivered: number;
  expected: number;
  peakRssBytes: number;
  /** Server CPU seconds per second of the typing window. */
  serverCpuShare: number;
}

export async function runPresenceFlood(visitors: number): Promise<FloodRun> {
  const server = await startMargins({
    drafts: { [FANOUT_DRAFT_ID]: FANOUT_DRAFT },
    env: { MAX_SOCKETS_PER_DRAFT: String(visitors + 100) },
  });
  const crowd = visitors > 0 ? await startCrowd(server, visitors) : undefined;
  try {
    const health = probeHealth(server);
    const typing = await runFanout(server, FANOUT_DRAFT_ID, {
      clients: FLOOD.editors,
      writers: FLOOD.editors,
      editsPerSecond: FLOOD.editsPerSecond,
      durationMs: FLOOD.durationMs,
    });
    const samples = Float64Array.from(await health.stop()).sort();
    return {
      visitors,
      healthP50Ms: percentile(samples, 0.5),
      healthP99Ms: percentile(samples, 0.99),
      healthMaxMs: samples.at(-1) ?? 0,
      editorsP50Ms: typing.p50Ms,
      editorsP99Ms: typing.p99Ms,
      delivered: typing.delivered,
      expected: typing.expected,
      peakRssBytes: peakMemoryBytes(server.pid),
      serverCpuShare: typing.cpuSeconds / (FLOOD.durationMs / 1000),
    };
  } catch (error) {
    console.error(server.output().slice(-3000));
    throw error;
  } finally {
    crowd?.kill('SIGKILL');
    await server.stop();
  }
}

/** The visitors, in a process of their own so that their work does not slow the editors' clock. */
async function startCrowd(server: BenchServer, visitors: number) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'visitorCrowd.ts'),
      `${server.wsBase}/${FANOUT_DRAFT_ID}`,
      String(visitors),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await until(() => output.includes('ready'), 120_000, `${visitors} visitors to connect`);
  // Let presence settle into its once-a-second rhythm.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  if (/closed with/.test(output)) throw new Error(`visitors were refused:\n${output.slice(0, 2000)}`);
  return child;
}

function probeHealth(server: BenchServer) {
  const base = server.wsBase.replace('ws://', 'http://').replace(/\/collab$/, '');
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${base}/api/health`);
        await response.arrayBuffer();
      } catch (error) {
        running = false;
        throw error;
      }
      samples.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop(): Promise<number[]> {
      running = false;
      await loop;
      return samples;
    },
  };
}

const MIB = 1024 * 1024;
const TARGETS = { healthP99Ms: 100, editorsP99Ms: 150 };

/** The section of docs/benchmarks.md for a run without and with the crowd. */
export function renderFlood(quiet: FloodRun, flood: FloodRun): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const verdict = (v: number, target: number) =>
    v < target ? `met (< ${target} ms)` : `missed (≥ ${target} ms)`;
  const rows: string[][] = [
    [
      '`/api/health` p50',
      ms(flood.healthP50Ms),
      ms(quiet.healthP50Ms),
      ratio(flood.healthP50Ms, quiet.healthP50Ms),
      '',
    ],
    [
      '`/api/health` p99',
      ms(flood.healthP99Ms),
      ms(quiet.healthP99Ms),
      ratio(flood.healthP99Ms, quiet.healthP99Ms),
      verdict(flood.healthP99Ms, TARGETS.healthP99Ms),
    ],
    [
      '`/api/health` slowest',
      ms(flood.healthMaxMs),
      ms(quiet.healthMaxMs),
      ratio(flood.healthMaxMs, quiet.healthMaxMs),
      '',
    ],
    [
      "editors' delivery p50",
      ms(flood.editorsP50Ms),
      ms(quiet.editorsP50Ms),
      ratio(flood.editorsP50Ms, quiet.editorsP50Ms),
      '',
    ],
    [
      "editors' delivery p99",
      ms(flood.editorsP99Ms),
      ms(quiet.editorsP99Ms),
      ratio(flood.editorsP99Ms, quiet.editorsP99Ms),
      verdict(flood.editorsP99Ms, TARGETS.editorsP99Ms),
    ],
    [
      'server peak memory (VmHWM)',
      `${(flood.peakRssBytes / MIB).toFixed(0)} MiB`,
      `${(quiet.peakRssBytes / MIB).toFixed(0)} MiB`,
      ratio(flood.peakRssBytes, quiet.peakRssBytes),
      '',
    ],
    [
      'server CPU share while typing',
      flood.serverCpuShare.toFixed(2),
      quiet.serverCpuShare.toFixed(2),
      ratio(flood.serverCpuShare, quiet.serverCpuShare),
      '',
    ],
    [
      'edits delivered',
      `${flood.delivered}/${flood.expected}`,
      `${quiet.delivered}/${quiet.expected}`,
      '',
      '',
    ],
  ];
  return [
    `## Presence flood (${flood.visitors} visitor sockets, ${FLOOD.editors} editors typing)`,
    '',
    `${flood.visitors} anonymous sockets from one address on one draft, each changing its presence once a second (a caret and a field of its own), in a process of their own; ${FLOOD.editors} stock-client editors type ${FLOOD.editsPerSecond} times a second each for ${FLOOD.durationMs / 1000} s; \`/api/health\` is asked every 20 ms, one request at a time. Compared with the same editors and probe on a draft with no crowd, in the same run. Before issue 12, 1,000 such sockets blocked the event loop for 9,970 ms.`,
    '',
    '| | with the crowd | without | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

/** Replaces (or appends) the presence-flood section of the benchmarks document. */
export function spliceFloodSection(document: string, section: string): string {
  return spliceSection(document, '## Presence flood', section);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `npm run bench:flood`: this load alone, its section of docs/benchmarks.md rewritten.
  const { readFileSync, writeFileSync } = await import('node:fs');
  const quiet = await runPresenceFlood(0);
  console.log(JSON.stringify(quiet));
  const flood = await runPresenceFlood(FLOOD.visitors);
  console.log(JSON.stringify(flood));
  const file = path.resolve(import.meta.dirname, '../docs/benchmarks.md');
  writeFileSync(file, spliceFloodSection(readFileSync(file, 'utf8'), renderFlood(quiet, flood)));
  console.log(renderFlood(quiet, flood));
  process.exit(0);
}
