import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Anchor } from '../../shared/anchoring/anchor.ts';
import type { ConsultationWindow } from '../../shared/consultation.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { CloseCode } from '../../shared/protocol.ts';
import {
  type LocatedThreadView,
  MAX_COMMENT_LENGTH,
  THREADS_MAP,
  type ThreadView,
  threadsRoomName,
} from '../../shared/threads.ts';
import { READ_ONLY_REASON } from '../src/collab/room.ts';
import type { MarginsServer } from '../src/marginsServer.ts';
import type { Stores } from '../src/storage/stores.ts';
import { anchorIn, editAsBinding, markedText, rangeOf } from './support/anchors.ts';
import { type Call, callApi, synced } from './support/api.ts';
import { type StockClient, stockClient } from './support/collabClient.ts';
import type { Identity } from './support/identities.ts';
import { adminOf, type DraftSeed, seedDraft, signUpAs, windowFrom } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { tempDir } from './support/tempDir.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// One in-memory server for the file; each test makes its own draft and its own people, so that
// one test's posts never count against another's posting limit. Alice and Bruno are
// stakeholders, Tom is the task force, the chair is the admin.

/** "Within a second" of the issue: live assertions retry for at most this long. */
const LIVE_MS = 1000;

const SENTENCE = 'Every contribution gets a published answer.';
const DRAFT_TEXT = `# Listening\n\nWe read everything. ${SENTENCE} Then we decide.\n\n# Deciding\n\nThe task force decides in public.\n`;

let running: TestServer<Stores>;
let server: MarginsServer;
let storage: Stores;
let port: number;
let base: string;
let chair: Identity;

const clients: StockClient[] = [];
const cleanups: (() => Promise<void>)[] = [];

/** A new public draft, open for comments, holding DRAFT_TEXT. */
const draft = (on: Parameters<typeof seedDraft>[0] = storage.drafts, overrides: DraftSeed = {}) =>
  seedDraft(on, { markdown: DRAFT_TEXT, ...overrides });

async function cast(on: MarginsServer = server) {
  return {
    alice: await signUpAs(on.accounts, 'stakeholder', 'Alice'),
    bruno: await signUpAs(on.accounts, 'stakeholder', 'Bruno'),
    tom: await signUpAs(on.accounts, 'taskforce', 'Tom'),
  };
}

function client(room: string, as?: Identity, onPort = port): StockClient {
  const created = stockClient(onPort, room, { cookie: as?.cookie });
  clients.push(created);
  return created;
}

/** The anchor of SENTENCE as a browser synced with the server would build it. */
async function sentenceAnchor(draftId: string, as: Identity, words = SENTENCE): Promise<Anchor> {
  const reader = client(draftId, as);
  await synced(reader);
  return anchorIn(reader.doc.getXmlFragment(CONTENT_FIELD), words);
}

function threadsOf(c: StockClient): Y.Map<ThreadView> {
  return c.doc.getMap<ThreadView>(THREADS_MAP);
}

const threadsPath = (draftId: string) => `/api/drafts/${draftId}/threads`;
const threadPath = (draftId: string, threadId: string) => `${threadsPath(draftId)}/${threadId}`;
const commentPath = (draftId: string, commentId: string) => `/api/drafts/${draftId}/comments/${commentId}`;

async function startThread(draftId: string, as: Identity, body = 'Within what time?'): Promise<ThreadView> {
  const anchor = await sentenceAnchor(draftId, as);
  const created = await call(threadsPath(draftId), { method: 'POST', as, body: { anchor, body } });
  expect(created.status).toBe(201);
  return created.json as ThreadView;
}

async function list(draftId: string, as?: Identity): Promise<LocatedThreadView[]> {
  const listed = await call(threadsPath(draftId), { as });
  expect(listed.status).toBe(200);
  return listed.json as LocatedThreadView[];
}

async function setWindow(draftId: string, window: ConsultationWindow) {
  const changed = await call(`/api/drafts/${draftId}`, { method: 'PATCH', as: chair, body: { window } });
  expect(changed.status).toBe(200);
}

