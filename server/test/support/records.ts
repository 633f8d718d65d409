import * as Y from 'yjs';
import type { SignUp } from '../../../shared/auth.ts';
import type { ChangeLogEntry } from '../../../shared/changelog.ts';
import type { ConsultationWindow } from '../../../shared/consultation.ts';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import type { AccountRole } from '../../../shared/roles.ts';
import { type AccountService, actorOf } from '../../src/accounts/accountService.ts';
import { markdownToYjsState } from '../../src/drafts/markdown.ts';
import type {
  CommentRecord,
  DraftRecord,
  InviteRecord,
  SessionRecord,
  SuggestionPatch,
  SuggestionRecord,
  ThreadRecord,
  UserRecord,
  VersionRecord,
} from '../../src/storage/storage.ts';
import type { DraftStore } from '../../src/storage/stores.ts';
import { type Identity, sessionCookie, TEST_PASSWORD } from './identities.ts';

// What tests create, in one place: stored records as storage holds them, drafts put straight into
// a store, consultation windows, sign-up forms, and people signed up on a running server. Every
// record has fixed, readable values in the past (so a save visibly moves `updatedAt`); the
// `overrides` change what a test is about.

export const DAY_MS = 24 * 3600 * 1000;

/** A consultation window from `startDays` to `endDays` from now (negative: in the past). */
export function windowFrom(startDays: number, endDays: number): ConsultationWindow {
  const now = Date.now();
  return {
    opensAt: new Date(now + startDays * DAY_MS).toISOString(),
    closesAt: new Date(now + endDays * DAY_MS).toISOString(),
  };
}

/** A draft record whose timestamps lie in the past, so that a save visibly moves `updatedAt`. */
export function draftRecord(id: string, overrides: Partial<DraftRecord> = {}): DraftRecord {
  return {
    id,
    title: `Draft ${id}`,
    language: 'en',
    visibility: 'public',
    window: { opensAt: '2024-01-01T00:00:00.000Z', closesAt: '2024-03-01T00:00:00.000Z' },
    createdAt: '2024-01-02T03:04:05.000Z',
    updatedAt: '2024-01-02T03:04:05.000Z',
    ...overrides,
  };
}

export function userRecord(id: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    email: `${id}@example.org`,
    name: `Person ${id}`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    role: 'stakeholder',
    organisation: null,
    sector: null,
    country: null,
    language: null,
    createdAt: '2024-01-02T03:04:05.000Z',
    ...overrides,
  };
}

/** A session that expires long after any test runs (expired ones may be swept). */
export function sessionRecord(id: string, userId: string): SessionRecord {
  return { id, userId, createdAt: '2024-01-02T03:04:05.000Z', expiresAt: '2999-01-01T00:00:00.000Z' };
}

export function inviteRecord(id: string, overrides: Partial<InviteRecord> = {}): InviteRecord {
  return {
    id,
    tokenHash: `hash-of-${id}`,
    role: 'taskforce',
    email: null,
    createdBy: 'chair',
    createdAt: '2024-01-02T03:04:05.000Z',
    expiresAt: '2999-01-01T00:00:00.000Z',
    usedAt: null,
    usedBy: null,
    ...overrides,
  };
}

/** A change-log entry of `draftId` with sequence number `seq` (hashes are placeholders: storage does not check them). */
export function logEntry(draftId: string, seq: number): ChangeLogEntry {
  return {
    seq,
    at: `2027-01-0${Math.min(seq, 9)}T10:00:00.000Z`,
    draftId,
    actor: { id: 'alice', name: 'Alice Martin', role: 'stakeholder', organisation: 'Río Verde' },
    type: 'thread.opened',
    section: 'Écoute',
    changes: [],
    rationale: null,
    threadId: `thread-${seq}`,
    suggestionId: null,
    versionId: null,
    detail: '« tout »',
    prevHash: String(seq - 1).padStart(64, '0'),
    hash: String(seq).padStart(64, '0'),
  };
}

export function versionRecord(id: string, draftId: string, name: string): VersionRecord {
  return {
    id,
    draftId,
    name,
    createdBy: 'tom',
    createdAt: '2027-01-10T09:00:00.000Z',
    content: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Versión' }] }] },
    logSeq: 1,
  };
}

/** A thread on the draft `consulted`, opened by `alice`. */
export function threadRecord(id: string, overrides: Partial<ThreadRecord> = {}): ThreadRecord {
  return {
    id,
    draftId: 'consulted',
    anchor: {
      start: 'AAHW8eYHDAA=',
      end: 'AAHW8eYHHP8B',
      quote: { exact: 'a published answer', prefix: 'Every contribution gets ', suffix: '. Then we decide.' },
    },
    section: 'Listening',
    status: 'open',
    createdBy: 'alice',
    createdAt: '2024-01-02T03:04:05.000Z',
    resolvedBy: null,
    resolvedAt: null,
    resolutionNote: null,
    ...overrides,
  };
}

