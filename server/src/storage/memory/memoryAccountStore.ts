import type { AccountRole } from '../../../../shared/roles.ts';
import {
  EmailTakenError,
  type InviteRecord,
  type SessionRecord,
  UnknownUserError,
  type UserRecord,
} from '../storage.ts';
import type { AccountStore } from '../stores.ts';
import { copy, maybeCopy, type WriteGate } from './writeGate.ts';

/** People, sessions and invites in process memory, each kept by id (people also by email). */
export class MemoryAccountStore implements AccountStore {
  private readonly users = new Map<string, UserRecord>();
  /** Email → user id: the one place an email is claimed. */
  private readonly emails = new Map<string, string>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly invites = new Map<string, InviteRecord>();

  constructor(private readonly gate: WriteGate) {}

  createUser(user: UserRecord): Promise<void> {
    return this.gate.run(() => {
      if (this.emails.has(user.email)) throw new EmailTakenError(user.email);
      this.emails.set(user.email, user.id);
      this.users.set(user.id, copy(user));
    });
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return maybeCopy(this.users.get(id));
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const id = this.emails.get(email);
    return id === undefined ? undefined : maybeCopy(this.users.get(id));
  }

  async listUsers(): Promise<UserRecord[]> {
    return [...this.users.values()].map(copy);
  }

  setUserRole(id: string, role: AccountRole): Promise<UserRecord> {
    return this.gate.run(() => {
      const user = this.users.get(id);
      if (!user) throw new UnknownUserError(id);
      const next = { ...user, role };
      this.users.set(id, next);
      return copy(next);
    });
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.gate.run(() => {
      // Expired sessions are swept as new ones come, so the map does not grow for ever.
      const now = new Date().toISOString();
      for (const [id, kept] of this.sessions) if (kept.expiresAt <= now) this.sessions.delete(id);
      this.sessions.set(session.id, copy(session));
    });
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return maybeCopy(this.sessions.get(id));
  }

  deleteSession(id: string): Promise<void> {
    return this.gate.run(() => {
      this.sessions.delete(id);
    });
  }

  createInvite(invite: InviteRecord): Promise<void> {
    return this.gate.run(() => {
      this.invites.set(invite.id, copy(invite));
    });
  }

  async findInviteByTokenHash(tokenHash: string): Promise<InviteRecord | undefined> {
    for (const invite of this.invites.values()) if (invite.tokenHash === tokenHash) return copy(invite);
    return undefined;
  }

  async listInvites(): Promise<InviteRecord[]> {
    return [...this.invites.values()].map(copy);
  }

  claimInvite(id: string, userId: string, when: string): Promise<boolean> {
    return this.gate.run(() => {
      const invite = this.invites.get(id);
      if (!invite || invite.usedAt !== null) return false;
      this.invites.set(id, { ...invite, usedAt: when, usedBy: userId });
      return true;
    });
  }
}
