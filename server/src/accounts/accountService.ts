import type { Logger } from 'pino';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { colorFor, type PublicUser, type SignUp } from '../../../shared/auth.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import { can } from '../../../shared/permissions.ts';
import type { AccountRole, Actor } from '../../../shared/roles.ts';
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
import { EmailTakenError, type InviteRecord, type UserRecord } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';
import type { PasswordHasher } from './passwords.ts';
import { hashToken, newId, newToken } from './tokens.ts';

export const SESSION_DAYS = 30;
export const INVITE_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

export interface AccountDeps {
  storage: Pick<Stores, 'accounts'>;
  passwords: PasswordHasher;
  logger: Logger;
  now?: () => Date;
  /** Told whenever someone's role changes, so open sockets can follow. */
  onRoleChanged?: (user: UserRecord) => void;
  /** The sign-in limits (`SIGN_IN_*`); the defaults otherwise. */
  limits?: Partial<SignInLimits>;
  /** Where the sign-in counters are kept (shared by every instance when there are several). */
  limiters?: LimiterFactory;
}

export type SignInLimits = Pick<
  AbuseLimits,
  'signInFreeFailures' | 'signInMaxWaitSeconds' | 'signInAccountFailures' | 'signInAddressFailures'
>;

/** MARGINS_ADMIN_EMAIL names an account that is not an admin, and MARGINS_ADMIN_PASSWORD is not its password. */
export class AdminTakeoverError extends Error {
  constructor(email: string) {
    super(
      `MARGINS_ADMIN_EMAIL (${email}) already has an account, and MARGINS_ADMIN_PASSWORD is not its password, ` +
        'so it was not made admin: whoever signed up with that address first may not be you. ' +
        'Set MARGINS_ADMIN_PASSWORD to that account’s password, or choose another MARGINS_ADMIN_EMAIL, ' +
        'or start without MARGINS_ADMIN_* to get a one-time setup link for the first admin.',
    );
    this.name = 'AdminTakeoverError';
  }
}

export interface SignedIn {
  user: UserRecord;
  /** The session token for the cookie. */
  token: string;
}

/** Sign-up, sign-in, sessions, invites and roles. Knows nothing of HTTP: the routes adapt it. */
export class AccountService {
  private readonly now: () => Date;
  private readonly limits: SignInLimits;
  // Sign-in failures, counted per account and address, per account, and per address. A try
  // counts as a failure from its start (so that concurrent tries count) until its password is
  // found right. The counters only ever slow down tries that failed before: a right password from
  // an address with no failures on the account always gets in, whatever others tried.
  /** Failures of one address on one account since its last success (for a day). */
  private readonly pairFailures: RateLimiterAbstract;
  /** Set while one address must wait before its next try on one account. */
  private readonly pairWait: RateLimiterAbstract;
  /** Failures on one account from all addresses, within an hour. */
  private readonly accountFailures: RateLimiterAbstract;
  /** Failures of one address on all accounts, within 15 minutes (then it is refused). */
  private readonly addressFailures: RateLimiterAbstract;
  /** Verified against when the email is unknown, so a miss takes as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: AccountDeps) {
    this.now = deps.now ?? (() => new Date());
    this.limits = { ...DEFAULT_ABUSE_LIMITS, ...deps.limits };
    const limiters = deps.limiters ?? memoryLimiters;
    this.pairFailures = limiters('sign-in-pair-failures', { points: 1_000_000, duration: 24 * 3600 });
    this.pairWait = limiters('sign-in-pair-wait', { points: 1, duration: 1 });
    this.accountFailures = limiters('sign-in-account-failures', { points: 1_000_000, duration: 3600 });
    this.addressFailures = limiters('sign-in-address-failures', {
      points: this.limits.signInAddressFailures,
      duration: 15 * 60,
    });
  }

  /** A stakeholder signs up and is signed in. */
  async register(input: SignUp): Promise<SignedIn> {
    const user = await this.createUser(input, 'stakeholder');
    return { user, token: await this.startSession(user) };
  }

