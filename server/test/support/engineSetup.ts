import type { TestProject } from 'vitest/node';
import { type EngineProcess, engineProblem, startPostgres, startRedis } from './engines.ts';

// Vitest's global setup: one throwaway PostgreSQL cluster and one Redis for the whole run, handed
// to the tests by `inject`. Each test that stores in PostgreSQL makes its own database there
// (support/postgresDatabase.ts). Tests that stop or restart an engine start their own.

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://… of the run's cluster, or '' when it could not be started (see `engineProblem`). */
    postgresUrl: string;
    redisUrl: string;
    /** Why the engines are missing, or ''. */
    engineProblem: string;
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const problem = engineProblem();
  let engines: EngineProcess[] = [];
  if (problem) {
    project.provide('postgresUrl', '');
    project.provide('redisUrl', '');
    project.provide('engineProblem', problem);
  } else {
    const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    engines = [postgres, redis];
    project.provide('postgresUrl', postgres.url);
    project.provide('redisUrl', redis.url);
    project.provide('engineProblem', '');
  }
  return async () => {
    await Promise.all(engines.map((engine) => engine.remove()));
  };
}