beforeAll(async () => {
  running = await startTestServer();
  ({ server, storage, port, url: base } = running);
  chair = await adminOf(server.accounts);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

afterAll(async () => {
  await running.close();
});

describe('a thread started over REST', () => {
  it('LIVE-3 answers 201 with the thread, and reaches other clients’ text and threads room within a second', async () => {
    const { alice, bruno, tom } = await cast();
    const id = await draft();
    const tomsEditor = client(id, tom);
    const brunosThreads = client(threadsRoomName(id), bruno);
    await synced(tomsEditor, brunosThreads);
    const anchor = await sentenceAnchor(id, alice);

    const created = await call(threadsPath(id), {
      method: 'POST',
      as: alice,
      body: { anchor, body: 'Within what time?' },
    });

    expect(created.status).toBe(201);
    const thread = created.json as ThreadView;
    expect(thread).toEqual({
      id: expect.any(String),
      draftId: id,
      anchor: { start: anchor.start, end: anchor.end },
      quote: { exact: SENTENCE, prefix: 'We read everything. ', suffix: ' Then we decide.' },
      section: 'Listening',
      status: 'open',
      author: { id: alice.user.id, name: 'Alice', role: 'stakeholder', organisation: null },
      createdAt: expect.any(String),
      comments: [
        {
          id: expect.any(String),
          author: { id: alice.user.id, name: 'Alice', role: 'stakeholder', organisation: null },
          body: 'Within what time?',
          language: 'en',
          createdAt: thread.createdAt,
          editedAt: null,
          deleted: false,
        },
      ],
      resolution: null,
      madeOn: null,
    });
    const tomsText = tomsEditor.doc.getXmlFragment(CONTENT_FIELD);
    await eventually(() => expect(markedText(tomsText, thread.id)).toBe(SENTENCE), LIVE_MS);
    expect(tomsEditor.content()).toContain(thread.id);
    await eventually(() => expect(threadsOf(brunosThreads).get(thread.id)).toEqual(thread), LIVE_MS);
    // Everyone who may read the draft sees it listed, visitors included, with where it is now.
    expect(await list(id)).toEqual([{ ...thread, detached: false, recovered: false, currentText: SENTENCE }]);
  });

  it('records the language given with a comment, else the draft’s', async () => {
    const { alice, bruno } = await cast();
    const id = await draft();
    const thread = await startThread(id, alice);
    const anchor = await sentenceAnchor(id, bruno, 'Then we decide.');

    const spanish = await call(threadsPath(id), {
      method: 'POST',
      as: bruno,
      body: { anchor, body: '¿Quién decide?', language: 'es' },
    });
    const reply = await call(`${threadPath(id, thread.id)}/replies`, {
      method: 'POST',
      as: bruno,
      body: { body: 'Et en combien de temps ?', language: 'fr' },
    });

    expect(thread.comments[0]?.language).toBe('en');
    expect((spanish.json as ThreadView).comments[0]?.language).toBe('es');
    expect((reply.json as ThreadView).comments[1]?.language).toBe('fr');
  });

  it('LIVE-3 shows replies, edits, deletions, resolution and reopening live in the threads room', async () => {
    const { alice, bruno, tom } = await cast();
    const id = await draft();
    const watcher = client(threadsRoomName(id));
    await synced(watcher);
    const thread = await startThread(id, alice);
    const live = () => threadsOf(watcher).get(thread.id);
    await eventually(() => expect(live()?.comments).toHaveLength(1), LIVE_MS);

    const replied = await call(`${threadPath(id, thread.id)}/replies`, {
      method: 'POST',
      as: bruno,
      body: { body: 'Good question.' },
    });
    expect(replied.status).toBe(201);
    const reply = (replied.json as ThreadView).comments[1];
    expect(reply).toMatchObject({ body: 'Good question.', author: { id: bruno.user.id }, deleted: false });
    await eventually(
      () => expect(live()?.comments.map((c) => c.body)).toEqual(['Within what time?', 'Good question.']),
      LIVE_MS,
    );

    const first = thread.comments[0]?.id ?? '';
    const edited = await call(commentPath(id, first), {
      method: 'PATCH',
      as: alice,
      body: { body: 'Within how many days?' },
    });
    expect(edited.status).toBe(200);
    await eventually(
      () =>
        expect(live()?.comments[0]).toMatchObject({
          body: 'Within how many days?',
          editedAt: expect.any(String),
        }),
      LIVE_MS,
    );

    const removed = await call(commentPath(id, first), { method: 'DELETE', as: alice });
    expect(removed.status).toBe(200);
    await eventually(() => {
      // "Comment removed": the reply keeps its context.
      expect(live()?.comments[0]).toMatchObject({ id: first, body: '', deleted: true });
      expect(live()?.comments[1]).toMatchObject({ body: 'Good question.', deleted: false });
    }, LIVE_MS);
    // Deleting twice changes nothing; a removed comment cannot be edited back.
    expect((await call(commentPath(id, first), { method: 'DELETE', as: alice })).status).toBe(200);
    expect(
      (await call(commentPath(id, first), { method: 'PATCH', as: alice, body: { body: 'Back' } })).status,
    ).toBe(404);

    const resolved = await call(`${threadPath(id, thread.id)}/resolve`, {
      method: 'POST',
      as: tom,
      body: { note: 'Answered in section 4.' },
    });
    expect(resolved.status).toBe(200);
    await eventually(() => {
      expect(live()?.status).toBe('resolved');
      expect(live()?.resolution).toEqual({
        by: { id: tom.user.id, name: 'Tom', role: 'taskforce', organisation: null },
        at: expect.any(String),
        note: 'Answered in section 4.',
      });
    }, LIVE_MS);

    const reopened = await call(`${threadPath(id, thread.id)}/reopen`, { method: 'POST', as: tom });
    expect(reopened.status).toBe(200);
    await eventually(() => expect(live()).toMatchObject({ status: 'open', resolution: null }), LIVE_MS);

    // Resolving without a note, with an empty body, is allowed too.
    const plain = await call(`${threadPath(id, thread.id)}/resolve`, { method: 'POST', as: tom, body: {} });
    expect((plain.json as ThreadView).resolution?.note).toBeNull();
    await eventually(() => expect(live()).toEqual(plain.json), LIVE_MS);
    expect(await list(id)).toEqual([
      { ...(plain.json as ThreadView), detached: false, recovered: false, currentText: SENTENCE },
    ]);
  });

  it('ANCHOR-3 lists a thread as detached, with its quote, once the task force deletes its words', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const thread = await startThread(id, alice);
    const editor = client(id, tom);
    await synced(editor);
    const text = editor.doc.getXmlFragment(CONTENT_FIELD);
    await eventually(() => expect(markedText(text, thread.id)).toBe(SENTENCE));

    editAsBinding(editor.doc, text, (tr, doc) => {
      const { from, to } = rangeOf(doc, `${SENTENCE} `);
      tr.delete(from, to);
    });

    await eventually(async () => {
      const [located] = await list(id, alice);
      expect(located).toMatchObject({ id: thread.id, detached: true, recovered: false, currentText: null });
      expect(located?.quote).toEqual(thread.quote);
      expect(located?.comments).toHaveLength(1);
    });
  });

  it('LIVE-3 keeps threads through a restart and rebuilds the threads room from storage', async () => {
    const dir = tempDir('margins-threads-');
    const before = await startTestServer({ storage: 'lowdb', dataDir: dir });
    const { port: firstPort, url: firstBase } = before;
    const { alice, tom } = await cast(before.server);
    const id = await draft(before.storage.drafts);
    const reader = client(id, alice, firstPort);
    await synced(reader);
    const anchor = anchorIn(reader.doc.getXmlFragment(CONTENT_FIELD), SENTENCE);
    const created = await call(threadsPath(id), {
      method: 'POST',
      as: alice,
      at: firstBase,
      body: { anchor, body: 'Kept?' },
    });
    const threadId = (created.json as ThreadView).id;
    await call(`${threadPath(id, threadId)}/replies`, {
      method: 'POST',
      as: tom,
      at: firstBase,
      body: { body: 'Kept.' },
    });
    await call(`${threadPath(id, threadId)}/resolve`, {
      method: 'POST',
      as: tom,
      at: firstBase,
      body: { note: 'Done' },
    });
    const listedBefore = (await call(threadsPath(id), { at: firstBase })).json as LocatedThreadView[];
    for (const c of clients.splice(0)) c.destroy();
    await before.close();

    const after = await startTestServer({ storage: 'lowdb', dataDir: dir });
    cleanups.push(() => after.close());
    const secondPort = after.port;
    const watcher = client(threadsRoomName(id), alice, secondPort);
    const editor = client(id, tom, secondPort);

    // Sessions were stored too: the same cookies still work.
    const listedAfter = await call(threadsPath(id), { as: alice, at: `http://127.0.0.1:${secondPort}` });
    expect(listedAfter.json).toEqual(listedBefore);
    expect(listedBefore).toMatchObject([{ status: 'resolved', detached: false, currentText: SENTENCE }]);
    expect(listedBefore[0]?.comments.map((c) => c.body)).toEqual(['Kept?', 'Kept.']);
    const { detached: _d, recovered: _r, currentText: _c, ...view } = listedBefore[0] as LocatedThreadView;
    await eventually(() => expect(threadsOf(watcher).get(threadId)).toEqual(view), LIVE_MS);
    await eventually(() =>
      expect(markedText(editor.doc.getXmlFragment(CONTENT_FIELD), threadId)).toBe(SENTENCE),
    );
  });

  it('LIVE-3 ignores what a client writes to the threads room, even the task force’s', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const forger = client(threadsRoomName(id), tom);
    const watcher = client(threadsRoomName(id), alice);
    await synced(forger, watcher);

    threadsOf(forger).set('forged', { id: 'forged' } as ThreadView);
    // A thread the server writes afterwards reaches the watcher; the forged one never does.
    const thread = await startThread(id, alice);

    await eventually(() => expect(threadsOf(watcher).get(thread.id)).toBeDefined(), LIVE_MS);
    await eventually(() => expect(threadsOf(forger).get(thread.id)).toBeDefined(), LIVE_MS);
    expect(threadsOf(watcher).has('forged')).toBe(false);
    expect(server.registry.loaded(threadsRoomName(id))?.doc.getMap(THREADS_MAP).has('forged')).toBe(false);
    expect(forger.permissionDenied).toEqual([READ_ONLY_REASON]);
    expect(watcher.permissionDenied).toEqual([READ_ONLY_REASON]);
  });
});

