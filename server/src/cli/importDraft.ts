import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { draftIdProblem } from '../../../shared/draftSchemas.ts';
import { configFromEnv } from '../config.ts';
import { draftIdFromFileName, importDraft } from '../drafts/importDrafts.ts';
import { lockDataDirOrExit } from '../storage/dataDirLock.ts';
import { LowdbStorage } from '../storage/lowdbStorage.ts';

// `npm run import-draft -- path/to/file.md [--id my-draft]`: adds a Markdown file as a new draft
// in DATA_DIR. It takes the data directory's lock, so it refuses while the server is running.
const usage = 'Usage: npm run import-draft -- <file.md> [--id <draft-id>]';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { id: { type: 'string' } }, allowPositionals: true });
  } catch (error) {
    return fail(`${(error as Error).message}\n${usage}`);
  }
})();
const file = positionals[0];
if (!file || positionals.length > 1) fail(usage);

let source: string;
try {
  source = readFileSync(file, 'utf8');
} catch (error) {
  fail(`Cannot read ${file}: ${(error as Error).message}`);
}

// The API's rule for ids, checked before anything is opened.
const draftId = values.id ?? draftIdFromFileName(file);
const idProblem = draftIdProblem(draftId);
if (idProblem) {
  fail(
    values.id === undefined
      ? `The file name gives the draft id "${draftId}": ${idProblem}. Choose one with --id.`
      : `--id: ${idProblem}.`,
  );
}

const config = configFromEnv(process.env);
const lock = lockDataDirOrExit(
  config.dataDir,
  (message) => `${message}\nStop the server, import, then start it again.`,
);

const storage = await LowdbStorage.open(config.dataDir);
let problem: string | undefined;
try {
  const outcome = await importDraft(storage, draftId, source, (message) =>
    console.warn(`Warning: ${file}: ${message}`),
  );
  if (outcome === 'kept') {
    problem = `A draft "${draftId}" already exists with content; nothing was changed. Choose another id with --id.`;
  } else {
    const draft = await storage.drafts.getDraft(draftId);
    console.log(`Imported "${draft?.title}" as draft ${draftId} in ${config.dataDir}`);
  }
} catch (error) {
  pino().debug({ err: error }, 'import failed');
  problem = `Could not import ${file}: ${(error as Error).message}`;
} finally {
  await storage.close();
  lock.release();
}
if (problem) fail(problem);
