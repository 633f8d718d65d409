import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { defaultWindow } from '../../../shared/consultation.ts';
import { draftIdProblem } from '../../../shared/draftSchemas.ts';
import { DraftExistsError, StrayDocumentError } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';
import { markdownToYjsState, parseDraftFile } from './markdown.ts';

export type ImportOutcome = 'created' | 'kept';

/**
 * Imports one Markdown draft, only as a new draft: an id that already has a record is kept as it
 * is, whatever its document holds (never re-seeded), and an id that has a document file but no
 * record is refused by the store (`StrayDocumentError`), never written over.
 */
export async function importDraft(
  storage: Pick<Stores, 'drafts'>,
  draftId: string,
  source: string,
  /** Told each thing the draft could not hold as written (an image kept as its alt text…). */
  warn?: (message: string) => void,
): Promise<ImportOutcome> {
  const problem = draftIdProblem(draftId);
  if (problem) throw new Error(`"${draftId}" is not a valid draft id: ${problem}`);
  if (await storage.drafts.getDraft(draftId)) return 'kept';
  const { title, language, visibility, window, body } = parseDraftFile(source);
  const state = markdownToYjsState(body, warn);
  const now = new Date();
  const stamp = now.toISOString();
  try {
    await storage.drafts.createDraft(
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
  } catch (error) {
    // Another instance on the same store imported it at the same moment: it is there, kept.
    if (error instanceof DraftExistsError) return 'kept';
    throw error;
  }
  return 'created';
}

/** The draft id a file name gives: `my-draft.md` → `my-draft`. */
export function draftIdFromFileName(fileName: string): string {
  return path.basename(fileName, path.extname(fileName)).toLowerCase();
}

/**
 * Imports every `*.md` in `dir` (see `importDraft`); a file that fails is logged and skipped, and
 * a draft whose document file exists without a record is skipped with a warning naming the file.
 */
export async function importDraftsFromDir(
  storage: Pick<Stores, 'drafts'>,
  dir: string,
  logger: Logger,
): Promise<void> {
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
      const changed: string[] = [];
      const source = await readFile(path.join(dir, file), 'utf8');
      const outcome = await importDraft(storage, draftId, source, (message) => changed.push(message));
      if (outcome !== 'kept') logger.info({ draftId, outcome }, `imported draft ${file}`);
      if (changed.length) {
        logger.warn(
          { draftId, file, changed },
          `draft ${file} was imported with what the editor cannot show kept as text: ${changed.join('; ')}`,
        );
      }
    } catch (error) {
      if (error instanceof StrayDocumentError) {
        logger.warn({ draftId, file: error.file }, `did not import draft ${file}: ${error.message}`);
      } else {
        logger.error({ err: error, file }, `could not import draft ${file}`);
      }
    }
  }
}
