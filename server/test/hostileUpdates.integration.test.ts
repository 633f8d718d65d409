import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { CloseCode, MessageType } from '../../shared/protocol.ts';
import { textBlocksOf } from '../src/collab/nesting.ts';
import { importDraft } from '../src/drafts/importDrafts.ts';
import { LowdbStorage } from '../src/storage/lowdbStorage.ts';
import { callApi, synced } from './support/api.ts';
import { type RawSocket, rawSocket, type StockClient, stockClient } from './support/collabClient.ts';
import type { Identity } from './support/identities.ts';
import { signUpAs } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { runToExit } from './support/serverProcess.ts';
import { tempDir } from './support/tempDir.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

/** What the servers logged (warnings and errors), one JSON object per line. */
let logged: string[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
const DRAFT = 'open-plan';
const SOURCE = '---\ntitle: Open plan\nlanguage: en\n---\n# Open plan\n\nThe first words.\n';

type Running = TestServer<LowdbStorage>;

const running: Running[] = [];
const clients: StockClient[] = [];
const sockets: RawSocket[] = [];

async function start(dataDir = tempDir('margins-hostile-')): Promise<Running> {
  const started = await startTestServer({ storage: 'lowdb', dataDir, logger, drafts: { [DRAFT]: SOURCE } });
  running.push(started);
  return started;
}

async function stop(server: Running): Promise<void> {
  const index = running.indexOf(server);
  if (index < 0) return;
  running.splice(index, 1);
  await server.close();
}

function editorClient(server: Running, as: Identity): StockClient {
  const created = stockClient(server.port, DRAFT, { cookie: as.cookie });
  clients.push(created);
  return created;
}

function raw(server: Running, as: Identity): RawSocket {
  const socket = rawSocket(server.port, DRAFT, { cookie: as.cookie });
  sockets.push(socket);
  return socket;
}

function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** An update, on top of `base`, appending block quotes nested `depth` deep with a word at the bottom. */
function nestedUpdate(base: Y.Doc, depth: number): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(doc);
  const fragment = doc.getXmlFragment(CONTENT_FIELD);
  doc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = fragment;
    for (let level = 0; level < depth; level++) {
      const quote = new Y.XmlElement('blockquote');
      parent.insert(parent === fragment ? fragment.length : 0, [quote]);
      parent = quote;
    }
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('buried')]);
    parent.insert(0, [paragraph]);
  });
  return Y.encodeStateAsUpdate(doc, before);
}

afterEach(async () => {
  logged = [];
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.ws.terminate();
  for (const server of running.splice(0).reverse()) await server.close();
});

/** Adds `update` to the draft's stored state, as a server before the limit would have stored it. */
async function storeDirectly(dataDir: string, depth: number): Promise<void> {
  const storage = await LowdbStorage.open(dataDir);
  try {
    await importDraft(storage, DRAFT, SOURCE);
    const { state, journal } = await storage.drafts.loadDocumentWithJournal(DRAFT);
    const doc = new Y.Doc();
    if (state) Y.applyUpdate(doc, state);
    Y.applyUpdate(doc, nestedUpdate(doc, depth));
    await storage.drafts.saveDocument(DRAFT, Y.encodeStateAsUpdate(doc), journal);
  } finally {
    await storage.close();
  }
}

