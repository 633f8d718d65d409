import type { AccountRole } from '../../../../shared/roles.ts';
import {
  EmailTakenError,
  type InviteRecord,
  type SessionRecord,
  UnknownUserError,
  type UserRecord,
} from '../storage.ts';
import type { AccountStore } from '../stores.ts';
import { type Executor, isUniqueViolation, json, records } from './sql.ts';

/** People, sessions and invites in PostgreSQL, shared by every instance (an invite is claimed once across all). */
export class PostgresAccountStore implements AccountStore {
  constructor(private readonly db: Executor) {}

  async createUser(user: UserRecord): Promise<void> {
    try {
      await this.db.write((sql) =>
        sql.query('INSERT INTO users (id, email, record) VALUES ($1, $2, $3)', [
          user.id,
          user.email,
          json(user),
        ]),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError(user.email);
      throw error;
    }
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const { rows } = await this.db.read.query<{ record: UserRecord }>(
      'SELECT record FROM users WHERE id = $1',
      [id],
    );
    return rows[0]?.record;
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const { rows } = await this.db.read.query<{ record: UserRecord }>(
      'SELECT record FROM users WHERE email = $1',
      [email],
    );
    return rows[0]?.record;
  }

  async listUsers(): Promise<UserRecord[]> {
    const { rows } = await this.db.read.query<{ record: UserRecord }>(
      'SELECT record FROM users ORDER BY position',
    );
    return records(rows);
  }

  setUserRole(id: string, role: AccountRole): Promise<UserRecord> {
    return this.db.write(async (sql) => {
      const { rows } = await sql.query<{ record: UserRecord }>(
        'SELECT record FROM users WHERE id = $1 FOR UPDATE',
        [id],
      );
      const user = rows[0]?.record;
      if (!user) throw new UnknownUserError(id);
      const next = { ...user, role };
      await sql.query('UPDATE users SET record = $2 WHERE id = $1', [id, json(next)]);
      return next;
    });
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.db.write(async (sql) => {
      // Expired sessions are swept as new ones come, so the table does not grow for ever.
      await sql.query('DELETE FROM sessions WHERE expires_at <= $1', [new Date().toISOString()]);
      await sql.query(
        `INSERT INTO sessions (id, expires_at, record) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at, record = EXCLUDED.record`,
        [session.id, session.expiresAt, json(session)],
      );
    });
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.db.read.query<{ record: SessionRecord }>(
      'SELECT record FROM sessions WHERE id = $1',
      [id],
    );
    return rows[0]?.record;
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.write((sql) => sql.query('DELETE FROM sessions WHERE id = $1', [id]));
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    await this.db.write((sql) =>
      sql.query(
        `INSERT INTO invites (id, token_hash, used_at, record) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET token_hash = EXCLUDED.token_hash, used_at = EXCLUDED.used_at, record = EXCLUDED.record`,
        [invite.id, invite.tokenHash, invite.usedAt, json(invite)],
      ),
    );
  }

  async findInviteByTokenHash(tokenHash: string): Promise<InviteRecord | undefined> {
    const { rows } = await this.db.read.query<{ record: InviteRecord }>(
      'SELECT record FROM invites WHERE token_hash = $1 ORDER BY position LIMIT 1',
      [tokenHash],
    );
    return rows[0]?.record;
  }

  async listInvites(): Promise<InviteRecord[]> {
    const { rows } = await this.db.read.query<{ record: InviteRecord }>(
      'SELECT record FROM invites ORDER BY position',
    );
    return records(rows);
  }

  claimInvite(id: string, userId: string, at: string): Promise<boolean> {
    return this.db.write(async (sql) => {
      // The row lock makes a second claimer wait, then see it used: one winner on any instance.
      const { rows } = await sql.query<{ record: InviteRecord }>(
        'SELECT record FROM invites WHERE id = $1 AND used_at IS NULL FOR UPDATE',
        [id],
      );
      const invite = rows[0]?.record;
      if (!invite || invite.usedAt !== null) return false;
      const next = { ...invite, usedAt: at, usedBy: userId };
      await sql.query('UPDATE invites SET used_at = $2, record = $3 WHERE id = $1', [id, at, json(next)]);
      return true;
    });
  }
}
