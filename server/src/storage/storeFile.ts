import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { backupPathOf, writeFileAtomic } from './atomicFile.ts';
import { DamagedStoreError } from './storage.ts';

/** Says what is wrong with a parsed file's content, or undefined when it is fine. */
export type ProblemOf = (value: unknown) => string | undefined;

/**
 * One JSON store file, as a lowdb adapter: `read` refuses anything but a valid file (see
 * `readStoreFile`), `write` replaces it atomically and durably keeping `.bak` (see
 * `writeFileAtomic`). Writes run one at a time, in call order, so the last one called wins.
 */
export class StoreFile<T> implements Adapter<T> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly problemOf: ProblemOf,
  ) {}

  read(): Promise<T | null> {
    return readStoreFile<T>(this.file, this.problemOf);
  }

  write(data: T): Promise<void> {
    // Serialised now: the caller may change `data` while an earlier write is still running.
    const text = JSON.stringify(data, null, 2);
    const run = this.queue.then(() => writeFileAtomic(this.file, text));
    this.queue = run.catch(() => {});
    return run;
  }
}

/**
 * The validated content of `file`, or null when there is no such file. Anything else that is not
 * what Margins writes — empty, zero-filled, cut short, `null`, the wrong shape — throws a
 * `DamagedStoreError` naming the file, so a damaged file is never read as "no data yet".
 */
export async function readStoreFile<T>(file: string, problemOf: ProblemOf): Promise<T | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = parseStoreBytes(bytes, problemOf);
  if ('problem' in parsed) throw await damaged(file, parsed.problem, problemOf);
  return parsed.value as T;
}

/** The error for `file`, pointing at its `.bak` when that one would load. */
export async function damaged(
  file: string,
  problem: string,
  problemOf: ProblemOf,
): Promise<DamagedStoreError> {
  const backup = backupPathOf(file);
  return new DamagedStoreError(file, problem, (await isGoodFile(backup, problemOf)) ? backup : undefined);
}

/** Whether `file` exists and would be read without a problem (is the `.bak` worth restoring?). */
async function isGoodFile(file: string, problemOf: ProblemOf): Promise<boolean> {
  try {
    return !('problem' in parseStoreBytes(await readFile(file), problemOf));
  } catch {
    return false;
  }
}

function parseStoreBytes(bytes: Buffer, problemOf: ProblemOf): { value: unknown } | { problem: string } {
  if (bytes.toString('utf8').trim() === '') return { problem: 'it is empty' };
  if (bytes.includes(0))
    return { problem: 'it contains NUL bytes (zero-filled, as a crash or a disk fault can leave a file)' };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { problem: `it is not valid JSON, perhaps cut short (${(error as Error).message})` };
  }
  const problem = problemOf(value);
  return problem === undefined ? { value } : { problem };
}
