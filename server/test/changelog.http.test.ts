import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeLogEntry } from '../../shared/changelog.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import type { ConsultationReport, Contribution } from '../../shared/report.ts';
import type { SuggestionView } from '../../shared/suggestions.ts';
import type { ThreadView } from '../../shared/threads.ts';
import type { Comparison, VersionSummary } from '../../shared/versions.ts';
import { verifyChain } from '../src/changelog/hashChain.ts';
import type { MarginsServer } from '../src/marginsServer.ts';
import type { Stores } from '../src/storage/stores.ts';
import { anchorIn, editAsBinding, rangeOf } from './support/anchors.ts';
import { type Call, callApi } from './support/api.ts';
import { type StockClient, stockClient } from './support/collabClient.ts';
import type { Identity } from './support/identities.ts';
import { adminOf, DAY_MS, seedDraft, signUpAs } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// A server whose edit bursts end after 150 ms without an edit (two minutes in production).

const TEXT = `# Listening\n\nWe read everything. Every contribution gets a published answer. Then we decide.\n\n# Deciding\n\nThe task force decides in public.\n`;

let running: TestServer<Stores>;
let server: MarginsServer;
let storage: Stores;
let base: string;
let port: number;
let chair: Identity;
const clients: StockClient[] = [];

beforeAll(async () => {
  running = await startTestServer({ burstQuietMs: 150 });
  ({ server, storage, port, url: base } = running);
  chair = await adminOf(server.accounts);
});

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

afterAll(async () => {
  await running.close();
});

/** A new draft for one test, open for contributions, holding TEXT. */
const draft = () => seedDraft(storage.drafts, { markdown: TEXT });

/** The draft's change log; without the consultation's opening (every draft here is open) unless `all`. */
async function log(draftId: string, all = false): Promise<ChangeLogEntry[]> {
  const answer = await call(`/api/drafts/${draftId}/changelog`);
  expect(answer.status).toBe(200);
  const entries = answer.json as ChangeLogEntry[];
  return all ? entries : entries.filter((e) => e.type !== 'consultation.opened');
}

function connect(draftId: string, as: Identity): StockClient {
  const c = stockClient(port, draftId, { cookie: as.cookie });
  clients.push(c);
  return c;
}

async function anchorOf(draftId: string, as: Identity, words: string) {
  const reader = connect(draftId, as);
  await eventually(() => expect(reader.provider.synced).toBe(true));
  return anchorIn(reader.doc.getXmlFragment(CONTENT_FIELD), words);
}

