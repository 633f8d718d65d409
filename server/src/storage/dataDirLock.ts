import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly ownerPid: number,
  ) {
    super(
      `Another Margins process (pid ${ownerPid}) is already using this data directory. ` +
        `Stop it first, or point DATA_DIR elsewhere. If no such process exists, delete ${lockFile}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  release(): void;
}

/**
 * Takes the data directory for this process, so that two servers never overwrite each other's
 * saves. The lock file holds the owner's pid: a lock left behind by a killed process (kill -9)
 * names a pid that no longer runs and is taken over at once, where a time-based stale lock would
 * make a restart wait.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockFile = path.join(dataDir, 'margins.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => releaseIfOurs(lockFile) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const ownerPid = Number.parseInt(readFileSafely(lockFile), 10);
      if (Number.isInteger(ownerPid) && ownerPid !== process.pid && isRunning(ownerPid)) {
        throw new DataDirLockedError(lockFile, ownerPid);
      }
      unlinkSafely(lockFile);
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfOurs(lockFile: string): void {
  if (readFileSafely(lockFile) === String(process.pid)) unlinkSafely(lockFile);
}

function readFileSafely(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function unlinkSafely(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone: nothing to release.
  }
}

/**
 * For command-line entry points: creates the data directory, takes its lock, and on refusal
 * prints `explain(message)` plainly (a person must read it) and exits with code 2.
 */
export function lockDataDirOrExit(dataDir: string, explain: (message: string) => string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  try {
    return lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    console.error(explain(error.message));
    process.exit(2);
  }
}