describe('who may do what on threads', () => {
  /** Every write endpoint, with a valid body, on `thread` and its first comment. */
  function writes(draftId: string, thread: ThreadView, anchor?: Anchor) {
    const commentId = thread.comments[0]?.id ?? '';
    return {
      post: { path: threadsPath(draftId), method: 'POST', body: { anchor, body: 'Another point.' } },
      reply: { path: `${threadPath(draftId, thread.id)}/replies`, method: 'POST', body: { body: 'Agreed.' } },
      edit: { path: commentPath(draftId, commentId), method: 'PATCH', body: { body: 'Reworded.' } },
      delete: { path: commentPath(draftId, commentId), method: 'DELETE', body: undefined },
      resolve: { path: `${threadPath(draftId, thread.id)}/resolve`, method: 'POST', body: { note: 'Done' } },
      reopen: { path: `${threadPath(draftId, thread.id)}/reopen`, method: 'POST', body: undefined },
    };
  }

  async function attempt(request: { path: string; method: string; body: unknown }, as?: Identity) {
    return call(request.path, { method: request.method, body: request.body, as });
  }

  it('PERM-5 lets a visitor read threads but answers every write with 401 unauthenticated', async () => {
    const { alice } = await cast();
    const id = await draft();
    const thread = await startThread(id, alice);
    const anchor = await sentenceAnchor(id, alice, 'Then we decide.');

    for (const [name, request] of Object.entries(writes(id, thread, anchor))) {
      const answer = await attempt(request);
      expect({ name, status: answer.status, code: answer.json?.error?.code }).toEqual({
        name,
        status: 401,
        code: 'unauthenticated',
      });
    }
    expect(await list(id)).toMatchObject([{ id: thread.id, comments: [{ body: 'Within what time?' }] }]);
  });

  it('PERM-5 answers a stakeholder’s resolve and reopen with 403 forbidden, whatever the window', async () => {
    const { alice } = await cast();
    const id = await draft();
    const thread = await startThread(id, alice);
    const requests = writes(id, thread);

    for (const window of [windowFrom(-1, 30), windowFrom(-30, -1), windowFrom(1, 30)]) {
      await setWindow(id, window);
      for (const request of [requests.resolve, requests.reopen]) {
        const answer = await attempt(request, alice);
        expect(answer.status).toBe(403);
        expect(answer.json.error.code).toBe('forbidden');
      }
    }
    expect((await list(id))[0]?.status).toBe('open');
  });

  it('PERM-5 answers a stakeholder editing or deleting someone else’s comment with 403 forbidden', async () => {
    const { alice, bruno, tom } = await cast();
    const id = await draft();
    const thread = await startThread(id, alice);
    const requests = writes(id, thread);

    for (const as of [bruno, tom]) {
      for (const request of [requests.edit, requests.delete]) {
        const answer = await attempt(request, as);
        expect(answer.status).toBe(403);
        expect(answer.json.error.code).toBe('forbidden');
      }
    }
    expect((await list(id))[0]?.comments[0]).toMatchObject({
      body: 'Within what time?',
      editedAt: null,
      deleted: false,
    });
  });

  it.each([
    ['closed', () => windowFrom(-30, -1)],
    ['not yet open', () => windowFrom(1, 30)],
  ])(
    'WINDOW-1 WINDOW-2 refuses a stakeholder’s writes while the window is %s (403 consultation_closed); the task force still posts',
    async (_state, window) => {
      const { alice, tom } = await cast();
      const id = await draft();
      const thread = await startThread(id, alice);
      const anchor = await sentenceAnchor(id, alice, 'Then we decide.');
      await setWindow(id, window());
      const requests = writes(id, thread, anchor);

      for (const request of [requests.post, requests.reply, requests.edit, requests.delete]) {
        const answer = await attempt(request, alice);
        expect(answer.status).toBe(403);
        expect(answer.json.error.code).toBe('consultation_closed');
      }
      expect((await attempt(requests.post, tom)).status).toBe(201);
      expect((await attempt(requests.reply, tom)).status).toBe(201);
      const [first] = await list(id);
      expect(first?.comments.map((c) => c.body)).toEqual(['Within what time?', 'Agreed.']);
    },
  );

  it('PERM-3 answers 404 to stakeholders for everything about a private draft’s threads', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const thread = await startThread(id, alice);
    const anchor = await sentenceAnchor(id, tom, 'Then we decide.');
    const changed = await call(`/api/drafts/${id}`, {
      method: 'PATCH',
      as: chair,
      body: { visibility: 'private' },
    });
    expect(changed.status).toBe(200);
    const closes: number[] = [];
    const outsider = client(threadsRoomName(id), alice);
    outsider.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));

    expect((await call(threadsPath(id), { as: alice })).status).toBe(404);
    for (const request of Object.values(writes(id, thread, anchor))) {
      const answer = await attempt(request, alice);
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe('not_found');
    }
    await eventually(() => expect(closes).toContain(CloseCode.DraftNotFound));
    expect(await list(id, tom)).toMatchObject([{ id: thread.id }]);
  });
});

