import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LowdbStorage } from '../src/storage/lowdbStorage.ts';
import { DamagedStoreError } from '../src/storage/storage.ts';
import { draftRecord, userRecord, yjsStateWithText } from './support/records.ts';
import { runToExit } from './support/serverProcess.ts';
import { tempDir } from './support/tempDir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
/** Every file under `dir`, by relative path, with its bytes: to show that nothing was changed. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[path.relative(dir, full)] = readFileSync(full).toString('base64');
    }
  };
  walk(dir);
  return files;
}

/** A store with one draft ("intact", saved twice so it has a `.bak`) and one person. */
async function storeWithDraft(): Promise<string> {
  const dir = tempDir('margins-damaged-');
  const storage = await LowdbStorage.open(dir);
  await storage.drafts.createDraft(draftRecord('intact'), yjsStateWithText('Words people wrote'));
  await storage.drafts.saveDocument('intact', yjsStateWithText('Words people wrote, edited'));
  await storage.accounts.createUser(userRecord('alice'));
  await storage.close();
  return dir;
}

async function refusal(dir: string): Promise<DamagedStoreError> {
  const error = await LowdbStorage.open(dir).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DamagedStoreError);
  return error as DamagedStoreError;
}

/** Contents that cannot be a store file, and what the refusal says about each. */
const damages: [name: string, content: (intact: string) => string | Buffer, says: RegExp][] = [
  ['null', () => 'null', /it holds null/],
  [
    'cut short',
    (intact) => intact.slice(0, Math.floor(intact.length / 2)),
    /not valid JSON, perhaps cut short/,
  ],
  ['empty', () => '', /it is empty/],
  ['zero-filled', () => Buffer.alloc(512), /NUL bytes/],
  ['an empty object', () => '{}', /is missing/],
  ['an empty list', () => '[]', /it holds a list/],
];