  /**
   * Signs in from `address`. Brute force is slowed, never turned against the owner: after
   * `signInFreeFailures` wrong passwords from one address on one account, each further try from
   * there waits 1 s, then 2, 4… up to `signInMaxWaitSeconds` (429 slow_down, the password not
   * checked); once the account had `signInAccountFailures` in an hour, that starts after each
   * address's first failure. An address with `signInAddressFailures` in 15 minutes is refused.
   */
  async signIn(email: string, password: string, address: string): Promise<SignedIn> {
    const account = normaliseEmail(email);
    const pair = JSON.stringify([account, address]);
    try {
      await this.addressFailures.consume(address);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new ServiceError(
        ErrorCode.RateLimited,
        `Too many failed sign-ins from your address. Try again in ${inMinutes(retryAfterSeconds(error))}.`,
        retryAfterSeconds(error),
      );
    }
    const tries = (await this.pairFailures.penalty(pair)).consumedPoints;
    const accountFailures = (await this.accountFailures.penalty(account)).consumedPoints;
    const free = accountFailures > this.limits.signInAccountFailures ? 1 : this.limits.signInFreeFailures;
    if (tries >= free) {
      try {
        // One try at a time past the free ones: taking the slot is atomic, so concurrent tries wait too.
        await this.pairWait.consume(pair);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        // A try that must wait was not a try: it counts nowhere.
        await Promise.all([
          refundPoint(this.addressFailures, address),
          refundPoint(this.pairFailures, pair),
          refundPoint(this.accountFailures, account),
        ]);
        throw new ServiceError(
          ErrorCode.SlowDown,
          `Too many wrong passwords for this account from your address. Try again in ${retryAfterSeconds(error)} s.`,
          retryAfterSeconds(error),
        );
      }
      const wait = Math.min(2 ** (tries - free), this.limits.signInMaxWaitSeconds);
      await this.pairWait.block(pair, wait);
    }

    const user = await this.deps.storage.accounts.findUserByEmail(account);
    const ok = user
      ? await this.deps.passwords.verify(user.passwordHash, password)
      : await this.deps.passwords.verify(await this.dummy(), password).then(() => false);
    if (!user || !ok) {
      throw new ServiceError(
        ErrorCode.InvalidCredentials,
        'That email and password do not match an account.',
      );
    }
    await Promise.all([
      this.pairFailures.delete(pair),
      this.pairWait.delete(pair),
      refundPoint(this.addressFailures, address),
      refundPoint(this.accountFailures, account),
    ]);
    return { user, token: await this.startSession(user) };
  }

  async signOut(token: string): Promise<void> {
    await this.deps.storage.accounts.deleteSession(hashToken(token));
  }

  /** The person a session token belongs to, if the session is still valid. */
  async userForToken(token: string): Promise<UserRecord | undefined> {
    const session = await this.deps.storage.accounts.getSession(hashToken(token));
    if (!session || session.expiresAt <= this.now().toISOString()) return undefined;
    return this.deps.storage.accounts.getUser(session.userId);
  }

