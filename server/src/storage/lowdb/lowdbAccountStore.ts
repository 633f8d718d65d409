import type { AccountRole } from '../../../../shared/roles.ts';
import {
  EmailTakenError,
  type InviteRecord,
  type SessionRecord,
  UnknownUserError,
  type UserRecord,
} from '../storage.ts';
import type { AccountStore } from '../stores.ts';
import { at, copy, maybeCopy, replaceIn, type TableAccess } from './tableAccess.ts';

/** People, sessions and invites as tables of margins.json. */
export class LowdbAccountStore implements AccountStore {
  constructor(private readonly access: TableAccess) {}

  async createUser(user: UserRecord): Promise<void> {
    await this.access.mutate((t) => {
      if (t.read('users').some((u) => u.email === user.email)) throw new EmailTakenError(user.email);
      t.change('users').push(copy(user));
    });
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return maybeCopy(this.access.tables.users.find((u) => u.id === id));
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    return maybeCopy(this.access.tables.users.find((u) => u.email === email));
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.access.tables.users.map(copy);
  }

  async setUserRole(id: string, role: AccountRole): Promise<UserRecord> {
    return this.access.mutate((t) => {
      const user = at(
        t.read('users'),
        (u) => u.id === id,
        () => new UnknownUserError(id),
      );
      return copy(replaceIn(t.change('users'), (u) => u.id === id, { ...user, role }));
    });
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.access.mutate((t) => {
      // Expired sessions are swept here, the only place the table grows.
      const now = new Date().toISOString();
      t.replace('sessions', [...t.read('sessions').filter((s) => s.expiresAt > now), copy(session)]);
    });
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return maybeCopy(this.access.tables.sessions.find((s) => s.id === id));
  }

  async deleteSession(id: string): Promise<void> {
    await this.access.mutate((t) => {
      const kept = t.read('sessions').filter((s) => s.id !== id);
      if (kept.length !== t.read('sessions').length) t.replace('sessions', kept);
    });
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    await this.access.mutate((t) => {
      t.change('invites').push(copy(invite));
    });
  }

  async findInviteByTokenHash(tokenHash: string): Promise<InviteRecord | undefined> {
    return maybeCopy(this.access.tables.invites.find((i) => i.tokenHash === tokenHash));
  }

  async listInvites(): Promise<InviteRecord[]> {
    return this.access.tables.invites.map(copy);
  }

  async claimInvite(id: string, userId: string, when: string): Promise<boolean> {
    return this.access.mutate((t) => {
      const invite = t.read('invites').find((i) => i.id === id);
      if (!invite || invite.usedAt !== null) return false;
      replaceIn(t.change('invites'), (i) => i.id === id, { ...invite, usedAt: when, usedBy: userId });
      return true;
    });
  }
}
