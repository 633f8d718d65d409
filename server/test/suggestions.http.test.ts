import { initProseMirrorDoc } from '@tiptap/y-tiptap';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { QUOTE_CONTEXT } from '../../shared/anchoring/anchor.ts';
import { encodePosition, relativePositionAt } from '../../shared/anchoring/positions.ts';
import type { ConsultationWindow } from '../../shared/consultation.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import {
  type LocatedSuggestionView,
  MAX_JUSTIFICATION_LENGTH,
  MAX_SUGGESTION_LENGTH,
  SUGGESTIONS_MAP,
  type SuggestionAnchor,
  type SuggestionView,
} from '../../shared/suggestions.ts';
import { threadsRoomName } from '../../shared/threads.ts';
import type { MarginsServer } from '../src/marginsServer.ts';
import { contentSchema } from '../src/passages/passages.ts';
import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import type { SuggestionPatch, SuggestionRecord } from '../src/storage/storage.ts';
import type { Stores } from '../src/storage/stores.ts';
import { anchorIn, editAsBinding, pointAnchorAfter, rangeOf, textMarkedAs } from './support/anchors.ts';
import { type Call, callApi, synced } from './support/api.ts';
import { type StockClient, stockClient } from './support/collabClient.ts';
import { ForwardingSuggestionStore, withStores } from './support/fakeStores.ts';
import type { Identity } from './support/identities.ts';
import { adminOf, seedDraft, signUpAs, windowFrom } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// One in-memory server for the file; each test makes its own draft and its own people, so that
// one test's posts never count against another's posting limit. Alice and Bruno are
// stakeholders, Tom and Tess are the task force, the chair is the admin.

/** "Within a second" of the issue: live assertions retry for at most this long. */
const LIVE_MS = 1000;

const PASSAGE = 'a published answer';
const SENTENCE = `Every contribution gets ${PASSAGE}.`;
const LISTENING = `We read everything. ${SENTENCE} Then we decide.`;
const DECIDING = 'The task force decides in public and explains why.';
const DRAFT_TEXT = `# Listening\n\n${LISTENING}\n\n# Deciding\n\nThe task force decides **in public** and explains why.\n`;
/** The draft's blocks as DRAFT_TEXT makes them. */
const BLOCKS = ['Listening', LISTENING, 'Deciding', DECIDING];

/**
 * A suggestion store whose reads and writes can be slowed down, so that two requests deciding at
 * the same moment really overlap (in memory each would otherwise finish before the other is even
 * parsed).
 */
class SlowableSuggestions extends ForwardingSuggestionStore {
  delayMs = 0;

  private pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }

  override async getSuggestion(id: string): Promise<SuggestionRecord | undefined> {
    if (this.delayMs) await this.pause();
    return super.getSuggestion(id);
  }

  override async updateSuggestion(id: string, patch: SuggestionPatch): Promise<SuggestionRecord> {
    if (this.delayMs) await this.pause();
    return super.updateSuggestion(id, patch);
  }
}

let running: TestServer<Stores>;
let server: MarginsServer;
let storage: Stores;
let slowSuggestions: SlowableSuggestions;
let port: number;
let base: string;
let chair: Identity;

const clients: StockClient[] = [];

/** A new public draft, open for contributions, holding DRAFT_TEXT. */
const draft = () => seedDraft(storage.drafts, { markdown: DRAFT_TEXT });

async function cast() {
  return {
    alice: await signUpAs(server.accounts, 'stakeholder', 'Alice'),
    bruno: await signUpAs(server.accounts, 'stakeholder', 'Bruno'),
    tom: await signUpAs(server.accounts, 'taskforce', 'Tom'),
    tess: await signUpAs(server.accounts, 'taskforce', 'Tess'),
  };
}

function client(room: string, as?: Identity): StockClient {
  const created = stockClient(port, room, { cookie: as?.cookie });
  clients.push(created);
  return created;
}

/** A client of the draft's text, synced. */
async function editor(draftId: string, as?: Identity): Promise<StockClient> {
  const created = client(draftId, as);
  await synced(created);
  return created;
}

function fragmentOf(c: StockClient): Y.XmlFragment {
  return c.doc.getXmlFragment(CONTENT_FIELD);
}

/** The anchor of `words` as a browser synced with the server would build it. */
async function anchorOf(draftId: string, as: Identity, words = PASSAGE): Promise<SuggestionAnchor> {
  return anchorIn(fragmentOf(await editor(draftId, as)), words);
}

/** The anchor of an insertion just after `words`, as a browser would build it. */
async function pointAfter(draftId: string, as: Identity, words: string): Promise<SuggestionAnchor> {
  return pointAnchorAfter(fragmentOf(await editor(draftId, as)), words);
}

/** The text of each block of a client's copy of the draft (or of a document), as the editor shows it. */
function blocksOf(source: StockClient | Y.Doc): string[] {
  const fragment = source instanceof Y.Doc ? source.getXmlFragment(CONTENT_FIELD) : fragmentOf(source);
  const { doc } = initProseMirrorDoc(fragment, contentSchema);
  const blocks: string[] = [];
  doc.descendants((node) => {
    if (!node.isTextblock) return true;
    blocks.push(node.textContent);
    return false;
  });
  return blocks;
}

/** Waits until the server's copy of the draft holds `words`: a client's edit has reached it. */
async function serverHas(draftId: string, words: string): Promise<void> {
  await eventually(() => {
    const live = server.registry.loaded(draftId)?.liveDoc;
    expect(live ? blocksOf(live).join('\n') : '').toContain(words);
  });
}

