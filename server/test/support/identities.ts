import type { AccountRole, Actor } from '../../../shared/roles.ts';
import { type AccountService, actorOf } from '../../src/accounts/accountService.ts';
import type { PasswordHasher } from '../../src/accounts/passwords.ts';
import { SESSION_COOKIE } from '../../src/http/session.ts';
import type { UserRecord } from '../../src/storage/storage.ts';

/**
 * A hasher that costs nothing, for tests that are not about passwords (argon2id takes tens of
 * milliseconds per call). `accounts.test.ts` and the process tests exercise the real one.
 */
export const plainPasswords: PasswordHasher = {
  hash: async (password) => `plain:${password}`,
  verify: async (passwordHash, password) => passwordHash === `plain:${password}`,
};

/** The password of every account these helpers create. */
export const TEST_PASSWORD = 'correct horse battery';

/** Someone signed in: their account, their session cookie, and who they are to `can`. */
export interface Identity {
  user: UserRecord;
  /** A `Cookie` header value. */
  cookie: string;
  actor: Actor;
}

export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}`;
}

let nextAccount = 1;

/** The administrator `ensureAdmin` creates on each service; signed in once and reused. */
const admins = new WeakMap<AccountService, Promise<Identity>>();

export function adminOf(accounts: AccountService): Promise<Identity> {
  let admin = admins.get(accounts);
  if (!admin) {
    const email = `admin-${nextAccount++}@margins.test`;
    admin = accounts.ensureAdmin({ email, password: TEST_PASSWORD }).then(async () => {
      const { user, token } = await accounts.signIn(email, TEST_PASSWORD, 'test-setup');
      return { user, cookie: sessionCookie(token), actor: actorOf(user) };
    });
    admins.set(accounts, admin);
  }
  return admin;
}

/**
 * Signs up `name` on an in-process server's accounts and gives them `role` (an admin promotes
 * them, as in real life). Each call creates a new account with a unique email.
 */
export async function signUpAs(accounts: AccountService, role: AccountRole, name: string): Promise<Identity> {
  const local =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.|\.$/g, '') || 'person';
  const email = `${local}-${nextAccount++}@margins.test`;
  let { user, token } = await accounts.register({ name, email, password: TEST_PASSWORD });
  if (role !== 'stakeholder') {
    user = await accounts.changeRole((await adminOf(accounts)).actor, user.id, role);
  }
  return { user, cookie: sessionCookie(token), actor: actorOf(user) };
}

/** Signs in over HTTP (for spawned servers) and returns the session cookie the server set. */
export async function signInOverHttp(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in failed with ${response.status}`);
  return cookieFrom(response);
}

/** The `name=value` part of the session cookie a response sets. */
export function cookieFrom(response: Response): string {
  const header = response.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`));
  if (!header) throw new Error('the response set no session cookie');
  return header.split(';')[0] ?? '';
}
