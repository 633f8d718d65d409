import path from 'node:path';
import { parseArgs } from 'node:util';
import { lockDataDirOrExit } from '../storage/dataDirLock.ts';
import { LowdbStorage } from '../storage/lowdbStorage.ts';
import { PostgresStorage } from '../storage/postgresStorage.ts';
import { compareStores, copyStores, holdsAnything } from '../storage/storeCopy.ts';

// `DATABASE_URL=postgres://… npm run migrate-store -- <DATA_DIR> [--force]`: copies an embedded
// store into PostgreSQL and checks the copy (counts, every draft's text and settings, every
// change log's head hash). It takes the data directory's lock, so the server must be stopped.
const usage = 'Usage: DATABASE_URL=postgres://… npm run migrate-store -- <DATA_DIR> [--force]';

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { force: { type: 'boolean', default: false } }, allowPositionals: true });
  } catch (error) {
    return fail(`${(error as Error).message}\n${usage}`, 2);
  }
})();
const given = positionals[0];
if (!given || positionals.length > 1) fail(usage, 2);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) {
  fail(`DATABASE_URL must be set to the PostgreSQL database to copy into (postgres://…).\n${usage}`, 2);
}
const dataDir = path.resolve(given);
const lock = lockDataDirOrExit(
  dataDir,
  (message) => `${message}\nStop the server, copy, then start it on PostgreSQL.`,
);

/** Why the copy was not started. */
class Refused extends Error {}

let source: LowdbStorage | undefined;
let target: PostgresStorage | undefined;
let exitCode = 0;
try {
  source = await LowdbStorage.open(dataDir);
  target = await PostgresStorage.open(databaseUrl);
  if ((await holdsAnything(target)) && !values.force) {
    throw new Refused(
      'The PostgreSQL database already holds drafts or people; nothing was copied. ' +
        'Copy into an empty database, or add --force to add this store to what is there.',
    );
  }
  const counts = await copyStores(source, target);
  console.log(
    `Copied ${counts.drafts} drafts, ${counts.users} people, ${counts.invites} invites, ${counts.threads} threads, ` +
      `${counts.comments} comments, ${counts.suggestions} suggestions, ${counts.versions} versions, ` +
      `${counts.logEntries} change-log entries.`,
  );
  const problems = await compareStores(source, target);
  if (problems.length > 0) {
    console.error(`The copy differs from the store:\n  ${problems.join('\n  ')}`);
    exitCode = 1;
  } else {
    console.log(
      'Checked: the same counts, every draft’s text and settings, every change log’s head hash. OK',
    );
    console.log('People sign in again on the new store (sessions are not copied).');
  }
} catch (error) {
  console.error(error instanceof Refused ? error.message : `The copy failed: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  await target?.close();
  await source?.close();
  lock.release();
}
process.exit(exitCode);
