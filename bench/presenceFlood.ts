import { spawn } from 'node:child_process';
import path from 'node:path';
import { FANOUT_DRAFT, FANOUT_DRAFT_ID, percentile, runFanout } from './fanout.ts';
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
    logLevel: process.env.FLOOD_LOG ?? 'warn',
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
    const { existsSync } = await import('node:fs');
    console.error(error, `server alive: ${existsSync(`/proc/${server.pid}`)}`, server.output().slice(-3000));
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

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const visitors of process.env.FLOOD_ONLY ? [FLOOD.visitors] : [0, FLOOD.visitors]) {
    const run = await runPresenceFlood(visitors);
    console.log(JSON.stringify(run));
  }
}
