/** Who someone is to Margins. A visitor is anyone not signed in. Each role may do what the one before it may. */
export const ROLES = ['visitor', 'stakeholder', 'taskforce', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles an account can hold (a visitor has no account). */
export const ACCOUNT_ROLES = ['stakeholder', 'taskforce', 'admin'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Sectors a stakeholder may say they belong to (used later to report who was heard). */
export const SECTORS = [
  'government',
  'civil-society',
  'multilateral',
  'academia',
  'private-sector',
  'individual',
] as const;
export type Sector = (typeof SECTORS)[number];

/** Who is acting: the role decides, the user id tells "own" resources from others'. */
export interface Actor {
  userId: string | null;
  role: Role;
}

export const VISITOR: Actor = { userId: null, role: 'visitor' };
