import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ChangeLogEntry } from '../../shared/changelog.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import {
  type CommentRecord,
  type DocumentJournal,
  DraftExistsError,
  type DraftRecord,
  EmailTakenError,
  type InviteRecord,
  LogConflictError,
  type SessionRecord,
  type Storage,
  type SuggestionPatch,
  type SuggestionRecord,
  type ThreadRecord,
  UnknownDraftError,
  UnknownRecordError,
  UnknownUserError,
  type UserRecord,
  type VersionRecord,
} from '../src/storage/storage.ts';

export interface StorageUnderTest {
  storage: Storage;
  /** Closes `storage` and opens the same data again; only persistent implementations have it. */
  reopen?: () => Promise<Storage>;
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

function textOf(state: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const text = doc.getXmlFragment(CONTENT_FIELD).toString();
  doc.destroy();
  return text;
}

/**
 * The behaviour every `Storage` implementation must show (see `server/src/storage/storage.ts`).
 * Run it once per implementation; `makeStorage` gives a fresh, empty store for each test.
 */
export function describeStorageContract(name: string, makeStorage: () => Promise<StorageUnderTest>): void {
  describe(`${name} (storage contract)`, () => {
    let subject: StorageUnderTest;
    let storage: Storage;

    beforeEach(async () => {
      subject = await makeStorage();
      storage = subject.storage;
    });

    afterEach(async () => {
      await storage.close();
    });

    it('starts with no drafts', async () => {
      expect(await storage.listDrafts()).toEqual([]);
    });

    it('creates a draft that is then listed and found by id', async () => {
      const record = draftRecord('first-draft', { title: 'Stratégie d’ouverture', language: 'fr' });
      await storage.createDraft(record, yjsStateWithText('hello'));

      expect(await storage.listDrafts()).toEqual([record]);
      expect(await storage.getDraft('first-draft')).toEqual(record);
    });

    it('lists every draft it holds', async () => {
      await storage.createDraft(draftRecord('alpha'), yjsStateWithText('a'));
      await storage.createDraft(draftRecord('beta'), yjsStateWithText('b'));
      await storage.createDraft(draftRecord('gamma-2027'), yjsStateWithText('c'));

      const ids = (await storage.listDrafts()).map((draft) => draft.id).sort();
      expect(ids).toEqual(['alpha', 'beta', 'gamma-2027']);
    });

    it('answers undefined for a draft it does not hold', async () => {
      expect(await storage.getDraft('no-such-draft')).toBeUndefined();
    });

    it('refuses a second draft with the same id and keeps the first one unchanged', async () => {
      const original = yjsStateWithText('original');
      await storage.createDraft(draftRecord('taken', { title: 'Original' }), original);

      await expect(
        storage.createDraft(draftRecord('taken', { title: 'Impostor' }), yjsStateWithText('impostor')),
      ).rejects.toBeInstanceOf(DraftExistsError);

      expect((await storage.getDraft('taken'))?.title).toBe('Original');
      expect(await storage.loadDocument('taken')).toEqual(original);
      expect(await storage.listDrafts()).toHaveLength(1);
    });

    it('refuses a duplicate id even when both creations run at the same time', async () => {
      const results = await Promise.allSettled([
        storage.createDraft(draftRecord('racing', { title: 'One' }), yjsStateWithText('one')),
        storage.createDraft(draftRecord('racing', { title: 'Two' }), yjsStateWithText('two')),
      ]);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((result) => result.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(DraftExistsError);
      expect(await storage.listDrafts()).toHaveLength(1);
    });

    it('returns the initial document bytes exactly as given', async () => {
      const state = yjsStateWithText('Año, señor: « l’été »');
      await storage.createDraft(draftRecord('round-trip'), state);

      const loaded = await storage.loadDocument('round-trip');
      expect(loaded).toEqual(state);
      expect(textOf(loaded ?? new Uint8Array())).toContain('Año, señor: « l’été »');
    });

    it('round-trips every byte value', async () => {
      const everyByte = Uint8Array.from({ length: 1024 }, (_, i) => i % 256);
      await storage.createDraft(draftRecord('binary'), yjsStateWithText('x'));
      await storage.saveDocument('binary', everyByte);

      expect(await storage.loadDocument('binary')).toEqual(everyByte);
    });

    it('replaces the document on save and loads the saved bytes', async () => {
      await storage.createDraft(draftRecord('edited'), yjsStateWithText('before'));
      const after = yjsStateWithText('after');
      await storage.saveDocument('edited', after);

      const loaded = await storage.loadDocument('edited');
      expect(loaded).toEqual(after);
      expect(textOf(loaded ?? new Uint8Array())).toContain('after');
    });

    it('keeps its own copy of the bytes, unaffected by later changes to the caller’s array', async () => {
      const state = yjsStateWithText('stable');
      const expected = state.slice();
      await storage.createDraft(draftRecord('copied'), state);
      state.fill(0);

      const loaded = await storage.loadDocument('copied');
      expect(loaded).toEqual(expected);
      loaded?.fill(0);
      expect(await storage.loadDocument('copied')).toEqual(expected);
    });

    it('keeps its own copy of a record, unaffected by changes to a returned one', async () => {
      await storage.createDraft(draftRecord('immutable', { title: 'Kept' }), yjsStateWithText('x'));

      const listed = await storage.listDrafts();
      const found = await storage.getDraft('immutable');
      if (listed[0]) listed[0].title = 'Changed through the list';
      if (found) found.title = 'Changed through get';

      expect((await storage.getDraft('immutable'))?.title).toBe('Kept');
    });

    it('rejects saving a document of a draft it does not hold', async () => {
      await expect(storage.saveDocument('no-such-draft', yjsStateWithText('lost'))).rejects.toBeInstanceOf(
        UnknownDraftError,
      );
      expect(await storage.getDraft('no-such-draft')).toBeUndefined();
    });

    it('moves updatedAt forward on save and leaves createdAt alone', async () => {
      const record = draftRecord('dated');
      await storage.createDraft(record, yjsStateWithText('x'));
      const before = Date.now();

      await storage.saveDocument('dated', yjsStateWithText('y'));

      const saved = await storage.getDraft('dated');
      expect(saved?.createdAt).toBe(record.createdAt);
      expect(saved?.updatedAt).not.toBe(record.updatedAt);
      expect(Date.parse(saved?.updatedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    });

    it('answers undefined when loading the document of an unknown or impossible id', async () => {
      expect(await storage.loadDocument('no-such-draft')).toBeUndefined();
      expect(await storage.loadDocument('../margins')).toBeUndefined();
      expect(await storage.loadDocument('')).toBeUndefined();
    });

    it('changes only the draft settings it is given, and returns the updated draft', async () => {
      const record = draftRecord('configured');
      await storage.createDraft(record, yjsStateWithText('x'));
      const window = { opensAt: '2027-03-01T09:00:00.000Z', closesAt: '2027-04-01T17:00:00+02:00' };

      const updated = await storage.updateDraft('configured', { visibility: 'private', window });

      expect(updated).toEqual({ ...record, visibility: 'private', window });
      expect(await storage.getDraft('configured')).toEqual(updated);
      expect(await storage.updateDraft('configured', { title: 'Renamed' })).toEqual({
        ...updated,
        title: 'Renamed',
      });
    });

    it('rejects settings for a draft it does not hold', async () => {
      await expect(storage.updateDraft('no-such-draft', { visibility: 'private' })).rejects.toBeInstanceOf(
        UnknownDraftError,
      );
    });

    it('keeps its own copy of draft settings, unaffected by the caller’s objects', async () => {
      await storage.createDraft(draftRecord('settled'), yjsStateWithText('x'));
      const window = { opensAt: '2027-03-01T09:00:00.000Z', closesAt: '2027-04-01T09:00:00.000Z' };

      const updated = await storage.updateDraft('settled', { window });
      window.closesAt = '2099-01-01T00:00:00.000Z';
      updated.window.opensAt = '1999-01-01T00:00:00.000Z';

      expect((await storage.getDraft('settled'))?.window).toEqual({
        opensAt: '2027-03-01T09:00:00.000Z',
        closesAt: '2027-04-01T09:00:00.000Z',
      });
    });

    it('creates a person, then found by id and by email, and listed', async () => {
      const alice = userRecord('alice', { organisation: 'Open Data NGO', sector: 'civil-society' });
      await storage.createUser(alice);
      await storage.createUser(userRecord('tom'));

      expect(await storage.getUser('alice')).toEqual(alice);
      expect(await storage.findUserByEmail('alice@example.org')).toEqual(alice);
      expect((await storage.listUsers()).map((user) => user.id).sort()).toEqual(['alice', 'tom']);
      expect(await storage.getUser('nobody')).toBeUndefined();
      expect(await storage.findUserByEmail('nobody@example.org')).toBeUndefined();
    });

    it('refuses a second person with an email in use, and keeps the first', async () => {
      await storage.createUser(userRecord('alice', { name: 'Alice' }));

      await expect(
        storage.createUser(userRecord('impostor', { email: 'alice@example.org', name: 'Impostor' })),
      ).rejects.toBeInstanceOf(EmailTakenError);

      expect(await storage.listUsers()).toHaveLength(1);
      expect((await storage.findUserByEmail('alice@example.org'))?.name).toBe('Alice');
    });

    it('refuses a duplicate email even when both creations run at the same time', async () => {
      const results = await Promise.allSettled([
        storage.createUser(userRecord('one', { email: 'same@example.org' })),
        storage.createUser(userRecord('two', { email: 'same@example.org' })),
      ]);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(await storage.listUsers()).toHaveLength(1);
    });

    it('changes a role and returns the updated person; an unknown person is an error', async () => {
      await storage.createUser(userRecord('tom'));

      expect(await storage.setUserRole('tom', 'taskforce')).toEqual(userRecord('tom', { role: 'taskforce' }));
      expect((await storage.getUser('tom'))?.role).toBe('taskforce');
      await expect(storage.setUserRole('nobody', 'admin')).rejects.toBeInstanceOf(UnknownUserError);
    });

    it('keeps its own copy of people, unaffected by changes to given or returned records', async () => {
      const given = userRecord('alice');
      await storage.createUser(given);
      given.role = 'admin';
      const found = await storage.getUser('alice');
      if (found) found.role = 'admin';
      const listed = await storage.listUsers();
      if (listed[0]) listed[0].role = 'admin';
      const byEmail = await storage.findUserByEmail('alice@example.org');
      if (byEmail) byEmail.role = 'admin';
      const changed = await storage.setUserRole('alice', 'taskforce');
      changed.role = 'admin';

      expect((await storage.getUser('alice'))?.role).toBe('taskforce');
    });

    it('keeps a session until it is deleted, and deletes only that one', async () => {
      await storage.createSession(sessionRecord('session-a', 'alice'));
      await storage.createSession(sessionRecord('session-b', 'alice'));

      expect(await storage.getSession('session-a')).toEqual(sessionRecord('session-a', 'alice'));
      await storage.deleteSession('session-a');
      await storage.deleteSession('no-such-session');

      expect(await storage.getSession('session-a')).toBeUndefined();
      expect(await storage.getSession('session-b')).toEqual(sessionRecord('session-b', 'alice'));
    });

    it('keeps its own copy of a session', async () => {
      const given = sessionRecord('session-a', 'alice');
      await storage.createSession(given);
      given.userId = 'mallory';
      const found = await storage.getSession('session-a');
      if (found) found.expiresAt = '3999-01-01T00:00:00.000Z';

      expect(await storage.getSession('session-a')).toEqual(sessionRecord('session-a', 'alice'));
    });

    it('finds an invite by its token hash and lists it', async () => {
      const invite = inviteRecord('invite-1', { email: 'tom@example.org' });
      await storage.createInvite(invite);
      await storage.createInvite(inviteRecord('invite-2', { role: 'admin' }));

      expect(await storage.findInviteByTokenHash('hash-of-invite-1')).toEqual(invite);
      expect(await storage.findInviteByTokenHash('hash-of-nothing')).toBeUndefined();
      expect((await storage.listInvites()).map((each) => each.id).sort()).toEqual(['invite-1', 'invite-2']);
    });

    it('lets an invite be claimed only once, and records who claimed it', async () => {
      await storage.createInvite(inviteRecord('invite-1'));

      expect(await storage.claimInvite('invite-1', 'tom', '2024-02-01T00:00:00.000Z')).toBe(true);
      expect(await storage.claimInvite('invite-1', 'mallory', '2024-02-02T00:00:00.000Z')).toBe(false);
      expect(await storage.claimInvite('no-such-invite', 'mallory', '2024-02-02T00:00:00.000Z')).toBe(false);

      expect(await storage.findInviteByTokenHash('hash-of-invite-1')).toMatchObject({
        usedAt: '2024-02-01T00:00:00.000Z',
        usedBy: 'tom',
      });
    });

    it('lets only one of two simultaneous claims of an invite win', async () => {
      await storage.createInvite(inviteRecord('invite-1'));

      const results = await Promise.all([
        storage.claimInvite('invite-1', 'tom', '2024-02-01T00:00:00.000Z'),
        storage.claimInvite('invite-1', 'mallory', '2024-02-01T00:00:00.000Z'),
      ]);

      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? 'tom' : 'mallory';
      expect((await storage.findInviteByTokenHash('hash-of-invite-1'))?.usedBy).toBe(winner);
    });

    it('keeps its own copy of an invite', async () => {
      const given = inviteRecord('invite-1');
      await storage.createInvite(given);
      given.role = 'admin';
      const found = await storage.findInviteByTokenHash('hash-of-invite-1');
      if (found) found.usedAt = '2024-02-01T00:00:00.000Z';
      const listed = await storage.listInvites();
      if (listed[0]) listed[0].email = 'mallory@example.org';

      expect(await storage.findInviteByTokenHash('hash-of-invite-1')).toEqual(inviteRecord('invite-1'));
    });

    it('stores a thread with its first comment, found by id and listed with its draft’s', async () => {
      const thread = threadRecord('thread-1');
      const first = commentRecord('comment-1', 'thread-1');
      await storage.createThread(thread, first);
      await storage.createThread(threadRecord('thread-2'), commentRecord('comment-2', 'thread-2'));
      await storage.createThread(
        threadRecord('elsewhere', { draftId: 'other' }),
        commentRecord('comment-3', 'elsewhere', { draftId: 'other' }),
      );

      expect(await storage.getThread('thread-1')).toEqual(thread);
      expect(await storage.getComment('comment-1')).toEqual(first);
      expect((await storage.listThreads('consulted')).map((t) => t.id).sort()).toEqual([
        'thread-1',
        'thread-2',
      ]);
      expect(await storage.listThreads('other')).toEqual([threadRecord('elsewhere', { draftId: 'other' })]);
      expect(await storage.listThreads('no-such-draft')).toEqual([]);
      expect(await storage.listComments('no-such-draft')).toEqual([]);
    });

    it('answers undefined for a thread or comment it does not hold', async () => {
      expect(await storage.getThread('no-such-thread')).toBeUndefined();
      expect(await storage.getComment('no-such-comment')).toBeUndefined();
    });

    it('lists a draft’s comments across its threads, oldest first', async () => {
      const at = (minute: number) => `2024-01-02T03:${String(minute).padStart(2, '0')}:00.000Z`;
      await storage.createThread(threadRecord('t1'), commentRecord('c1', 't1', { createdAt: at(1) }));
      await storage.createThread(threadRecord('t2'), commentRecord('c2', 't2', { createdAt: at(2) }));
      await storage.addComment(commentRecord('c3', 't1', { authorId: 'bruno', createdAt: at(3) }));
      await storage.addComment(commentRecord('c4', 't2', { createdAt: at(4) }));
      await storage.createThread(
        threadRecord('t3', { draftId: 'other' }),
        commentRecord('c5', 't3', { draftId: 'other', createdAt: at(5) }),
      );

      expect((await storage.listComments('consulted')).map((c) => c.id)).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(await storage.getComment('c3')).toEqual(
        commentRecord('c3', 't1', { authorId: 'bruno', createdAt: at(3) }),
      );
    });

    it('refuses a comment on a thread it does not hold, and stores nothing', async () => {
      await expect(storage.addComment(commentRecord('stray', 'no-such-thread'))).rejects.toBeInstanceOf(
        UnknownRecordError,
      );

      expect(await storage.getComment('stray')).toBeUndefined();
      expect(await storage.listComments('consulted')).toEqual([]);
    });

    it('changes only the given fields of a thread and returns it; an unknown thread is an error', async () => {
      await storage.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
      const resolution = {
        status: 'resolved' as const,
        resolvedBy: 'tom',
        resolvedAt: '2024-02-01T00:00:00.000Z',
        resolutionNote: 'Answered in section 4',
      };

      const resolved = await storage.updateThread('t1', resolution);

      expect(resolved).toEqual(threadRecord('t1', resolution));
      expect(await storage.getThread('t1')).toEqual(resolved);
      expect(
        await storage.updateThread('t1', {
          status: 'open',
          resolvedBy: null,
          resolvedAt: null,
          resolutionNote: null,
        }),
      ).toEqual(threadRecord('t1'));
      await expect(storage.updateThread('no-such-thread', { status: 'resolved' })).rejects.toBeInstanceOf(
        UnknownRecordError,
      );
      expect(await storage.getThread('no-such-thread')).toBeUndefined();
    });

    it('changes only the given fields of a comment and returns it; an unknown comment is an error', async () => {
      await storage.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
      await storage.addComment(commentRecord('c2', 't1'));

      const edited = await storage.updateComment('c1', {
        body: 'Reworded',
        editedAt: '2024-02-01T00:00:00.000Z',
      });
      const deleted = await storage.updateComment('c2', { deletedAt: '2024-02-02T00:00:00.000Z' });

      expect(edited).toEqual(
        commentRecord('c1', 't1', { body: 'Reworded', editedAt: '2024-02-01T00:00:00.000Z' }),
      );
      expect(deleted).toEqual(commentRecord('c2', 't1', { deletedAt: '2024-02-02T00:00:00.000Z' }));
      expect(await storage.listComments('consulted')).toEqual([edited, deleted]);
      await expect(storage.updateComment('no-such-comment', { body: 'x' })).rejects.toBeInstanceOf(
        UnknownRecordError,
      );
    });

    it('keeps its own copy of threads and comments, unaffected by given or returned records', async () => {
      const thread = threadRecord('t1');
      const first = commentRecord('c1', 't1');
      const reply = commentRecord('c2', 't1');
      await storage.createThread(thread, first);
      await storage.addComment(reply);
      thread.status = 'resolved';
      thread.anchor.quote.exact = 'changed by the caller';
      first.body = 'changed by the caller';
      reply.body = 'changed by the caller';
      const found = await storage.getThread('t1');
      if (found) found.anchor.quote.exact = 'changed through get';
      const listed = await storage.listThreads('consulted');
      if (listed[0]) listed[0].status = 'resolved';
      const updated = await storage.updateThread('t1', { resolutionNote: null });
      updated.anchor.start = 'changed';
      const comment = await storage.getComment('c1');
      if (comment) comment.body = 'changed through get';
      const comments = await storage.listComments('consulted');
      if (comments[1]) comments[1].body = 'changed through the list';
      const edited = await storage.updateComment('c1', { editedAt: '2024-02-01T00:00:00.000Z' });
      edited.body = 'changed through update';

      expect(await storage.getThread('t1')).toEqual(threadRecord('t1'));
      expect(await storage.listComments('consulted')).toEqual([
        commentRecord('c1', 't1', { editedAt: '2024-02-01T00:00:00.000Z' }),
        commentRecord('c2', 't1'),
      ]);
    });

    it('stores a suggestion, found by id and listed with its draft’s', async () => {
      const suggestion = suggestionRecord('s1');
      await storage.createSuggestion(suggestion);
      await storage.createSuggestion(suggestionRecord('s2', { text: '', createdBy: 'bruno' }));
      await storage.createSuggestion(suggestionRecord('elsewhere', { draftId: 'other' }));

      expect(await storage.getSuggestion('s1')).toEqual(suggestion);
      expect((await storage.listSuggestions('consulted')).map((s) => s.id).sort()).toEqual(['s1', 's2']);
      expect(await storage.listSuggestions('other')).toEqual([
        suggestionRecord('elsewhere', { draftId: 'other' }),
      ]);
      expect(await storage.listSuggestions('no-such-draft')).toEqual([]);
      // Suggestions are not threads.
      expect(await storage.listThreads('consulted')).toEqual([]);
      expect(await storage.getThread('s1')).toBeUndefined();
    });

    it('answers undefined for a suggestion it does not hold', async () => {
      await storage.createThread(threadRecord('t1'), commentRecord('c1', 't1'));

      expect(await storage.getSuggestion('no-such-suggestion')).toBeUndefined();
      expect(await storage.getSuggestion('t1')).toBeUndefined();
    });

    it('keeps replies on a suggestion with the draft’s comments', async () => {
      await storage.createSuggestion(suggestionRecord('s1'));

      await storage.addComment(commentRecord('c1', 's1'));

      expect(await storage.listComments('consulted')).toEqual([commentRecord('c1', 's1')]);
      expect(await storage.getComment('c1')).toEqual(commentRecord('c1', 's1'));
    });

    it('changes only the given fields of a suggestion and returns it; an unknown suggestion is an error', async () => {
      await storage.createSuggestion(suggestionRecord('s1'));
      await storage.createSuggestion(suggestionRecord('s2'));

      const accepted = await storage.updateSuggestion('s1', acceptance());

      expect(accepted).toEqual(suggestionRecord('s1', acceptance()));
      expect(await storage.getSuggestion('s1')).toEqual(accepted);
      const reversion = {
        status: 'reverted' as const,
        revertedBy: 'tess',
        revertedAt: '2024-02-02T00:00:00.000Z',
        revertRationale: null,
      };
      expect(await storage.updateSuggestion('s1', reversion)).toEqual(
        suggestionRecord('s1', { ...acceptance(), ...reversion }),
      );
      expect(await storage.getSuggestion('s2')).toEqual(suggestionRecord('s2'));
      await expect(
        storage.updateSuggestion('no-such-suggestion', { status: 'withdrawn' }),
      ).rejects.toBeInstanceOf(UnknownRecordError);
      expect(await storage.getSuggestion('no-such-suggestion')).toBeUndefined();
    });

    it('keeps its own copy of suggestions, unaffected by given or returned records', async () => {
      const suggestion = suggestionRecord('s1');
      await storage.createSuggestion(suggestion);
      suggestion.status = 'accepted';
      suggestion.anchor.quote.exact = 'changed by the caller';
      const found = await storage.getSuggestion('s1');
      if (found) found.anchor.quote.exact = 'changed through get';
      const listed = await storage.listSuggestions('consulted');
      if (listed[0]) listed[0].text = 'changed through the list';
      const patch = acceptance();
      const updated = await storage.updateSuggestion('s1', patch);
      if (patch.applied) patch.applied.anchor.quote.exact = 'changed by the caller';
      if (patch.applied) patch.applied.replacedText = 'changed by the caller';
      if (updated.applied) updated.applied.replacedText = 'changed through update';
      updated.anchor.start = 'changed';

      expect(await storage.getSuggestion('s1')).toEqual(suggestionRecord('s1', acceptance()));
    });

    it('appends a draft’s change-log entries in order, each draft its own sequence', async () => {
      await storage.appendLogEntry(logEntry('consulted', 1));
      await storage.appendLogEntry(logEntry('other', 1));
      await storage.appendLogEntry(logEntry('consulted', 2));
      expect((await storage.listLog('consulted')).map((e) => e.seq)).toEqual([1, 2]);
      expect(await storage.lastLogEntry('consulted')).toEqual(logEntry('consulted', 2));
      expect(await storage.lastLogEntry('nothing-logged')).toBeUndefined();
      expect(await storage.listLog('other')).toEqual([logEntry('other', 1)]);
      expect(await storage.listLog('nothing-logged')).toEqual([]);
    });

    it('refuses a change-log entry that is not the next one, so the chain cannot fork', async () => {
      await storage.appendLogEntry(logEntry('consulted', 1));
      await expect(storage.appendLogEntry(logEntry('consulted', 1))).rejects.toBeInstanceOf(LogConflictError);
      await expect(storage.appendLogEntry(logEntry('consulted', 3))).rejects.toBeInstanceOf(LogConflictError);
      await expect(storage.appendLogEntry(logEntry('fresh', 2))).rejects.toBeInstanceOf(LogConflictError);
      expect(await storage.listLog('consulted')).toHaveLength(1);
    });

    it('stores versions, found by id and listed oldest first with their draft’s', async () => {
      const first = versionRecord('v1', 'consulted', 'Draft for consultation');
      await storage.createVersion(first);
      await storage.createVersion(versionRecord('v2', 'consulted', 'Revision'));
      await storage.createVersion(versionRecord('elsewhere', 'other', 'Other'));
      expect(await storage.getVersion('v1')).toEqual(first);
      expect(await storage.getVersion('missing')).toBeUndefined();
      expect((await storage.listVersions('consulted')).map((v) => v.name)).toEqual([
        'Draft for consultation',
        'Revision',
      ]);
    });

    describe('the journal saved with a document', () => {
      function journal(userId: string): DocumentJournal {
        return {
          authors: { '1234567': userId },
          bursts: [
            {
              id: `burst-${userId}`,
              userId,
              startedAt: '2027-01-01T10:00:00.000Z',
              lastAt: '2027-01-01T10:00:30.000Z',
              clients: { '1234567': 3 },
              deletes: 'AAA=',
            },
          ],
          intents: [
            {
              id: 'intent-1',
              kind: 'suggestion.accepted',
              suggestionId: 's1',
              patch: { status: 'accepted', decidedBy: userId },
              log: { userId, at: '2027-01-01T10:01:00.000Z', section: null, changes: [], rationale: null },
            },
          ],
        };
      }

      it('is empty for a draft saved without one, and for a draft it does not hold', async () => {
        await storage.createDraft(draftRecord('plain'), yjsStateWithText('x'));
        expect(await storage.loadJournal('plain')).toEqual({ authors: {}, bursts: [], intents: [] });
        expect(await storage.loadJournal('no-such-draft')).toEqual({ authors: {}, bursts: [], intents: [] });
        expect(await storage.loadJournal('../impossible')).toEqual({ authors: {}, bursts: [], intents: [] });
      });

      it('loads exactly as it was saved, with the state it was saved with', async () => {
        await storage.createDraft(draftRecord('journaled'), yjsStateWithText('x'));
        const state = yjsStateWithText('written by alice');
        await storage.saveDocument('journaled', state, journal('alice'));

        expect(await storage.loadJournal('journaled')).toEqual(journal('alice'));
        expect(await storage.loadDocument('journaled')).toEqual(state);
        expect(await storage.loadDocumentWithJournal('journaled')).toEqual({
          state,
          journal: journal('alice'),
        });
        expect(await storage.loadDocumentWithJournal('no-such-draft')).toEqual({
          state: undefined,
          journal: { authors: {}, bursts: [], intents: [] },
        });
      });

      it('is replaced at every save together with the state; a save without one empties it', async () => {
        await storage.createDraft(draftRecord('journaled'), yjsStateWithText('x'));
        await storage.saveDocument('journaled', yjsStateWithText('alice'), journal('alice'));
        const bobs = yjsStateWithText('bob');
        await storage.saveDocument('journaled', bobs, journal('bob'));
        expect(await storage.loadJournal('journaled')).toEqual(journal('bob'));
        expect(await storage.loadDocument('journaled')).toEqual(bobs);

        await storage.saveDocument('journaled', yjsStateWithText('nobody'));
        expect(await storage.loadJournal('journaled')).toEqual({ authors: {}, bursts: [], intents: [] });
      });

      it('keeps its own copy, unaffected by the caller’s object or a loaded one', async () => {
        await storage.createDraft(draftRecord('journaled'), yjsStateWithText('x'));
        const given = journal('alice');
        await storage.saveDocument('journaled', yjsStateWithText('y'), given);
        given.authors['1234567'] = 'mallory';
        (await storage.loadJournal('journaled')).bursts.length = 0;

        expect(await storage.loadJournal('journaled')).toEqual(journal('alice'));
      });

      it('is kept with its state after being closed and reopened', async (ctx) => {
        if (!subject.reopen) ctx.skip('this storage keeps nothing beyond the process');
        await storage.createDraft(draftRecord('journaled'), yjsStateWithText('x'));
        const state = yjsStateWithText('written by alice');
        await storage.saveDocument('journaled', state, journal('alice'));

        storage = await (subject.reopen as () => Promise<Storage>)();

        expect(await storage.loadJournal('journaled')).toEqual(journal('alice'));
        expect(await storage.loadDocument('journaled')).toEqual(state);
      });
    });

    it('keeps the change log and versions after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this storage keeps nothing beyond the process');
      await storage.appendLogEntry(logEntry('consulted', 1));
      await storage.createVersion(versionRecord('v1', 'consulted', 'Draft for consultation'));
      storage = await (subject.reopen as () => Promise<Storage>)();
      expect(await storage.listLog('consulted')).toEqual([logEntry('consulted', 1)]);
      expect(await storage.getVersion('v1')).toEqual(
        versionRecord('v1', 'consulted', 'Draft for consultation'),
      );
    });

    it('keeps suggestions and their decisions after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this storage keeps nothing beyond the process');
      await storage.createSuggestion(suggestionRecord('s1'));
      await storage.createSuggestion(suggestionRecord('s2', { text: '' }));
      const accepted = await storage.updateSuggestion('s1', acceptance());
      await storage.addComment(commentRecord('c1', 's1'));

      storage = await (subject.reopen as () => Promise<Storage>)();

      expect(await storage.getSuggestion('s1')).toEqual(accepted);
      expect(await storage.listSuggestions('consulted')).toEqual([
        accepted,
        suggestionRecord('s2', { text: '' }),
      ]);
      expect(await storage.listComments('consulted')).toEqual([commentRecord('c1', 's1')]);
    });

    it('keeps threads and comments after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this storage keeps nothing beyond the process');
      await storage.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
      await storage.addComment(commentRecord('c2', 't1'));
      const resolved = await storage.updateThread('t1', { status: 'resolved', resolvedBy: 'tom' });
      const deleted = await storage.updateComment('c1', { deletedAt: '2024-02-02T00:00:00.000Z' });

      storage = await (subject.reopen as () => Promise<Storage>)();

      expect(await storage.listThreads('consulted')).toEqual([resolved]);
      expect(await storage.listComments('consulted')).toEqual([deleted, commentRecord('c2', 't1')]);
    });