/** The names of the marks on each text node of `words` in a client's copy of the draft. */
function marksOn(c: StockClient, words: string): string[][] {
  const { doc } = initProseMirrorDoc(fragmentOf(c), contentSchema);
  const { from, to } = rangeOf(doc, words);
  const marks: string[][] = [];
  doc.nodesBetween(from, to, (node) => {
    if (node.isText) marks.push(node.marks.map((mark) => mark.type.name));
  });
  return marks;
}

function suggestionsOf(c: StockClient): Y.Map<SuggestionView> {
  return c.doc.getMap<SuggestionView>(SUGGESTIONS_MAP);
}

const suggestionsPath = (draftId: string) => `/api/drafts/${draftId}/suggestions`;
const suggestionPath = (draftId: string, id: string) => `${suggestionsPath(draftId)}/${id}`;
const commentPath = (draftId: string, commentId: string) => `/api/drafts/${draftId}/comments/${commentId}`;

type Verb = 'accept' | 'reject' | 'withdraw' | 'revert' | 'replies';

/** `POST …/suggestions/:id/<verb>` with `body` (an empty object unless given). */
function act(draftId: string, id: string, verb: Verb, as: Identity | undefined, body: unknown = {}) {
  return call(`${suggestionPath(draftId, id)}/${verb}`, { method: 'POST', as, body });
}

/** Suggests replacing `words` with `text`; expects 201. */
async function suggest(
  draftId: string,
  as: Identity,
  text: string,
  words = PASSAGE,
  extra: { anchor?: SuggestionAnchor; justification?: string } = {},
): Promise<SuggestionView> {
  const anchor = extra.anchor ?? (await anchorOf(draftId, as, words));
  const body = { anchor, text, ...(extra.justification ? { justification: extra.justification } : {}) };
  const created = await call(suggestionsPath(draftId), { method: 'POST', as, body });
  expect(created.status).toBe(201);
  return created.json as SuggestionView;
}

async function list(draftId: string, as?: Identity): Promise<LocatedSuggestionView[]> {
  const listed = await call(suggestionsPath(draftId), { as });
  expect(listed.status).toBe(200);
  return listed.json as LocatedSuggestionView[];
}

async function listed(
  draftId: string,
  id: string,
  as?: Identity,
): Promise<LocatedSuggestionView | undefined> {
  return (await list(draftId, as)).find((s) => s.id === id);
}

async function setWindow(draftId: string, window: ConsultationWindow) {
  const changed = await call(`/api/drafts/${draftId}`, { method: 'PATCH', as: chair, body: { window } });
  expect(changed.status).toBe(200);
}

function person(who: Identity, name: string, role: 'stakeholder' | 'taskforce') {
  return { id: who.user.id, name, role, organisation: null };
}

beforeAll(async () => {
  const memory = new MemoryStorage();
  slowSuggestions = new SlowableSuggestions(memory.suggestions);
  running = await startTestServer({ storage: withStores(memory, { suggestions: slowSuggestions }) });
  ({ server, storage, port, url: base } = running);
  chair = await adminOf(server.accounts);
});

afterEach(() => {
  slowSuggestions.delayMs = 0;
  for (const c of clients.splice(0)) c.destroy();
});

afterAll(async () => {
  await running.close();
});

