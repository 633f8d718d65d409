import { z } from 'zod';
import { type AccountRole, accountRoleSchema, SECTORS, type Sector } from './roles.ts';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

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
export type SignUp = z.infer<typeof signUpSchema>;

export const signInSchema = z
  .object({ email: z.string().max(254), password: z.string().max(PASSWORD_MAX_LENGTH) })
  .strict();

/** `POST /api/admin/invites`: an invite to join as task force or admin, optionally for one address. */
export const createInviteSchema = z
  .object({ role: z.enum(['taskforce', 'admin']), email: email.optional() })
  .strict();

export const changeRoleSchema = z.object({ role: accountRoleSchema }).strict();

/** A person as the API shows them (never the password hash). */
export interface PublicUser {
  id: string;
  name: string;
  email: string;
  role: AccountRole;
  organisation: string | null;
  sector: Sector | null;
  country: string | null;
  language: string | null;
  /** Caret and avatar colour, the same on every device. */
  color: string;
}

/** Caret colours with enough contrast against white text labels. */
export const PRESENCE_COLORS = [
  '#b42318',
  '#b54708',
  '#067647',
  '#0e7090',
  '#175cd3',
  '#6941c6',
  '#c11574',
  '#475467',
];

/** A stable colour for a person (or, for visitors, a connection). */
export function colorFor(key: string): string {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return PRESENCE_COLORS[hash % PRESENCE_COLORS.length] ?? '#475467';
}
