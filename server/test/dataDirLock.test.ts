import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../src/storage/dataDirLock.ts';
import { spawnServer } from './support/serverProcess.ts';
import { tempDir } from './support/tempDir.ts';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** A live process that has nothing to do with Margins, as a reused pid would be. */
function unrelatedProcess(): ChildProcess {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

function lockContent(dir: string): { pid: number; started?: string; boot?: string } {
  return JSON.parse(readFileSync(path.join(dir, 'margins.lock'), 'utf8'));
}

function refusalOf(dir: string): DataDirLockedError {
  let thrown: unknown;
  try {
    lockDataDir(dir).release();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DataDirLockedError);
  return thrown as DataDirLockedError;
}

/** The pid of a process that has already exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('lockDataDir', () => {
  it('takes a free data directory and writes its pid and start time into the lock', () => {
    const dir = tempDir('margins-lock-');
    const lock = lockDataDir(dir);

    const owner = lockContent(dir);
    expect(owner.pid).toBe(process.pid);
    if (existsSync('/proc/self/stat')) expect(owner.started).toMatch(/^\d+$/);
    lock.release();
    expect(existsSync(path.join(dir, 'margins.lock'))).toBe(false);
  });

  it('refuses a directory whose lock of an earlier version (a bare pid) names a running process', () => {
    const dir = tempDir('margins-lock-');
    const lockFile = path.join(dir, 'margins.lock');
    writeFileSync(lockFile, String(process.ppid));

    let thrown: unknown;
    try {
      lockDataDir(dir);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DataDirLockedError);
    expect((thrown as DataDirLockedError).ownerPid).toBe(process.ppid);
    expect((thrown as Error).message).toContain(lockFile);
    expect(readFileSync(lockFile, 'utf8')).toBe(String(process.ppid));
  });

  it('STORE-3 takes over a lock left by a process that no longer runs', () => {
    const dir = tempDir('margins-lock-');
    writeFileSync(path.join(dir, 'margins.lock'), String(deadPid()));

    const lock = lockDataDir(dir);

    expect(lockContent(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('STORE-3 takes over a lock whose pid now belongs to an unrelated process that started at another time', (ctx) => {
    if (!existsSync('/proc/self/stat')) ctx.skip('no /proc here: only the pid can be compared');
    const dir = tempDir('margins-lock-');
    const stranger = unrelatedProcess();
    // What kill -9 of a server leaves once its pid has been given to another process.
    const stale = {
      pid: stranger.pid,
      started: String(Number(startTimeOf(stranger.pid as number)) - 1),
      boot: bootId(),
    };
    writeFileSync(path.join(dir, 'margins.lock'), JSON.stringify(stale));

    const lock = lockDataDir(dir);

    expect(lockContent(dir).pid).toBe(process.pid);
    expect(stranger.exitCode).toBeNull();
    lock.release();
  });

  it('refuses a lock whose pid runs with the start time the lock records', (ctx) => {
    if (!existsSync('/proc/self/stat')) ctx.skip('no /proc here: only the pid can be compared');
    const dir = tempDir('margins-lock-');
    const owner = unrelatedProcess();
    const live = { pid: owner.pid, started: startTimeOf(owner.pid as number), boot: bootId() };
    writeFileSync(path.join(dir, 'margins.lock'), JSON.stringify(live));

    expect(refusalOf(dir).ownerPid).toBe(owner.pid);
    expect(lockContent(dir)).toEqual(live);
  });

  it('STORE-3 takes over a lock written before the last reboot, even if its pid and start time run now', (ctx) => {
    if (!existsSync('/proc/self/stat')) ctx.skip('no /proc here: only the pid can be compared');
    const dir = tempDir('margins-lock-');
    const stranger = unrelatedProcess();
    const stale = { pid: stranger.pid, started: startTimeOf(stranger.pid as number), boot: 'another-boot' };
    writeFileSync(path.join(dir, 'margins.lock'), JSON.stringify(stale));

    const lock = lockDataDir(dir);

    expect(lockContent(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('STORE-3 refuses a directory held by a running Margins server, naming its pid', async () => {
    const dir = tempDir('margins-lock-');
    const server = await spawnServer({ dataDir: dir });
    try {
      const refused = refusalOf(dir);
      expect(refused.ownerPid).toBe(server.process.pid);
      expect(refused.message).toContain(path.join(dir, 'margins.lock'));
      expect(lockContent(dir).pid).toBe(server.process.pid);
    } finally {
      await server.stop();
    }
  });

  it('takes over a lock file that holds no pid at all', () => {
    const dir = tempDir('margins-lock-');
    writeFileSync(path.join(dir, 'margins.lock'), '');

    expect(() => lockDataDir(dir).release()).not.toThrow();
  });

  it('leaves a lock alone on release once another process has taken it over', () => {
    const dir = tempDir('margins-lock-');
    const lock = lockDataDir(dir);
    writeFileSync(path.join(dir, 'margins.lock'), String(process.ppid));

    lock.release();

    expect(readFileSync(path.join(dir, 'margins.lock'), 'utf8')).toBe(String(process.ppid));
  });
});

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}