function repairDraft(dataDir: string, ...args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/src/cli/repairDraft.ts', DRAFT, ...args],
    {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return runToExit(child);
}

async function status(server: Running, as: Identity, pathname: string): Promise<number> {
  const response = await fetch(`${server.url}/api/drafts/${DRAFT}${pathname}`, {
    headers: { cookie: as.cookie },
  });
  await response.arrayBuffer();
  return response.status;
}

/** A client's text, read without recursion (Yjs' `toString` overflows on a draft thousands deep). */
function text(c: StockClient): string {
  return textBlocksOf(c.doc.getXmlFragment(CONTENT_FIELD)).join('\n');
}

/** Both editors' words reach each other, and neither socket was closed. */
async function stillEditing(a: StockClient, b: StockClient, closes: number[], words: string): Promise<void> {
  a.write(`${words} from one.`);
  b.write(`${words} from the other.`);
  await eventually(() => {
    expect(text(b)).toContain(`${words} from one.`);
    expect(text(a)).toContain(`${words} from the other.`);
  });
  expect(closes).toEqual([]);
}

function closeCodes(...each: StockClient[]): number[] {
  const codes: number[] = [];
  for (const c of each) c.provider.on('connection-close', (event) => codes.push(event?.code ?? 0));
  return codes;
}

describe('blocks nested deeper than the schema can hold', { timeout: 60_000 }, () => {
  it('CLOSE-7 closes only the socket that sends them (4422); the others keep editing, threads and exports answer, also after a restart', async () => {
    const dataDir = tempDir('margins-hostile-');
    let server = await start(dataDir);
    const tomId = await signUpAs(server.server.accounts, 'taskforce', 'Tom');
    const inesId = await signUpAs(server.server.accounts, 'taskforce', 'Inès');
    const malloryId = await signUpAs(server.server.accounts, 'taskforce', 'Mallory');
    const tom = editorClient(server, tomId);
    const ines = editorClient(server, inesId);
    await synced(tom, ines);
    const closes = closeCodes(tom, ines);

    const mallory = raw(server, malloryId);
    await mallory.opened;
    mallory.ws.send(updateMessage(nestedUpdate(tom.doc, 6000)));
    const closed = await mallory.closed;
    expect(closed.code).toBe(CloseCode.UpdateRefused);
    expect(closed.reason).toContain('at most 64');

    await stillEditing(tom, ines, closes, 'Typing on');
    expect(text(tom)).not.toContain('buried');
    expect(await status(server, tomId, '/threads')).toBe(200);
    expect(await status(server, tomId, '/export/draft.html')).toBe(200);

    // One level within the limit is a draft's own business: accepted.
    const fine = raw(server, malloryId);
    await fine.opened;
    fine.ws.send(updateMessage(nestedUpdate(tom.doc, 40)));
    await eventually(() => expect(text(tom)).toContain('buried'));

    for (const c of clients.splice(0)) c.destroy();
    await stop(server);
    server = await start(dataDir);
    // Sessions are stored: the same people are still signed in.
    const again = tomId;
    const tom2 = editorClient(server, tomId);
    const ines2 = editorClient(server, inesId);
    await synced(tom2, ines2);
    await stillEditing(tom2, ines2, closeCodes(tom2, ines2), 'After the restart');
    expect(await status(server, again, '/threads')).toBe(200);
    expect(await status(server, again, '/export/draft.html')).toBe(200);
  });

  it('LIMIT-17 loads a draft stored 6,000 levels deep by an older server, names the part, and `repair-draft` turns it into paragraphs', async () => {
    const dataDir = tempDir('margins-hostile-');
    await storeDirectly(dataDir, 6000);

    let server = await start(dataDir);
    const tomId = await signUpAs(server.server.accounts, 'taskforce', 'Tom');
    const inesId = await signUpAs(server.server.accounts, 'taskforce', 'Inès');
    const tom = editorClient(server, tomId);
    const ines = editorClient(server, inesId);
    await synced(tom, ines);
    await stillEditing(tom, ines, closeCodes(tom, ines), 'Still editable');
    expect(await status(server, tomId, '/threads')).toBe(200);
    expect(await status(server, tomId, '/export/draft.html')).toBe(200);
    expect(await status(server, tomId, '/export/draft.md')).toBe(200);
    await eventually(() =>
      expect(logged.join('')).toContain(
        `nests deeper than 64 levels; stop the server and run: npm run repair-draft -- ${DRAFT}`,
      ),
    );

    for (const c of clients.splice(0)) c.destroy();
    await stop(server);

    const dry = await repairDraft(dataDir, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.output).toContain('block 3 of the text nests 6,002 levels deep (at most 64): "buried…"');
    expect(dry.output).toContain('Nothing was changed (--dry-run)');
    const repaired = await repairDraft(dataDir);
    expect(repaired.code).toBe(0);
    expect(repaired.output).toContain(
      '1 block(s) nested deeper than 64 levels replaced by 1 paragraph(s) of their text',
    );
    const again = await repairDraft(dataDir, '--dry-run');
    expect(again.output).toContain('nothing to repair');

    logged = [];
    server = await start(dataDir);
    const tomAgain = tomId;
    const tom2 = editorClient(server, tomAgain);
    await synced(tom2);
    expect(text(tom2)).toContain('buried');
    expect(tom2.doc.getXmlFragment(CONTENT_FIELD).toString()).toContain('<paragraph>buried</paragraph>');
    const log = await callApi(server.url, `/api/drafts/${DRAFT}/changelog`, { as: tomAgain });
    expect(JSON.stringify(log.json)).toContain(
      'npm run repair-draft: 1 block(s) nested deeper than 64 levels',
    );
    expect(logged.join('')).not.toContain('repair-draft');
    expect(await readFile(path.join(dataDir, 'documents', `${DRAFT}.json.bak`))).toBeTruthy();
  });
});
