import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeLogEntry, ChangeLogExport, UnsealedEntry } from '../../shared/changelog.ts';
import { exportFileName, VERIFIER_FILE } from '../../shared/exports.ts';
import { seal } from '../src/changelog/hashChain.ts';
import { buildStandaloneVerifier } from '../src/cli/buildVerifier.ts';
import { changelogJson } from '../src/exports/changelogExports.ts';
import { makeTempFolder, removeFolder } from './support/tempFolders.ts';
import { startTestServer } from './support/testServer.ts';

// A member of the public downloads the change log and verify-log.mjs from History and runs
// `node verify-log.mjs <draft>-changelog.json` in a folder of their own: no clone, no install.
// Here that folder is a temporary directory with no node_modules anywhere above it.

const repoRoot = path.resolve(import.meta.dirname, '../..');
const DRAFT = 'strategie-2030';
const LOG_FILE = exportFileName(DRAFT, 'changelog.json');

const blank: Omit<UnsealedEntry, 'seq' | 'prevHash' | 'type' | 'actor'> = {
  draftId: DRAFT,
  at: '2030-01-10T09:00:00.000Z',
  section: '1. Contexte',
  changes: [],
  rationale: null,
  threadId: null,
  suggestionId: null,
  versionId: null,
  detail: null,
};

function entries(): ChangeLogEntry[] {
  const tom = { id: 'u-tom', name: 'Tom Okafor', role: 'taskforce' as const, organisation: null };
  const opened = seal(undefined, { ...blank, actor: null, type: 'consultation.opened' });
  const edited = seal(opened, {
    ...blank,
    actor: tom,
    type: 'edit',
    changes: [{ section: '1. Contexte', before: 'Le réseau.', after: 'Le réseau, créé en 2019.' }],
  });
  const published = seal(edited, { ...blank, actor: tom, type: 'version.published', versionId: 'v-1' });
  return [opened, edited, published];
}

const exported = (list: ChangeLogEntry[]) =>
  changelogJson({ id: DRAFT, title: 'Stratégie 2030' }, list, '2030-01-11T00:00:00.000Z');

let dir: string;

beforeAll(async () => {
  dir = makeTempFolder('margins-verifier-');
  await buildStandaloneVerifier(path.join(dir, VERIFIER_FILE));
}, 60_000);

afterAll(() => removeFolder(dir));

/** Runs the standalone verifier with plain `node`, in `dir`, with nothing but PATH in its environment. */
function verify(file: string) {
  return spawnSync(process.execPath, [VERIFIER_FILE, file], {
    cwd: dir,
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
  });
}

describe('verify-log.mjs, run with plain node', () => {
  it('CHAIN-3 is one file that imports nothing but Node.js itself', async () => {
    const source = await readFile(path.join(dir, VERIFIER_FILE), 'utf8');
    const imported = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]);
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((specifier) => !specifier?.startsWith('node:'))).toEqual([]);
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
  });

  it('prints OK and the last hash for an intact export, exit 0', async () => {
    const log = entries();
    await writeFile(path.join(dir, LOG_FILE), exported(log));
    const result = verify(LOG_FILE);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`OK: 3 entries, chain intact (last hash ${log[2]?.hash})\n`);
    expect(result.status).toBe(0);
  });

  it('CHAIN-3 names the entry whose words were changed, exit 1', async () => {
    const tampered = JSON.parse(exported(entries())) as ChangeLogExport;
    const change = tampered.entries[1]?.changes[0];
    if (change) change.after = 'Le réseau, créé en 2021.';
    await writeFile(path.join(dir, 'tampered.json'), JSON.stringify(tampered, null, 2));
    const result = verify('tampered.json');
    expect(result.stdout).toContain('BROKEN: entry 2 was changed after it was logged');
    expect(result.status).toBe(1);
  });

  it('names the entry that was removed, exit 1', async () => {
    const log = entries();
    await writeFile(path.join(dir, 'cut.json'), exported([log[0], log[2]].filter((e) => e !== undefined)));
    const result = verify('cut.json');
    expect(result.stdout).toContain(
      'BROKEN: an entry is missing between 1 and 3 (entry 2 is not in the log)',
    );
    expect(result.status).toBe(1);
  });

  it('says how to use it, and exits 2, for a file that is missing or not JSON', async () => {
    expect(verify('')).toMatchObject({
      status: 2,
      stderr: `Usage: node ${VERIFIER_FILE} <draft>-changelog.json\n`,
    });
    await writeFile(path.join(dir, 'notes.txt'), 'not a change log');
    const result = verify('notes.txt');
    expect(result.stderr).toContain('notes.txt is not JSON');
    expect(result.status).toBe(2);
  });
});

describe('npm run verify-log', () => {
  it('CHAIN-3 reads the file from the directory it was called from, not the package root', async () => {
    await writeFile(path.join(dir, LOG_FILE), exported(entries()));
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('npm_') && key !== 'INIT_CWD') env[key] = value;
    }
    const result = spawnSync('npm', ['--prefix', repoRoot, 'run', '--silent', 'verify-log', '--', LOG_FILE], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    expect(result.stdout).toMatch(/^OK: 3 entries, chain intact/);
    expect(result.status).toBe(0);
  }, 30_000);
});

describe('GET /verify-log.mjs', () => {
  async function served(clientDir: string) {
    const server = await startTestServer({ clientDir });
    try {
      const response = await fetch(`${server.url}/${VERIFIER_FILE}`);
      return { response, body: await response.text() };
    } finally {
      await server.close();
    }
  }

  it('CHAIN-3 downloads the built verifier as verify-log.mjs', async () => {
    const { response, body } = await served(dir);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="?verify-log\.mjs"?$/);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(body).toBe(await readFile(path.join(dir, VERIFIER_FILE), 'utf8'));
  });

  it('says to build it when it is not built, in the error envelope', async () => {
    const { response, body } = await served(path.join(dir, 'no-client-here'));
    expect(response.status).toBe(503);
    expect(JSON.parse(body)).toEqual({
      error: { code: 'client_not_built', message: 'The verifier is not built yet: run `npm run build`.' },
    });
  });
});
