import path from 'node:path';
import { parseArgs } from 'node:util';
import { configFromEnv } from '../config.ts';
import { DamagedStoreError } from '../storage/storage.ts';
import { BackupError, backupStore } from '../storage/storeBackup.ts';

// `npm run backup -- <dir>`: copies the store in DATA_DIR (margins.json and every document with
// its journal) into the new folder <dir>, while the server runs: the copy is the store as it was
// at one moment (see `backupStore`). npm runs scripts at the package root, so <dir> is resolved
// against the folder the command was typed in (INIT_CWD). Exit codes: 0 copied, 1 not copied.
const usage = 'Usage: npm run backup -- <new-folder>';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { positionals } = (() => {
  try {
    return parseArgs({ options: {}, allowPositionals: true });
  } catch (error) {
    return fail(`${(error as Error).message}\n${usage}`);
  }
})();
const given = positionals[0];
if (!given || positionals.length > 1) fail(usage);

const config = configFromEnv(process.env);
const target = path.resolve(process.env.INIT_CWD ?? process.cwd(), given);
try {
  const { files, bytes } = await backupStore(config.dataDir, target);
  console.log(
    `Copied ${files} files (${(bytes / 1024).toFixed(1)} KiB) of ${config.dataDir} to ${target}: the store as it was at one moment.\n` +
      'To restore it: stop the server, move DATA_DIR away, put this folder in its place, start the server.',
  );
} catch (error) {
  if (error instanceof BackupError) fail(error.message);
  if (error instanceof DamagedStoreError) fail(`Nothing was copied: ${error.message}`);
  fail(`Could not back up ${config.dataDir} to ${target}: ${(error as Error).message}`);
}