/** An open suggestion on the draft `consulted`, made by `alice`. */
export function suggestionRecord(id: string, overrides: Partial<SuggestionRecord> = {}): SuggestionRecord {
  return {
    id,
    draftId: 'consulted',
    anchor: {
      start: 'AAHW8eYHDAA=',
      end: 'AAHW8eYHHP8B',
      quote: { exact: 'a published answer', prefix: 'Every contribution gets ', suffix: '. Then we decide.' },
    },
    text: 'a written answer\nwithin « 30 jours »',
    justification: 'People want a date.',
    section: 'Listening',
    status: 'open',
    createdBy: 'alice',
    createdAt: '2024-01-02T03:04:05.000Z',
    decidedBy: null,
    decidedAt: null,
    rationale: null,
    applied: null,
    revertedBy: null,
    revertedAt: null,
    revertRationale: null,
    ...overrides,
  };
}

/** What accepting a suggestion records: where the new words are, and the replaced content. */
export function acceptance(): SuggestionPatch {
  return {
    status: 'accepted',
    decidedBy: 'tom',
    decidedAt: '2024-02-01T00:00:00.000Z',
    rationale: 'A date is a promise we can keep.',
    applied: {
      anchor: {
        start: 'AAHW8eYHDAB=',
        end: 'AAHW8eYHHP8C',
        quote: { exact: 'a written answer', prefix: 'gets ', suffix: '' },
      },
      replaced: {
        content: [
          {
            type: 'paragraph',
            content: [{ type: 'text', text: 'a published answer', marks: [{ type: 'bold' }] }],
          },
        ],
        openStart: 1,
        openEnd: 1,
      },
      replacedText: 'a published answer',
    },
  };
}

/** A comment in `threadId` (on the draft `consulted`), written by `alice`. */
export function commentRecord(
  id: string,
  threadId: string,
  overrides: Partial<CommentRecord> = {},
): CommentRecord {
  return {
    id,
    threadId,
    draftId: 'consulted',
    authorId: 'alice',
    body: `Comment ${id}: « l’été » — 100 %`,
    language: 'fr',
    createdAt: '2024-01-02T03:04:05.000Z',
    editedAt: null,
    deletedAt: null,
    ...overrides,
  };
}

/** A real Yjs state holding `text` in the editor's content fragment. */
export function yjsStateWithText(text: string): Uint8Array {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment(CONTENT_FIELD).insert(0, [paragraph]);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/** The text of the editor's content fragment in a Yjs state (empty when there is none). */
export function textOf(state: Uint8Array | undefined): string {
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  const text = doc.getXmlFragment(CONTENT_FIELD).toString();
  doc.destroy();
  return text;
}

export interface DraftSeed extends Partial<DraftRecord> {
  /** The draft's text as Markdown, as a draft file holds it. */
  markdown?: string;
  /** Or one paragraph of plain text (`yjsStateWithText`); `'Text'` when neither is given. */
  text?: string;
}

let nextDraft = 1;

/**
 * Creates a draft straight in a draft store (`storage.drafts`), as an import would, and returns
 * its id: public, its consultation open (from yesterday for 30 days), with a new id on each call
 * unless `seed.id` names one. The server need not be told: it reads drafts from storage when asked.
 */
export async function seedDraft(
  drafts: Pick<DraftStore, 'createDraft'>,
  seed: DraftSeed = {},
): Promise<string> {
  const { markdown, text = 'Text', id = `draft-${nextDraft++}`, ...overrides } = seed;
  const state = markdown === undefined ? yjsStateWithText(text) : markdownToYjsState(markdown);
  await drafts.createDraft(draftRecord(id, { window: windowFrom(-1, 30), ...overrides }), state);
  return id;
}

let nextAccount = 1;

/** An address nobody has used yet in this test file: `<who>-<n>@example.org`. */
export function freshEmail(who = 'person'): string {
  return `${who}-${nextAccount++}@example.org`;
}

/** A sign-up form for `name` with a fresh address and `TEST_PASSWORD`; `extra` adds or replaces fields. */
export function signUpForm(name: string, extra: Partial<SignUp> & Record<string, unknown> = {}) {
  const local = name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
  return { name, email: freshEmail(local), password: TEST_PASSWORD, ...extra };
}

/** The administrator `ensureAdmin` creates on each service; signed in once and reused. */
const admins = new WeakMap<AccountService, Promise<Identity>>();

/** The first admin of a server's accounts, signed in (the same one on every call). */
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
