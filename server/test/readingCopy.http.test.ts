import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_FIELD, type DraftContent } from '../../shared/drafts.ts';
import type { ThreadView } from '../../shared/threads.ts';
import type { Stores } from '../src/storage/stores.ts';
import { anchorIn, editAsBinding, rangeOf } from './support/anchors.ts';
import { type Call, callApi, synced } from './support/api.ts';
import { type StockClient, stockClient } from './support/collabClient.ts';
import type { Identity } from './support/identities.ts';
import { adminOf, seedDraft, signUpAs, textOf } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// `GET /api/drafts/:draftId/content`: the text a reader sees while the editor's code downloads.
// Saves wait a minute here, so that what the answer holds can only come from the live document.

const TEXT = `# Listening\n\nWe read everything. Every contribution gets a published answer.\n\n## Deciding\n\nThe task force decides in public.\n`;
const HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">';
/** The tags the schema's nodes and marks render to. */
const SCHEMA_TAGS = 'h1 h2 h3 h4 h5 h6 p br a span strong em s u code pre ul ol li blockquote hr'.split(' ');

let running: TestServer<Stores>;
let base: string;
let chair: Identity;
const clients: StockClient[] = [];

beforeAll(async () => {
  running = await startTestServer({
    saverTiming: { debounceMs: 60_000, maxWaitMs: 60_000, retryMs: 1000, maxRetryMs: 1000 },
  });
  base = running.url;
  chair = await adminOf(running.accounts);
});

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

afterAll(async () => {
  await running.close();
});

const call = (pathname: string, options: Call = {}) => callApi(base, pathname, options);
const draft = (overrides: Parameters<typeof seedDraft>[1] = {}) =>
  seedDraft(running.storage.drafts, { markdown: TEXT, ...overrides });

async function contentOf(draftId: string, as?: Identity): Promise<DraftContent> {
  const answer = await call(`/api/drafts/${draftId}/content`, { as });
  expect(answer.status).toBe(200);
  return answer.json as DraftContent;
}

/** A task-force member's stock client, synced. */
async function editorOn(draftId: string): Promise<StockClient> {
  const tom = await signUpAs(running.accounts, 'taskforce', 'Tom');
  const c = stockClient(running.port, draftId, { cookie: tom.cookie });
  clients.push(c);
  await synced(c);
  return c;
}

