import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { configFromEnv } from './config.ts';
import { importDraftsFromDir } from './drafts/importDrafts.ts';
import { createMarginsServer } from './marginsServer.ts';
import { lockDataDirOrExit } from './storage/dataDirLock.ts';
import { LowdbStorage } from './storage/lowdbStorage.ts';
import { DamagedStoreError } from './storage/storage.ts';

// The composition root: reads the configuration and wires the real parts together.
const config = configFromEnv(process.env);
const logger = pino({ level: config.logLevel });
const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const lock = lockDataDirOrExit(config.dataDir, (message) => `Margins cannot start: ${message}`);

const storage = await openStoreOrExit();
await importDraftsFromDir(storage, config.draftsDir, logger);
const server = createMarginsServer({
  storage,
  logger,
  clientDir: config.clientDir,
  version,
  allowedOrigins: config.allowedOrigins,
  trustProxy: config.trustProxy,
  burstQuietMs: config.burstQuietMs,
  connectionCaps: config.connectionCaps,
  maxBufferedBytes: config.maxBufferedBytes,
  backpressure: config.backpressure,
});
const { setupToken } = await server.accounts.ensureAdmin(config.admin);
const address = await server.listen(config.port, config.host);
const baseUrl = `http://${config.host}:${address.port}`;
// Tests and scripts read this line to learn the port when PORT=0.
console.log(`Margins listening on ${baseUrl}`);
if (setupToken) {
  console.log(
    `No admin yet. Open this one-time link within 7 days to create the first admin account:\n  ${baseUrl}/invite/${setupToken}\n` +
      '(or start with MARGINS_ADMIN_EMAIL and MARGINS_ADMIN_PASSWORD set)',
  );
}

/** Opens the store; a damaged one stops the start with its one-line explanation (exit 2, like the lock). */
async function openStoreOrExit(): Promise<LowdbStorage> {
  try {
    return await LowdbStorage.open(config.dataDir);
  } catch (error) {
    if (!(error instanceof DamagedStoreError)) throw error;
    console.error(`Margins cannot start: ${error.message}`);
    lock.release();
    process.exit(2);
  }
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: saving open drafts');
  let exitCode = 0;
  try {
    await server.close();
  } catch (error) {
    logger.error({ err: error }, 'some drafts could not be saved before exit');
    exitCode = 1;
  }
  await storage.close();
  lock.release();
  process.exit(exitCode);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
