import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrateDatabase } from './postgres/migrate.ts';
import { PostgresAccountStore } from './postgres/postgresAccountStore.ts';
import { PostgresChangeLogStore } from './postgres/postgresChangeLogStore.ts';
import { PostgresDraftStore } from './postgres/postgresDraftStore.ts';
import { PostgresSuggestionStore } from './postgres/postgresSuggestionStore.ts';
import { PostgresThreadStore } from './postgres/postgresThreadStore.ts';
import { PostgresUpdateLog } from './postgres/postgresUpdateLog.ts';
import { PostgresVersionStore } from './postgres/postgresVersionStore.ts';
import {
  type Executor,
  inTransactionOrUnavailable,
  poolExecutor,
  transactionExecutor,
} from './postgres/sql.ts';
import { StoreUnavailableError } from './storage.ts';
import type {
  AccountStore,
  ChangeLogStore,
  DraftStore,
  Stores,
  StoreTransaction,
  SuggestionStore,
  ThreadStore,
  UpdateLogStore,
  VersionStore,
} from './stores.ts';

export interface PostgresOptions {
  /** Connections this instance may hold at once. */
  maxConnections?: number;
  /** Told of an idle connection's failure (the pool drops it and opens another when needed). */
  onIdleError?: (error: Error) => void;
  /** This instance's id (a fresh one by default): its journals are kept under it. */
  instanceId?: string;
}

/** How often a running instance renews its row in `instances` (it counts as gone 30 s after the last). */
const HEARTBEAT_MS = 10_000;

/**
 * Every store in one PostgreSQL database (14 or later), shared by every instance that is given
 * the same DATABASE_URL. `open` migrates the schema first (once, whoever starts first).
 */
export class PostgresStorage implements Stores {
  readonly drafts: DraftStore;
  readonly accounts: AccountStore;
  readonly threads: ThreadStore;
  readonly suggestions: SuggestionStore;
  readonly changeLog: ChangeLogStore;
  readonly versions: VersionStore;
  readonly updateLog: UpdateLogStore;
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly pool: pg.Pool,
    /** This running instance: whose journals it keeps, and which row of `instances` says it runs. */
    readonly instanceId: string,
    /** The deployment every instance on this database belongs to (it names their Redis channels). */
    readonly deploymentId: string,
  ) {
    const plain = poolExecutor(pool, 'none');
    // The stores a transaction spans hold the record lock shared for each write (see RECORD_LOCK).
    const ordered = poolExecutor(pool, 'shared');
    this.drafts = new PostgresDraftStore(plain, instanceId);
    this.updateLog = new PostgresUpdateLog(plain, instanceId);
    this.accounts = new PostgresAccountStore(plain);
    this.threads = new PostgresThreadStore(plain);
    this.suggestions = new PostgresSuggestionStore(ordered);
    this.changeLog = new PostgresChangeLogStore(ordered);
    this.versions = new PostgresVersionStore(ordered);
    this.heartbeat = setInterval(() => {
      // A missed renewal is retried at the next; only 30 s without one makes the instance gone.
      pool.query('UPDATE instances SET seen_at = now() WHERE id = $1', [instanceId]).catch(() => {});
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    await migrateDatabase(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      // While PostgreSQL is away, requests fail within seconds (503) instead of waiting for ever.
      connectionTimeoutMillis: 3000,
      query_timeout: 30_000,
    });
    // Without a listener, an idle connection's error (the server restarting) would end the process.
    pool.on('error', options.onIdleError ?? (() => {}));
    const instanceId = options.instanceId ?? randomUUID();
    await pool.query(
      'INSERT INTO instances (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET seen_at = now()',
      [instanceId],
    );
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM deployment');
    return new PostgresStorage(pool, instanceId, rows[0]?.id ?? 'margins');
  }

  readonly kind = 'postgres';

  /**
   * A session advisory lock on a connection of its own, held while `work` runs (which uses other
   * connections): released by PostgreSQL if this instance dies. Keys are hashed into the
   * two-integer lock space, apart from the record lock's.
   */
  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw new StoreUnavailableError(error);
    });
    let broken: Error | undefined;
    try {
      await client.query('SELECT pg_advisory_lock(1, hashtext($1))', [key]);
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock(1, hashtext($1))', [key]).catch((error: Error) => {
          broken = error;
        });
      }
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** BEGIN…COMMIT on one connection, holding the record lock: one transaction at a time across instances. */
  transaction<R>(work: (tx: StoreTransaction) => Promise<R>): Promise<R> {
    return inTransactionOrUnavailable(this.pool, 'exclusive', (client) => {
      const db: Executor = transactionExecutor(client);
      return work({
        changeLog: new PostgresChangeLogStore(db),
        suggestions: new PostgresSuggestionStore(db),
        versions: new PostgresVersionStore(db),
      });
    });
  }

  /** Says this instance no longer runs (its journals are anyone's to adopt now), then closes the pool. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.pool.query('DELETE FROM instances WHERE id = $1', [this.instanceId]).catch(() => {});
    await this.pool.end();
  }
}
