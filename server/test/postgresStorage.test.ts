import { readdirSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrateDatabase } from '../src/storage/postgres/migrate.ts';
import { PostgresStorage } from '../src/storage/postgresStorage.ts';
import { describeEveryStoreContract } from './contracts/everyStore.ts';
import { freshDatabase } from './support/postgresDatabase.ts';

// The PostgreSQL stores against a real PostgreSQL (the run's throwaway cluster; a fresh database
// for each test): the same contract suites as lowdb and memory.

describeEveryStoreContract('PostgresStorage', async () => {
  const url = await freshDatabase();
  let current = await PostgresStorage.open(url);
  return {
    stores: current,
    reopen: async () => {
      await current.close();
      current = await PostgresStorage.open(url);
      return current;
    },
  };
});

describe('PostgresStorage migrations', () => {
  it('migrates once when instances start together, and the others find nothing to do', async () => {
    const url = await freshDatabase();

    const applied = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);

    const everyMigration = readdirSync(MIGRATIONS_DIR)
      .filter((name) => name.endsWith('.sql'))
      .map((name) => name.replace(/\.sql$/, ''))
      .sort();
    expect(everyMigration.length).toBeGreaterThan(1);
    expect(applied.flat().sort()).toEqual(everyMigration);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT name FROM margins_migrations');
    await client.end();
    expect(rows.map((row) => row.name).sort()).toEqual(everyMigration);
  });
});
