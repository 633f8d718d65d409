import type { z } from 'zod';
import type { signUpSchema } from './authSchemas.ts';
import type { AccountRole, Sector } from './roles.ts';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** Everything a person tells us when they sign up (by themselves, or through an invite). */
export type SignUp = z.infer<typeof signUpSchema>;

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
