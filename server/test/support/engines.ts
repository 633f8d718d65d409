import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { makeTempFolder, removeFolder } from './tempFolders.ts';

// Throwaway PostgreSQL and Redis servers for tests and the bench: Debian's binaries, started on a
// free port in a temporary folder, stopped by their own pid and removed after. Never the system
// services. `.ci/run` installs both packages; without them `engineProblem()` says what to install.

const INSTALL_HINT = 'install them with: apt-get install -y postgresql redis-server';

/** Why the engines cannot be started here, or undefined when they can. */
export function engineProblem(): string | undefined {
  if (!postgresBinDir())
    return `PostgreSQL's initdb was not found under /usr/lib/postgresql; ${INSTALL_HINT}`;
  if (!onPath('redis-server')) return `redis-server was not found; ${INSTALL_HINT}`;
  return undefined;
}

export interface EngineProcess {
  /** postgres://… or redis://… */
  readonly url: string;
  readonly port: number;
  /** The server's own pid (the postmaster's, not a wrapper's). */
  pid(): number;
  /** Stops the server (fast shutdown); its data is kept, so `start` brings the same data back. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the data it had. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

/**
 * A fresh PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 on a free port, with
 * a superuser `margins` trusted without a password and a database `margins`. As root the cluster
 * is run as the `postgres` user (PostgreSQL refuses to run as root).
 */
export async function startPostgres(): Promise<EngineProcess> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(engineProblem());
  const folder = makeTempFolder('margins-pg-');
  const dataDir = path.join(folder, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The postgres user must reach its folder, which mkdtemp made for root only.
    chmodSync(folder, 0o755);
    const { uid, gid } = postgresIds();
    chownSync(folder, uid, gid);
  }
  const run = (command: string, args: string[]) =>
    asRoot ? (['runuser', ['-u', 'postgres', '--', command, ...args]] as const) : ([command, args] as const);
  const [initCommand, initArgs] = run(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'margins',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  execFileSync(initCommand, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    const [command, args] = run(path.join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      folder,
      '-c',
      'listen_addresses=127.0.0.1',
      // A test cluster need not survive the machine: only the process. Commits still wait for
      // the WAL write, so an answered write survives the server being killed.
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ]);
    child = await startUntil(command, args, /ready to accept connections/, 'PostgreSQL');
  };
  await start();
  const [createCommand, createArgs] = run(path.join(bin, 'createdb'), [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    'margins',
    'margins',
  ]);
  execFileSync(createCommand, createArgs, { stdio: 'pipe' });

  const pid = () => Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
    // SIGINT is PostgreSQL's fast shutdown: it ends sessions and writes a checkpoint.
    process.kill(pid(), 'SIGINT');
    await exited;
  };
  return {
    url: `postgres://margins@127.0.0.1:${port}/margins`,
    port,
    pid,
    stop,
    start,
    remove: async () => {
      await stop();
      await removeFolder(folder);
    },
  };
}

/** A `redis-server` on 127.0.0.1 on a free port, keeping nothing on disk. */
export async function startRedis(): Promise<EngineProcess> {
  if (!onPath('redis-server')) throw new Error(engineProblem());
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = await startUntil(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      /Ready to accept connections/,
      'Redis',
    );
  };
  await start();
  const pid = () => child?.pid ?? 0;
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  return { url: `redis://127.0.0.1:${port}`, port, pid, stop, start, remove: stop };
}

/** Spawns `command` and resolves once its output matches `ready`; it is killed if this process exits first. */
function startUntil(
  command: string,
  args: readonly string[],
  ready: RegExp,
  name: string,
): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Should the test run die without stopping it, the server goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within 30 s:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        // Keep draining, so a chatty server never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** The newest installed PostgreSQL's bin folder (PG_BIN overrides it), or undefined. */
function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(path.join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error(`There is no postgres user to run PostgreSQL as; ${INSTALL_HINT}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && existsSync(path.join(dir, command)));
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
