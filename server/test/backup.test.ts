import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LowdbStorage } from '../src/storage/lowdbStorage.ts';
import { DamagedStoreError } from '../src/storage/storage.ts';
import { BackupError, backupStore } from '../src/storage/storeBackup.ts';
import {
  commentRecord,
  draftRecord,
  textOf,
  threadRecord,
  userRecord,
  yjsStateWithText,
} from './support/records.ts';
import { runToExit } from './support/serverProcess.ts';
import { tempDir } from './support/tempDir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
async function storeWithThread(dataDir: string): Promise<LowdbStorage> {
  const storage = await LowdbStorage.open(dataDir);
  await storage.drafts.createDraft(draftRecord('consulted'), yjsStateWithText('start'));
  await storage.threads.createThread(threadRecord('t0'), commentRecord('c0', 't0'));
  return storage;
}

describe('backupStore', () => {
  it('STORE-5 copies a store that opens with the same drafts, records, documents and journals', async () => {
    const dataDir = tempDir('margins-backup-');
    const storage = await storeWithThread(dataDir);
    await storage.accounts.createUser(userRecord('alice'));
    const journal = { authors: { '42': 'alice' }, bursts: [], intents: [] };
    await storage.drafts.saveDocument('consulted', yjsStateWithText('edited'), journal);
    const target = path.join(tempDir('margins-backup-'), 'copy');

    const result = await backupStore(dataDir, target);

    expect(result.files).toBe(2);
    // Its hard links into the data directory are gone.
    expect(readdirSync(dataDir).filter((name) => name.startsWith('.backup'))).toEqual([]);
    const copy = await LowdbStorage.open(target);
    expect(await copy.drafts.listDrafts()).toEqual(await storage.drafts.listDrafts());
    expect(await copy.accounts.getUser('alice')).toEqual(userRecord('alice'));
    expect(await copy.threads.listComments('consulted')).toEqual([commentRecord('c0', 't0')]);
    expect(textOf(await copy.drafts.loadDocument('consulted'))).toContain('edited');
    expect(await copy.drafts.loadJournal('consulted')).toEqual(journal);
    await copy.close();
    await storage.close();
  });

  it('STORE-5 copies one moment of a store that a server keeps writing', async () => {
    const dataDir = tempDir('margins-backup-');
    const storage = await storeWithThread(dataDir);
    // Many drafts make reading the whole store take long enough for the writer to change it
    // meanwhile: a backup that copied the files one after the other, unchecked, fails here.
    const filler = yjsStateWithText('x'.repeat(50_000));
    for (let i = 0; i < 40; i++) await storage.drafts.createDraft(draftRecord(`a-filler-${i}`), filler);
    // The writer's invariant spans both files: the document says "n" only after comment n is
    // stored, so any one moment has as many comments as the document's number, or one more.
    let stop = false;
    const writer = (async () => {
      for (let n = 1; !stop; n++) {
        await storage.threads.addComment(commentRecord(`c${n}`, 't0'));
        await storage.drafts.saveDocument('consulted', yjsStateWithText(`n=${n}`));
        // A busy server: people post and type every few milliseconds.
        await delay(5);
      }
    })();
    const parent = tempDir('margins-backup-');
    try {
      for (let i = 0; i < 10; i++) {
        const target = path.join(parent, `copy-${i}`);
        await backupStore(dataDir, target);
        const copy = await LowdbStorage.open(target);
        const comments = (await copy.threads.listComments('consulted')).length - 1;
        const shown = /n=(\d+)/.exec(textOf(await copy.drafts.loadDocument('consulted')))?.[1] ?? '0';
        await copy.close();
        expect([Number(shown), Number(shown) + 1]).toContain(comments);
      }
    } finally {
      stop = true;
      await writer;
      await storage.close();
    }
  });

  it('STORE-5 refuses a folder that already holds files, and leaves it alone', async () => {
    const dataDir = tempDir('margins-backup-');
    await (await storeWithThread(dataDir)).close();
    const target = tempDir('margins-backup-');
    await writeFile(path.join(target, 'notes.txt'), 'mine');

    await expect(backupStore(dataDir, target)).rejects.toThrow(BackupError);
    expect(readdirSync(target)).toEqual(['notes.txt']);
  });

  it('STORE-5 copies nothing from a damaged store, naming the damaged file', async () => {
    const dataDir = tempDir('margins-backup-');
    await (await storeWithThread(dataDir)).close();
    await writeFile(path.join(dataDir, 'documents', 'consulted.json'), '{"draftId":"consulted","sta');
    const parent = tempDir('margins-backup-');

    await expect(backupStore(dataDir, path.join(parent, 'copy'))).rejects.toThrow(DamagedStoreError);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('npm run backup', () => {
  it('copies DATA_DIR into a folder named relative to where it was typed (INIT_CWD)', async () => {
    const dataDir = tempDir('margins-backup-');
    await (await storeWithThread(dataDir)).close();
    const typedIn = tempDir('margins-typed-in-');
    await mkdir(path.join(typedIn, 'backups'));

    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli/backup.ts', 'backups/today'], {
      cwd: repoRoot,
      env: { ...process.env, DATA_DIR: dataDir, INIT_CWD: typedIn },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { code, output } = await runToExit(child);

    expect(code).toBe(0);
    const copied = path.join(typedIn, 'backups', 'today');
    expect(output).toContain(`to ${copied}`);
    expect(output).toContain('To restore it: stop the server');
    expect(await readFile(path.join(copied, 'margins.json'), 'utf8')).toBe(
      await readFile(path.join(dataDir, 'margins.json'), 'utf8'),
    );
    expect(existsSync(path.join(copied, 'documents', 'consulted.json'))).toBe(true);
  });
});
