import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import type { ConsultationReport } from '../../shared/report.ts';
import type { SuggestionView } from '../../shared/suggestions.ts';
import type { ThreadView } from '../../shared/threads.ts';
import { markdownToYjsState } from '../src/drafts/markdown.ts';
import { createMarginsServer, type MarginsServer } from '../src/marginsServer.ts';
import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import { draftRecord } from './storageContract.ts';
import { anchorIn } from './support/anchors.ts';
import { callApi, synced, windowFrom } from './support/api.ts';
import { type StockClient, stockClient } from './support/collabClient.ts';
import { adminOf, type Identity, plainPasswords, signUpAs } from './support/identities.ts';

// The "what we heard" report counts what stakeholders said. Alice and Bruno are stakeholders,
// Tom is the task force and the chair is the admin: their replies answer the input and are
// counted apart, never as participants or contributions.

const logger = pino({ level: 'silent' });
const SENTENCE = 'Every contribution gets a published answer.';
const TEXT = `# Listening\n\nWe read everything. ${SENTENCE} Then we decide.\n`;

let server: MarginsServer;
let storage: MemoryStorage;
let port: number;
let base: string;
let chair: Identity;
const clients: StockClient[] = [];

beforeAll(async () => {
  storage = new MemoryStorage();
  server = createMarginsServer({
    storage,
    logger,
    clientDir: path.join(import.meta.dirname, 'no-client'),
    passwords: plainPasswords,
  });
  port = (await server.listen(0, '127.0.0.1')).port;
  base = `http://127.0.0.1:${port}`;
  chair = await adminOf(server.accounts);
});

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

afterAll(async () => {
  await server.close();
});

let next = 1;
async function draft(): Promise<string> {
  const id = `report-draft-${next++}`;
  await storage.createDraft(draftRecord(id, { window: windowFrom(-1, 30) }), markdownToYjsState(TEXT));
  return id;
}

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