describe('a damaged margins.json', () => {
  it.each(damages)('is refused when it is %s, naming it, changing nothing', async (_name, content, says) => {
    const dir = await storeWithDraft();
    const file = path.join(dir, 'margins.json');
    await writeFile(file, content(await readFile(file, 'utf8')));
    const before = snapshot(dir);

    const error = await refusal(dir);

    expect(error.file).toBe(file);
    expect(error.message).toContain(`The store file ${file} is damaged`);
    expect(error.message).toMatch(says);
    expect(error.message).toContain(`${file}.bak`);
    expect(error.message).not.toContain('\n');
    expect(snapshot(dir)).toEqual(before);
  });

  it('STORE-1 is refused when it is missing beside document files (a lost index is not a new store)', async () => {
    const dir = await storeWithDraft();
    await rm(path.join(dir, 'margins.json'));
    await rm(path.join(dir, 'margins.json.bak'));
    const before = snapshot(dir);

    const error = await refusal(dir);

    expect(error.message).toContain(
      'margins.json is damaged: it is missing although the data directory holds 1 document',
    );
    expect(snapshot(dir)).toEqual(before);
  });

  it('STORE-1 is refused when it was written by a newer version', async () => {
    const dir = await storeWithDraft();
    const file = path.join(dir, 'margins.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), formatVersion: 2 }));
    expect((await refusal(dir)).message).toMatch(/formatVersion is not 1/);
  });

  it('STORE-1 is refused when a record lacks what it is found by, naming where', async () => {
    const dir = await storeWithDraft();
    const file = path.join(dir, 'margins.json');
    const data = JSON.parse(await readFile(file, 'utf8'));
    delete data.users[0].email;
    await writeFile(file, JSON.stringify(data));
    expect((await refusal(dir)).message).toContain('users[0].email is missing');
  });
});

describe('a damaged document file', () => {
  it.each(damages)('is refused when it is %s, naming it, changing nothing', async (_name, content, says) => {
    const dir = await storeWithDraft();
    const file = path.join(dir, 'documents', 'intact.json');
    await writeFile(file, content(await readFile(file, 'utf8')));
    const before = snapshot(dir);

    const error = await refusal(dir);

    expect(error.file).toBe(file);
    expect(error.message).toMatch(says);
    expect(error.message).toContain(`previous good version kept beside it (${file}.bak)`);
    expect(snapshot(dir)).toEqual(before);
  });

  const documentDamages: [name: string, patch: Record<string, unknown>, says: string][] = [
    ['its state is not base64', { state: 'not base64!' }, 'state is not base64'],
    [
      'its state is not a Yjs update',
      { state: Buffer.from('hello world, not yjs').toString('base64') },
      'state is not a Yjs update that can be read',
    ],
    ['its state is empty', { state: '' }, 'state is not a Yjs update'],
    ['it names another draft', { draftId: 'other' }, 'draftId is not "intact"'],
    ['its journal is not one', { journal: { bursts: 'x' } }, 'journal.authors is missing'],
    [
      'a burst of its journal is not one',
      { journal: { authors: {}, intents: [], bursts: [{ id: 'b', userId: 'u', clients: {}, deletes: '' }] } },
      'journal.bursts[0].startedAt is missing',
    ],
  ];
  it.each(documentDamages)('STORE-1 is refused when %s', async (_name, patch, says) => {
    const dir = await storeWithDraft();
    const file = path.join(dir, 'documents', 'intact.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), ...patch }));
    const before = snapshot(dir);

    const error = await refusal(dir);

    expect(error.message).toContain(`${file} is damaged: ${says}`);
    expect(snapshot(dir)).toEqual(before);
  });

  it('STORE-1 is refused even when no draft lists it (a stray file is checked too)', async () => {
    const dir = await storeWithDraft();
    await writeFile(path.join(dir, 'documents', 'stray.json'), 'null');
    expect((await refusal(dir)).file).toBe(path.join(dir, 'documents', 'stray.json'));
  });

  it('names no .bak when the one beside it is damaged too', async () => {
    const dir = await storeWithDraft();
    const file = path.join(dir, 'documents', 'intact.json');
    await writeFile(file, '');
    await writeFile(`${file}.bak`, '');
    const error = await refusal(dir);
    expect(error.previousGood).toBeUndefined();
    expect(error.message).toContain('restore it from a backup (one made with npm run backup');
  });
});

describe('files Margins wrote', () => {
  it('STORE-2 keep the previous good version beside them, which loads in place of a damaged one', async () => {
    const dir = await storeWithDraft();
    const file = path.join(dir, 'documents', 'intact.json');
    const storage = await LowdbStorage.open(dir);
    const previous = await storage.drafts.loadDocument('intact');
    await storage.drafts.saveDocument('intact', yjsStateWithText('the latest words'));
    await storage.close();
    await writeFile(file, '');

    // What the message tells a person to do: put the .bak in its place.
    await writeFile(file, await readFile(`${file}.bak`));
    const restored = await LowdbStorage.open(dir);
    expect(await restored.drafts.loadDocument('intact')).toEqual(previous);
    expect((await restored.accounts.getUser('alice'))?.email).toBe('alice@example.org');
    await restored.close();
  });

  it('of an older version, without journal, still load (with an empty journal)', async () => {
    const dir = await storeWithDraft();
    const file = path.join(dir, 'documents', 'intact.json');
    const data = JSON.parse(await readFile(file, 'utf8'));
    delete data.journal;
    await writeFile(file, JSON.stringify(data));

    const storage = await LowdbStorage.open(dir);
    expect(await storage.drafts.loadJournal('intact')).toEqual({ authors: {}, bursts: [], intents: [] });
    await storage.close();
  });
});

describe('the server on a damaged store', () => {
  it('STORE-1 exits with code 2 and one line naming the file, without seeding over the intact document', async () => {
    const dataDir = await storeWithDraft();
    await writeFile(path.join(dataDir, 'margins.json'), 'null');
    const draftsDir = tempDir('margins-drafts-');
    // A seed for the same id: what the old start-up imported over the intact document.
    await writeFile(path.join(draftsDir, 'intact.md'), '# Seed\n\nThe seed’s words.\n');
    const before = snapshot(dataDir);

    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DRAFTS_DIR: draftsDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { code, output } = await runToExit(child);

    expect(code).toBe(2);
    const lines = output.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^Margins cannot start: The store file .* is damaged: it holds null/),
    ]);
    expect(lines[0]).toContain(path.join(dataDir, 'margins.json'));
    expect(snapshot(dataDir)).toEqual(before);
  });
});
