import type { NextFunction, Request, Response } from 'express';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode } from '../../../shared/errors.ts';
import {
  type AbuseLimits,
  DEFAULT_ABUSE_LIMITS,
  inMinutes,
  type LimiterFactory,
  memoryLimiters,
  refundPoint,
  retryAfterSeconds,
} from '../abuseLimits.ts';
import { ServiceError } from '../serviceError.ts';

export type AddressLimitSettings = Pick<
  AbuseLimits,
  'signUpsPerAddressPerHour' | 'signUpsPerMinute' | 'postsPerMinutePerAddress'
>;

/**
 * The limits per client address (`req.ip`, so TRUST_PROXY decides what it is) that the edge
 * applies before a request reaches a service: sign-ups, and posts whoever is signed in, so that
 * throwaway accounts do not multiply a person's limits. Per-account limits stay in the services.
 *
 * A request takes its point when it arrives (so that concurrent requests count) and gives it back
 * when it was not taken for a reason of its own: a bad body, a refusal, a server failure.
 */
export class AddressLimits {
  private readonly signUpsPerAddress: RateLimiterAbstract;
  private readonly signUpsOverall: RateLimiterAbstract;
  private readonly postsPerAddress: RateLimiterAbstract;

  constructor(settings: Partial<AddressLimitSettings> = {}, limiters: LimiterFactory = memoryLimiters) {
    const limits = { ...DEFAULT_ABUSE_LIMITS, ...settings };
    this.signUpsPerAddress = limiters('sign-ups-per-address', {
      points: limits.signUpsPerAddressPerHour,
      duration: 3600,
    });
    this.signUpsOverall = limiters('sign-ups', { points: limits.signUpsPerMinute, duration: 60 });
    this.postsPerAddress = limiters('posts-per-address', {
      points: limits.postsPerMinutePerAddress,
      duration: 60,
    });
  }

  /** Before a sign-up: counted once answered 201, or 409 (an address in use: probing counts too). */
  readonly signUp = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const address = addressOf(req);
    await take(this.signUpsPerAddress, address, (wait) =>
      refusal(
        ErrorCode.SignUpsLimited,
        `Too many accounts were created from your address. Try again in ${inMinutes(wait)}.`,
        wait,
      ),
    );
    try {
      await take(this.signUpsOverall, 'everyone', (wait) =>
        refusal(
          ErrorCode.SignUpsLimited,
          'Many accounts are being created right now. Try again in a minute.',
          wait,
        ),
      );
    } catch (error) {
      await refundPoint(this.signUpsPerAddress, address);
      throw error;
    }
    onAnswered(
      res,
      (status) => status === 201 || status === 409,
      async () => {
        await refundPoint(this.signUpsPerAddress, address);
        await refundPoint(this.signUpsOverall, 'everyone');
      },
    );
    next();
  };

  /** Before a comment, reply or suggestion: counted once answered 2xx. */
  // Generic in the route's parameters, so that the route's own handler keeps their types.
  readonly post = async <P>(req: Request<P>, res: Response, next: NextFunction): Promise<void> => {
    const address = addressOf(req);
    await take(this.postsPerAddress, address, (wait) =>
      refusal(
        ErrorCode.RateLimited,
        'Many posts are coming from your address. Wait a minute and try again.',
        wait,
      ),
    );
    onAnswered(
      res,
      (status) => status >= 200 && status < 300,
      () => refundPoint(this.postsPerAddress, address),
    );
    next();
  };
}

function addressOf<P>(req: Request<P>): string {
  return req.ip ?? 'unknown';
}

async function take(
  limiter: RateLimiterAbstract,
  key: string,
  refused: (waitSeconds: number) => ServiceError,
): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw refused(retryAfterSeconds(error));
    throw error;
  }
}

function refusal(code: ErrorCode, message: string, waitSeconds: number): ServiceError {
  return new ServiceError(code, message, waitSeconds);
}

/** Runs `refund` once `res` is answered with a status `counted` does not accept. */
function onAnswered(res: Response, counted: (status: number) => boolean, refund: () => Promise<void>): void {
  res.once('finish', () => {
    if (!counted(res.statusCode)) void refund();
  });
}
