import { describe, expect, it } from 'vitest';
import {
  type ConsultationWindow,
  DEFAULT_WINDOW_DAYS,
  defaultWindow,
  type Visibility,
  windowState,
} from './consultation.ts';
import { consultationWindowSchema } from './draftSchemas.ts';
import { ACTIONS, type Action, can } from './permissions.ts';
import { type Actor, ROLES, type Role } from './roles.ts';

const WINDOW: ConsultationWindow = {
  opensAt: '2027-03-01T09:00:00.000Z',
  closesAt: '2027-04-01T17:00:00.000Z',
};
const MOMENTS = {
  'not yet open': new Date('2027-02-15T12:00:00.000Z'),
  open: new Date('2027-03-15T12:00:00.000Z'),
  closed: new Date('2027-04-15T12:00:00.000Z'),
} as const;

const ACTORS: Record<Role, Actor> = {
  visitor: { userId: null, role: 'visitor' },
  stakeholder: { userId: 'alice', role: 'stakeholder' },
  taskforce: { userId: 'tom', role: 'taskforce' },
  admin: { userId: 'chair', role: 'admin' },
};

/**
 * What each role may do, from the role table of issue 3, written out rather than computed.
 *
 * Each string reads, for one draft visibility, the three window states in order
 * (not yet open, open, closed) as pairs of (the actor's own resource, someone else's):
 * `Y` allowed, `.` refused. `['YY YY YY', '.. .. ..']` means "always on a public draft, never
 * on a private one".
 */
const EXPECTED: Record<Role, Record<Action, readonly [publicDraft: string, privateDraft: string]>> = {
  // Reads a public draft live; nothing else, and nothing at all of a private draft.
  visitor: {
    'draft.read': ['YY YY YY', '.. .. ..'],
    'draft.edit': ['.. .. ..', '.. .. ..'],
    'comment.create': ['.. .. ..', '.. .. ..'],
    'comment.edit': ['.. .. ..', '.. .. ..'],
    'comment.delete': ['.. .. ..', '.. .. ..'],
    'suggestion.create': ['.. .. ..', '.. .. ..'],
    'suggestion.withdraw': ['.. .. ..', '.. .. ..'],
    'thread.resolve': ['.. .. ..', '.. .. ..'],
    'suggestion.decide': ['.. .. ..', '.. .. ..'],
    'contribution.tag': ['.. .. ..', '.. .. ..'],
    'draft.create': ['.. .. ..', '.. .. ..'],
    'draft.configure': ['.. .. ..', '.. .. ..'],
    'people.manage': ['.. .. ..', '.. .. ..'],
  },
  // + comments and suggests while the window is open; edits, deletes, withdraws only their own.
  stakeholder: {
    'draft.read': ['YY YY YY', '.. .. ..'],
    'draft.edit': ['.. .. ..', '.. .. ..'],
    'comment.create': ['.. YY ..', '.. .. ..'],
    'comment.edit': ['.. Y. ..', '.. .. ..'],
    'comment.delete': ['.. Y. ..', '.. .. ..'],
    'suggestion.create': ['.. YY ..', '.. .. ..'],
    'suggestion.withdraw': ['.. Y. ..', '.. .. ..'],
    'thread.resolve': ['.. .. ..', '.. .. ..'],
    'suggestion.decide': ['.. .. ..', '.. .. ..'],
    'contribution.tag': ['.. .. ..', '.. .. ..'],
    'draft.create': ['.. .. ..', '.. .. ..'],
    'draft.configure': ['.. .. ..', '.. .. ..'],
    'people.manage': ['.. .. ..', '.. .. ..'],
  },
  // + edits the text, resolves, decides and tags at any time, private drafts included; still
  // touches only their own comments and suggestions.
  taskforce: {
    'draft.read': ['YY YY YY', 'YY YY YY'],
    'draft.edit': ['YY YY YY', 'YY YY YY'],
    'comment.create': ['YY YY YY', 'YY YY YY'],
    'comment.edit': ['Y. Y. Y.', 'Y. Y. Y.'],
    'comment.delete': ['Y. Y. Y.', 'Y. Y. Y.'],
    'suggestion.create': ['YY YY YY', 'YY YY YY'],
    'suggestion.withdraw': ['Y. Y. Y.', 'Y. Y. Y.'],
    'thread.resolve': ['YY YY YY', 'YY YY YY'],
    'suggestion.decide': ['YY YY YY', 'YY YY YY'],
    'contribution.tag': ['YY YY YY', 'YY YY YY'],
    'draft.create': ['.. .. ..', '.. .. ..'],
    'draft.configure': ['.. .. ..', '.. .. ..'],
    'people.manage': ['.. .. ..', '.. .. ..'],
  },
  // + creates and configures drafts, manages people.
  admin: {
    'draft.read': ['YY YY YY', 'YY YY YY'],
    'draft.edit': ['YY YY YY', 'YY YY YY'],
    'comment.create': ['YY YY YY', 'YY YY YY'],
    'comment.edit': ['Y. Y. Y.', 'Y. Y. Y.'],
    'comment.delete': ['Y. Y. Y.', 'Y. Y. Y.'],
    'suggestion.create': ['YY YY YY', 'YY YY YY'],
    'suggestion.withdraw': ['Y. Y. Y.', 'Y. Y. Y.'],
    'thread.resolve': ['YY YY YY', 'YY YY YY'],
    'suggestion.decide': ['YY YY YY', 'YY YY YY'],
    'contribution.tag': ['YY YY YY', 'YY YY YY'],
    'draft.create': ['YY YY YY', 'YY YY YY'],
    'draft.configure': ['YY YY YY', 'YY YY YY'],
    'people.manage': ['YY YY YY', 'YY YY YY'],
  },
};

