import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * The run's PostgreSQL cluster (see engineSetup.ts); a test that needs it fails with the reason
 * it is missing and what to install.
 */
export function postgresClusterUrl(): string {
  const url = inject('postgresUrl');
  if (!url) throw new Error(`This test needs PostgreSQL: ${inject('engineProblem')}`);
  return url;
}

/** A fresh, empty database in the run's cluster (or the one at `clusterUrl`), for one test or one file; its URL. */
export async function freshDatabase(clusterUrl?: string): Promise<string> {
  const cluster = clusterUrl ?? postgresClusterUrl();
  const name = `margins_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: cluster });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(cluster);
  url.pathname = `/${name}`;
  return url.toString();
}
