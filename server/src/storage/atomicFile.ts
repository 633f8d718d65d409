import { copyFile, link, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Where the previous good version of `file` is kept: `margins.json` → `margins.json.bak`. */
export function backupPathOf(file: string): string {
  return `${file}.bak`;
}

/**
 * Replaces `file` with `content` so that a crash, a power cut or a full disk at any moment leaves
 * either the old or the new version, both complete, and keeps the old one as `<file>.bak`:
 *
 * 1. write `.<name>.tmp` and fsync it (lowdb's steno does not fsync: after a power cut the
 *    rename could reach the disk before the bytes did);
 * 2. hard-link the current file to `<file>.bak` (through a temporary name, so the old `.bak`
 *    is replaced in one step), so `file` itself never disappears;
 * 3. rename the temporary file over `file`, then fsync the directory so the rename is durable.
 *
 * A failed write (ENOSPC…) removes its temporary file and leaves `file` and `.bak` as they were.
 * Callers must not run two writes of one file at the same time (they share the temporary name).
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await keepPrevious(file);
    await rename(temp, file);
  } catch (error) {
    await unlinkIfPresent(temp);
    throw error;
  }
  await syncDirectory(dir);
}

async function keepPrevious(file: string): Promise<void> {
  const backup = backupPathOf(file);
  const staged = `${backup}.tmp`;
  await unlinkIfPresent(staged);
  try {
    await link(file, staged);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No previous version yet: nothing to keep.
    if (code === 'ENOENT') return;
    // A file system without hard links: a copy does the same, more slowly.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') throw error;
    await copyFile(file, staged);
  }
  await rename(staged, backup);
}

/** Makes renames and new names in `dir` durable (a no-op where directories cannot be fsynced). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Some platforms (Windows) and file systems refuse to open or fsync a directory.
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOTSUP') throw error;
  } finally {
    await handle?.close();
  }
}

export async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
