import pg from 'pg';
import { migrateDatabase } from './postgres/migrate.ts';
import { PostgresAccountStore } from './postgres/postgresAccountStore.ts';
import { PostgresChangeLogStore } from './postgres/postgresChangeLogStore.ts';
import { PostgresDraftStore } from './postgres/postgresDraftStore.ts';
import { PostgresSuggestionStore } from './postgres/postgresSuggestionStore.ts';
import { PostgresThreadStore } from './postgres/postgresThreadStore.ts';
import { PostgresVersionStore } from './postgres/postgresVersionStore.ts';
import { type Executor, inTransaction, poolExecutor, transactionExecutor } from './postgres/sql.ts';
import type {
  AccountStore,
  ChangeLogStore,
  DraftStore,
  Stores,
  StoreTransaction,
  SuggestionStore,
  ThreadStore,
  VersionStore,
} from './stores.ts';

export interface PostgresOptions {
  /** Connections this instance may hold at once. */
  maxConnections?: number;
  /** Told of an idle connection's failure (the pool drops it and opens another when needed). */
  onIdleError?: (error: Error) => void;
}

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

  private constructor(private readonly pool: pg.Pool) {
    const plain = poolExecutor(pool, 'none');
    // The stores a transaction spans hold the record lock shared for each write (see RECORD_LOCK).
    const ordered = poolExecutor(pool, 'shared');
    this.drafts = new PostgresDraftStore(plain);
    this.accounts = new PostgresAccountStore(plain);
    this.threads = new PostgresThreadStore(plain);
    this.suggestions = new PostgresSuggestionStore(ordered);
    this.changeLog = new PostgresChangeLogStore(ordered);
    this.versions = new PostgresVersionStore(ordered);
  }

  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    await migrateDatabase(url);
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
    // Without a listener, an idle connection's error (the server restarting) would end the process.
    pool.on('error', options.onIdleError ?? (() => {}));
    return new PostgresStorage(pool);
  }

  /** BEGIN…COMMIT on one connection, holding the record lock: one transaction at a time across instances. */
  transaction<R>(work: (tx: StoreTransaction) => Promise<R>): Promise<R> {
    return inTransaction(this.pool, 'exclusive', (client) => {
      const db: Executor = transactionExecutor(client);
      return work({
        changeLog: new PostgresChangeLogStore(db),
        suggestions: new PostgresSuggestionStore(db),
        versions: new PostgresVersionStore(db),
      });
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