describe('the change log', () => {
  it('CHAIN-5 records a thread opened and resolved, a suggestion made and accepted, each with who, where and why, in one intact chain', async () => {
    const id = await draft();
    const alice = await signUpAs(server.accounts, 'stakeholder', 'Alice');
    const tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
    const thread = await call(`/api/drafts/${id}/threads`, {
      method: 'POST',
      as: alice,
      body: { anchor: await anchorOf(id, alice, 'We read everything.'), body: 'Really everything?' },
    });
    expect(thread.status).toBe(201);
    await call(`/api/drafts/${id}/threads/${(thread.json as ThreadView).id}/resolve`, {
      method: 'POST',
      as: tom,
      body: { note: 'Yes, every comment.' },
    });
    const made = await call(`/api/drafts/${id}/suggestions`, {
      method: 'POST',
      as: alice,
      body: {
        anchor: await anchorOf(id, alice, 'a published answer'),
        text: 'a public answer within 90 days',
        justification: 'A deadline.',
      },
    });
    expect(made.status).toBe(201);
    const suggestionId = (made.json as SuggestionView).id;
    expect(
      (
        await call(`/api/drafts/${id}/suggestions/${suggestionId}/accept`, {
          method: 'POST',
          as: tom,
          body: { rationale: 'Agreed.' },
        })
      ).status,
    ).toBe(200);

    const entries = await log(id);
    const types = entries.map((e) => e.type);
    expect(types).toEqual(['thread.opened', 'thread.resolved', 'suggestion.made', 'suggestion.accepted']);
    const [opened, resolved, , accepted] = entries;
    expect(opened).toMatchObject({
      seq: 1,
      section: 'Listening',
      actor: { name: 'Alice', role: 'stakeholder' },
    });
    expect(resolved).toMatchObject({
      rationale: 'Yes, every comment.',
      actor: { name: 'Tom', role: 'taskforce' },
    });
    expect(accepted).toMatchObject({
      suggestionId,
      rationale: 'Agreed.',
      changes: [
        { section: 'Listening', before: 'a published answer', after: 'a public answer within 90 days' },
      ],
    });
    expect(verifyChain(await log(id, true))).toMatchObject({ ok: true, count: 5 });
  });

  it('CHAIN-6 groups a task-force member’s direct edits into one burst with the paragraph before and after, not counting the server’s marks', async () => {
    const id = await draft();
    const tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
    const editor = connect(id, tom);
    await eventually(() => expect(editor.provider.synced).toBe(true));
    const fragment = editor.doc.getXmlFragment(CONTENT_FIELD);
    for (const word of [' Always', ' openly', '.']) {
      editAsBinding(editor.doc, fragment, (tr, doc) => {
        // At the end of the paragraph, as someone typing there would.
        const { from, at, block } = rangeOf(doc, 'The task force decides');
        tr.insertText(word, from - at + block.length);
      });
    }
    await eventually(async () => {
      const entries = await log(id);
      expect(entries.map((e) => e.type)).toEqual(['edit']);
      expect(entries[0]).toMatchObject({
        actor: { name: 'Tom' },
        section: 'Deciding',
        changes: [
          {
            section: 'Deciding',
            before: 'The task force decides in public.',
            after: 'The task force decides in public. Always openly.',
          },
        ],
      });
    }, 3000);
  });

  it('CHAIN-7 logs the edits in the text before the version that contains them, with the stock client and a 7 MiB paragraph', async () => {
    const id = await draft();
    const tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
    const editor = connect(id, tom);
    await eventually(() => expect(editor.provider.synced).toBe(true));
    const long = 'word '.repeat((7 * 1024 * 1024) / 5);
    editor.write(long);
    editor.write('A short line after it.');
    // Published at once: the burst is far from its two quiet minutes.
    await eventually(async () => {
      const stored = await server.registry.acquire(id);
      expect(stored?.liveDoc.getXmlFragment(CONTENT_FIELD).toString()).toContain('A short line after it.');
    }, 10_000);
    const published = await call(`/api/drafts/${id}/versions`, {
      method: 'POST',
      as: tom,
      body: { name: 'V1' },
    });
    expect(published.status).toBe(201);
    const entries = await log(id);
    expect(entries.map((e) => e.type)).toEqual(['edit', 'version.published']);
    expect(entries[0]?.changes.map((c) => c.after.length)).toEqual([
      long.length,
      'A short line after it.'.length,
    ]);
    expect(Date.parse(entries[0]?.burst?.endedAt ?? '')).toBeLessThanOrEqual(
      Date.parse(entries[1]?.at ?? ''),
    );
  }, 60_000);

  it('CHAIN-5 records a published version, and compares it with the draft as it is now, marking the words that changed', async () => {
    const id = await draft();
    const alice = await signUpAs(server.accounts, 'stakeholder', 'Alice');
    const tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
    expect(
      (await call(`/api/drafts/${id}/versions`, { method: 'POST', as: alice, body: { name: 'Mine' } }))
        .status,
    ).toBe(403);
    const published = await call(`/api/drafts/${id}/versions`, {
      method: 'POST',
      as: tom,
      body: { name: 'Draft for consultation' },
    });
    expect(published.status).toBe(201);
    const version = published.json as VersionSummary;
    const again = await call(`/api/drafts/${id}/versions`, {
      method: 'POST',
      as: tom,
      body: { name: 'draft for consultation' },
    });
    expect(again).toMatchObject({ status: 409, json: { error: { code: 'name_taken' } } });
    const made = await call(`/api/drafts/${id}/suggestions`, {
      method: 'POST',
      as: alice,
      body: { anchor: await anchorOf(id, alice, 'in public'), text: 'in the open' },
    });
    // Made after the version was published: it says so.
    expect((made.json as SuggestionView).madeOn).toEqual({ id: version.id, name: 'Draft for consultation' });
    await call(`/api/drafts/${id}/suggestions/${(made.json as SuggestionView).id}/accept`, {
      method: 'POST',
      as: tom,
      body: {},
    });

    const compared = await call(`/api/drafts/${id}/compare?from=${version.id}&to=current`);
    expect(compared.status).toBe(200);
    const comparison = compared.json as Comparison;
    const changed = comparison.blocks.filter((b) => b.kind === 'changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]?.parts.filter((p) => p.removed).map((p) => p.value.trim())).toContain('public');
    expect(
      changed[0]?.parts
        .filter((p) => p.added)
        .map((p) => p.value)
        .join(''),
    ).toContain('open');
    expect(comparison.entries.map((e) => e.type)).toEqual(['suggestion.made', 'suggestion.accepted']);
    const listed = (await call(`/api/drafts/${id}/versions`)).json as VersionSummary[];
    expect(listed.map((v) => v.name)).toEqual(['Draft for consultation']);
    expect((await log(id))[0]).toMatchObject({
      type: 'version.published',
      versionId: version.id,
      detail: 'Draft for consultation',
    });
  });

  it('CHAIN-5 records the consultation closing when an admin moves the window, attributed to them', async () => {
    const id = await draft();
    expect((await log(id, true)).map((e) => e.type)).toEqual(['consultation.opened']);
    const now = Date.now();
    const changed = await call(`/api/drafts/${id}`, {
      method: 'PATCH',
      as: chair,
      body: {
        window: {
          opensAt: new Date(now - 2 * DAY_MS).toISOString(),
          closesAt: new Date(now - 1000).toISOString(),
        },
      },
    });
    expect(changed.status).toBe(200);
    const entries = await log(id);
    expect(entries[entries.length - 1]).toMatchObject({
      type: 'consultation.closed',
      actor: { role: 'admin' },
    });
  });

  it('gives the report numbers and each person their contributions with the decision and rationale', async () => {
    const id = await draft();
    const alice = await signUpAs(server.accounts, 'stakeholder', 'Alice');
    const tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
    const made = await call(`/api/drafts/${id}/suggestions`, {
      method: 'POST',
      as: alice,
      body: { anchor: await anchorOf(id, alice, 'Then we decide.'), text: 'Then we decide together.' },
    });
    await call(`/api/drafts/${id}/suggestions/${(made.json as SuggestionView).id}/reject`, {
      method: 'POST',
      as: tom,
      body: { rationale: 'The council decides.' },
    });
    const report = (await call(`/api/drafts/${id}/report`)).json as ConsultationReport;
    expect(report).toMatchObject({
      participants: 1,
      contributions: { suggestions: 1 },
      suggestionStatus: { rejected: 1 },
    });
    expect(report.sections).toEqual([
      expect.objectContaining({ section: 'Listening', suggestions: 1, rejected: 1 }),
    ]);
    const mine = (await call('/api/me/contributions', { as: alice })).json as Contribution[];
    expect(mine).toEqual([
      expect.objectContaining({
        kind: 'suggestion',
        draftId: id,
        status: 'rejected',
        decidedBy: 'Tom',
        rationale: 'The council decides.',
      }),
    ]);
  });
});

describe('exports', () => {
  it('serves every export of a public draft as a download, with the text, the log and the contributions in it', async () => {
    const id = await draft();
    const alice = await signUpAs(server.accounts, 'stakeholder', 'Alice');
    const tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
    await call(`/api/drafts/${id}/threads`, {
      method: 'POST',
      as: alice,
      body: { anchor: await anchorOf(id, alice, 'We read everything.'), body: '¿De verdad? Très bien.' },
    });
    const made = await call(`/api/drafts/${id}/suggestions`, {
      method: 'POST',
      as: alice,
      body: { anchor: await anchorOf(id, alice, 'in public'), text: 'en público' },
    });
    await call(`/api/drafts/${id}/suggestions/${(made.json as SuggestionView).id}/accept`, {
      method: 'POST',
      as: tom,
      body: {},
    });

    const expected: [string, RegExp, (body: Buffer) => void][] = [
      [
        'draft.md',
        /text\/markdown/,
        (b) => expect(b.toString()).toContain('The task force decides en público.'),
      ],
      ['draft.html', /text\/html/, (b) => expect(b.toString()).not.toContain('data-thread-id')],
      ['draft.docx', /wordprocessingml/, (b) => expect(b.subarray(0, 2).toString()).toBe('PK')],
      [
        'changelog.json',
        /application\/json/,
        (b) => expect(JSON.parse(b.toString()).entries.length).toBeGreaterThanOrEqual(3),
      ],
      ['changelog.csv', /text\/csv/, (b) => expect(b.toString()).toContain('suggestion.accepted')],
      ['responses.csv', /text\/csv/, (b) => expect(b.toString()).toContain('¿De verdad? Très bien.')],
      ['responses.docx', /wordprocessingml/, (b) => expect(b.subarray(0, 2).toString()).toBe('PK')],
      [
        'annotations.jsonld',
        /application\/ld\+json/,
        (b) => expect(JSON.parse(b.toString()).type).toBe('AnnotationCollection'),
      ],
    ];
    for (const [name, type, check] of expected) {
      const response = await fetch(`${base}/api/drafts/${id}/export/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toMatch(type);
      expect(response.headers.get('content-disposition'), name).toMatch(
        new RegExp(`^attachment; filename="?${id}-${name}"?$`),
      );
      check(Buffer.from(await response.arrayBuffer()));
    }
    expect((await call(`/api/drafts/${id}/export/draft.pdf`)).status).toBe(404);
  });

  it('PERM-3 keeps a private draft’s exports from people who may not read it', async () => {
    const id = await draft();
    await call(`/api/drafts/${id}`, { method: 'PATCH', as: chair, body: { visibility: 'private' } });
    const alice = await signUpAs(server.accounts, 'stakeholder', 'Alice');
    const tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
    expect((await call(`/api/drafts/${id}/export/draft.md`)).status).toBe(404);
    expect((await call(`/api/drafts/${id}/export/changelog.json`, { as: alice })).status).toBe(404);
    const allowed = await fetch(`${base}/api/drafts/${id}/export/draft.md`, {
      headers: { cookie: tom.cookie },
    });
    expect(allowed.status).toBe(200);
  });
});

function call(pathname: string, options: Call = {}) {
  return callApi(base, pathname, options);
}
