import type { Actor } from '../../../shared/roles.ts';
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

/** The password of every account the test helpers create (`records.ts`). */
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
