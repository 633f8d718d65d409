import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { type StockClient, stockClient } from './support/collabClient.ts';
import { signInOverHttp } from './support/identities.ts';
import { eventually } from './support/retry.ts';
import { runToExit, type ServerProcess, spawnServer } from './support/serverProcess.ts';
import { tempDir } from './support/tempDir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const DRAFT = 'estrategia-abierta';
/** The first admin, created from the environment; admins may edit drafts. */
const ADMIN = { email: 'chair@margins.test', password: 'a long admin password' };
const ADMIN_ENV = { MARGINS_ADMIN_EMAIL: ADMIN.email, MARGINS_ADMIN_PASSWORD: ADMIN.password };

const processes: ServerProcess[] = [];
const clients: StockClient[] = [];
/** Processes started without spawnServer; killed after each test if a failure left them running. */
const strays: ChildProcess[] = [];

/** A drafts folder with two good drafts and one broken one. */
async function draftsFixture(): Promise<string> {
  const dir = tempDir('margins-drafts-');
  await writeFile(
    path.join(dir, `${DRAFT}.md`),
    '---\ntitle: Estrategia de gobierno abierto\nlanguage: es\n---\n# Estrategia\n\nTexto inicial.\n',
  );
  await writeFile(path.join(dir, 'open-strategy.md'), '# Open government strategy\n\nInitial text.\n');
  await writeFile(path.join(dir, 'broken.md'), '---\nlanguage: not a language\n---\n# Broken\n');
  return dir;
}

async function start(
  dataDir: string,
  draftsDir: string,
  env: Record<string, string> = ADMIN_ENV,
): Promise<ServerProcess> {
  const server = await spawnServer({ dataDir, draftsDir, env });
  processes.push(server);
  return server;
}

/** A client of the draft: a visitor, or with `cookie`, that signed-in person. */
function client(server: ServerProcess, cookie?: string): StockClient {
  const created = stockClient(server.port, DRAFT, { cookie });
  clients.push(created);
  return created;
}

/** A client signed in as the admin of the environment, who may edit. */
async function adminClient(server: ServerProcess): Promise<StockClient> {
  return client(server, await signInOverHttp(server.url, ADMIN.email, ADMIN.password));
}

async function storedText(dataDir: string): Promise<string> {
  const file = JSON.parse(await readFile(path.join(dataDir, 'documents', `${DRAFT}.json`), 'utf8')) as {
    state: string;
  };
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(Buffer.from(file.state, 'base64')));
  return doc.getXmlFragment(CONTENT_FIELD).toString();
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(processes.splice(0).map((server) => server.stop('SIGKILL')));
  for (const child of strays.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('the server process', () => {
  it('STORE-4 answers the health check and lists the drafts imported from DRAFTS_DIR, skipping a broken one', async () => {
    const server = await start(tempDir('margins-data-'), await draftsFixture());

    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/application\/json/);
    expect(await health.json()).toMatchObject({ status: 'ok', version: expect.any(String) });

    const drafts = await fetch(`${server.url}/api/drafts`);
    expect(drafts.status).toBe(200);
    const list = (await drafts.json()) as { id: string; title: string; language: string }[];
    expect(list.map(({ id, title, language }) => ({ id, title, language }))).toEqual([
      { id: DRAFT, title: 'Estrategia de gobierno abierto', language: 'es' },
      { id: 'open-strategy', title: 'Open government strategy', language: 'en' },
    ]);
    expect(server.output()).toContain('broken.md');
  });

  it('PERM-9 prints a one-time setup link without MARGINS_ADMIN_EMAIL, and the link makes the first admin', async () => {
    const server = await start(tempDir('margins-data-'), await draftsFixture(), {});

    // Printed just after the "listening" line, possibly in a later chunk.
    const token = await eventually(() => {
      const found = /\/invite\/([A-Za-z0-9_-]+)/.exec(server.output())?.[1];
      expect(found).toBeDefined();
      return found ?? '';
    });
    const invite = await fetch(`${server.url}/api/invites/${token}`);
    expect(await invite.json()).toMatchObject({ role: 'admin', email: null });
    const accepted = await fetch(`${server.url}/api/invites/${token}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Chair', email: 'chair@example.org', password: 'a long admin password' }),
    });
    expect(accepted.status).toBe(201);
    expect(await accepted.json()).toMatchObject({ user: { role: 'admin', email: 'chair@example.org' } });
    expect((await fetch(`${server.url}/api/invites/${token}`)).status).toBe(410);
  });

  it('SAVE-4 saves open edits on SIGTERM, so that the restarted process has them', async () => {
    const dataDir = tempDir('margins-data-');
    const draftsDir = await draftsFixture();
    const first = await start(dataDir, draftsDir);
    expect(first.output()).not.toContain('/invite/'); // the admin came from the environment
    const alice = await adminClient(first);
    const tom = client(first);
    alice.write('Escrito justo antes de parar.');
    // Tom seeing it proves the server holds it; the 1 s save debounce has not run yet.
    await eventually(() => expect(tom.content()).toContain('Escrito justo antes de parar.'));

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(await storedText(dataDir)).toContain('Escrito justo antes de parar.');
    expect(existsSync(path.join(dataDir, 'margins.lock'))).toBe(false);

    const second = await start(dataDir, draftsDir);
    const ines = client(second);
    await eventually(() => expect(ines.content()).toContain('Escrito justo antes de parar.'));
    expect(ines.content()).toContain('Texto inicial.');
  });

  it('STORE-3 refuses to start a second process on the same data directory', async () => {
    const dataDir = tempDir('margins-data-');
    const draftsDir = await draftsFixture();
    const first = await start(dataDir, draftsDir);

    const second = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DRAFTS_DIR: draftsDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    strays.push(second);
    const { code, output } = await runToExit(second);

    expect(code).not.toBe(0);
    expect(output).toMatch(/data directory/);
    expect(output).toContain(dataDir);
    expect(output).toContain(String(first.process.pid));
    // The first process is unharmed.
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
  });

  it('STORE-3 starts on a data directory whose previous process was killed with SIGKILL, with the saved edits', async () => {
    const dataDir = tempDir('margins-data-');
    const draftsDir = await draftsFixture();
    const first = await start(dataDir, draftsDir);
    const alice = await adminClient(first);
    alice.write('Guardado antes del kill -9.');
    // Wait for the ordinary debounced save to reach the disk.
    await eventually(async () => expect(await storedText(dataDir)).toContain('Guardado antes del kill -9.'));

    await first.stop('SIGKILL');
    expect(existsSync(path.join(dataDir, 'margins.lock'))).toBe(true);

    const second = await start(dataDir, draftsDir);
    const drafts = (await (await fetch(`${second.url}/api/drafts`)).json()) as { id: string }[];
    expect(drafts.map((draft) => draft.id)).toContain(DRAFT);
    const tom = client(second);
    await eventually(() => expect(tom.content()).toContain('Guardado antes del kill -9.'));
  });
});
