import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { Limits } from '../../../shared/protocol.ts';
import { ChangeLogService } from '../changelog/changeLogService.ts';
import type { OverDeepPart } from '../collab/nesting.ts';
import { configFromEnv } from '../config.ts';
import type { NestingRepair } from '../drafts/repairNesting.ts';
import { lockDataDirOrExit } from '../storage/dataDirLock.ts';
import { LowdbStorage } from '../storage/lowdbStorage.ts';

// `npm run repair-draft -- <draft-id> [--dry-run]`: reports and repairs what a draft stored before
// updates were checked may hold (issue 12): blocks nested deeper than Limits.maxNestingDepth,
// which load but break the editor's binding, threads and exports, and updates waiting for
// content nobody has. Each such block becomes paragraphs of its text; the repair is logged in the
// change log. It takes the data directory's lock, so it refuses while the server is running.
// Exit codes: 0 repaired, nothing to repair, or reported (--dry-run); 1 failed; 2 server running.
const usage = 'Usage: npm run repair-draft -- <draft-id> [--dry-run]';

/**
 * Yjs deletes and rebuilds nested types recursively, so reading a stored state with a deleted part
 * thousands deep overflows Node's default stack (about 1 MB); the repair runs in a worker with this
 * much (a frame of 8 MiB can nest some 400,000 levels).
 */
const REPAIR_STACK_MB = 1024;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { 'dry-run': { type: 'boolean' } }, allowPositionals: true });
  } catch (error) {
    return fail(`${(error as Error).message}\n${usage}`);
  }
})();
const draftId = positionals[0];
if (!draftId || positionals.length > 1) fail(usage);
const dryRun = values['dry-run'] === true;

const config = configFromEnv(process.env);
const lock = lockDataDirOrExit(
  config.dataDir,
  (message) => `${message}\nStop the server, repair the draft, then start it again.`,
);

let problem: string | undefined;
const storage = await LowdbStorage.open(config.dataDir);
try {
  const { state, journal } = await storage.drafts.loadDocumentWithJournal(draftId);
  if (!(await storage.drafts.getDraft(draftId)) || !state) {
    problem = `There is no draft "${draftId}" in ${config.dataDir}.`;
  } else {
    const repair = await inWorker(state);
    console.log(`Draft ${draftId} (in ${config.dataDir}):`);
    for (const part of repair.parts) console.log(`  ${describePart(part)}`);
    if (repair.droppedBytes > 0) {
      console.log(`  ${kib(repair.droppedBytes)} of updates waiting for content nobody has (never shown)`);
    }
    if (!repair.state) {
      console.log('  nothing to repair.');
    } else if (dryRun) {
      console.log('Nothing was changed (--dry-run). Run again without --dry-run to repair it.');
    } else {
      await storage.drafts.saveDocument(draftId, repair.state, journal);
      const detail = summary(repair);
      const entry = await new ChangeLogService({ storage, logger: pino({ level: 'silent' }) }).record(
        draftId,
        {
          type: 'edit',
          userId: null,
          detail: `npm run repair-draft: ${detail}`,
        },
      );
      console.log(
        `Repaired: ${detail}.\nSaved (the previous file is kept as documents/${draftId}.json.bak) and logged as change ${entry.seq}.`,
      );
    }
  }
} catch (error) {
  problem = `Could not repair ${draftId}: ${(error as Error).message}`;
} finally {
  await storage.close();
  lock.release();
}
if (problem) fail(problem);

/** `repairNesting(state)` on a thread with a stack large enough for Yjs to read any stored state. */
function inWorker(state: Uint8Array): Promise<NestingRepair> {
  // Worker threads do not inherit tsx's loader: run from the sources, the worker loads it first,
  // then the TypeScript module; compiled (dist/), it imports the JavaScript module directly.
  const compiled = import.meta.url.endsWith('.js');
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (workerData.tsx
      ? import(workerData.tsx).then(({ tsImport }) => tsImport(workerData.module, workerData.module))
      : import(workerData.module))
      .then(({ repairNesting }) => parentPort.postMessage(repairNesting(workerData.state)));`;
  const worker = new Worker(code, {
    eval: true,
    workerData: {
      state,
      tsx: compiled ? null : import.meta.resolve('tsx/esm/api'),
      module: new URL(`../drafts/repairNesting.${compiled ? 'js' : 'ts'}`, import.meta.url).href,
    },
    resourceLimits: { stackSizeMb: REPAIR_STACK_MB },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (repair: NestingRepair) => {
      resolve(repair);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the repair stopped (exit code ${code})`)));
  });
}

function describePart(part: OverDeepPart): string {
  const where = part.index === undefined ? 'a deleted block' : `block ${part.index + 1}`;
  const root = part.root === 'default' ? 'the text' : `"${part.root}"`;
  const preview = part.preview ? `: "${part.preview}…"` : '';
  return `${where} of ${root} nests ${part.depth.toLocaleString('en')} levels deep (at most ${Limits.maxNestingDepth})${preview}`;
}

function summary(repair: NestingRepair): string {
  const said: string[] = [];
  if (repair.parts.length > 0) {
    said.push(
      `${repair.parts.length} block(s) nested deeper than ${Limits.maxNestingDepth} levels replaced by ${repair.paragraphs} paragraph(s) of their text`,
    );
  }
  if (repair.droppedBytes > 0)
    said.push(`${kib(repair.droppedBytes)} of updates waiting for missing content dropped`);
  return said.join('; ');
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
