// The rules the server checks input against. The facts they build on (auth.ts)
// import no zod, so the browser, which needs only facts and types, never downloads it.
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './auth.ts';
import { ACCOUNT_ROLES, SECTORS } from './roles.ts';

const email = z.email('enter a valid email address').max(254);
const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH);

/** Everything a person tells us when they sign up (by themselves, or through an invite). */
export const signUpSchema = z
  .object({
    name: z.string().trim().min(1, 'enter your name').max(80),
    email,
    password,
    organisation: z.string().trim().max(120).optional(),
    sector: z.enum(SECTORS).optional(),
    country: z.string().trim().max(80).optional(),
    language: z.string().trim().max(20).optional(),
  })
  .strict();

export const signInSchema = z
  .object({ email: z.string().max(254), password: z.string().max(PASSWORD_MAX_LENGTH) })
  .strict();

/** `POST /api/admin/invites`: an invite to join as task force or admin, optionally for one address. */
export const createInviteSchema = z
  .object({ role: z.enum(['taskforce', 'admin']), email: email.optional() })
  .strict();

export const changeRoleSchema = z.object({ role: z.enum(ACCOUNT_ROLES) }).strict();
