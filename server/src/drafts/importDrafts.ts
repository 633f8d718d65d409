import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { defaultWindow } from '../../../shared/consultation.ts';
import { DRAFT_ID_PATTERN } from '../../../shared/drafts.ts';
import type { Storage } from '../storage/storage.ts';
import { markdownToYjsState, parseDraftFile } from './markdown.ts';

export type ImportOutcome = 'created' | 'filled' | 'kept';

/**
 * Imports one Markdown draft. A new id is created; an existing draft whose stored document is
 * empty is filled; an existing draft with content is kept as it is (never overwritten).
 */
export async function importDraft(storage: Storage, draftId: string, source: string): Promise<ImportOutcome> {
  if (!DRAFT_ID_PATTERN.test(draftId)) {
    throw new Error(`"${draftId}" is not a valid draft id: use lowercase letters, digits and hyphens`);
  }
  const existing = await storage.getDraft(draftId);
  if (existing) {
    const stored = await storage.loadDocument(draftId);
    // An empty Yjs update is two bytes (no structs, no deletions).
    if (stored && stored.length > 2) return 'kept';
  }
  const { title, language, visibility, window, body } = parseDraftFile(source);
  const state = markdownToYjsState(body);
  if (existing) {
    await storage.saveDocument(draftId, state);
    return 'filled';
  }
  const now = new Date();
  const stamp = now.toISOString();
  await storage.createDraft(
    {
      id: draftId,
      title,
      language,
      visibility,
      window: window ?? defaultWindow(now),
      createdAt: stamp,
      updatedAt: stamp,
    },
    state,
  );
  return 'created';
}

/** The draft id a file name gives: `my-draft.md` → `my-draft`. */
export function draftIdFromFileName(fileName: string): string {
  return path.basename(fileName, path.extname(fileName)).toLowerCase();
}

/** Imports every `*.md` in `dir` (see `importDraft`); a file that fails is logged and skipped. */
export async function importDraftsFromDir(storage: Storage, dir: string, logger: Logger): Promise<void> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((name) => name.endsWith('.md')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const file of files) {
    const draftId = draftIdFromFileName(file);
    try {
      const outcome = await importDraft(storage, draftId, await readFile(path.join(dir, file), 'utf8'));
      if (outcome !== 'kept') logger.info({ draftId, outcome }, `imported draft ${file}`);
    } catch (error) {
      logger.error({ err: error, file }, `could not import draft ${file}`);
    }
  }
}
