import * as Y from 'yjs';
import type { ChangeLogEntry } from '../../shared/changelog.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
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
} from '../src/storage/storage.ts';

// Records for the store contract suites (contracts/, run by describeEveryStoreContract) and for
// any test that needs a draft, a person or a thread in storage.

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

/** The text of the editor's content fragment in a Yjs state. */
export function textOf(state: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const text = doc.getXmlFragment(CONTENT_FIELD).toString();
  doc.destroy();
  return text;
}
