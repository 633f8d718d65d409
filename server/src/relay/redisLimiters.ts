import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../abuseLimits.ts';

/**
 * Rate-limit counters in Redis, shared by every instance of the deployment, so a limit reached on
 * one instance holds on the others however a load balancer spreads requests. While Redis is
 * away each instance counts in its own memory (rate-limiter-flexible's insurance limiter), so
 * limits still hold per instance.
 */
export async function connectRedisLimiters(
  url: string,
  deployment: string,
): Promise<{ limiters: LimiterFactory; close: () => Promise<void> }> {
  // Commands fail at once while Redis is down, and the insurance limiter answers instead.
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // The relay reports Redis being away; these errors say nothing more.
  client.on('error', () => {});
  await client.connect();
  return {
    limiters: (name, options) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `margins:${deployment}:limit:${name}`,
        ...options,
        insuranceLimiter: new RateLimiterMemory(options),
      }),
    close: async () => {
      await client.quit().catch(() => {});
    },
  };
}
