import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DRAFT_ID_PATTERN } from '../../../shared/drafts.ts';
import { backupPathOf } from './atomicFile.ts';
import { damaged, readStoreFile } from './storeFile.ts';
import { type DocumentData, documentProblem, type IndexData, indexProblem } from './storeSchemas.ts';

export interface CheckedStore {
  /** What margins.json holds, or undefined for a new store (no margins.json and no documents). */
  index: IndexData | undefined;
  /** Draft id → `savedAt` of its document file, for every document file. */
  savedAt: Map<string, string>;
}

export function indexFileOf(dataDir: string): string {
  return path.join(dataDir, 'margins.json');
}

export function documentFileOf(dataDir: string, draftId: string): string {
  return path.join(dataDir, 'documents', `${draftId}.json`);
}

/** The document files of a data directory (`documents/<id>.json`, not `.bak` or temporary files). */
export async function documentIds(dataDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(path.join(dataDir, 'documents'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/**
 * Reads every file of the store at `dataDir` and refuses (`DamagedStoreError`) anything that is
 * not what Margins writes: a damaged margins.json or document file, a document file named after
 * no draft id, a listed draft whose document file is gone, or a missing margins.json beside
 * documents (a lost index must not be taken for a new store and seeded over). Changes nothing.
 */
export async function checkStore(dataDir: string): Promise<CheckedStore> {
  const indexFile = indexFileOf(dataDir);
  const index = await readStoreFile<IndexData>(indexFile, indexProblem);
  const savedAt = new Map<string, string>();
  for (const id of await documentIds(dataDir)) {
    const file = documentFileOf(dataDir, id);
    const check = (value: unknown) => documentProblem(value, id);
    if (!DRAFT_ID_PATTERN.test(id)) throw await damaged(file, 'its name is not a draft id', check);
    const data = await readStoreFile<DocumentData>(file, check);
    if (data) savedAt.set(id, data.savedAt);
  }
  if (!index) {
    const backup = await readStoreFile<IndexData>(backupPathOf(indexFile), indexProblem).catch(() => null);
    if (savedAt.size > 0 || backup) {
      const beside = savedAt.size > 0 ? `${savedAt.size} document file(s) in documents/` : 'margins.json.bak';
      throw await damaged(
        indexFile,
        `it is missing although the data directory holds ${beside}`,
        indexProblem,
      );
    }
    return { index: undefined, savedAt };
  }
  for (const draft of index.drafts) {
    if (!savedAt.has(draft.id)) {
      const file = documentFileOf(dataDir, draft.id);
      const problem = `it is missing although margins.json lists the draft "${draft.id}"`;
      throw await damaged(file, problem, (value) => documentProblem(value, draft.id));
    }
  }
  return { index, savedAt };
}