describe('what threads accept', () => {
  it('LIMIT-4 names a field that was left out as required, not as a type error', async () => {
    const { alice } = await cast();
    const id = await draft();
    const anchor = await sentenceAnchor(id, alice);
    const { quote, ...withoutQuote } = anchor;
    const answer = await call(threadsPath(id), {
      method: 'POST',
      as: alice,
      body: { anchor: { ...withoutQuote, quote: { exact: quote.exact } } },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.details).toEqual(
      expect.arrayContaining([
        { path: 'body', message: 'required (string)' },
        { path: 'anchor.quote.prefix', message: 'required (string)' },
      ]),
    );
  });

  it('LIMIT-5 refuses an empty body or one over 10,000 characters with 400 validation_failed', async () => {
    const { alice } = await cast();
    const id = await draft();
    const anchor = await sentenceAnchor(id, alice);
    const thread = await startThread(id, alice);
    const commentId = thread.comments[0]?.id ?? '';
    const tooLong = 'x'.repeat(MAX_COMMENT_LENGTH + 1);

    for (const body of ['', '   ', tooLong]) {
      const answers = [
        await call(threadsPath(id), { method: 'POST', as: alice, body: { anchor, body } }),
        await call(`${threadPath(id, thread.id)}/replies`, { method: 'POST', as: alice, body: { body } }),
        await call(commentPath(id, commentId), { method: 'PATCH', as: alice, body: { body } }),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(answer.json.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'body' }] });
      }
    }
    const unknownField = await call(`${threadPath(id, thread.id)}/replies`, {
      method: 'POST',
      as: alice,
      body: { body: 'Hi', status: 'resolved' },
    });
    expect(unknownField.status).toBe(400);
    const longest = await call(`${threadPath(id, thread.id)}/replies`, {
      method: 'POST',
      as: alice,
      body: { body: 'y'.repeat(MAX_COMMENT_LENGTH) },
    });
    expect(longest.status).toBe(201);
    expect(await list(id)).toHaveLength(1);
  });

  it('ANCHOR-5 refuses an anchor whose quote is not the text between its ends with 409 anchor_invalid', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const watcher = client(id, tom);
    await synced(watcher);
    const anchor = await sentenceAnchor(id, alice);

    const answer = await call(threadsPath(id), {
      method: 'POST',
      as: alice,
      body: {
        anchor: { ...anchor, quote: { ...anchor.quote, exact: 'Every contribution gets an answer.' } },
        body: 'Hm',
      },
    });

    expect(answer.status).toBe(409);
    expect(answer.json.error.code).toBe('anchor_invalid');
    expect(await storage.threads.listThreads(id)).toEqual([]);
    expect(watcher.content()).not.toContain('comment');
  });

  it('ANCHOR-5 refuses garbage positions with 409 anchor_invalid or 400, never storing a thread', async () => {
    const { alice } = await cast();
    const id = await draft();
    const anchor = await sentenceAnchor(id, alice);
    // A real position, but into a document the server has never seen.
    const elsewhere = new Y.Doc();
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(SENTENCE)]);
    elsewhere.getXmlFragment(CONTENT_FIELD).insert(0, [paragraph]);
    const foreign = anchorIn(elsewhere.getXmlFragment(CONTENT_FIELD), SENTENCE);
    const otherType = Y.encodeRelativePosition(
      Y.createRelativePositionFromTypeIndex(elsewhere.getText('other'), 0),
    );
    const positions: [string, string][] = [
      [anchor.end, anchor.start], // swapped: an empty or backwards passage
      [anchor.start, anchor.start],
      [foreign.start, foreign.end],
      [Buffer.from(otherType).toString('base64'), anchor.end],
      ['AAAA', anchor.end],
      [anchor.start, 'AQID'],
      ['/////w==', anchor.end],
      [Buffer.from('not a position at all').toString('base64'), anchor.end],
    ];
    const syntax: [string, string][] = [
      ['not base64!', anchor.end],
      ['', anchor.end],
    ];

    for (const [start, end] of positions) {
      const answer = await call(threadsPath(id), {
        method: 'POST',
        as: alice,
        body: { anchor: { ...anchor, start, end }, body: 'Hm' },
      });
      expect({ start, end, status: answer.status, code: answer.json?.error?.code }).toEqual({
        start,
        end,
        status: 409,
        code: 'anchor_invalid',
      });
    }
    for (const [start, end] of syntax) {
      const answer = await call(threadsPath(id), {
        method: 'POST',
        as: alice,
        body: { anchor: { ...anchor, start, end }, body: 'Hm' },
      });
      expect(answer.status).toBe(400);
      expect(answer.json.error.code).toBe('validation_failed');
    }
    expect(await storage.threads.listThreads(id)).toEqual([]);
    // Resolving the position rooted in "other" did not create that type in the live document.
    expect(server.registry.loaded(id)?.doc.share.has('other')).toBe(false);
  });

  it('answers 404 for a thread or comment that does not exist, or belongs to another draft', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const other = await draft();
    const thread = await startThread(other, alice);
    const commentId = thread.comments[0]?.id ?? '';
    const missing = [
      call(`${threadPath(id, 'no-such-thread')}/replies`, {
        method: 'POST',
        as: alice,
        body: { body: 'Hi' },
      }),
      call(`${threadPath(id, 'no-such-thread')}/resolve`, { method: 'POST', as: tom, body: {} }),
      call(`${threadPath(id, 'no-such-thread')}/reopen`, { method: 'POST', as: tom }),
      call(commentPath(id, 'no-such-comment'), { method: 'PATCH', as: alice, body: { body: 'Hi' } }),
      call(commentPath(id, 'no-such-comment'), { method: 'DELETE', as: alice }),
      call(`${threadPath(id, thread.id)}/replies`, { method: 'POST', as: alice, body: { body: 'Hi' } }),
      call(`${threadPath(id, thread.id)}/resolve`, { method: 'POST', as: tom, body: {} }),
      call(commentPath(id, commentId), { method: 'PATCH', as: alice, body: { body: 'Hi' } }),
      call(commentPath(id, commentId), { method: 'DELETE', as: alice }),
      call(threadsPath('no-such-draft'), {}),
    ];

    for (const answer of await Promise.all(missing)) {
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe('not_found');
    }
    expect((await list(other))[0]).toMatchObject({
      status: 'open',
      comments: [{ body: 'Within what time?' }],
    });
  });

  it('LIMIT-5 refuses a resolution note over 2,000 characters', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const thread = await startThread(id, alice);
    const answer = await call(`${threadPath(id, thread.id)}/resolve`, {
      method: 'POST',
      as: tom,
      body: { note: 'n'.repeat(2001) },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'note' }] });
  });

  it('LIMIT-11 answers a person’s 31st post within a minute with 429 rate_limited and Retry-After', async () => {
    const { alice, bruno } = await cast();
    const id = await draft();
    const thread = await startThread(id, alice);
    for (let i = 2; i <= 30; i++) {
      const reply = await call(`${threadPath(id, thread.id)}/replies`, {
        method: 'POST',
        as: alice,
        body: { body: `Point ${i}` },
      });
      expect(reply.status).toBe(201);
    }

    const refused = await call(`${threadPath(id, thread.id)}/replies`, {
      method: 'POST',
      as: alice,
      body: { body: 'One more' },
    });

    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const anchor = await sentenceAnchor(id, alice, 'Then we decide.');
    const newThread = await call(threadsPath(id), {
      method: 'POST',
      as: alice,
      body: { anchor, body: 'And this?' },
    });
    expect(newThread.status).toBe(429);
    // The limit is per person.
    const other = await call(`${threadPath(id, thread.id)}/replies`, {
      method: 'POST',
      as: bruno,
      body: { body: 'Me too' },
    });
    expect(other.status).toBe(201);
    expect((await list(id))[0]?.comments).toHaveLength(31);
  });
});

/** `callApi` on this file's server, or on another one (`at`). */
function call(pathname: string, { at = base, ...options }: Call & { at?: string } = {}) {
  return callApi(at, pathname, options);
}