  async createInvite(
    actor: Actor,
    input: { role: AccountRole; email?: string },
  ): Promise<{ token: string; invite: InviteRecord }> {
    this.require(actor, 'people.manage');
    const token = newToken();
    const now = this.now();
    const invite: InviteRecord = {
      id: newId(),
      tokenHash: hashToken(token),
      role: input.role,
      email: input.email ? normaliseEmail(input.email) : null,
      createdBy: actor.userId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + INVITE_DAYS * DAY_MS).toISOString(),
      usedAt: null,
      usedBy: null,
    };
    await this.deps.storage.accounts.createInvite(invite);
    return { token, invite };
  }

  /** An unused, unexpired invite for `token`, or a ServiceError saying why not. */
  async findInvite(token: string): Promise<InviteRecord> {
    const invite = await this.deps.storage.accounts.findInviteByTokenHash(hashToken(token));
    if (!invite || invite.usedAt !== null || invite.expiresAt <= this.now().toISOString()) {
      throw new ServiceError(
        ErrorCode.InviteInvalid,
        'This invitation link has already been used or has expired. Ask for a new one.',
      );
    }
    return invite;
  }

  /** Signs up through an invite: the account gets the invite's role. */
  async acceptInvite(token: string, input: SignUp): Promise<SignedIn> {
    const invite = await this.findInvite(token);
    if (invite.email && invite.email !== normaliseEmail(input.email)) {
      throw new ServiceError(ErrorCode.InviteInvalid, `This invitation is for ${invite.email}.`);
    }
    if (await this.deps.storage.accounts.findUserByEmail(normaliseEmail(input.email))) {
      throw new ServiceError(
        ErrorCode.EmailTaken,
        'An account with this email already exists. Sign in instead.',
      );
    }
    const userId = newId();
    // Claim first: of two people racing for one link, only one gets an account.
    if (!(await this.deps.storage.accounts.claimInvite(invite.id, userId, this.now().toISOString()))) {
      throw new ServiceError(ErrorCode.InviteInvalid, 'This invitation link has already been used.');
    }
    const user = await this.createUser(input, invite.role, userId);
    this.deps.logger.info({ userId: user.id, role: user.role }, 'invite accepted');
    return { user, token: await this.startSession(user) };
  }

  async listPeople(actor: Actor): Promise<UserRecord[]> {
    this.require(actor, 'people.manage');
    const users = await this.deps.storage.accounts.listUsers();
    return users.sort((a, b) => a.name.localeCompare(b.name));
  }

  async listInvites(actor: Actor): Promise<InviteRecord[]> {
    this.require(actor, 'people.manage');
    return (await this.deps.storage.accounts.listInvites()).sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
  }

  async changeRole(actor: Actor, userId: string, role: AccountRole): Promise<UserRecord> {
    this.require(actor, 'people.manage');
    const user = await this.deps.storage.accounts.getUser(userId);
    if (!user) throw new ServiceError(ErrorCode.NotFound, 'There is no such person.');
    if (user.role === 'admin' && role !== 'admin') {
      const admins = (await this.deps.storage.accounts.listUsers()).filter((u) => u.role === 'admin');
      if (admins.length <= 1) {
        throw new ServiceError(
          ErrorCode.LastAdmin,
          'Margins needs at least one admin: promote someone else first.',
        );
      }
    }
    const updated = await this.deps.storage.accounts.setUserRole(userId, role);
    this.deps.logger.info({ userId, role, by: actor.userId }, 'role changed');
    this.deps.onRoleChanged?.(updated);
    return updated;
  }

  /**
   * Makes sure someone can administer a fresh install: with credentials, creates that admin;
   * without, returns a one-time setup token (an admin invite) to print. Throws
   * AdminTakeoverError rather than promote an existing account whose password is another.
   */
  async ensureAdmin(credentials?: { email: string; password: string }): Promise<{ setupToken?: string }> {
    const users = await this.deps.storage.accounts.listUsers();
    if (users.some((u) => u.role === 'admin')) return {};
    if (credentials) {
      // The address may already have an account: the operator's own, signed up as a stakeholder
      // first, or a squatter's, made before the operator set MARGINS_ADMIN_*. Only the password
      // tells them apart.
      const existing = await this.deps.storage.accounts.findUserByEmail(normaliseEmail(credentials.email));
      if (existing) {
        if (!(await this.deps.passwords.verify(existing.passwordHash, credentials.password))) {
          throw new AdminTakeoverError(existing.email);
        }
        await this.deps.storage.accounts.setUserRole(existing.id, 'admin');
        this.deps.logger.warn(
          { userId: existing.id },
          'MARGINS_ADMIN_EMAIL names an existing account with that password: made it admin',
        );
        return {};
      }
      try {
        await this.createUser(
          { name: 'Administrator', email: credentials.email, password: credentials.password },
          'admin',
        );
      } catch (error) {
        // Another instance on the same store created it at the same moment: it exists now.
        if (!(error instanceof ServiceError && error.code === ErrorCode.EmailTaken)) throw error;
        return this.ensureAdmin(credentials);
      }
      return {};
    }
    const system: Actor = { userId: null, role: 'admin' };
    const { token } = await this.createInvite(system, { role: 'admin' });
    return { setupToken: token };
  }

  private async createUser(input: SignUp, role: AccountRole, id = newId()): Promise<UserRecord> {
    const user: UserRecord = {
      id,
      email: normaliseEmail(input.email),
      name: input.name.trim(),
      passwordHash: await this.deps.passwords.hash(input.password),
      role,
      organisation: input.organisation?.trim() || null,
      sector: input.sector ?? null,
      country: input.country?.trim() || null,
      language: input.language?.trim() || null,
      createdAt: this.now().toISOString(),
    };
    try {
      await this.deps.storage.accounts.createUser(user);
    } catch (error) {
      if (error instanceof EmailTakenError) {
        throw new ServiceError(
          ErrorCode.EmailTaken,
          'An account with this email already exists. Sign in instead.',
        );
      }
      throw error;
    }
    return user;
  }

  private async startSession(user: UserRecord): Promise<string> {
    const token = newToken();
    const now = this.now();
    await this.deps.storage.accounts.createSession({
      id: hashToken(token),
      userId: user.id,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_DAYS * DAY_MS).toISOString(),
    });
    return token;
  }

  private require(actor: Actor, action: 'people.manage'): void {
    if (!can(actor, action)) {
      throw new ServiceError(
        actor.userId ? ErrorCode.Forbidden : ErrorCode.Unauthenticated,
        'Only an admin can manage people and invitations.',
      );
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.deps.passwords.hash('not a real password, only for timing');
    return this.dummyHash;
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The API's view of a person. */
export function toPublicUser(user: UserRecord): PublicUser {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    organisation: user.organisation,
    sector: user.sector,
    country: user.country,
    language: user.language,
    color: colorFor(user.id),
  };
}

export function actorOf(user: UserRecord | undefined): Actor {
  return user ? { userId: user.id, role: user.role } : { userId: null, role: 'visitor' };
}
