import type { IncomingMessage } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';
import type { Actor } from '../../../shared/roles.ts';
import { type AccountService, actorOf, SESSION_DAYS } from '../accounts/accountService.ts';
import type { UserRecord } from '../storage/storage.ts';

export const SESSION_COOKIE = 'margins_session';

/** The session token a request carries, if any (HTTP requests and WebSocket upgrades alike). */
export function sessionToken(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  return header ? parseCookie(header)[SESSION_COOKIE] : undefined;
}

/** Who sent `request`: the signed-in person, or a visitor. */
export async function identify(
  accounts: AccountService,
  request: IncomingMessage,
): Promise<{ user: UserRecord | undefined; actor: Actor }> {
  const token = sessionToken(request);
  const user = token ? await accounts.userForToken(token) : undefined;
  return { user, actor: actorOf(user) };
}

export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.append(
    'Set-Cookie',
    stringifySetCookie({
      name: SESSION_COOKIE,
      value: token,
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: SESSION_DAYS * 24 * 3600,
    }),
  );
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append(
    'Set-Cookie',
    stringifySetCookie({
      name: SESSION_COOKIE,
      value: '',
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: 0,
    }),
  );
}

/** Locals every route can read, filled by the identify middleware. */
export interface RequestLocals {
  user: UserRecord | undefined;
  actor: Actor;
}

export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}
