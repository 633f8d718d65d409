import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('data'),
  DRAFTS_DIR: z.string().min(1).default('drafts'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  /** Absolute path of the data directory (created if missing). */
  dataDir: string;
  /** Absolute path of the folder whose Markdown drafts are imported at start. */
  draftsDir: string;
  /** Absolute path of the built client (`npm run build`). */
  clientDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

/** Reads the configuration from environment variables; throws a readable error for bad values. */
export function configFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const values = result.data;
  return {
    port: values.PORT,
    host: values.HOST,
    dataDir: path.resolve(cwd, values.DATA_DIR),
    draftsDir: path.resolve(cwd, values.DRAFTS_DIR),
    clientDir: path.resolve(import.meta.dirname, '../../dist/client'),
    logLevel: values.LOG_LEVEL,
  };
}
