import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { freePort } from '../server/test/support/engines.ts';
import { spawnServer } from '../server/test/support/serverProcess.ts';
import { makeTempFolder } from '../server/test/support/tempFolders.ts';
import { COLLAB_PATH } from '../shared/protocol.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
/** Linux reports utime and stime in clock ticks; USER_HZ is 100 on every mainstream kernel. */
const CLK_TCK = 100;

/** A server under test, as the load generator sees it. */
export interface BenchServer {
  readonly name: 'Margins' | 'reference';
  readonly pid: number;
  /** The `serverUrl` to give a `WebsocketProvider`; the room name is the draft id. */
  readonly wsBase: string;
  /** Headers each client sends with its upgrade (Margins: the bench admin's session cookie). */
  readonly headers: Record<string, string>;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface MarginsOptions {
  /** Markdown drafts to import at start, by draft id. */
  drafts?: Record<string, string>;
  /** An existing data directory (a fresh temporary one otherwise). */
  dataDir?: string;
  logLevel?: string;
  /** More environment for the server. */
  env?: Record<string, string>;
}

/** The admin Margins creates at start; editing a draft takes the task force role or above. */
const BENCH_ADMIN = { email: 'bench@margins.test', password: 'bench-password-not-secret' };

/**
 * Starts Margins compiled (`dist/server/src/main.js`, as `npm start` runs it; lowdb persistence on) as a child process on a free port,
 * and signs in as its admin so that the bench's clients may edit.
 */
export async function startMargins(options: MarginsOptions = {}): Promise<BenchServer> {
  const draftsDir = makeTempFolder('margins-bench-drafts-');
  for (const [id, markdown] of Object.entries(options.drafts ?? {})) {
    writeFileSync(path.join(draftsDir, `${id}.md`), markdown);
  }
  const dataDir = options.dataDir ?? makeTempFolder('margins-bench-data-');
  const server = await spawnServer({
    compiled: true,
    dataDir,
    draftsDir,
    env: {
      LOG_LEVEL: options.logLevel ?? 'warn',
      MARGINS_ADMIN_EMAIL: BENCH_ADMIN.email,
      MARGINS_ADMIN_PASSWORD: BENCH_ADMIN.password,
      // The bench's people all sign up and post from this machine's one address.
      SIGN_UPS_PER_ADDRESS_PER_HOUR: '100000',
      POSTS_PER_MINUTE_PER_ADDRESS: '100000',
      // Every bench client comes from this machine's one address.
      MAX_SOCKETS_PER_ADDRESS: '100000',
      ...options.env,
    },
  });
  return {
    name: 'Margins',
    pid: pidOf(server.process),
    wsBase: `ws://127.0.0.1:${server.port}${COLLAB_PATH}`,
    headers: { cookie: await signIn(server.url) },
    output: server.output,
    stop: async () => {
      await server.stop();
      rmSync(draftsDir, { recursive: true, force: true });
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the y-websocket@2 reference server (in memory) as a child process on a free port. */
export async function startReference(): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['node_modules/y-websocket-v2/bin/server.cjs'], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('running at')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`reference server exited before listening:\n${output}`)));
  });
  return {
    name: 'reference',
    pid: pidOf(child),
    wsBase: `ws://127.0.0.1:${port}`,
    headers: {},
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A stock y-websocket client for `doc` in `room`, and a promise of its first sync. */
export function connectClient(server: BenchServer, room: string, doc: Y.Doc): Client {
  const provider = new WebsocketProvider(server.wsBase, room, doc, {
    WebSocketPolyfill: webSocketWith(server.headers),
    disableBc: true,
  });
  // Like the editor's caret extension: a named user. It also lifts the awareness clock above 0,
  // without which other clients ignore this client's presence until its 15 s renewal.
  provider.awareness.setLocalStateField('user', { name: `bench ${doc.clientID}` });
  const synced = new Promise<void>((resolve) => {
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) resolve();
    });
  });
  return { provider, synced };
}

export interface Client {
  readonly provider: WebsocketProvider;
  readonly synced: Promise<void>;
}

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5) are utime and stime; the slice starts at field 3.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** The process's peak resident memory in bytes (VmHWM in /proc/<pid>/status). */
export function peakMemoryBytes(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** The process's resident memory now, in bytes (VmRSS in /proc/<pid>/status). */
export function residentMemoryBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Share (0–1) of all CPUs busy over `sampleMs`, from /proc/stat: other work on the machine skews timings. */
export async function machineBusy(sampleMs = 1000): Promise<number> {
  const before = cpuTimes();
  await sleep(sampleMs);
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? 1 - (after.idle - before.idle) / total : 0;
}

/** Waits (at most `maxWaitMs`) until the machine is nearly idle; returns the last busy share seen. */
export async function waitForQuietMachine(maxWaitMs = 120_000, threshold = 0.15): Promise<number> {
  const deadline = performance.now() + maxWaitMs;
  let busy = await machineBusy();
  while (busy > threshold && performance.now() < deadline) busy = await machineBusy();
  return busy;
}

/**
 * Starts counting the CPU time used by everything on the machine except the `pids` and this
 * process; the returned function reads the count (seconds). Above a few tenths of a second during
 * a timed window, someone else's work (a test suite, a browser) has disturbed the measurement.
 */
export function otherCpuMeter(pids: readonly number[]): () => number {
  const ours = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const machineBefore = machineCpuSeconds();
  const oursBefore = ours();
  const selfBefore = process.cpuUsage();
  return () => {
    const self = process.cpuUsage(selfBefore);
    const other =
      machineCpuSeconds() - machineBefore - (ours() - oursBefore) - (self.user + self.system) / 1e6;
    return Math.max(0, other);
  };
}

function machineCpuSeconds(): number {
  const { idle, total } = cpuTimes();
  return (total - idle) / CLK_TCK;
}

function cpuTimes(): { idle: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal (guest time is already inside user):
  // idle and iowait count as idle.
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { idle: (ticks[3] ?? 0) + (ticks[4] ?? 0), total: ticks.reduce((sum, t) => sum + t, 0) };
}

/** Retries `condition` every 10 ms until it holds; throws after `timeoutMs` naming `what`. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** `ws` with fixed upgrade headers, in the shape the provider expects of a WebSocket class. */
function webSocketWith(headers: Record<string, string>): typeof globalThis.WebSocket {
  class WebSocketWithHeaders extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return WebSocketWithHeaders as unknown as typeof globalThis.WebSocket;
}

/** Signs in as the bench admin; returns the session cookie (`name=value`). */
async function signIn(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_ADMIN),
  });
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
  if (!response.ok || !cookie) throw new Error(`could not sign in to Margins: HTTP ${response.status}`);
  return cookie;
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('the server process has no pid');
  return child.pid;
}
