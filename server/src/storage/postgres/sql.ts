import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { StoreUnavailableError } from '../storage.ts';

// How the PostgreSQL stores reach the database: reads go straight to the pool (or, inside a
// transaction, to its connection); each write runs as one transaction of its own, or within the
// caller's. Records are kept as json text and parsed here, so every store copies in and out.

export interface Sql {
  query<R extends QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface Executor {
  /** Runs a read. */
  readonly read: Sql;
  /**
   * Runs a write: as its own transaction (BEGIN…COMMIT on one connection of the pool), or as
   * part of the caller's when the store belongs to a `StoreTransaction`.
   */
  write<R>(work: (sql: Sql) => Promise<R>): Promise<R>;
  /** Runs reads that must see one moment of the database (REPEATABLE READ). */
  snapshot<R>(work: (sql: Sql) => Promise<R>): Promise<R>;
}

/**
 * The key of the advisory lock that orders the writes of the stores a `StoreTransaction` spans
 * (change log, suggestions, versions), on every instance: a transaction holds it exclusively,
 * their single writes hold it shared, so none lands between what a transaction read and wrote.
 */
export const RECORD_LOCK = 0x6d617267; // "marg"

export type LockMode = 'none' | 'shared' | 'exclusive';

/** Runs `work` in a transaction on one connection of `pool`, holding the record lock as asked. */
export async function inTransaction<R>(
  pool: Pool,
  lock: LockMode,
  work: (client: PoolClient) => Promise<R>,
  begin = 'BEGIN',
): Promise<R> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    if (lock === 'exclusive') await client.query('SELECT pg_advisory_xact_lock($1)', [RECORD_LOCK]);
    if (lock === 'shared') await client.query('SELECT pg_advisory_xact_lock_shared($1)', [RECORD_LOCK]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      // A connection that cannot roll back is not given back to the pool.
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** The executor of a store outside any transaction; a store that cannot be reached throws `StoreUnavailableError`. */
export function poolExecutor(pool: Pool, lock: LockMode): Executor {
  return {
    read: { query: (text, values) => unavailableAs(pool.query(text, values)) },
    write: (work) => unavailableAs(inTransaction(pool, lock, work)),
    snapshot: (work) =>
      unavailableAs(inTransaction(pool, 'none', work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')),
  };
}

/** Connection failures of `pg`, and PostgreSQL's own codes for a server shutting down or starting. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** Whether `error` says the database could not be reached (rather than refused the statement). */
export function isUnreachable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    )
  );
}

/** `inTransaction`, throwing `StoreUnavailableError` when the database cannot be reached. */
export function inTransactionOrUnavailable<R>(
  pool: Pool,
  lock: LockMode,
  work: (client: PoolClient) => Promise<R>,
): Promise<R> {
  return unavailableAs(inTransaction(pool, lock, work));
}

function unavailableAs<T>(running: Promise<T>): Promise<T> {
  return running.catch((error: unknown) => {
    throw isUnreachable(error) ? new StoreUnavailableError(error) : error;
  });
}

/** The executor of a store inside a transaction: everything runs on its connection, at once. */
export function transactionExecutor(client: PoolClient): Executor {
  return { read: client, write: (work) => work(client), snapshot: (work) => work(client) };
}

/** PostgreSQL's code for a unique or primary-key violation. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '23505';
}

/** A record as stored: json text, written from a value. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** `pg` parses json columns itself; every call gets its own object, so callers may keep or change it. */
export function records<T>(rows: { record: T }[]): T[] {
  return rows.map((row) => row.record);
}

/** Tables whose rows are a record kept by id. */
type RecordTable = 'users' | 'threads' | 'comments' | 'suggestions';

/**
 * Applies `patch` to the record `id` of `table` under its row lock and stores the result;
 * undefined when there is no such row.
 */
export async function patchRecord<T extends object>(
  sql: Sql,
  table: RecordTable,
  id: string,
  patch: Partial<T>,
): Promise<T | undefined> {
  const { rows } = await sql.query<{ record: T }>(`SELECT record FROM ${table} WHERE id = $1 FOR UPDATE`, [
    id,
  ]);
  const found = rows[0]?.record;
  if (!found) return undefined;
  // Parsed from json again: the caller's patch objects are never shared with what is returned.
  const next = { ...found, ...(JSON.parse(json(patch)) as Partial<T>) };
  await sql.query(`UPDATE ${table} SET record = $2 WHERE id = $1`, [id, json(next)]);
  return next;
}
