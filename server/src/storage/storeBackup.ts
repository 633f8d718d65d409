import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { syncDirectory } from './atomicFile.ts';
import { checkStore, documentIds } from './storeCheck.ts';

export interface BackupResult {
  /** margins.json and every document file (with its journal). */
  files: number;
  bytes: number;
  /** How many tries it took to catch the store between two writes of a busy server. */
  attempts: number;
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/**
 * Copies the store at `dataDir` into the new folder `target`, while a server may be writing it.
 *
 * The store never writes a file in place: each write renames a new file over the old one. So a
 * hard link to a store file is a version that never changes, and linking every file takes a few
 * milliseconds. The files are identified (inode, size, modification time) before and after
 * linking them into a hidden folder of the data directory; if none was replaced, created or
 * removed in between, the links are the store as it was at one moment — what a kill -9 then
 * would have left, which the server is built to restart from — otherwise it tries again. The
 * links are then copied out at leisure into a temporary folder beside `target`, checked as
 * start-up would check them, and renamed to `target`: it holds a complete, loadable store or
 * nothing. (Where hard links are not supported, each file is copied instead: slower, same check.)
 */
export async function backupStore(dataDir: string, target: string, maxAttempts = 50): Promise<BackupResult> {
  await refuseUnlessEmpty(target);
  const staging = path.join(dataDir, `.backup-${process.pid}`);
  try {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const names = await captureAtRest(dataDir, staging);
      if (names) return { ...(await copyOut(staging, names, target)), attempts: attempt };
      // A short, random pause: the next try should fall between two of the server's writes.
      await delay(Math.random() * 5 * Math.min(attempt, 4));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  throw new BackupError(
    `The store in ${dataDir} changed during each of ${maxAttempts} attempts to copy it; try again when it is less busy.`,
  );
}

/** Links (or copies) every store file into `staging`; the names, or undefined if the store changed meanwhile. */
async function captureAtRest(dataDir: string, staging: string): Promise<string[] | undefined> {
  await rm(staging, { recursive: true, force: true });
  await mkdir(path.join(staging, 'documents'), { recursive: true });
  const before = await identities(dataDir);
  if (!before.has('margins.json'))
    throw new BackupError(`There is no store in ${dataDir} (no margins.json).`);
  // All at once, so that the moment to catch is as short as the file system allows.
  const kept = await Promise.all(
    [...before.keys()].map((name) =>
      keep(path.join(dataDir, name), path.join(staging, name)).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          // Removed meanwhile (the store changed): try again.
          if (error.code === 'ENOENT') return false;
          throw error;
        },
      ),
    ),
  );
  if (kept.includes(false)) return undefined;
  const after = await identities(dataDir);
  if (after.size !== before.size) return undefined;
  for (const [name, identity] of after) if (before.get(name) !== identity) return undefined;
  return [...before.keys()];
}

async function keep(file: string, staged: string): Promise<void> {
  try {
    await link(file, staged);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') throw error;
    await copyFile(file, staged);
  }
}

/** Relative path of every store file → what identifies its current version. */
async function identities(dataDir: string): Promise<Map<string, string>> {
  const names = [
    'margins.json',
    ...(await documentIds(dataDir)).map((id) => path.join('documents', `${id}.json`)),
  ];
  const all = await Promise.all(
    names.map((name) => stat(path.join(dataDir, name), { bigint: true }).catch(() => undefined)),
  );
  const found = new Map<string, string>();
  names.forEach((name, i) => {
    const stats = all[i];
    // Not ctime: linking a file to keep it changes its ctime, not its content.
    if (stats) found.set(name, `${stats.ino}:${stats.size}:${stats.mtimeNs}`);
  });
  return found;
}

async function copyOut(
  staging: string,
  names: string[],
  target: string,
): Promise<{ files: number; bytes: number }> {
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  let bytes = 0;
  try {
    await mkdir(path.join(partial, 'documents'), { recursive: true });
    // Written all at once, each fsynced, then the folders: durable before it is named `target`.
    await Promise.all(
      names.map(async (name) => {
        const content = await readFile(path.join(staging, name));
        bytes += content.length;
        const handle = await open(path.join(partial, name), 'wx');
        try {
          await handle.writeFile(content);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }),
    );
    await syncDirectory(path.join(partial, 'documents'));
    await syncDirectory(partial);
    // The copy must start as the store would: a damaged source is reported, not copied on.
    await checkStore(partial);
    await rename(partial, target);
    await syncDirectory(path.dirname(target));
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  return { files: names.length, bytes };
}

async function refuseUnlessEmpty(target: string): Promise<void> {
  const entries = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new BackupError(`${target} already holds files; back up into a new or empty folder.`);
  }
}
