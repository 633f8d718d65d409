import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ChangeLogEntry } from '../../shared/changelog.ts';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { verifyChain } from '../src/changelog/hashChain.ts';
import { anchorIn, editAsBinding, rangeOf } from './support/anchors.ts';
import { type StockClient, stockClient } from './support/collabClient.ts';
import { signInOverHttp } from './support/identities.ts';
import { eventually } from './support/retry.ts';
import { type ServerProcess, spawnServer } from './support/serverProcess.ts';
import { tempDir } from './support/tempDir.ts';

// kill -9 right after the server answered (issue 11): what it answered as done is still done
// after a restart — with a reader connected, as during a consultation, since readers can never
// send the server's own changes back to it.

const DRAFT = 'plan';
const ADMIN = { email: 'chair@margins.test', password: 'a long admin password' };
const ENV = { MARGINS_ADMIN_EMAIL: ADMIN.email, MARGINS_ADMIN_PASSWORD: ADMIN.password };
const CYCLES = 20;

const processes: ServerProcess[] = [];
const clients: StockClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(processes.splice(0).map((server) => server.stop('SIGKILL')));
});

async function start(dataDir: string, draftsDir: string): Promise<ServerProcess> {
  const server = await spawnServer({ dataDir, draftsDir, env: ENV });
  processes.push(server);
  return server;
}

function connect(server: ServerProcess, cookie?: string): StockClient {
  const client = stockClient(server.port, DRAFT, { cookie });
  clients.push(client);
  return client;
}

async function call(server: ServerProcess, cookie: string, method: string, route: string, body?: unknown) {
  const response = await fetch(`${server.url}/api/drafts/${DRAFT}${route}`, {
    method,
    headers: { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function draftsDir(paragraphs: string[]): Promise<string> {
  const dir = tempDir('margins-drafts-');
  await writeFile(path.join(dir, `${DRAFT}.md`), `# Plan\n\n${paragraphs.join('\n\n')}\n`);
  return dir;
}

const fragmentOf = (client: StockClient) => client.doc.getXmlFragment(CONTENT_FIELD);
const textOf = (client: StockClient) => fragmentOf(client).toString();

async function log(server: ServerProcess, cookie: string): Promise<ChangeLogEntry[]> {
  return (await call(server, cookie, 'GET', '/changelog')).json as unknown as ChangeLogEntry[];
}

describe('after kill -9', () => {
  it(`SAVE-1 keeps every accepted suggestion and every thread's mark answered just before the kill (${CYCLES} cycles, a reader connected)`, async () => {
    const paragraphs = Array.from({ length: CYCLES }, (_, i) => `Paragraph ${i} says old words here.`);
    const dataDir = tempDir('margins-data-');
    const drafts = await draftsDir(paragraphs);
    const accepted: string[] = [];
    const threads: string[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await start(dataDir, drafts);
      const cookie = await signInOverHttp(server.url, ADMIN.email, ADMIN.password);
      const reader = connect(server);
      await eventually(() => expect(reader.provider.synced).toBe(true));
      const words = `Paragraph ${cycle} says old words`;
      const made = await call(server, cookie, 'POST', '/suggestions', {
        anchor: anchorIn(fragmentOf(reader), words),
        text: `Paragraph ${cycle} says new words ${cycle}`,
      });
      expect(made.status).toBe(201);
      const thread = await call(server, cookie, 'POST', '/threads', {
        anchor: anchorIn(fragmentOf(reader), 'here'),
        body: `Comment ${cycle}`,
      });
      expect(thread.status).toBe(201);
      threads.push(thread.json.id as string);
      const answer = await call(server, cookie, 'POST', `/suggestions/${made.json.id}/accept`, {
        rationale: 'Yes.',
      });
      expect(answer.status).toBe(200);
      accepted.push(`new words ${cycle}`);
      // At once: well inside the debounced save's window.
      await server.stop('SIGKILL');
    }
    const server = await start(dataDir, drafts);
    const cookie = await signInOverHttp(server.url, ADMIN.email, ADMIN.password);
    const reader = connect(server);
    await eventually(() => expect(reader.provider.synced).toBe(true));
    const text = textOf(reader);
    expect(accepted.filter((words) => !text.includes(words))).toEqual([]);
    const listed = (await call(server, cookie, 'GET', '/threads')).json as unknown as {
      id: string;
      detached?: boolean;
    }[];
    const marked = threads.filter((id) => text.includes(id));
    expect(marked).toHaveLength(CYCLES);
    expect(listed.filter((t) => t.detached)).toEqual([]);
    const entries = await log(server, cookie);
    expect(entries.filter((e) => e.type === 'suggestion.accepted')).toHaveLength(CYCLES);
    expect(verifyChain(entries)).toMatchObject({ ok: true });
  }, 180_000);

  it('SAVE-6 logs an edit burst still open when the server was killed, attributed and timed', async () => {
    const dataDir = tempDir('margins-data-');
    const drafts = await draftsDir(['We read every comment.']);
    const first = await start(dataDir, drafts);
    const cookie = await signInOverHttp(first.url, ADMIN.email, ADMIN.password);
    const editor = connect(first, cookie);
    await eventually(() => expect(editor.provider.synced).toBe(true));
    const typedAt = Date.now();
    editAsBinding(editor.doc, fragmentOf(editor), (tr, doc) => {
      const { from, block, at } = rangeOf(doc, 'We read every comment.');
      tr.insertText(' And we answer.', from - at + block.length);
    });
    // Saved with the state, the burst is in the document's journal; its two quiet minutes are not over.
    const file = path.join(dataDir, 'documents', `${DRAFT}.json`);
    await eventually(async () => {
      const stored = JSON.parse(await readFile(file, 'utf8')) as {
        state: string;
        journal?: { bursts: unknown[] };
      };
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Buffer.from(stored.state, 'base64'));
      expect(doc.getXmlFragment(CONTENT_FIELD).toString()).toContain('And we answer.');
      expect(stored.journal?.bursts).toHaveLength(1);
    }, 10_000);
    expect((await log(first, cookie)).filter((e) => e.type === 'edit')).toEqual([]);
    await first.stop('SIGKILL');

    const second = await start(dataDir, drafts);
    const again = await signInOverHttp(second.url, ADMIN.email, ADMIN.password);
    const edits = (await log(second, again)).filter((e) => e.type === 'edit');
    expect(edits).toHaveLength(1);
    expect(edits[0]?.changes).toEqual([
      { section: 'Plan', before: 'We read every comment.', after: 'We read every comment. And we answer.' },
    ]);
    expect(edits[0]?.actor?.role).toBe('admin');
    const startedAt = Date.parse(edits[0]?.burst?.startedAt ?? '');
    expect(Math.abs(startedAt - typedAt)).toBeLessThan(2000);
    // Logged once, also after another restart.
    await second.stop('SIGKILL');
    const third = await start(dataDir, drafts);
    const thirdCookie = await signInOverHttp(third.url, ADMIN.email, ADMIN.password);
    expect((await log(third, thirdCookie)).filter((e) => e.type === 'edit')).toHaveLength(1);
  }, 60_000);
});
