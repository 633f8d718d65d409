import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchAcceptLatency, summarise } from './acceptLatency.ts';
import { benchClientLoad, renderClientLoad } from './clientLoad.ts';
import { runColdOpen, traceState } from './coldOpen.ts';
import {
  DEFAULT_FANOUT,
  FANOUT_DRAFT,
  FANOUT_DRAFT_ID,
  type FanoutResult,
  runFanout,
  seedFanoutRoom,
} from './fanout.ts';
import { FLOOD, renderFlood, runPresenceFlood, spliceFloodSection } from './presenceFlood.ts';
import { describeMachine, type FanoutRun, mib, renderReport } from './report.ts';
import { benchScaleOut, renderScaleOut, spliceScaleOutSection } from './scaleOut.ts';
import { type BenchServer, startMargins, startReference, waitForQuietMachine } from './servers.ts';
import { benchThreadsScale } from './threadsScale.ts';

// `npm run bench`: fan-out and cold open against Margins and the y-websocket@2 reference server,
// accepting a suggestion against a direct edit, and many comments against none, side by side in
// one run; prints a summary and writes docs/benchmarks.md. BENCH_ROUNDS sets the fan-out
// rounds (each round runs both servers, in alternating order).
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// A multiple of the four cold-open steps, so that each comes first equally often.
const COLD_OPEN_RUNS = 12;
/** A fan-out run during which other processes used more CPU than this is run again. */
const DISTURBED_CPU_SECONDS = 0.5;
const MAX_ATTEMPTS = 3;
const OUTPUT = path.resolve(import.meta.dirname, '../docs/benchmarks.md');

type ServerName = BenchServer['name'];

const started = performance.now();
const machine = describeMachine();
console.log(
  `Margins bench on ${machine.cpu} (${machine.cores} CPUs, ${machine.memory}), Node ${machine.node}`,
);

const fanoutRuns: FanoutRun[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const order: ServerName[] = round % 2 === 1 ? ['Margins', 'reference'] : ['reference', 'Margins'];
  for (const name of order) fanoutRuns.push(await measureFanout(name, round));
}

const accept = await benchAcceptLatency();
const acceptSummary = summarise(accept);
console.log(
  `accept: p99 ${acceptSummary.accept.p99.toFixed(1)} ms (direct edit ${acceptSummary.direct.p99.toFixed(1)} ms) in ${accept.seconds.toFixed(0)} s`,
);
await waitForQuietMachine();
const trace = traceState();
const coldOpen = await runColdOpen(trace, COLD_OPEN_RUNS);
await waitForQuietMachine();
const threads = await benchThreadsScale();
console.log(
  `many comments: highlights ${threads.highlightsMs.toFixed(0)} ms (without: ${threads.referenceMs.toFixed(0)} ms), longest typing frame ${threads.typingMaxFrameMs.toFixed(0)} ms`,
);
await waitForQuietMachine();
const floodQuiet = await runPresenceFlood(0);
const flood = await runPresenceFlood(FLOOD.visitors);
console.log(
  `presence flood: /api/health p99 ${flood.healthP99Ms.toFixed(1)} ms (no crowd ${floodQuiet.healthP99Ms.toFixed(1)} ms), editors p99 ${flood.editorsP99Ms.toFixed(1)} ms (${floodQuiet.editorsP99Ms.toFixed(1)} ms)`,
);
await waitForQuietMachine();
const scaleOut = await benchScaleOut();
await waitForQuietMachine();
const clientLoad = await benchClientLoad();
console.log(
  `client: ${(clientLoad.initial.gzip / 1000).toFixed(1)} kB gzip before the first render and the draft's words`,
);
const totalSeconds = (performance.now() - started) / 1000;

const report = renderReport({
  machine,
  runs: fanoutRuns,
  cold: coldOpen,
  traceCached: trace.cached,
  accept,
  seconds: totalSeconds,
  threads,
});
console.log(`\n${report.summary}`);
const withFlood = spliceScaleOutSection(
  spliceFloodSection(report.markdown, renderFlood(floodQuiet, flood)),
  renderScaleOut(scaleOut),
);
writeFileSync(OUTPUT, `${withFlood.trimEnd()}\n\n${clientLoadSection(renderClientLoad(clientLoad))}\n`);
console.log(`\nWrote ${path.relative(process.cwd(), OUTPUT)} (total ${totalSeconds.toFixed(0)} s)`);
// Closed providers and stopped servers leave nothing to wait for; exit without lingering timers.
process.exit(0);

/** The client's section of docs/benchmarks.md (bench/clientLoad.ts; target: at most 200 kB gzip before the draft's words). */
function clientLoadSection(tables: string): string {
  return `## A visitor's first load

\`bench/clientLoad.ts\` (also \`node --import tsx bench/clientLoad.ts\` alone, after \`npm run build\`) serves a
draft of 12 sections from the compiled server and opens it in Chromium as a visitor, with an empty
cache: the JavaScript fetched before anything runs (the entry and what \`index.html\` preloads), the
First Contentful Paint, the moment the draft's first words are drawn (the server's reading copy,
drawn by the shell's code alone), then the moment the live editor has drawn its first heading, with
the JavaScript downloaded by each. Sizes are zlib's default gzip; the server sends them compressed
(brotli or gzip, as the browser accepts). The slow rows use Chromium's network emulation. Target: at most
200 kB gzip of JavaScript before the draft's words (\`npm run check\` also checks it, in
\`client/tools/sizeBudget.ts\`); before the split the client was one 334.5 kB gzip file.

${tables}`;
}

/** One fan-out run on a fresh server; run again (up to MAX_ATTEMPTS) if other work disturbed it. */
async function measureFanout(name: ServerName, round: number): Promise<FanoutRun> {
  let best: FanoutRun | undefined;
  let attempts = 0;
  while (attempts < MAX_ATTEMPTS) {
    attempts++;
    const machineBusy = await waitForQuietMachine();
    const server =
      name === 'Margins'
        ? await startMargins({ drafts: { [FANOUT_DRAFT_ID]: FANOUT_DRAFT } })
        : await startReference();
    try {
      if (name === 'reference') await seedFanoutRoom(server, FANOUT_DRAFT_ID);
      const result = await runFanout(server, FANOUT_DRAFT_ID, DEFAULT_FANOUT);
      console.log(`fan-out round ${round} ${name}: ${fanoutLine(result)}`);
      if (!best || result.otherCpuSeconds < best.otherCpuSeconds) {
        best = { ...result, round, attempts: 0, machineBusy };
      }
      if (result.otherCpuSeconds <= DISTURBED_CPU_SECONDS) break;
      console.log('  other processes were busy during the window: running it again');
    } finally {
      await server.stop();
    }
  }
  if (!best) throw new Error('no fan-out run completed');
  return { ...best, attempts };
}

function fanoutLine(r: FanoutResult): string {
  return (
    `CPU ${r.cpuSeconds.toFixed(2)} s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ` +
    `peak ${mib(r.peakMemoryBytes)}, ${r.delivered}/${r.expected} deliveries, connect ${(r.connectMs / 1000).toFixed(1)} s, other CPU ${r.otherCpuSeconds.toFixed(2)} s`
  );
}
