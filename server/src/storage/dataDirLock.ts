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
 * Who holds a lock: a pid alone is not enough, because after a kill -9 (or a reboot) the pid can
 * belong to another, unrelated process by the time Margins restarts. On Linux the lock also
 * records the process's start time (field 22 of /proc/<pid>/stat, in clock ticks since boot) and
 * the boot id; a lock whose pid runs with another start time, or from another boot, is stale.
 */
interface LockOwner {
  pid: number;
  /** Undefined where /proc is not available: then only the pid is compared. */
  started?: string;
  boot?: string;
}

/**
 * Takes the data directory for this process, so that two servers never overwrite each other's
 * saves. A lock left behind by a killed process (kill -9) is taken over at once, where a
 * time-based stale lock would make a restart wait: its owner no longer runs, or its pid now
 * belongs to a process that started at another time.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockFile = path.join(dataDir, 'margins.lock');
  const content = JSON.stringify(ownerOf(process.pid));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, content);
      closeSync(fd);
      return { release: () => releaseIfOurs(lockFile, content) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = parseOwner(readFileSafely(lockFile));
      if (owner && owner.pid !== process.pid && holdsLock(owner)) {
        throw new DataDirLockedError(lockFile, owner.pid);
      }
      unlinkSafely(lockFile);
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}

/** Whether the process a lock names is still the one that wrote it. */
function holdsLock(owner: LockOwner): boolean {
  if (!isRunning(owner.pid)) return false;
  const now = ownerOf(owner.pid);
  if (owner.boot && now.boot && owner.boot !== now.boot) return false;
  if (owner.started && now.started && owner.started !== now.started) return false;
  return true;
}

function ownerOf(pid: number): LockOwner {
  const started = startTimeOf(pid);
  const boot = readFileSafely('/proc/sys/kernel/random/boot_id') || undefined;
  return started ? { pid, started, boot } : { pid };
}

/** Field 22 of /proc/<pid>/stat; the name (field 2) is in parentheses and may hold spaces. */
function startTimeOf(pid: number): string | undefined {
  const stat = readFileSafely(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // `fields` starts at field 3 (the state).
  return stat && fields.length > 19 ? fields[19] : undefined;
}

/** A lock's owner: JSON as written now, or a bare pid as written by earlier versions. */
function parseOwner(content: string): LockOwner | undefined {
  if (/^\d+$/.test(content)) return { pid: Number(content) };
  try {
    const value = JSON.parse(content) as Partial<LockOwner>;
    if (!Number.isInteger(value.pid)) return undefined;
    return {
      pid: value.pid as number,
      started: typeof value.started === 'string' ? value.started : undefined,
      boot: typeof value.boot === 'string' ? value.boot : undefined,
    };
  } catch {
    return undefined;
  }
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

function releaseIfOurs(lockFile: string, content: string): void {
  if (readFileSafely(lockFile) === content) unlinkSafely(lockFile);
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
