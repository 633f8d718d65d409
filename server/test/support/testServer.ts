import path from 'node:path';
import { type Logger, pino } from 'pino';
import { inject } from 'vitest';
import { configFromEnv, serverSettingsOf } from '../../src/config.ts';
import { importDraft } from '../../src/drafts/importDrafts.ts';
import {
  createMarginsServer,
  type MarginsServer,
  type MarginsServerOptions,
} from '../../src/marginsServer.ts';
import { connectRedisLimiters } from '../../src/relay/redisLimiters.ts';
import { RedisRelay } from '../../src/relay/redisRelay.ts';
import { LowdbStorage } from '../../src/storage/lowdbStorage.ts';
import { MemoryStorage } from '../../src/storage/memoryStorage.ts';
import { PostgresStorage } from '../../src/storage/postgresStorage.ts';
import { plainPasswords } from './identities.ts';
import { freshDatabase } from './postgresDatabase.ts';
import { makeTempFolder, removeFolder } from './tempFolders.ts';

// The in-process server of the integration tests: the real `createMarginsServer` on port 0 of
// 127.0.0.1, with the storage and the options a test asks for, and one `close()` that undoes all of
// it. Tests that need the real process (`kill -9`, exit codes, the environment) use
// `spawnServer` in serverProcess.ts instead.

/** What the server stores in: whatever `createMarginsServer` takes. */
type AnyStorage = MarginsServerOptions['storage'];

type ServerSettings = Partial<Omit<MarginsServerOptions, 'storage'>>;

export interface TestServerOptions<S extends AnyStorage = AnyStorage> extends ServerSettings {
  /**
   * `'memory'` (the default) for a fresh in-memory store; `'postgres'` for a fresh database in the
   * run's PostgreSQL, with the run's Redis as relay and rate-limit store (also the default when MARGINS_TEST_STORE=postgres: the vitest project that
   * runs the hostile-input and permission suites on PostgreSQL); `'lowdb'` for the real store in
   * `dataDir`; or stores the test made (with one that stalls or fails on cue: `withStores` of
   * fakeStores.ts), which the test keeps and closes itself.
   */
  storage?: 'memory' | 'postgres' | 'lowdb' | S;
  /**
   * With `'lowdb'`, the data directory: the test's, kept by `close()` so that a second server can
   * start on it. Without it, a fresh temporary folder that `close()` removes.
   */
  dataDir?: string;
  /**
   * Settings read from these variables as `main.ts` reads them (`configFromEnv`), for tests of the
   * configuration or of limits at their defaults; the options above win over them.
   */
  env?: Record<string, string>;
  /** Markdown files imported by id before the server listens, as `DRAFTS_DIR` is at start. */
  drafts?: Record<string, string>;
}

export interface TestServer<S extends AnyStorage = AnyStorage> {
  /** `http://127.0.0.1:<port>`, for `fetch` and `callApi`. */
  readonly url: string;
  /** For `stockClient(port, …)` and `rawSocket(port, …)`. */
  readonly port: number;
  readonly server: MarginsServer;
  /** The server's accounts, for `signUpAs` and `adminOf`. */
  readonly accounts: MarginsServer['accounts'];
  readonly storage: S;
  /** The data directory of a lowdb store (undefined in memory). */
  readonly dataDir: string | undefined;
  /**
   * Closes the server (sockets with 1001, every loaded draft saved), then the store it opened,
   * then removes the temporary folder it made. Calling it again waits for the first call.
   */
  close(): Promise<void>;
}

/**
 * Starts a real Margins server on a free port of 127.0.0.1 and resolves once it listens: in memory
 * by default, on lowdb with `storage: 'lowdb'`, or on a store the test made.
 */
