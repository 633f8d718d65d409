import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { windowState } from '../../../shared/consultation.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import { type Action, can } from '../../../shared/permissions.ts';
import type { Actor } from '../../../shared/roles.ts';
import { DEFAULT_ABUSE_LIMITS, type LimiterFactory, memoryLimiters } from '../abuseLimits.ts';
import { ServiceError } from '../serviceError.ts';
import type { DraftRecord } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';

/**
 * Checks `can` for a contribution (comment, suggestion, decision) and refuses with the reason a
 * person can act on: sign in, the consultation window, or the role.
 */
export function requireAllowed(
  actor: Actor,
  action: Action,
  draft: DraftRecord,
  now: Date,
  ownerId?: string,
): void {
  if (can(actor, action, { draft, ownerId }, now)) return;
  if (!actor.userId) throw new ServiceError(ErrorCode.Unauthenticated, 'Sign in to take part.');
  const state = windowState(draft.window, now);
  // The window is the reason only if the same request would pass while it is open (it opens at
  // `opensAt`): resolving, or editing someone else's comment, is the role's limit, not the window's.
  const whileOpen = new Date(draft.window.opensAt);
  if (state !== 'open' && can(actor, action, { draft, ownerId }, whileOpen)) {
    throw new ServiceError(
      ErrorCode.ConsultationClosed,
      state === 'closed'
        ? 'The consultation on this draft has closed; comments and suggestions can no longer be added or changed.'
        : 'The consultation on this draft has not opened yet.',
    );
  }
  throw new ServiceError(ErrorCode.Forbidden, 'Your role does not allow this.');
}

export interface PostingLimiterDeps {
  /** Posts allowed per person per minute (`POSTS_PER_MINUTE_PER_ACCOUNT`); 30 by default. */
  perMinute?: number;
  /** Where the counters are kept (shared by every instance when there are several). */
  limiters?: LimiterFactory;
}

/** Posts (comments, replies, suggestions) per person: `POSTS_PER_MINUTE_PER_ACCOUNT`, 30 by default. */
export class PostingLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(deps: PostingLimiterDeps = {}) {
    this.limiter = (deps.limiters ?? memoryLimiters)('posts-per-account', {
      points: deps.perMinute ?? DEFAULT_ABUSE_LIMITS.postsPerMinutePerAccount,
      duration: 60,
    });
  }

  async consume(actor: Actor): Promise<void> {
    try {
      await this.limiter.consume(actor.userId ?? 'visitor');
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new ServiceError(
        ErrorCode.RateLimited,
        'You are posting very fast. Wait a minute and try again.',
        Math.ceil(error.msBeforeNext / 1000),
      );
    }
  }
}

/** The language a contribution is recorded in when none is given: the author's, else the draft's. */
export async function languageOf(
  storage: Pick<Stores, 'accounts'>,
  actor: Actor,
  draft: DraftRecord,
): Promise<string> {
  const user = actor.userId ? await storage.accounts.getUser(actor.userId) : undefined;
  return user?.language || draft.language;
}
