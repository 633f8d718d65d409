import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { verifyChain } from '../src/changelog/hashChain.ts';
import { anchorIn } from './support/anchors.ts';
import { callApi, synced } from './support/api.ts';
import { stockClient } from './support/collabClient.ts';
import { cookieFrom, signInOverHttp } from './support/identities.ts';
import { freshDatabase } from './support/postgresDatabase.ts';
import { signUpForm } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { runToExit, spawnServer } from './support/serverProcess.ts';
import { tempDir } from './support/tempDir.ts';

// `npm run migrate-store`: an embedded store with comments, suggestions, versions and a long
// change log, copied into PostgreSQL, served the same there (issue 14, test 7).

const repoRoot = path.resolve(import.meta.dirname, '../..');
const DRAFT = 'moved-plan';
const CHAIR_ENV = {
  MARGINS_ADMIN_EMAIL: 'chair@margins.test',
  MARGINS_ADMIN_PASSWORD: 'chair-password-for-tests',
};
const SOURCE =
  '---\ntitle: Moved plan\nlanguage: en\n---\n# Moved plan\n\nWe read everything. Then we decide.\n';

function migrateStore(dataDir: string, databaseUrl: string, ...extra: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/src/cli/migrateStore.ts', dataDir, ...extra],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return runToExit(child);
}

/** A lowdb store in a new folder with every kind of record, and the chair's email. */
async function populatedStore(): Promise<{ dataDir: string; email: string }> {
  const dataDir = tempDir('margins-migrate-');
  const draftsDir = tempDir('margins-migrate-drafts-');
  writeFileSync(path.join(draftsDir, `${DRAFT}.md`), SOURCE);
  const running = await spawnServer({
    dataDir,
    draftsDir,
    env: { ...CHAIR_ENV, EDIT_BURST_SECONDS: '0.1' },
  });
  try {
    const chair = {
      cookie: await signInOverHttp(
        running.url,
        CHAIR_ENV.MARGINS_ADMIN_EMAIL,
        CHAIR_ENV.MARGINS_ADMIN_PASSWORD,
      ),
    };
    const registered = await fetch(`${running.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signUpForm('Alice')),
    });
    expect(registered.status).toBe(201);
    const alice = { cookie: cookieFrom(registered) };
    const editor = stockClient(running.port, DRAFT, chair);
    await synced(editor);
    // A long change log: forty edit bursts, each ended by a quiet moment.
    for (let i = 0; i < 40; i++) {
      editor.write(`Paragraph ${i}.`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const fragment = editor.doc.getXmlFragment(CONTENT_FIELD);
    const thread = await callApi(running.url, `/api/drafts/${DRAFT}/threads`, {
      method: 'POST',
      as: alice as never,
      body: { anchor: anchorIn(fragment, 'We read everything.'), body: 'Everything?' },
    });
    expect(thread.status).toBe(201);
    const reply = await callApi(running.url, `/api/drafts/${DRAFT}/threads/${thread.json.id}/replies`, {
      method: 'POST',
      as: chair as never,
      body: { body: 'Every contribution.' },
    });
    expect(reply.status).toBe(201);
    for (const [words, text, verb] of [
      ['Then we decide.', 'Then the task force decides.', 'accept'],
      ['Paragraph 3.', 'The third paragraph.', 'reject'],
    ] as const) {
      const suggestion = await callApi(running.url, `/api/drafts/${DRAFT}/suggestions`, {
        method: 'POST',
        as: alice as never,
        body: { anchor: anchorIn(fragment, words), text },
      });
      expect(suggestion.status).toBe(201);
      const decided = await callApi(
        running.url,
        `/api/drafts/${DRAFT}/suggestions/${suggestion.json.id}/${verb}`,
        {
          method: 'POST',
          as: chair as never,
          body: { rationale: 'Decided before the move.' },
        },
      );
      expect(decided.status).toBe(200);
    }
    const version = await callApi(running.url, `/api/drafts/${DRAFT}/versions`, {
      method: 'POST',
      as: chair as never,
      body: { name: 'Before the move' },
    });
    expect(version.status).toBe(201);
    await eventually(() => expect(editor.content()).toContain('Then the task force decides.'));
    editor.destroy();
    return { dataDir, email: CHAIR_ENV.MARGINS_ADMIN_EMAIL };
  } finally {
    await running.stop();
  }
}

async function servedBy(url: string, cookie: string) {
  const content = await callApi(url, `/api/drafts/${DRAFT}/content`);
  const log = await callApi(url, `/api/drafts/${DRAFT}/changelog`, { as: { cookie } as never });
  const threads = await callApi(url, `/api/drafts/${DRAFT}/threads`);
  const suggestions = await callApi(url, `/api/drafts/${DRAFT}/suggestions`);
  const versions = await callApi(url, `/api/drafts/${DRAFT}/versions`, { as: { cookie } as never });
  return {
    content: content.json,
    log: log.json as { hash: string }[],
    threads: threads.json,
    suggestions: suggestions.json,
    versions: versions.json,
  };
}

describe('npm run migrate-store', () => {
  it('SCALE-7 copies a lowdb store into PostgreSQL, which then serves the same content, records and change-log head', async () => {
    const { dataDir, email } = await populatedStore();
    const databaseUrl = await freshDatabase();

    const copied = await migrateStore(dataDir, databaseUrl);

    expect(copied.output).toContain('OK');
    expect(copied.code).toBe(0);
    expect(copied.output).toMatch(
      /Copied 1 drafts, \d+ people, \d+ invites, 1 threads, 2 comments, 2 suggestions, 1 versions, \d+ change-log entries/,
    );
    const onLowdb = await spawnServer({ dataDir });
    const onPostgres = await spawnServer({ env: { DATABASE_URL: databaseUrl } });
    try {
      const [before, after] = [
        await servedBy(
          onLowdb.url,
          await signInOverHttp(onLowdb.url, email, CHAIR_ENV.MARGINS_ADMIN_PASSWORD),
        ),
        await servedBy(
          onPostgres.url,
          await signInOverHttp(onPostgres.url, email, CHAIR_ENV.MARGINS_ADMIN_PASSWORD),
        ),
      ];
      expect(before.log.length).toBeGreaterThan(40);
      expect(verifyChain(after.log)).toMatchObject({ ok: true, count: before.log.length });
      expect(after.log.at(-1)?.hash).toBe(before.log.at(-1)?.hash);
      expect(after.content).toEqual(before.content);
      expect(after.threads).toEqual(before.threads);
      expect(after.suggestions).toEqual(before.suggestions);
      expect(after.versions).toEqual(before.versions);
    } finally {
      await Promise.all([onLowdb.stop(), onPostgres.stop()]);
    }
  }, 60_000);

  it('refuses a database that already holds a store, copying nothing, unless told --force', async () => {
    const { dataDir } = await populatedStore();
    const databaseUrl = await freshDatabase();
    expect((await migrateStore(dataDir, databaseUrl)).code).toBe(0);

    const again = await migrateStore(dataDir, databaseUrl);

    expect(again.code).toBe(1);
    expect(again.output).toContain(
      'The PostgreSQL database already holds drafts or people; nothing was copied.',
    );
    expect(again.output).toContain('--force');
  }, 60_000);
});
