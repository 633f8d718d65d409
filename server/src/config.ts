import path from 'node:path';
import { z } from 'zod';
import { Limits } from '../../shared/protocol.ts';
import { type AbuseLimits, abuseLimitsEnvSchema, abuseLimitsFromEnv } from './abuseLimits.ts';
import { type BackpressureLimits, DEFAULT_BACKPRESSURE } from './collab/backpressure.ts';
import { type ConnectionCapsOptions, DEFAULT_CONNECTION_CAPS } from './collab/connectionCaps.ts';
import { parseTrustProxy, type TrustProxy } from './http/clientAddress.ts';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './http/collabSocket.ts';
import { packageRoot } from './packageRoot.ts';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('data'),
  DRAFTS_DIR: z.string().min(1).default('drafts'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALLOWED_ORIGINS: z.string().default(''),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, context) => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).default(DEFAULT_CONNECTION_CAPS.perAddress),
  MAX_SOCKETS_PER_DRAFT: z.coerce.number().int().min(1).default(DEFAULT_CONNECTION_CAPS.perDraft),
  MAX_BUFFERED_BYTES_PER_SOCKET: z.coerce.number().int().min(1).default(Limits.maxBufferedBytes),
  MAX_BUFFERED_BYTES_TOTAL: z.coerce.number().int().min(1).default(DEFAULT_BACKPRESSURE.totalBufferedBytes),
  SOCKET_BEHIND_BYTES: z.coerce.number().int().min(1).default(DEFAULT_BACKPRESSURE.behindBytes),
  SOCKET_BEHIND_SECONDS: z.coerce
    .number()
    .min(0.1)
    .max(3600)
    .default(DEFAULT_BACKPRESSURE.behindMs / 1000),
  SOCKET_MIN_READ_BYTES_PER_SECOND: z.coerce
    .number()
    .int()
    .min(0)
    .default(DEFAULT_BACKPRESSURE.minReadBytesPerSecond),
  MAX_FRAME_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_MESSAGE_LIMITS.maxMessageBytes),
  SOCKET_MESSAGES_PER_SECOND: z.coerce.number().min(1).default(DEFAULT_MESSAGE_LIMITS.messagesPerSecond),
  SOCKET_MESSAGE_BURST: z.coerce.number().int().min(1).default(DEFAULT_MESSAGE_LIMITS.messageBurst),
  EDIT_BURST_SECONDS: z.coerce.number().min(0.1).max(86_400).default(120),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// (or postgresql://) URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// (or rediss://) URL')
    .optional(),
  MARGINS_ADMIN_EMAIL: z.email().optional(),
  MARGINS_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').max(200).optional(),
  ...abuseLimitsEnvSchema.shape,
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
  /** Other origins (scheme://host:port) whose pages may use the API and the socket. */
  allowedOrigins: string[];
  /** Which proxies may tell the client's address and scheme (TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** Rate limits against brute force and floods (sign-in, sign-up, posting). */
  abuseLimits: AbuseLimits;
  /** Open collaboration sockets allowed per client address and per draft. */
  connectionCaps: ConnectionCapsOptions;
  /** Bytes queued for one socket beyond which it is cut at its next message. */
  maxBufferedBytes: number;
  /** The timed check of every socket's queue: when a socket is behind, and the server-wide limit. */
  backpressure: Pick<
    BackpressureLimits,
    'behindBytes' | 'behindMs' | 'minReadBytesPerSecond' | 'totalBufferedBytes'
  >;
  /** Largest frame and message rate per socket. */
  messageLimits: MessageLimits;
  /** How long without an edit ends a person's edit burst in the change log. */
  burstQuietMs: number;
  /** Creates this admin at start when there is none. */
  admin: { email: string; password: string } | undefined;
  /** Where everything is stored: the embedded lowdb store in `dataDir`, or PostgreSQL. */
  store: { kind: 'lowdb' } | { kind: 'postgres'; url: string };
  /** Redis, which relays live traffic between instances on the same PostgreSQL; undefined for one instance. */
  redisUrl: string | undefined;
}

/** Reads the configuration from environment variables; throws a readable error for bad values. */
export function configFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const values = result.data;
  if (values.REDIS_URL && !values.DATABASE_URL) {
    throw new Error(
      'Invalid configuration: REDIS_URL is set without DATABASE_URL. Several instances must share one ' +
        'PostgreSQL store: set DATABASE_URL too, or unset REDIS_URL to run one instance on the embedded store.',
    );
  }
  return {
    port: values.PORT,
    host: values.HOST,
    dataDir: path.resolve(cwd, values.DATA_DIR),
    draftsDir: path.resolve(cwd, values.DRAFTS_DIR),
    clientDir: path.join(packageRoot, 'dist/client'),
    logLevel: values.LOG_LEVEL,
    allowedOrigins: values.ALLOWED_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: values.TRUST_PROXY,
    abuseLimits: abuseLimitsFromEnv(values),
    connectionCaps: { perAddress: values.MAX_SOCKETS_PER_ADDRESS, perDraft: values.MAX_SOCKETS_PER_DRAFT },
    maxBufferedBytes: values.MAX_BUFFERED_BYTES_PER_SOCKET,
    backpressure: {
      behindBytes: values.SOCKET_BEHIND_BYTES,
      behindMs: values.SOCKET_BEHIND_SECONDS * 1000,
      minReadBytesPerSecond: values.SOCKET_MIN_READ_BYTES_PER_SECOND,
      totalBufferedBytes: values.MAX_BUFFERED_BYTES_TOTAL,
    },
    messageLimits: {
      maxMessageBytes: values.MAX_FRAME_BYTES,
      messagesPerSecond: values.SOCKET_MESSAGES_PER_SECOND,
      messageBurst: values.SOCKET_MESSAGE_BURST,
    },
    burstQuietMs: values.EDIT_BURST_SECONDS * 1000,
    admin:
      values.MARGINS_ADMIN_EMAIL && values.MARGINS_ADMIN_PASSWORD
        ? { email: values.MARGINS_ADMIN_EMAIL, password: values.MARGINS_ADMIN_PASSWORD }
        : undefined,
    store: values.DATABASE_URL ? { kind: 'postgres', url: values.DATABASE_URL } : { kind: 'lowdb' },
    redisUrl: values.REDIS_URL,
  };
}

/** The settings of `createMarginsServer` read from the environment (main.ts and the test server share them). */
export function serverSettingsOf(config: Config) {
  return {
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    abuseLimits: config.abuseLimits,
    burstQuietMs: config.burstQuietMs,
    connectionCaps: config.connectionCaps,
    maxBufferedBytes: config.maxBufferedBytes,
    backpressure: config.backpressure,
    messageLimits: config.messageLimits,
  };
}