    it('keeps people, sessions, invites and draft settings after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this storage keeps nothing beyond the process');
      await storage.createDraft(draftRecord('kept'), yjsStateWithText('x'));
      const settings = await storage.updateDraft('kept', { visibility: 'private' });
      await storage.createUser(userRecord('alice'));
      await storage.setUserRole('alice', 'taskforce');
      await storage.createSession(sessionRecord('session-a', 'alice'));
      await storage.createInvite(inviteRecord('invite-1'));
      await storage.claimInvite('invite-1', 'alice', '2024-02-01T00:00:00.000Z');

      storage = await (subject.reopen as () => Promise<Storage>)();

      expect(await storage.getDraft('kept')).toEqual(settings);
      expect(await storage.getUser('alice')).toEqual(userRecord('alice', { role: 'taskforce' }));
      expect(await storage.getSession('session-a')).toEqual(sessionRecord('session-a', 'alice'));
      expect((await storage.findInviteByTokenHash('hash-of-invite-1'))?.usedBy).toBe('alice');
    });

    it('keeps drafts, documents and save times after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this storage keeps nothing beyond the process');
      const state = yjsStateWithText('persisted');
      await storage.createDraft(draftRecord('durable', { title: 'Durable', language: 'es' }), state);
      const edited = yjsStateWithText('persisted and edited');
      await storage.saveDocument('durable', edited);
      const before = await storage.getDraft('durable');

      storage = await (subject.reopen as () => Promise<Storage>)();

      expect(await storage.listDrafts()).toEqual([before]);
      expect(await storage.loadDocument('durable')).toEqual(edited);
    });
  });
}