describe('a suggested edit', () => {
  it('LIVE-3 answers 201 and reaches the threads room within a second, leaving the words as they are with a mark on them', async () => {
    const { alice, bruno, tom } = await cast();
    const id = await draft();
    const tomsEditor = await editor(id, tom);
    const brunosThreads = client(threadsRoomName(id), bruno);
    await synced(brunosThreads);
    const anchor = await anchorOf(id, alice);

    const created = await call(suggestionsPath(id), {
      method: 'POST',
      as: alice,
      body: { anchor, text: 'a written answer within 30 days', justification: 'People want a date.' },
    });

    expect(created.status).toBe(201);
    const suggestion = created.json as SuggestionView;
    expect(suggestion).toEqual({
      id: expect.any(String),
      draftId: id,
      anchor: { start: anchor.start, end: anchor.end },
      quote: anchor.quote,
      text: 'a written answer within 30 days',
      justification: 'People want a date.',
      section: 'Listening',
      status: 'open',
      author: person(alice, 'Alice', 'stakeholder'),
      createdAt: expect.any(String),
      comments: [],
      decision: null,
      reversion: null,
      replacedText: null,
      madeOn: null,
    });
    expect(anchor.quote).toMatchObject({ exact: PASSAGE, suffix: '. Then we decide.' });
    await eventually(
      () => expect(suggestionsOf(brunosThreads).get(suggestion.id)).toEqual(suggestion),
      LIVE_MS,
    );
    await eventually(
      () => expect(textMarkedAs(fragmentOf(tomsEditor), suggestion.id)).toBe(PASSAGE),
      LIVE_MS,
    );
    expect(blocksOf(tomsEditor)).toEqual(BLOCKS);
    // Everyone who may read the draft sees it listed, visitors included, with where it is now.
    expect(await list(id)).toEqual([
      { ...suggestion, outdated: false, detached: false, currentText: PASSAGE },
    ]);
  });

  it('SUGGEST-1 puts the new wording into every connected copy of the draft once the task force accepts, with who decided and why', async () => {
    const { alice, bruno, tom, tess } = await cast();
    const id = await draft();
    const suggestion = await suggest(id, alice, 'a written answer within 30 days');
    const copies = [
      await editor(id, alice),
      await editor(id, bruno),
      await editor(id, tess),
      await editor(id),
    ];
    const watcher = client(threadsRoomName(id), bruno);
    await synced(watcher);
    for (const copy of copies) {
      await eventually(() => expect(textMarkedAs(fragmentOf(copy), suggestion.id)).toBe(PASSAGE));
    }

    const accepted = await act(id, suggestion.id, 'accept', tom, {
      rationale: 'A date is a promise we can keep.',
    });

    expect(accepted.status).toBe(200);
    const view = accepted.json as SuggestionView;
    expect(view).toEqual({
      ...suggestion,
      status: 'accepted',
      decision: {
        by: person(tom, 'Tom', 'taskforce'),
        at: expect.any(String),
        rationale: 'A date is a promise we can keep.',
      },
      replacedText: PASSAGE,
    });
    const expected = [...BLOCKS];
    expected[1] =
      'We read everything. Every contribution gets a written answer within 30 days. Then we decide.';
    for (const copy of copies) {
      await eventually(() => expect(blocksOf(copy)).toEqual(expected), LIVE_MS);
      // The suggestion's mark went with the words it replaced.
      expect(textMarkedAs(fragmentOf(copy), suggestion.id)).toBe('');
    }
    await eventually(() => expect(suggestionsOf(watcher).get(suggestion.id)).toEqual(view), LIVE_MS);
    expect(await list(id, alice)).toEqual([{ ...view, outdated: false, detached: false, currentText: null }]);
  });

  it('turns each line break of the proposed text into a new paragraph', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const copy = await editor(id, tom);
    const suggestion = await suggest(
      id,
      alice,
      'Every contribution gets an answer.\nAnswers are published within 30 days.\r\nNobody is left out.',
      SENTENCE,
    );
    expect(suggestion.text).toBe(
      'Every contribution gets an answer.\nAnswers are published within 30 days.\nNobody is left out.',
    );

    expect((await act(id, suggestion.id, 'accept', tom)).status).toBe(200);

    await eventually(
      () =>
        expect(blocksOf(copy)).toEqual([
          'Listening',
          'We read everything. Every contribution gets an answer.',
          'Answers are published within 30 days.',
          'Nobody is left out. Then we decide.',
          'Deciding',
          DECIDING,
        ]),
      LIVE_MS,
    );
  });

  it('gives the new words the formatting of the first replaced word', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const copy = await editor(id, alice);
    // "in public" is bold, "and explains why" is not.
    const suggestion = await suggest(id, alice, 'openly, giving reasons', 'in public and explains why');

    expect((await act(id, suggestion.id, 'accept', tom)).status).toBe(200);

    await eventually(
      () => expect(blocksOf(copy)[3]).toBe('The task force decides openly, giving reasons.'),
      LIVE_MS,
    );
    expect(marksOn(copy, 'openly, giving reasons')).toEqual([['bold']]);
    expect(marksOn(copy, 'The task force decides ')).toEqual([[]]);
  });

  it('inserts words at a point when the quote is empty, even after text was typed before it', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const tomsEditor = await editor(id, tom);
    const anchor = await pointAfter(id, alice, 'We read everything.');
    expect(anchor.quote).toEqual({
      exact: '',
      prefix: 'We read everything.',
      suffix: ` ${SENTENCE}`.slice(0, QUOTE_CONTEXT),
    });
    const suggestion = await suggest(id, alice, ' Nothing is ignored.', '', { anchor });
    expect(suggestion.quote.exact).toBe('');
    expect(await listed(id, suggestion.id)).toMatchObject({
      outdated: false,
      detached: false,
      currentText: '',
    });

    editAsBinding(tomsEditor.doc, fragmentOf(tomsEditor), (tr, doc) => {
      tr.insertText('Truly, ', rangeOf(doc, 'We read everything.').from);
    });
    await serverHas(id, 'Truly, We read');
    expect(await listed(id, suggestion.id)).toMatchObject({ outdated: false, currentText: '' });
    expect((await act(id, suggestion.id, 'accept', tom)).status).toBe(200);

    await eventually(
      () =>
        expect(blocksOf(tomsEditor)[1]).toBe(
          `Truly, We read everything. Nothing is ignored. ${SENTENCE} Then we decide.`,
        ),
      LIVE_MS,
    );
  });

  it('deletes the passage when the proposed text is empty', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const copy = await editor(id, alice);
    const suggestion = await suggest(id, alice, '', `${SENTENCE} `);
    expect(suggestion.text).toBe('');

    expect((await act(id, suggestion.id, 'accept', tom)).status).toBe(200);

    await eventually(() => expect(blocksOf(copy)[1]).toBe('We read everything. Then we decide.'), LIVE_MS);
    expect((await listed(id, suggestion.id))?.replacedText).toBe(`${SENTENCE} `);
  });

  it('SAVE-1 applies an accepted suggestion, and saves it, even when nobody has the draft open', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const reader = await editor(id, alice);
    const anchor = anchorIn(fragmentOf(reader), PASSAGE);
    clients.splice(clients.indexOf(reader), 1);
    reader.destroy();
    await eventually(() => expect(server.registry.loaded(id)).toBeUndefined());
    const suggestion = await suggest(id, alice, 'a written answer', PASSAGE, { anchor });
    await eventually(() => expect(server.registry.loaded(id)).toBeUndefined());

    expect((await act(id, suggestion.id, 'accept', tom)).status).toBe(200);

    await eventually(() => expect(server.registry.loaded(id)).toBeUndefined());
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await storage.drafts.loadDocument(id)) ?? new Uint8Array());
    expect(blocksOf(stored)[1]).toBe(
      'We read everything. Every contribution gets a written answer. Then we decide.',
    );
    expect(blocksOf(await editor(id))[1]).toBe(blocksOf(stored)[1]);
  });

  it('SUGGEST-2 keeps the text when rejected, with the rationale the author reads, and takes the suggestion’s mark off', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const copy = await editor(id, alice);
    const suggestion = await suggest(id, alice, 'a written answer within 30 days');
    await eventually(() => expect(textMarkedAs(fragmentOf(copy), suggestion.id)).toBe(PASSAGE));

    const rejected = await act(id, suggestion.id, 'reject', tom, {
      rationale: 'We cannot promise a date yet.',
    });

    expect(rejected.status).toBe(200);
    expect((await listed(id, suggestion.id, alice))?.decision).toEqual({
      by: person(tom, 'Tom', 'taskforce'),
      at: expect.any(String),
      rationale: 'We cannot promise a date yet.',
    });
    expect((await listed(id, suggestion.id, alice))?.status).toBe('rejected');
    await eventually(() => expect(textMarkedAs(fragmentOf(copy), suggestion.id)).toBe(''), LIVE_MS);
    expect(blocksOf(copy)).toEqual(BLOCKS);
    // A threads room opened only now is built from storage, the decision included.
    const latecomer = client(threadsRoomName(id), alice);
    await eventually(
      () => expect(suggestionsOf(latecomer).get(suggestion.id)).toEqual(rejected.json),
      LIVE_MS,
    );
  });

  it('SUGGEST-2 refuses a rejection without a rationale with 400 validation_failed, and decides nothing', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const suggestion = await suggest(id, alice, 'a written answer');

    for (const body of [{}, { rationale: '' }, { rationale: '   ' }]) {
      const answer = await act(id, suggestion.id, 'reject', tom, body);
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({
        code: 'validation_failed',
        details: [{ path: 'rationale' }],
      });
    }
    expect((await listed(id, suggestion.id))?.status).toBe('open');
  });

  it('SUGGEST-4 lets the author withdraw an open suggestion; deciding it afterwards answers 409 already_decided', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const copy = await editor(id, tom);
    const suggestion = await suggest(id, alice, 'a written answer');
    await eventually(() => expect(textMarkedAs(fragmentOf(copy), suggestion.id)).toBe(PASSAGE));

    const withdrawn = await act(id, suggestion.id, 'withdraw', alice);

    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json).toMatchObject({
      status: 'withdrawn',
      decision: { by: person(alice, 'Alice', 'stakeholder'), rationale: null },
    });
    await eventually(() => expect(textMarkedAs(fragmentOf(copy), suggestion.id)).toBe(''), LIVE_MS);
    for (const [verb, as, body] of [
      ['accept', tom, {}],
      ['reject', tom, { rationale: 'No.' }],
      ['withdraw', alice, {}],
    ] as const) {
      const answer = await act(id, suggestion.id, verb, as, body);
      expect({ verb, status: answer.status, code: answer.json.error?.code }).toEqual({
        verb,
        status: 409,
        code: 'already_decided',
      });
    }
    expect(blocksOf(copy)).toEqual(BLOCKS);
    expect((await listed(id, suggestion.id))?.status).toBe('withdrawn');
  });

  it('SUGGEST-4 answers 409 already_decided to deciding or withdrawing a suggestion already accepted or rejected', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const accepted = await suggest(id, alice, 'a written answer');
    expect((await act(id, accepted.id, 'accept', tom)).status).toBe(200);
    const rejected = await suggest(id, alice, 'Then the task force decides.', 'Then we decide.');
    expect((await act(id, rejected.id, 'reject', tom, { rationale: 'We all decide.' })).status).toBe(200);

    for (const suggestion of [accepted, rejected]) {
      for (const [verb, as, body] of [
        ['accept', tom, { confirmOutdated: true }],
        ['reject', tom, { rationale: 'No.' }],
        ['withdraw', alice, {}],
      ] as const) {
        const answer = await act(id, suggestion.id, verb, as, body);
        expect(answer.status).toBe(409);
        expect(answer.json.error.code).toBe('already_decided');
      }
    }
    // Only an accepted suggestion can be reverted.
    expect((await act(id, rejected.id, 'revert', tom)).json.error.code).toBe('already_decided');
    const copy = await editor(id);
    expect(blocksOf(copy)[1]).toBe(
      `We read everything. Every contribution gets a written answer. Then we decide.`,
    );
  });

  it('SUGGEST-3 puts the previous wording back, formatting included, for everyone when reverted; a second revert answers 409', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const alicesCopy = await editor(id, alice);
    const tomsCopy = await editor(id, tom);
    const suggestion = await suggest(id, alice, 'openly', 'in public');
    const accepted = await act(id, suggestion.id, 'accept', tom);
    expect(accepted.status).toBe(200);
    for (const copy of [alicesCopy, tomsCopy]) {
      await eventually(() =>
        expect(blocksOf(copy)[3]).toBe('The task force decides openly and explains why.'),
      );
    }

    const reverted = await act(id, suggestion.id, 'revert', tom, {
      rationale: 'The board asked for the old wording.',
    });

    expect(reverted.status).toBe(200);
    expect(reverted.json).toEqual({
      ...(accepted.json as SuggestionView),
      status: 'reverted',
      reversion: {
        by: person(tom, 'Tom', 'taskforce'),
        at: expect.any(String),
        rationale: 'The board asked for the old wording.',
      },
    });
    for (const copy of [alicesCopy, tomsCopy]) {
      await eventually(() => expect(blocksOf(copy)).toEqual(BLOCKS), LIVE_MS);
      expect(marksOn(copy, 'in public')).toEqual([['bold']]);
      expect(marksOn(copy, ' and explains why.')).toEqual([[]]);
      // The suggestion's own mark, part of the replaced content, does not come back with it.
      expect(textMarkedAs(fragmentOf(copy), suggestion.id)).toBe('');
    }
    const again = await act(id, suggestion.id, 'revert', tom);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('already_decided');
    expect((await listed(id, suggestion.id))?.status).toBe('reverted');
  });

  it('SUGGEST-3 reverts accepted words that were edited since only with confirmChanged', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const tomsEditor = await editor(id, tom);
    const suggestion = await suggest(id, alice, 'in full view', 'in public');
    expect((await act(id, suggestion.id, 'accept', tom)).status).toBe(200);
    await eventually(() => expect(blocksOf(tomsEditor)[3]).toContain('in full view'));
    editAsBinding(tomsEditor.doc, fragmentOf(tomsEditor), (tr, doc) => {
      tr.insertText('public ', rangeOf(doc, 'view and').from);
    });
    const edited = 'The task force decides in full public view and explains why.';
    await serverHas(id, edited);

    const refused = await act(id, suggestion.id, 'revert', tom);

    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('suggestion_outdated');
    expect(blocksOf(tomsEditor)[3]).toBe(edited);
    expect((await act(id, suggestion.id, 'revert', tom, { confirmChanged: true })).status).toBe(200);
    await eventually(() => expect(blocksOf(tomsEditor)).toEqual(BLOCKS), LIVE_MS);
    expect(marksOn(tomsEditor, 'in public')).toEqual([['bold']]);
  });

  it('shows replies, and their authors’ edits and deletions, in the suggestion’s view live', async () => {
    const { alice, bruno, tom } = await cast();
    const id = await draft();
    const watcher = client(threadsRoomName(id));
    await synced(watcher);
    const suggestion = await suggest(id, alice, 'a written answer');
    const live = () => suggestionsOf(watcher).get(suggestion.id);

    const replied = await act(id, suggestion.id, 'replies', bruno, { body: 'Yes, and say when.' });

    expect(replied.status).toBe(201);
    const reply = (replied.json as SuggestionView).comments[0];
    expect(reply).toMatchObject({
      body: 'Yes, and say when.',
      author: person(bruno, 'Bruno', 'stakeholder'),
      editedAt: null,
      deleted: false,
    });
    const replyId = reply?.id ?? '';
    await eventually(
      () => expect(live()?.comments.map((c) => c.body)).toEqual(['Yes, and say when.']),
      LIVE_MS,
    );
    expect((await act(id, suggestion.id, 'replies', tom, { body: 'Noted.' })).status).toBe(201);

    // Only the reply's author may change it.
    for (const as of [alice, tom]) {
      const refused = await call(commentPath(id, replyId), {
        method: 'PATCH',
        as,
        body: { body: 'Mine now.' },
      });
      expect(refused.status).toBe(403);
    }
    const edited = await call(commentPath(id, replyId), {
      method: 'PATCH',
      as: bruno,
      body: { body: 'Yes, and say within how many days.' },
    });
    expect(edited.status).toBe(200);
    await eventually(
      () =>
        expect(live()?.comments[0]).toMatchObject({
          body: 'Yes, and say within how many days.',
          editedAt: expect.any(String),
        }),
      LIVE_MS,
    );

    const removed = await call(commentPath(id, replyId), { method: 'DELETE', as: bruno });
    expect(removed.status).toBe(200);
    await eventually(() => {
      expect(live()?.comments[0]).toMatchObject({ id: replyId, body: '', deleted: true });
      expect(live()?.comments[1]).toMatchObject({ body: 'Noted.', deleted: false });
    }, LIVE_MS);
    expect((await listed(id, suggestion.id))?.comments).toEqual(live()?.comments);
  });
});

