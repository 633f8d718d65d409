import { Router } from 'express';
import { signInSchema, signUpSchema } from '../../../shared/authSchemas.ts';
import { type AccountService, toPublicUser } from '../accounts/accountService.ts';
import type { AddressLimits } from './addressLimits.ts';
import { parseBody } from './errors.ts';
import { clearSessionCookie, locals, sessionToken, setSessionCookie } from './session.ts';

/** `/api/auth/*` and `/api/invites/*`: sign-up, sign-in, sign-out, who am I, invitations. */
export function authRoutes(accounts: AccountService, perAddress: AddressLimits): Router {
  const router = Router();

  router.post('/auth/register', perAddress.signUp, async (req, res) => {
    const input = parseBody(signUpSchema, req.body);
    const { user, token } = await accounts.register(input);
    const previous = sessionToken(req);
    if (previous) await accounts.signOut(previous);
    setSessionCookie(req, res, token);
    res.status(201).json({ user: toPublicUser(user) });
  });

  router.post('/auth/login', async (req, res) => {
    const { email, password } = parseBody(signInSchema, req.body);
    const { user, token } = await accounts.signIn(email, password, req.ip ?? 'unknown');
    // A new session id at every sign-in: a token planted before sign-in is worthless after it.
    const previous = sessionToken(req);
    if (previous) await accounts.signOut(previous);
    setSessionCookie(req, res, token);
    res.json({ user: toPublicUser(user) });
  });

  router.post('/auth/logout', async (req, res) => {
    const token = sessionToken(req);
    if (token) await accounts.signOut(token);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/auth/me', (_req, res) => {
    const { user } = locals(res);
    res.json({ user: user ? toPublicUser(user) : null });
  });

  router.get('/invites/:token', async (req, res) => {
    const invite = await accounts.findInvite(req.params.token);
    res.json({ role: invite.role, email: invite.email, expiresAt: invite.expiresAt });
  });

  router.post('/invites/:token/accept', async (req, res) => {
    const input = parseBody(signUpSchema, req.body);
    const { user, token } = await accounts.acceptInvite(req.params.token, input);
    const previous = sessionToken(req);
    if (previous) await accounts.signOut(previous);
    setSessionCookie(req, res, token);
    res.status(201).json({ user: toPublicUser(user) });
  });

  return router;
}
