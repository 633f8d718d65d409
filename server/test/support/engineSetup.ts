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

interface SharedEngines {
  started: Promise<EngineProcess[]>;
  users: number;
}

// Every project of the run calls this setup; they share one pair of engines, kept on the global
// object since each project loads this file anew, and removed when the last project is done.
const KEY = Symbol.for('margins.testEngines');
const holder = globalThis as { [KEY]?: SharedEngines };

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const problem = engineProblem();
  if (problem) {
    project.provide('postgresUrl', '');
    project.provide('redisUrl', '');
    project.provide('engineProblem', problem);
    return async () => {};
  }
  holder[KEY] ??= { started: Promise.all([startPostgres(), startRedis()]), users: 0 };
  const shared = holder[KEY];
  shared.users++;
  const [postgres, redis] = await shared.started;
  project.provide('postgresUrl', postgres?.url ?? '');
  project.provide('redisUrl', redis?.url ?? '');
  project.provide('engineProblem', '');
  return async () => {
    shared.users--;
    if (shared.users > 0) return;
    delete holder[KEY];
    await Promise.all((await shared.started).map((engine) => engine.remove()));
  };
}
