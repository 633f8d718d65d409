import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { AdminTakeoverError } from './accounts/accountService.ts';
import { type Config, configFromEnv, serverSettingsOf } from './config.ts';
import { importDraftsFromDir } from './drafts/importDrafts.ts';
import { createMarginsServer } from './marginsServer.ts';
import { packageRoot } from './packageRoot.ts';
import { connectRedisLimiters } from './relay/redisLimiters.ts';
import { RedisRelay } from './relay/redisRelay.ts';
import { lockDataDirOrExit } from './storage/dataDirLock.ts';
import { LowdbStorage } from './storage/lowdbStorage.ts';
import { PostgresStorage } from './storage/postgresStorage.ts';
import { DamagedStoreError } from './storage/storage.ts';
import type { Stores } from './storage/stores.ts';

// The composition root: reads the configuration and wires the real parts together.
const config = configOrExit();
const logger = pino({ level: config.logLevel });
const version = (
  JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

// The embedded store belongs to one process: its data directory is locked. PostgreSQL is shared.
const lock =
  config.store.kind === 'lowdb'
    ? lockDataDirOrExit(config.dataDir, (message) => `Margins cannot start: ${message}`)
    : { release: () => {} };

const storage = await openStoreOrExit();
const relay = await connectRelayOrExit();
const limits =
  relay && storage instanceof PostgresStorage && config.redisUrl
    ? await connectRedisLimiters(config.redisUrl, storage.deploymentId)
    : undefined;
await importDraftsFromDir(storage, config.draftsDir, logger);
const server = createMarginsServer({
  storage,
  relay,
  limiters: limits?.limiters,
  nodeMetrics: true,
  logger,
  clientDir: config.clientDir,
  version,
  ...serverSettingsOf(config),
});
const { setupToken } = await ensureAdminOrExit();
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

/** The configuration; a bad value stops the start with one line naming it (exit 2). */
function configOrExit(): Config {
  try {
    return configFromEnv(process.env);
  } catch (error) {
    console.error(`Margins cannot start: ${(error as Error).message}`);
    process.exit(2);
  }
}

/** The first admin; MARGINS_ADMIN_* naming someone else's account stops the start (exit 2), promoting nobody. */
async function ensureAdminOrExit(): Promise<{ setupToken?: string }> {
  try {
    return await server.accounts.ensureAdmin(config.admin);
  } catch (error) {
    if (!(error instanceof AdminTakeoverError)) throw error;
    console.error(`Margins cannot start: ${error.message}`);
    await storage.close();
    lock.release();
    process.exit(2);
  }
}

/**
 * Opens the store; a damaged one, or a PostgreSQL that cannot be reached, stops the start with a
 * one-line explanation (exit 2, like the lock).
 */
async function openStoreOrExit(): Promise<Stores> {
  const { store } = config;
  try {
    if (store.kind === 'lowdb') return await LowdbStorage.open(config.dataDir);
    return await PostgresStorage.open(store.url, {
      onIdleError: (error) =>
        logger.warn({ err: error }, 'a PostgreSQL connection failed; it will be replaced'),
    });
  } catch (error) {
    if (error instanceof DamagedStoreError) {
      console.error(`Margins cannot start: ${error.message}`);
    } else if (store.kind === 'postgres') {
      console.error(
        `Margins cannot start: the PostgreSQL store at ${redactedUrl(store.url)} could not be opened: ${(error as Error).message}`,
      );
    } else {
      throw error;
    }
    lock.release();
    process.exit(2);
  }
}

/** With REDIS_URL, the relay to the other instances; Redis unreachable at start stops it (exit 2). */
async function connectRelayOrExit(): Promise<RedisRelay | undefined> {
  if (!config.redisUrl) return undefined;
  // configFromEnv refuses REDIS_URL without DATABASE_URL, so the store is PostgreSQL here.
  if (!(storage instanceof PostgresStorage)) return undefined;
  try {
    return await RedisRelay.connect(
      config.redisUrl,
      { instance: storage.instanceId, deployment: storage.deploymentId },
      logger,
    );
  } catch (error) {
    console.error(
      `Margins cannot start: Redis at ${redactedUrl(config.redisUrl)} could not be reached: ${(error as Error).message}`,
    );
    await storage.close();
    process.exit(2);
  }
}

/** A URL as it may be printed: without its password. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
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
  await relay?.close();
  await limits?.close();
  await storage.close();
  lock.release();
  process.exit(exitCode);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
