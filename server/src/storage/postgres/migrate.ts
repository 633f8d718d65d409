import path from 'node:path';
import { packageRoot } from '../../packageRoot.ts';

/** Where the schema's migrations are: SQL files, applied in the order of their names. */
export const MIGRATIONS_DIR = path.join(packageRoot, 'server', 'migrations');

/**
 * Brings the database at `url` to the current schema with node-pg-migrate. Its advisory lock is
 * waited for, not failed on: of instances starting together, one migrates and the others then
 * find nothing left to do. Resolves with the names of the migrations it applied.
 */
export async function migrateDatabase(url: string): Promise<string[]> {
  // Loaded only when PostgreSQL is used: the embedded store never needs it.
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl: url,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'margins_migrations',
    advisoryLockMode: 'wait',
    checkOrder: true,
    singleTransaction: true,
    log: () => {},
  });
  return applied.map((migration) => migration.name);
}