describe('the reading copy of a draft', () => {
  it('LIVE-6 answers the draft’s text as the editor’s HTML, with its headings', async () => {
    const id = await draft();
    const content = await contentOf(id);
    expect(content.html).toContain('<h1>Listening</h1>');
    expect(content.html).toContain('<p>We read everything. Every contribution gets a published answer.</p>');
    expect(content.headings).toEqual([
      { level: 1, text: 'Listening' },
      { level: 2, text: 'Deciding' },
    ]);
  });

  it('LIVE-6 holds live edits that are not saved yet', async () => {
    const id = await draft();
    const tom = await editorOn(id);
    const fragment = tom.doc.getXmlFragment(CONTENT_FIELD);
    editAsBinding(tom.doc, fragment, (tr, doc) => {
      const { to } = rangeOf(doc, 'decides in public');
      tr.insertText(', every Tuesday', to);
    });
    await eventually(async () =>
      expect((await contentOf(id)).html).toContain('The task force decides in public, every Tuesday.'),
    );
    // The embedded store has not written it yet (saves are debounced); with an update log every
    // edit is stored before it is passed on, so there the copy and the store agree at once.
    if (!running.storage.updateLog) {
      expect(textOf(await running.storage.drafts.loadDocument(id))).not.toContain('every Tuesday');
    }
  });

  it('LIVE-6 writes no script or event handler from hostile text, links or comments', async () => {
    const id = await draft();
    const tom = await editorOn(id);
    const fragment = tom.doc.getXmlFragment(CONTENT_FIELD);
    editAsBinding(tom.doc, fragment, (tr, doc) => {
      const { to } = rangeOf(doc, 'decides in public');
      tr.insertText(` ${HOSTILE}`, to);
      const link = doc.type.schema.marks.link;
      if (!link) throw new Error('the schema has no link mark');
      const words = rangeOf(doc, 'We read everything');
      tr.addMark(words.from, words.to, link.create({ href: 'javascript:alert(3)' }));
    });
    const alice = await signUpAs(running.accounts, 'stakeholder', 'Alice');
    const thread = await call(`/api/drafts/${id}/threads`, {
      method: 'POST',
      as: alice,
      body: { anchor: anchorIn(fragment, 'Every contribution'), body: HOSTILE },
    });
    expect(thread.status).toBe(201);

    await eventually(async () => expect((await contentOf(id)).html).toContain('comment-anchor'));
    const { html } = await contentOf(id);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Every `<` left is a tag of the renderer's (text has them escaped): the schema's, without handlers.
    for (const [tag, name] of html.matchAll(/<\/?([a-z0-9]+)[^>]*>/gi)) {
      expect(SCHEMA_TAGS, tag).toContain(name);
      expect(tag).not.toMatch(/\son\w*=|javascript:/i);
    }
    expect(html).toContain('We read everything');
  });

  it('LIVE-6 highlights the passages of open threads only, as the page does', async () => {
    const id = await draft();
    const reader = await editorOn(id);
    const fragment = reader.doc.getXmlFragment(CONTENT_FIELD);
    const alice = await signUpAs(running.accounts, 'stakeholder', 'Alice');
    const tom = await signUpAs(running.accounts, 'taskforce', 'Tom');
    const open = (words: string) =>
      call(`/api/drafts/${id}/threads`, {
        method: 'POST',
        as: alice,
        body: { anchor: anchorIn(fragment, words), body: `About ${words}` },
      });
    const kept = (await open('We read everything')).json as ThreadView;
    const resolved = (await open('decides in public')).json as ThreadView;
    const answer = await call(`/api/drafts/${id}/threads/${resolved.id}/resolve`, {
      method: 'POST',
      as: tom,
      body: { note: 'Done.' },
    });
    expect(answer.status).toBe(200);

    const { html } = await contentOf(id);
    expect(html).toContain(
      `<span class="comment-anchor" data-thread-id="${kept.id}">We read everything</span>`,
    );
    expect(html).not.toContain(resolved.id);
    expect(html).toContain('The task force decides in public.');
  });

  it('PERM-3 keeps a private draft’s reading copy from visitors and stakeholders (404), not from the task force', async () => {
    const id = await draft();
    await call(`/api/drafts/${id}`, { method: 'PATCH', as: chair, body: { visibility: 'private' } });
    const alice = await signUpAs(running.accounts, 'stakeholder', 'Alice');
    const tom = await signUpAs(running.accounts, 'taskforce', 'Tom');
    const visitor = await call(`/api/drafts/${id}/content`);
    expect(visitor.status).toBe(404);
    expect(visitor.json).toMatchObject({ error: { code: 'not_found' } });
    expect(JSON.stringify(visitor.json)).not.toContain('Listening');
    expect((await call(`/api/drafts/${id}/content`, { as: alice })).status).toBe(404);
    expect((await contentOf(id, tom)).html).toContain('Listening');
    expect((await call('/api/drafts/no-such-draft/content')).status).toBe(404);
  });

  it('LIVE-6 may be cached by the reader only, and answers 304 while the text is unchanged', async () => {
    const id = await draft();
    const first = await fetch(`${base}/api/drafts/${id}/content`);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('vary')).toMatch(/cookie/i);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // As a browser revalidates (fetch() would add `no-cache` to a conditional request by itself).
    const again = await fetch(`${base}/api/drafts/${id}/content`, {
      headers: { 'if-none-match': etag ?? '', 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
  });
});