describe('a suggestion whose passage changed', () => {
  it('ANCHOR-6 is listed as outdated with the current words; accepting it needs confirmOutdated, then replaces them', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const tomsEditor = await editor(id, tom);
    const suggestion = await suggest(id, alice, 'a written answer within 30 days');
    await eventually(() => expect(textMarkedAs(fragmentOf(tomsEditor), suggestion.id)).toBe(PASSAGE));

    editAsBinding(tomsEditor.doc, fragmentOf(tomsEditor), (tr, doc) => {
      const { from, to } = rangeOf(doc, 'published');
      tr.insertText('public', from, to);
    });

    await eventually(async () =>
      expect(await listed(id, suggestion.id, alice)).toMatchObject({
        status: 'open',
        outdated: true,
        detached: false,
        currentText: 'a public answer',
        quote: { exact: PASSAGE },
      }),
    );
    const refused = await act(id, suggestion.id, 'accept', tom);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('suggestion_outdated');
    expect(blocksOf(tomsEditor)[1]).toBe(
      'We read everything. Every contribution gets a public answer. Then we decide.',
    );
    expect((await listed(id, suggestion.id))?.status).toBe('open');

    const confirmed = await act(id, suggestion.id, 'accept', tom, { confirmOutdated: true });

    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({ status: 'accepted', replacedText: 'a public answer' });
    await eventually(
      () =>
        expect(blocksOf(tomsEditor)[1]).toBe(
          'We read everything. Every contribution gets a written answer within 30 days. Then we decide.',
        ),
      LIVE_MS,
    );
  });

  it('ANCHOR-6 makes a competing suggestion on an overlapping passage outdated once one is accepted', async () => {
    const { alice, bruno, tom } = await cast();
    const id = await draft();
    const copy = await editor(id, tom);
    const alices = await suggest(id, alice, 'a written answer');
    const brunos = await suggest(id, bruno, 'receives an answer', `gets ${PASSAGE}`);
    expect(await list(id)).toMatchObject([
      { id: alices.id, outdated: false, currentText: PASSAGE },
      { id: brunos.id, outdated: false, currentText: `gets ${PASSAGE}` },
    ]);

    expect((await act(id, alices.id, 'accept', tom)).status).toBe(200);

    expect(await listed(id, brunos.id)).toMatchObject({ status: 'open', outdated: true });
    const refused = await act(id, brunos.id, 'accept', tom);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('suggestion_outdated');
    await eventually(() =>
      expect(blocksOf(copy)[1]).toBe(
        'We read everything. Every contribution gets a written answer. Then we decide.',
      ),
    );
  });

  it('SUGGEST-1 accepts only one of two competing suggestions accepted at the same moment; the other is then outdated', async () => {
    const { alice, bruno, tom, tess } = await cast();
    const id = await draft();
    const copy = await editor(id, alice);
    const alices = await suggest(id, alice, 'a written answer');
    const brunos = await suggest(id, bruno, 'receives an answer', `gets ${PASSAGE}`);
    slowSuggestions.delayMs = 30;

    const answers = await Promise.all([
      act(id, alices.id, 'accept', tom),
      act(id, brunos.id, 'accept', tess),
    ]);

    expect(answers.map((a) => a.status)).toEqual([200, 409]);
    expect(answers[1]?.json.error.code).toBe('suggestion_outdated');
    slowSuggestions.delayMs = 0;
    await eventually(() =>
      expect(blocksOf(copy)[1]).toBe(
        'We read everything. Every contribution gets a written answer. Then we decide.',
      ),
    );
    expect(await listed(id, brunos.id)).toMatchObject({ status: 'open', outdated: true });
  });

  it('ANCHOR-6 answers 409 passage_gone for a suggestion whose words an accepted one removed, even when confirmed', async () => {
    const { alice, bruno, tom } = await cast();
    const id = await draft();
    const copy = await editor(id, tom);
    const alices = await suggest(id, alice, 'a written answer');
    const brunos = await suggest(id, bruno, 'public', 'published');

    expect((await act(id, alices.id, 'accept', tom)).status).toBe(200);

    expect(await listed(id, brunos.id)).toMatchObject({
      status: 'open',
      outdated: true,
      detached: true,
      currentText: null,
    });
    for (const body of [{}, { confirmOutdated: true }]) {
      const refused = await act(id, brunos.id, 'accept', tom, body);
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe('passage_gone');
    }
    // It can still be rejected with a reason.
    expect((await act(id, brunos.id, 'reject', tom, { rationale: 'Overtaken.' })).status).toBe(200);
    await eventually(() =>
      expect(blocksOf(copy)[1]).toBe(
        'We read everything. Every contribution gets a written answer. Then we decide.',
      ),
    );
  });

  it('SUGGEST-1 applies a suggestion once when two task-force members accept it at the same moment', async () => {
    const { alice, tom, tess } = await cast();
    const id = await draft();
    const copy = await editor(id, alice);
    const suggestion = await suggest(id, alice, 'a written answer within 30 days');
    slowSuggestions.delayMs = 30;

    const answers = await Promise.all([
      act(id, suggestion.id, 'accept', tom, { rationale: 'Tom agrees.' }),
      act(id, suggestion.id, 'accept', tess, { rationale: 'Tess agrees.' }),
    ]);

    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const lost = answers.find((a) => a.status === 409);
    expect(lost?.json.error.code).toBe('already_decided');
    const won = answers.find((a) => a.status === 200)?.json as SuggestionView;
    await eventually(() => expect(blocksOf(copy)[1]).toContain('within 30 days'), LIVE_MS);
    const text = blocksOf(copy).join('\n');
    expect(text.split('a written answer within 30 days')).toHaveLength(2);
    expect(text).not.toContain(PASSAGE);
    expect((await listed(id, suggestion.id))?.decision).toEqual(won.decision);
  });
});

