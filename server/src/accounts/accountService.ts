import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { colorFor, type PublicUser, type SignUp } from '../../../shared/auth.ts';
import { ErrorCode } from '../../../shared/errors.ts';
import { can } from '../../../shared/permissions.ts';
import type { AccountRole, Actor } from '../../../shared/roles.ts';
import { ServiceError } from '../serviceError.ts';
import { EmailTakenError, type InviteRecord, type Storage, type UserRecord } from '../storage/storage.ts';
import type { PasswordHasher } from './passwords.ts';
import { hashToken, newId, newToken } from './tokens.ts';

export const SESSION_DAYS = 30;
export const INVITE_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

export interface AccountDeps {
  storage: Storage;
  passwords: PasswordHasher;
  logger: Logger;
  now?: () => Date;
  /** Told whenever someone's role changes, so open sockets can follow. */
  onRoleChanged?: (user: UserRecord) => void;
}

export interface SignedIn {
  user: UserRecord;
  /** The session token for the cookie. */
  token: string;
}

/** Sign-up, sign-in, sessions, invites and roles. Knows nothing of HTTP: the routes adapt it. */
export class AccountService {
  private readonly now: () => Date;
  // Failed sign-ins per account, and all sign-ins per address, within 15 minutes.
  private readonly accountAttempts = new RateLimiterMemory({ points: 10, duration: 15 * 60 });
  private readonly addressAttempts = new RateLimiterMemory({ points: 50, duration: 15 * 60 });
  /** Verified against when the email is unknown, so a miss takes as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: AccountDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** A stakeholder signs up and is signed in. */
  async register(input: SignUp): Promise<SignedIn> {
    const user = await this.createUser(input, 'stakeholder');
    return { user, token: await this.startSession(user) };
  }

  async signIn(email: string, password: string, address: string): Promise<SignedIn> {
    const account = normaliseEmail(email);
    await this.consume(this.addressAttempts, address);
    const blocked = await this.accountAttempts.get(account);
    if (blocked && blocked.remainingPoints <= 0) throw rateLimited(blocked);

    const user = await this.deps.storage.findUserByEmail(account);
    const ok = user
      ? await this.deps.passwords.verify(user.passwordHash, password)
      : await this.deps.passwords.verify(await this.dummy(), password).then(() => false);
    if (!user || !ok) {
      await this.consume(this.accountAttempts, account);
      throw new ServiceError(
        ErrorCode.InvalidCredentials,
        'That email and password do not match an account.',
      );
    }
    await this.accountAttempts.delete(account);
    return { user, token: await this.startSession(user) };
  }

  async signOut(token: string): Promise<void> {
    await this.deps.storage.deleteSession(hashToken(token));
  }

  /** The person a session token belongs to, if the session is still valid. */
  async userForToken(token: string): Promise<UserRecord | undefined> {
    const session = await this.deps.storage.getSession(hashToken(token));
    if (!session || session.expiresAt <= this.now().toISOString()) return undefined;
    return this.deps.storage.getUser(session.userId);
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
    await this.deps.storage.createInvite(invite);
    return { token, invite };
  }

  /** An unused, unexpired invite for `token`, or a ServiceError saying why not. */
  async findInvite(token: string): Promise<InviteRecord> {
    const invite = await this.deps.storage.findInviteByTokenHash(hashToken(token));
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
    if (await this.deps.storage.findUserByEmail(normaliseEmail(input.email))) {
      throw new ServiceError(
        ErrorCode.EmailTaken,
        'An account with this email already exists. Sign in instead.',
      );
    }
    const userId = newId();
    // Claim first: of two people racing for one link, only one gets an account.
    if (!(await this.deps.storage.claimInvite(invite.id, userId, this.now().toISOString()))) {
      throw new ServiceError(ErrorCode.InviteInvalid, 'This invitation link has already been used.');
    }
    const user = await this.createUser(input, invite.role, userId);
    this.deps.logger.info({ userId: user.id, role: user.role }, 'invite accepted');
    return { user, token: await this.startSession(user) };
  }

  async listPeople(actor: Actor): Promise<UserRecord[]> {
    this.require(actor, 'people.manage');
    const users = await this.deps.storage.listUsers();
    return users.sort((a, b) => a.name.localeCompare(b.name));
  }

  async listInvites(actor: Actor): Promise<InviteRecord[]> {
    this.require(actor, 'people.manage');
    return (await this.deps.storage.listInvites()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async changeRole(actor: Actor, userId: string, role: AccountRole): Promise<UserRecord> {
    this.require(actor, 'people.manage');
    const user = await this.deps.storage.getUser(userId);
    if (!user) throw new ServiceError(ErrorCode.NotFound, 'There is no such person.');
    if (user.role === 'admin' && role !== 'admin') {
      const admins = (await this.deps.storage.listUsers()).filter((u) => u.role === 'admin');
      if (admins.length <= 1) {
        throw new ServiceError(
          ErrorCode.LastAdmin,
          'Margins needs at least one admin: promote someone else first.',
        );
      }
    }
    const updated = await this.deps.storage.setUserRole(userId, role);
    this.deps.logger.info({ userId, role, by: actor.userId }, 'role changed');
    this.deps.onRoleChanged?.(updated);
    return updated;
  }

  /**
   * Makes sure someone can administer a fresh install: with credentials, creates that admin;
   * without, returns a one-time setup token (an admin invite) to print.
   */
  async ensureAdmin(credentials?: { email: string; password: string }): Promise<{ setupToken?: string }> {
    const users = await this.deps.storage.listUsers();
    if (users.some((u) => u.role === 'admin')) return {};
    if (credentials) {
      // The address may already have an account (a stakeholder who signed up first): promote it
      // rather than refuse to start.
      const existing = await this.deps.storage.findUserByEmail(normaliseEmail(credentials.email));
      if (existing) {
        await this.deps.storage.setUserRole(existing.id, 'admin');
        this.deps.logger.warn(
          { userId: existing.id },
          'MARGINS_ADMIN_EMAIL names an existing account: made it admin',
        );
        return {};
      }
      await this.createUser(
        { name: 'Administrator', email: credentials.email, password: credentials.password },
        'admin',
      );
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
      await this.deps.storage.createUser(user);
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
    await this.deps.storage.createSession({
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

  private async consume(limiter: RateLimiterMemory, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw rateLimited(error);
      throw error;
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.deps.passwords.hash('not a real password, only for timing');
    return this.dummyHash;
  }
}

function rateLimited(result: RateLimiterRes): ServiceError {
  const seconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
  return new ServiceError(
    ErrorCode.RateLimited,
    `Too many sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
    seconds,
  );
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