/** `can`'s answers for one visibility, in the notation of EXPECTED. */
function observed(actor: Actor, action: Action, visibility: Visibility): string {
  const draft = { visibility, window: WINDOW };
  return Object.values(MOMENTS)
    .map((now) =>
      [actor.userId, 'someone-else']
        .map((ownerId) => (can(actor, action, { draft, ownerId }, now) ? 'Y' : '.'))
        .join(''),
    )
    .join(' ');
}

describe('can: the permission matrix (role × action × window × own/other × visibility)', () => {
  it('PERM-1 has an expectation for every role and every action', () => {
    expect(Object.keys(EXPECTED)).toEqual([...ROLES]);
    for (const role of ROLES) expect(Object.keys(EXPECTED[role]).sort()).toEqual([...ACTIONS].sort());
  });

  for (const role of ROLES) {
    describe(role, () => {
      it.each([...ACTIONS])(`%s`, (action) => {
        const actor = ACTORS[role];
        expect([observed(actor, action, 'public'), observed(actor, action, 'private')]).toEqual(
          EXPECTED[role][action],
        );
      });
    });
  }

  it('never lets a visitor own anything, even a resource with no owner', () => {
    const draft = { visibility: 'public' as const, window: WINDOW };
    for (const action of ['comment.edit', 'comment.delete', 'suggestion.withdraw'] as const) {
      expect(can(ACTORS.visitor, action, { draft, ownerId: null }, MOMENTS.open)).toBe(false);
      expect(can(ACTORS.stakeholder, action, { draft, ownerId: null }, MOMENTS.open)).toBe(false);
    }
  });

  it('decides actions outside any draft by role alone; windowed ones need the task force', () => {
    const outside = (role: Role, action: Action) => can(ACTORS[role], action, {}, MOMENTS.open);
    expect(ROLES.filter((role) => outside(role, 'people.manage'))).toEqual(['admin']);
    expect(ROLES.filter((role) => outside(role, 'draft.create'))).toEqual(['admin']);
    expect(ROLES.filter((role) => outside(role, 'draft.read'))).toEqual([...ROLES]);
    // Without a draft there is no open window for a stakeholder to comment in.
    expect(ROLES.filter((role) => outside(role, 'comment.create'))).toEqual(['taskforce', 'admin']);
  });
});

describe('windowState: the consultation window', () => {
  const at = (iso: string) => new Date(iso);

  it('opens exactly at opensAt (inclusive)', () => {
    expect(windowState(WINDOW, at('2027-03-01T08:59:59.999Z'))).toBe('not-yet-open');
    expect(windowState(WINDOW, at('2027-03-01T09:00:00.000Z'))).toBe('open');
  });

  it('closes exactly at closesAt (exclusive)', () => {
    expect(windowState(WINDOW, at('2027-04-01T16:59:59.999Z'))).toBe('open');
    expect(windowState(WINDOW, at('2027-04-01T17:00:00.000Z'))).toBe('closed');
  });

  it('WINDOW-1 lets a stakeholder comment from the first to the last millisecond of the window, not after', () => {
    const draft = { visibility: 'public' as const, window: WINDOW };
    const comment = (iso: string) => can(ACTORS.stakeholder, 'comment.create', { draft }, at(iso));
    expect(comment('2027-03-01T08:59:59.999Z')).toBe(false);
    expect(comment('2027-03-01T09:00:00.000Z')).toBe(true);
    expect(comment('2027-04-01T16:59:59.999Z')).toBe(true);
    expect(comment('2027-04-01T17:00:00.000Z')).toBe(false);
  });

  it('compares instants, whatever time zone offset the window is written in', () => {
    const paris = { opensAt: '2027-03-01T10:00:00+01:00', closesAt: '2027-04-01T19:00:00+02:00' };
    expect(windowState(paris, at('2027-03-01T08:59:59.999Z'))).toBe('not-yet-open');
    expect(windowState(paris, at('2027-03-01T09:00:00.000Z'))).toBe('open');
    expect(windowState(paris, at('2027-04-01T17:00:00.000Z'))).toBe('closed');
  });

  it('accepts windows with a time zone that close after they open, and nothing else', () => {
    expect(consultationWindowSchema.safeParse(WINDOW).success).toBe(true);
    expect(
      consultationWindowSchema.safeParse({ opensAt: WINDOW.closesAt, closesAt: WINDOW.opensAt }).success,
    ).toBe(false);
    expect(
      consultationWindowSchema.safeParse({ opensAt: WINDOW.opensAt, closesAt: WINDOW.opensAt }).success,
    ).toBe(false);
    expect(
      consultationWindowSchema.safeParse({ opensAt: '2027-03-01T09:00:00', closesAt: WINDOW.closesAt })
        .success,
    ).toBe(false);
  });

  it(`WINDOW-4 opens a draft without a window when it is imported and closes it ${DEFAULT_WINDOW_DAYS} days later`, () => {
    const imported = at('2027-01-10T08:30:00.000Z');
    const window = defaultWindow(imported);
    expect(window).toEqual({ opensAt: '2027-01-10T08:30:00.000Z', closesAt: '2027-03-11T08:30:00.000Z' });
    expect(windowState(window, imported)).toBe('open');
  });
});
