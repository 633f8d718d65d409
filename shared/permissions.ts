import { type ConsultationWindow, type Visibility, windowState } from './consultation.ts';
import type { Actor, Role } from './roles.ts';

/** Everything someone may try to do. Comment and suggestion actions are enforced from the issues that add them. */
export const ACTIONS = [
  'draft.read',
  'draft.edit',
  'comment.create',
  'comment.edit',
  'comment.delete',
  'suggestion.create',
  'suggestion.withdraw',
  'thread.resolve',
  'suggestion.decide',
  'contribution.tag',
  'draft.create',
  'draft.configure',
  'people.manage',
] as const;
export type Action = (typeof ACTIONS)[number];

/** The draft an action concerns, and (for own-only actions) who owns the thing acted on. */
export interface Resource {
  draft?: { visibility: Visibility; window: ConsultationWindow };
  ownerId?: string | null;
}

const RANK: Record<Role, number> = { visitor: 0, stakeholder: 1, taskforce: 2, admin: 3 };
const atLeast = (actor: Actor, role: Role) => RANK[actor.role] >= RANK[role];

/** Stakeholder writes that only count while the window is open; the task force writes any time. */
const WINDOWED: ReadonlySet<Action> = new Set([
  'comment.create',
  'comment.edit',
  'comment.delete',
  'suggestion.create',
  'suggestion.withdraw',
]);
/** Actions on one's own comment or suggestion only. */
const OWN_ONLY: ReadonlySet<Action> = new Set(['comment.edit', 'comment.delete', 'suggestion.withdraw']);

/**
 * The one permission rule of Margins, used by every REST route and by the collaboration socket.
 * `now` decides whether the draft's consultation window is open.
 */
export function can(actor: Actor, action: Action, resource: Resource = {}, now: Date = new Date()): boolean {
  const { draft } = resource;
  // Nobody may act on a draft they may not read.
  if (draft && draft.visibility === 'private' && !atLeast(actor, 'taskforce')) return false;

  switch (action) {
    case 'draft.read':
      return true;
    case 'draft.edit':
    case 'thread.resolve':
    case 'suggestion.decide':
    case 'contribution.tag':
      return atLeast(actor, 'taskforce');
    case 'draft.create':
    case 'draft.configure':
    case 'people.manage':
      return atLeast(actor, 'admin');
    default:
      break;
  }

  if (!atLeast(actor, 'stakeholder')) return false;
  if (OWN_ONLY.has(action) && (actor.userId === null || resource.ownerId !== actor.userId)) return false;
  if (WINDOWED.has(action) && !atLeast(actor, 'taskforce')) {
    return draft !== undefined && windowState(draft.window, now) === 'open';
  }
  return true;
}