export function startTestServer(
  options?: TestServerOptions & { storage?: 'memory' | 'postgres' },
): Promise<TestServer<AnyStorage>>;
export function startTestServer(
  options: TestServerOptions & { storage: 'lowdb' },
): Promise<TestServer<LowdbStorage>>;
export function startTestServer<S extends AnyStorage>(
  options: TestServerOptions<S> & { storage: S },
): Promise<TestServer<S>>;
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const defaultKind = process.env.MARGINS_TEST_STORE === 'postgres' ? 'postgres' : 'memory';
  const { storage: kind = defaultKind, dataDir: givenDataDir, env, drafts = {}, ...settings } = options;
  const madeFolder = kind === 'lowdb' && !givenDataDir ? makeTempFolder('margins-server-') : undefined;
  const dataDir = kind === 'lowdb' ? (givenDataDir ?? madeFolder) : undefined;
  let storage: AnyStorage;
  let ownStorage = true;
  // On PostgreSQL the server is set up as a deployment of several runs: Redis relays its live
  // traffic and keeps its rate limits (the run's Redis), as with DATABASE_URL and REDIS_URL set.
  let shared: { relay: RedisRelay; limits: Awaited<ReturnType<typeof connectRedisLimiters>> } | undefined;
  if (kind === 'memory') storage = new MemoryStorage();
  else if (kind === 'postgres') {
    const postgres = await PostgresStorage.open(await freshDatabase());
    storage = postgres;
    const redisUrl = inject('redisUrl');
    if (!redisUrl) throw new Error(`This test needs Redis: ${inject('engineProblem')}`);
    const ids = { instance: postgres.instanceId, deployment: postgres.deploymentId };
    shared = {
      relay: await RedisRelay.connect(redisUrl, ids, silent),
      limits: await connectRedisLimiters(redisUrl, postgres.deploymentId),
    };
  } else if (kind === 'lowdb') storage = await LowdbStorage.open(dataDir as string);
  else {
    storage = kind;
    ownStorage = false;
  }
  try {
    for (const [id, source] of Object.entries(drafts)) await importDraft(storage, id, source);
    const server = createMarginsServer({
      logger: silent,
      clientDir: NO_CLIENT,
      passwords: plainPasswords,
      ...over(env ? settingsFromEnv(env) : {}, settings),
      storage,
      ...(shared && { relay: shared.relay, limiters: shared.limits.limiters }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      server,
      accounts: server.accounts,
      storage,
      dataDir,
      close: () => {
        closing ??= (async () => {
          try {
            await server.close();
          } finally {
            await shared?.relay.close();
            await shared?.limits.close();
            if (ownStorage) await storage.close();
            if (madeFolder) await removeFolder(madeFolder);
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await shared?.relay.close();
    await shared?.limits.close();
    if (ownStorage) await storage.close();
    if (madeFolder) await removeFolder(madeFolder);
    throw error;
  }
}

const silent: Logger = pino({ level: 'silent' });

/** A client folder that does not exist: pages answer 503 `client_not_built`, the API works. */
const NO_CLIENT = path.join(import.meta.dirname, 'no-client-here');

/** `settings` over `base`: a setting left undefined keeps the base's; partial limits are merged. */
function over(base: ServerSettings, settings: ServerSettings): ServerSettings {
  const merged: ServerSettings = { ...base };
  for (const [key, value] of Object.entries(settings) as [keyof ServerSettings, unknown][]) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  if (base.abuseLimits && settings.abuseLimits) {
    merged.abuseLimits = { ...base.abuseLimits, ...settings.abuseLimits };
  }
  if (base.backpressure && settings.backpressure) {
    merged.backpressure = { ...base.backpressure, ...settings.backpressure };
  }
  if (base.messageLimits && settings.messageLimits) {
    merged.messageLimits = { ...base.messageLimits, ...settings.messageLimits };
  }
  return merged;
}

/** The server options `main.ts` takes from the environment. */
function settingsFromEnv(env: Record<string, string>): ServerSettings {
  return serverSettingsOf(configFromEnv(env));
}
