import { type RateLimiterAbstract, RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';

/**
 * How much one address or one account may do, against brute force and floods. Each number is an
 * environment variable (README, "Configuration"); the defaults are those of `npm start`.
 */
export interface AbuseLimits {
  /** Wrong passwords one address may try on one account before each further try must wait. */
  signInFreeFailures: number;
  /** The longest wait between two tries on one account from one address (seconds). */
  signInMaxWaitSeconds: number;
  /** Wrong passwords on one account within an hour, from all addresses, after which every address waits after its own first one. */
  signInAccountFailures: number;
  /** Failed sign-ins one address may make within 15 minutes, whichever accounts they name. */
  signInAddressFailures: number;
  signUpsPerAddressPerHour: number;
  /** Sign-ups from all addresses together. */
  signUpsPerMinute: number;
  /** Comments, replies and suggestions of one person, together. */
  postsPerMinutePerAccount: number;
  /** Comments, replies and suggestions from one address, whoever is signed in. */
  postsPerMinutePerAddress: number;
}

export const DEFAULT_ABUSE_LIMITS: AbuseLimits = {
  signInFreeFailures: 5,
  signInMaxWaitSeconds: 900,
  signInAccountFailures: 20,
  signInAddressFailures: 50,
  signUpsPerAddressPerHour: 10,
  signUpsPerMinute: 30,
  postsPerMinutePerAccount: 30,
  postsPerMinutePerAddress: 60,
};

const count = (fallback: number) =>
  z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_000_000)
    .default(fallback);

/** The environment variables of `AbuseLimits` (merged into the configuration's schema). */
export const abuseLimitsEnvSchema = z.object({
  SIGN_IN_FREE_FAILURES: count(DEFAULT_ABUSE_LIMITS.signInFreeFailures),
  SIGN_IN_MAX_WAIT_SECONDS: count(DEFAULT_ABUSE_LIMITS.signInMaxWaitSeconds),
  SIGN_IN_ACCOUNT_FAILURES: count(DEFAULT_ABUSE_LIMITS.signInAccountFailures),
  SIGN_IN_ADDRESS_FAILURES: count(DEFAULT_ABUSE_LIMITS.signInAddressFailures),
  SIGN_UPS_PER_ADDRESS_PER_HOUR: count(DEFAULT_ABUSE_LIMITS.signUpsPerAddressPerHour),
  SIGN_UPS_PER_MINUTE: count(DEFAULT_ABUSE_LIMITS.signUpsPerMinute),
  POSTS_PER_MINUTE_PER_ACCOUNT: count(DEFAULT_ABUSE_LIMITS.postsPerMinutePerAccount),
  POSTS_PER_MINUTE_PER_ADDRESS: count(DEFAULT_ABUSE_LIMITS.postsPerMinutePerAddress),
});

export function abuseLimitsFromEnv(values: z.infer<typeof abuseLimitsEnvSchema>): AbuseLimits {
  return {
    signInFreeFailures: values.SIGN_IN_FREE_FAILURES,
    signInMaxWaitSeconds: values.SIGN_IN_MAX_WAIT_SECONDS,
    signInAccountFailures: values.SIGN_IN_ACCOUNT_FAILURES,
    signInAddressFailures: values.SIGN_IN_ADDRESS_FAILURES,
    signUpsPerAddressPerHour: values.SIGN_UPS_PER_ADDRESS_PER_HOUR,
    signUpsPerMinute: values.SIGN_UPS_PER_MINUTE,
    postsPerMinutePerAccount: values.POSTS_PER_MINUTE_PER_ACCOUNT,
    postsPerMinutePerAddress: values.POSTS_PER_MINUTE_PER_ADDRESS,
  };
}

/** Gives back the point a request took, unless its window ended meanwhile (that would give one more). */
export async function refundPoint(limiter: RateLimiterAbstract, key: string): Promise<void> {
  const current = await limiter.get(key);
  if (current && current.consumedPoints > 0) await limiter.reward(key);
}

/** `Retry-After` for a limiter's answer: whole seconds, at least 1. */
export function retryAfterSeconds(result: RateLimiterRes): number {
  return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
}

/** "1 minute", "15 minutes": the wait of `seconds` for a message. */
export function inMinutes(seconds: number): string {
  const count = Math.ceil(seconds / 60);
  return count === 1 ? '1 minute' : `${count} minutes`;
}

/** The counters of one limit: so many points per key over so many seconds. */
export interface LimiterOptions {
  points: number;
  duration: number;
}

/**
 * Makes the counters of a named limit. One instance keeps them in its memory; several share them
 * in Redis (`redisLimiters`), so a limit reached on one instance holds on every other.
 */
export type LimiterFactory = (name: string, options: LimiterOptions) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = (_name, options) => new RateLimiterMemory(options);
