import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../src/storage/dataDirLock.ts';
import { tempDir } from './support/serverProcess.ts';

const dirs: string[] = [];
function freshDir(): string {
  const dir = tempDir('margins-lock-');
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The pid of a process that has already exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('lockDataDir', () => {
  it('takes a free data directory and writes its pid into the lock', () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);

    expect(readFileSync(path.join(dir, 'margins.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(existsSync(path.join(dir, 'margins.lock'))).toBe(false);
  });

  it('refuses a directory held by a running process, naming it and the lock file', () => {
    const dir = freshDir();
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

  it('takes over a lock left by a process that no longer runs', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'margins.lock'), String(deadPid()));

    const lock = lockDataDir(dir);

    expect(readFileSync(path.join(dir, 'margins.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
  });

  it('takes over a lock file that holds no pid at all', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'margins.lock'), '');

    expect(() => lockDataDir(dir).release()).not.toThrow();
  });

  it('leaves a lock alone on release once another process has taken it over', () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);
    writeFileSync(path.join(dir, 'margins.lock'), String(process.ppid));

    lock.release();

    expect(readFileSync(path.join(dir, 'margins.lock'), 'utf8')).toBe(String(process.ppid));
  });
});