describe('who may do what on suggestions', () => {
  /** Every write endpoint, with a valid body, on `suggestion`. */
  function writes(draftId: string, suggestion: SuggestionView, anchor?: SuggestionAnchor) {
    const at = suggestionPath(draftId, suggestion.id);
    return {
      post: { path: suggestionsPath(draftId), body: { anchor, text: 'Then the task force decides.' } },
      reply: { path: `${at}/replies`, body: { body: 'Agreed.' } },
      accept: { path: `${at}/accept`, body: { rationale: 'Good.' } },
      reject: { path: `${at}/reject`, body: { rationale: 'No.' } },
      withdraw: { path: `${at}/withdraw`, body: {} },
      revert: { path: `${at}/revert`, body: {} },
    };
  }

  function attempt(request: { path: string; body: unknown }, as?: Identity) {
    return call(request.path, { method: 'POST', body: request.body, as });
  }

  it('PERM-5 lets a visitor list suggestions but answers every write with 401 unauthenticated', async () => {
    const { alice } = await cast();
    const id = await draft();
    const suggestion = await suggest(id, alice, 'a written answer');
    const anchor = await anchorOf(id, alice, 'Then we decide.');

    for (const [name, request] of Object.entries(writes(id, suggestion, anchor))) {
      const answer = await attempt(request);
      expect({ name, status: answer.status, code: answer.json?.error?.code }).toEqual({
        name,
        status: 401,
        code: 'unauthenticated',
      });
    }
    expect(await list(id)).toMatchObject([{ id: suggestion.id, status: 'open', comments: [] }]);
  });

  it('PERM-5 answers a stakeholder’s accept, reject or revert with 403 forbidden, whatever the window', async () => {
    const { alice, bruno } = await cast();
    const id = await draft();
    const suggestion = await suggest(id, alice, 'a written answer');
    const requests = writes(id, suggestion);

    for (const window of [windowFrom(-1, 30), windowFrom(-30, -1), windowFrom(1, 30)]) {
      await setWindow(id, window);
      for (const as of [alice, bruno]) {
        for (const request of [requests.accept, requests.reject, requests.revert]) {
          const answer = await attempt(request, as);
          expect(answer.status).toBe(403);
          expect(answer.json.error.code).toBe('forbidden');
        }
      }
    }
    const copy = await editor(id);
    expect(blocksOf(copy)).toEqual(BLOCKS);
    expect((await list(id))[0]?.status).toBe('open');
  });

  it('PERM-5 answers withdrawing someone else’s suggestion with 403 forbidden, even for the task force', async () => {
    const { alice, bruno, tom } = await cast();
    const id = await draft();
    const suggestion = await suggest(id, alice, 'a written answer');

    for (const as of [bruno, tom, chair]) {
      const answer = await attempt(writes(id, suggestion).withdraw, as);
      expect(answer.status).toBe(403);
      expect(answer.json.error.code).toBe('forbidden');
    }
    expect((await list(id))[0]?.status).toBe('open');
  });

  it.each([
    ['closed', () => windowFrom(-30, -1)],
    ['not yet open', () => windowFrom(1, 30)],
  ])(
    'WINDOW-1 WINDOW-2 refuses a stakeholder’s suggestions, replies and withdrawals while the window is %s (403 consultation_closed); the task force still suggests and decides',
    async (_state, window) => {
      const { alice, tom } = await cast();
      const id = await draft();
      const first = await suggest(id, alice, 'a written answer');
      const second = await suggest(id, alice, 'Then the task force decides.', 'Then we decide.');
      const anchor = await anchorOf(id, alice, 'We read everything.');
      await setWindow(id, window());
      const requests = writes(id, first, anchor);

      for (const request of [requests.post, requests.reply, requests.withdraw]) {
        const answer = await attempt(request, alice);
        expect(answer.status).toBe(403);
        expect(answer.json.error.code).toBe('consultation_closed');
      }
      expect((await attempt(requests.post, tom)).status).toBe(201);
      expect((await attempt(requests.reply, tom)).status).toBe(201);
      expect((await attempt(requests.accept, tom)).status).toBe(200);
      expect((await act(id, second.id, 'reject', tom, { rationale: 'We all decide.' })).status).toBe(200);
      const [accepted, rejected, tomsOwn] = await list(id, alice);
      expect(accepted).toMatchObject({ id: first.id, status: 'accepted', comments: [{ body: 'Agreed.' }] });
      expect(rejected).toMatchObject({ id: second.id, status: 'rejected' });
      expect(tomsOwn).toMatchObject({ status: 'open', author: { id: tom.user.id } });
    },
  );

  it('PERM-3 answers 404 to stakeholders for everything about a private draft’s suggestions', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const suggestion = await suggest(id, alice, 'a written answer');
    const anchor = await anchorOf(id, tom, 'Then we decide.');
    const changed = await call(`/api/drafts/${id}`, {
      method: 'PATCH',
      as: chair,
      body: { visibility: 'private' },
    });
    expect(changed.status).toBe(200);

    expect((await call(suggestionsPath(id), { as: alice })).status).toBe(404);
    expect((await call(suggestionsPath(id))).status).toBe(404);
    for (const request of Object.values(writes(id, suggestion, anchor))) {
      const answer = await attempt(request, alice);
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe('not_found');
    }
    expect(await list(id, tom)).toMatchObject([{ id: suggestion.id, status: 'open', comments: [] }]);
  });
});

