import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import type { ConsultationReport } from '../../shared/report.ts';
import type { SuggestionView } from '../../shared/suggestions.ts';
import type { ThreadView } from '../../shared/threads.ts';
import type { MarginsServer } from '../src/marginsServer.ts';
import type { Stores } from '../src/storage/stores.ts';
import { anchorIn } from './support/anchors.ts';
import { callApi, synced } from './support/api.ts';
import { type StockClient, stockClient } from './support/collabClient.ts';
import type { Identity } from './support/identities.ts';
import { adminOf, seedDraft, signUpAs } from './support/records.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// The "what we heard" report counts what stakeholders said. Alice and Bruno are stakeholders,
// Tom is the task force and the chair is the admin: their replies answer the input and are
// counted apart, never as participants or contributions.

const SENTENCE = 'Every contribution gets a published answer.';
const TEXT = `# Listening\n\nWe read everything. ${SENTENCE} Then we decide.\n`;

let running: TestServer<Stores>;
let server: MarginsServer;
let storage: Stores;
let port: number;
let base: string;
let chair: Identity;
const clients: StockClient[] = [];

beforeAll(async () => {
  running = await startTestServer();
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

async function post<T>(pathname: string, as: Identity, body: unknown): Promise<T> {
  const answer = await callApi(base, pathname, { method: 'POST', as, body });
  expect(answer.status).toBe(201);
  return answer.json as T;
}

async function anchorOf(draftId: string, as: Identity, words: string) {
  const reader = stockClient(port, draftId, { cookie: as.cookie });
  clients.push(reader);
  await synced(reader);
  return anchorIn(reader.doc.getXmlFragment(CONTENT_FIELD), words);
}

async function startThread(draftId: string, as: Identity, body: string): Promise<ThreadView> {
  return post(`/api/drafts/${draftId}/threads`, as, { anchor: await anchorOf(draftId, as, SENTENCE), body });
}

async function reply(draftId: string, threadId: string, as: Identity, body: string): Promise<void> {
  await post(`/api/drafts/${draftId}/threads/${threadId}/replies`, as, { body });
}

async function report(draftId: string): Promise<ConsultationReport> {
  const answer = await callApi(base, `/api/drafts/${draftId}/report`);
  expect(answer.status).toBe(200);
  return answer.json as ConsultationReport;
}

describe('the "what we heard" report', () => {
  it('counts two stakeholders as two participants when the task force replies to one of them', async () => {
    const id = await draft();
    const alice = await signUpAs(server.accounts, 'stakeholder', 'Alice');
    const bruno = await signUpAs(server.accounts, 'stakeholder', 'Bruno');
    const tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
    const alices = await startThread(id, alice, 'Within what time?');
    await startThread(id, bruno, 'Published where?');
    await reply(id, alices.id, tom, 'Within 30 days, on this site.');

    expect(await report(id)).toMatchObject({
      participants: 2,
      contributions: { threads: 2, comments: 2, suggestions: 0 },
      taskForceReplies: 1,
      // Neither Tom nor his reply's language is among who took part.
      bySector: [{ key: '', count: 2 }],
      byLanguage: [{ key: 'en', count: 2 }],
      threadStatus: { open: 2, resolved: 0 },
    });
  });

  it("counts the task force's and admins' threads, replies and suggestions apart from the input", async () => {
    const id = await draft();
    const alice = await signUpAs(server.accounts, 'stakeholder', 'Alice');
    const tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
    const toms = await startThread(id, tom, 'Note: the deadline is set by law.');
    await reply(id, toms.id, alice, 'Which law?');
    await reply(id, toms.id, chair, 'The 2016 transparency act.');
    await post<SuggestionView>(`/api/drafts/${id}/suggestions`, tom, {
      anchor: await anchorOf(id, tom, 'a published answer'),
      text: 'a public answer',
    });

    const numbers = await report(id);
    expect(numbers).toMatchObject({
      participants: 1,
      contributions: { threads: 0, comments: 1, suggestions: 0 },
      taskForceReplies: 2,
      threadStatus: { open: 0, resolved: 0 },
      suggestionStatus: { open: 0 },
      sections: [],
    });
    // Alice's reply in Tom's thread is still input about its passage.
    expect(numbers.mostDiscussed).toEqual([
      { section: 'Listening', quote: SENTENCE, comments: 1, suggestions: 0 },
    ]);
  });

  it('has no participant and no task-force reply on a draft nobody commented on', async () => {
    expect(await report(await draft())).toMatchObject({
      participants: 0,
      contributions: { threads: 0, comments: 0, suggestions: 0 },
      taskForceReplies: 0,
    });
  });
});
