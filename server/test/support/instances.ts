import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { signInOverHttp } from './identities.ts';
import { freshDatabase } from './postgresDatabase.ts';
import { type ServerProcess, spawnServer } from './serverProcess.ts';
import { makeTempFolder, removeFolder } from './tempFolders.ts';

// Several Margins instances as separate processes on one PostgreSQL database and one Redis, as a
// deployment behind a load balancer runs them: the multi-instance suite's cluster.

export const ADMIN = { email: 'chair@margins.test', password: 'chair-password-for-tests' };

export interface Cluster {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly instances: ServerProcess[];
  /** Starts one more instance on the same database and Redis. */
  start(): Promise<ServerProcess>;
  /** The admin's session cookie, signed in on `instance` (valid on every instance). */
  adminCookie(instance?: ServerProcess): Promise<string>;
  /** Stops every instance and removes the drafts folder. */
  stop(): Promise<void>;
}

/**
 * `count` instances sharing a fresh database of the run's PostgreSQL (or of the cluster at
 * `postgresUrl`) and the run's Redis (or the `redisUrl` given), with `drafts` (id → Markdown) imported by whichever starts first.
 */
export async function startCluster(
  count: number,
  drafts: Record<string, string>,
  options: { redisUrl?: string; postgresUrl?: string; env?: Record<string, string> } = {},
): Promise<Cluster> {
  const databaseUrl = await freshDatabase(options.postgresUrl);
  const redisUrl = options.redisUrl ?? inject('redisUrl');
  if (!redisUrl) throw new Error(`This test needs Redis: ${inject('engineProblem')}`);
  const draftsDir = makeTempFolder('margins-cluster-drafts-');
  for (const [id, markdown] of Object.entries(drafts))
    writeFileSync(path.join(draftsDir, `${id}.md`), markdown);
  const instances: ServerProcess[] = [];
  const start = async () => {
    const instance = await spawnServer({
      draftsDir,
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        MARGINS_ADMIN_EMAIL: ADMIN.email,
        MARGINS_ADMIN_PASSWORD: ADMIN.password,
        MAX_SOCKETS_PER_ADDRESS: '10000',
        ...options.env,
      },
    });
    instances.push(instance);
    return instance;
  };
  // Together, as a deployment starts them: they must migrate, import and create the admin once.
  await Promise.all(Array.from({ length: count }, start));
  return {
    databaseUrl,
    redisUrl,
    instances,
    start,
    adminCookie: async (instance = instances[0] as ServerProcess) =>
      signInOverHttp(instance.url, ADMIN.email, ADMIN.password),
    stop: async () => {
      await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
      await removeFolder(draftsDir);
    },
  };
}