describe('what suggestions accept', () => {
  it('LIMIT-4 LIMIT-5 refuses malformed anchors, unchanged or over-long text and unknown fields with 400 validation_failed, and stays up', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const anchor = await anchorOf(id, alice);
    const point = await pointAfter(id, alice, 'We read everything.');
    const suggestion = await suggest(id, alice, 'a written answer', PASSAGE, { anchor });
    const bad: [string, unknown, string][] = [
      ['no anchor', { text: 'a written answer' }, 'anchor'],
      ['an anchor that is a string', { anchor: 'here', text: 'a written answer' }, 'anchor'],
      [
        'a start that is not base64',
        { anchor: { ...anchor, start: 'not base64!' }, text: 'x' },
        'anchor.start',
      ],
      ['an empty end', { anchor: { ...anchor, end: '' }, text: 'x' }, 'anchor.end'],
      ['no quote', { anchor: { start: anchor.start, end: anchor.end }, text: 'x' }, 'anchor.quote'],
      ['no text', { anchor }, 'text'],
      ['text that is not a string', { anchor, text: 42 }, 'text'],
      ['the passage’s own words', { anchor, text: PASSAGE }, 'text'],
      ['an insertion of nothing', { anchor: point, text: '' }, 'text'],
      ['an insertion of blanks', { anchor: point, text: '  \n ' }, 'text'],
      ['text one character over the limit', { anchor, text: 'x'.repeat(MAX_SUGGESTION_LENGTH + 1) }, 'text'],
      [
        'a justification over the limit',
        { anchor, text: 'a written answer', justification: 'j'.repeat(MAX_JUSTIFICATION_LENGTH + 1) },
        'justification',
      ],
      ['an unknown field', { anchor, text: 'a written answer', status: 'accepted' }, '(body)'],
    ];

    for (const [name, body] of bad) {
      const answer = await call(suggestionsPath(id), { method: 'POST', as: alice, body });
      expect({ name, status: answer.status, code: answer.json?.error?.code }).toEqual({
        name,
        status: 400,
        code: 'validation_failed',
      });
      expect(answer.json.error.message).toEqual(expect.any(String));
      expect(answer.json.error.details.length).toBeGreaterThan(0);
    }
    for (const [name, body, path] of bad) {
      const answer = await call(suggestionsPath(id), { method: 'POST', as: alice, body });
      expect({ name, paths: answer.json.error.details.map((d: { path: string }) => d.path) }).toEqual({
        name,
        paths: expect.arrayContaining([path]),
      });
    }
    const decisions: [Verb, unknown][] = [
      ['accept', { confirmOutdated: 'yes' }],
      ['accept', { rationale: 'Fine.', force: true }],
      ['reject', { rationale: 'r'.repeat(5001) }],
      ['withdraw', { reason: 'Changed my mind.' }],
      ['revert', { confirmChanged: 1 }],
    ];
    for (const [verb, body] of decisions) {
      const answer = await act(id, suggestion.id, verb, verb === 'withdraw' ? alice : tom, body);
      expect({ verb, body, status: answer.status, code: answer.json?.error?.code }).toEqual({
        verb,
        body,
        status: 400,
        code: 'validation_failed',
      });
    }
    const notJson = await call(suggestionsPath(id), { method: 'POST', as: alice, body: '{"anchor":' });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.code).toBe('bad_request');

    // Still up, and nothing but the one valid suggestion was stored or decided.
    expect((await call('/api/health')).status).toBe(200);
    expect(await list(id)).toMatchObject([{ id: suggestion.id, status: 'open' }]);
    const longest = await call(suggestionsPath(id), {
      method: 'POST',
      as: alice,
      body: { anchor: await anchorOf(id, alice, 'Then we decide.'), text: 'y'.repeat(MAX_SUGGESTION_LENGTH) },
    });
    expect(longest.status).toBe(201);
  });

  it('ANCHOR-5 refuses an anchor that does not match the text, or a point outside any paragraph, with 409 anchor_invalid', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const copy = await editor(id, tom);
    const anchor = await anchorOf(id, alice);
    const point = await pointAfter(id, alice, 'We read everything.');
    const fragment = fragmentOf(copy);
    const beforeEverything = encodePosition(relativePositionAt(fragment, 0, 0));
    const refused: [string, SuggestionAnchor][] = [
      [
        'a quote that is not the passage',
        { ...anchor, quote: { ...anchor.quote, exact: 'a public answer' } },
      ],
      ['a passage given as a point', { ...point, quote: { ...point.quote, exact: PASSAGE } }],
      ['an insertion whose ends differ', { ...anchor, quote: { ...anchor.quote, exact: '' } }],
      ['ends swapped', { ...anchor, start: anchor.end, end: anchor.start }],
      [
        'a point between blocks',
        {
          start: beforeEverything,
          end: beforeEverything,
          quote: { exact: '', prefix: '', suffix: 'Listening' },
        },
      ],
    ];

    for (const [name, bad] of refused) {
      const answer = await call(suggestionsPath(id), {
        method: 'POST',
        as: alice,
        body: { anchor: bad, text: 'a written answer' },
      });
      expect({ name, status: answer.status, code: answer.json?.error?.code }).toEqual({
        name,
        status: 409,
        code: 'anchor_invalid',
      });
    }
    expect(await storage.suggestions.listSuggestions(id)).toEqual([]);
    expect(copy.content()).not.toContain('suggestion');
  });

  it('answers 404 for a suggestion that does not exist, or belongs to another draft', async () => {
    const { alice, tom } = await cast();
    const id = await draft();
    const other = await draft();
    const elsewhere = await suggest(other, alice, 'a written answer');

    for (const suggestionId of ['no-such-suggestion', elsewhere.id]) {
      const answers = [
        await act(id, suggestionId, 'replies', alice, { body: 'Hi' }),
        await act(id, suggestionId, 'accept', tom),
        await act(id, suggestionId, 'reject', tom, { rationale: 'No.' }),
        await act(id, suggestionId, 'withdraw', alice),
        await act(id, suggestionId, 'revert', tom),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(404);
        expect(answer.json.error.code).toBe('not_found');
      }
    }
    expect((await call(suggestionsPath('no-such-draft'))).status).toBe(404);
    expect(await list(other)).toMatchObject([{ id: elsewhere.id, status: 'open', comments: [] }]);
  });
});

function call(pathname: string, options: Call = {}) {
  return callApi(base, pathname, options);
}
