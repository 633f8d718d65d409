import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempFolder, removeFolder } from './tempFolders.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /**
   * Sends `signal` (SIGTERM by default) and resolves with the exit code once it has exited and
   * the folders it was given by default are removed.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  /** DATA_DIR; the caller's to remove. Without it, a fresh folder removed once the process exits. */
  dataDir?: string;
  /** DRAFTS_DIR; the caller's to remove. Without it, an empty folder removed once the process exits. */
  draftsDir?: string;
  port?: number;
  env?: Record<string, string>;
  /**
   * Runs the compiled server (`dist/server/src/main.js`, which `npm run build` makes) with plain
   * node and the flags of `npm start` (see `startFlags`), instead of the sources through tsx.
   */
  compiled?: boolean;
}

/**
 * Starts the real server (`server/src/main.ts`, or its compiled form) as a child process and resolves once it prints
 * its address. With the default PORT=0 the system picks a free port.
 */
export function spawnServer(options: SpawnOptions = {}): Promise<ServerProcess> {
  // Folders made here belong to this process: removed when it exits, however it exits.
  const owned: string[] = [];
  const own = (dir: string) => {
    owned.push(dir);
    return dir;
  };
  const entry = options.compiled
    ? [...startFlags(), 'dist/server/src/main.js']
    : ['--import', 'tsx', 'server/src/main.ts'];
  const child = spawn(process.execPath, entry, {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir ?? own(makeTempFolder('margins-data-')),
      DRAFTS_DIR: options.draftsDir ?? own(makeTempFolder('margins-drafts-')),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      void Promise.allSettled(owned.map(removeFolder)).then(() => resolve(code));
    }),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Margins listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        const url = match[1];
        resolve({
          url,
          port: Number(new URL(url).port),
          process: child,
          output: () => output,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
}

/** Waits for a child process to exit and returns its exit code and output. */
export function runToExit(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/**
 * The node flags `npm start` runs the compiled server with, read from package.json's `start`
 * script so that tests and the bench run what operators run, and the flags live in one place.
 */
export function startFlags(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const match = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/server\/src\/main\.js/.exec(
    manifest.scripts.start,
  );
  if (!match) throw new Error("package.json's start script no longer runs node dist/server/src/main.js");
  return (match[1] ?? '').split(/\s+/).filter(Boolean);
}
