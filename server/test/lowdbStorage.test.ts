import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWindow } from '../../shared/consultation.ts';
import { draftSummarySchema } from '../../shared/draftSchemas.ts';
import { LowdbStorage } from '../src/storage/lowdbStorage.ts';
import { DamagedStoreError, StrayDocumentError } from '../src/storage/storage.ts';
import { describeEveryStoreContract } from './contracts/everyStore.ts';
import {
  commentRecord,
  draftRecord,
  sessionRecord,
  textOf,
  threadRecord,
  userRecord,
  yjsStateWithText,
} from './support/records.ts';
import { makeTempFolder } from './support/tempFolders.ts';

const dirs: string[] = [];
function freshDir(): string {
  const dir = makeTempFolder('margins-lowdb-');
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describeEveryStoreContract('LowdbStorage', async () => {
  const dir = freshDir();
  let current = await LowdbStorage.open(dir);
  return {
    stores: current,
    reopen: async () => {
      await current.close();
      current = await LowdbStorage.open(dir);
      return current;
    },
  };
});

describe('LowdbStorage on disk', () => {
  it('creates the data directory when it does not exist yet', async () => {
    const dir = path.join(freshDir(), 'nested', 'data');
    const storage = await LowdbStorage.open(dir);
    await storage.drafts.createDraft(draftRecord('fresh'), yjsStateWithText('x'));
    await storage.close();

    expect(existsSync(path.join(dir, 'margins.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'documents', 'fresh.json'))).toBe(true);
  });

  it('STORE-2 loads normally when a write was interrupted and left partial temporary files behind', async () => {
    const dir = freshDir();
    const first = await LowdbStorage.open(dir);
    const state = yjsStateWithText('survives the crash');
    await first.drafts.createDraft(draftRecord('crashed'), state);
    await first.close();
    // What a crash in the middle of lowdb's write-temp-then-rename leaves behind.
    await writeFile(path.join(dir, '.margins.json.tmp'), '{"formatVersion":1,"drafts":[{"id":"hal');
    await writeFile(path.join(dir, 'documents', '.crashed.json.tmp'), '{"draftId":"crashed","sta');

    const reopened = await LowdbStorage.open(dir);
    expect((await reopened.drafts.listDrafts()).map((draft) => draft.id)).toEqual(['crashed']);
    expect(await reopened.drafts.loadDocument('crashed')).toEqual(state);

    // The next writes go through the same temporary names and succeed.
    const edited = yjsStateWithText('edited after the crash');
    await reopened.drafts.saveDocument('crashed', edited);
    await reopened.close();
    const again = await LowdbStorage.open(dir);
    expect(await again.drafts.loadDocument('crashed')).toEqual(edited);
    await again.close();
  });

  it('STORE-4 refuses to create a draft over a document file left without its record, and keeps the file', async () => {
    const dir = freshDir();
    await mkdir(path.join(dir, 'documents'), { recursive: true });
    const storage = await LowdbStorage.open(dir);
    // A crash between writing the document and writing the index leaves exactly this.
    const orphan = path.join(dir, 'documents', 'orphan.json');
    const bytes = JSON.stringify({
      draftId: 'orphan',
      state: Buffer.from(yjsStateWithText('written before the crash')).toString('base64'),
      savedAt: '2024-01-01T00:00:00.000Z',
    });
    await writeFile(orphan, bytes);

    await expect(storage.drafts.createDraft(draftRecord('orphan'), yjsStateWithText('seed'))).rejects.toThrow(
      StrayDocumentError,
    );
    await expect(storage.drafts.createDraft(draftRecord('orphan'), yjsStateWithText('seed'))).rejects.toThrow(
      orphan,
    );

    expect(await storage.drafts.listDrafts()).toEqual([]);
    expect(await readFile(orphan, 'utf8')).toBe(bytes);
    await storage.close();
  });

  it('STORE-1 refuses to open a store whose listed draft lost its document file, naming that file', async () => {
    const dir = freshDir();
    const storage = await LowdbStorage.open(dir);
    await storage.drafts.createDraft(draftRecord('lost-file'), yjsStateWithText('x'));
    await storage.close();
    const lost = path.join(dir, 'documents', 'lost-file.json');
    await rm(lost);
    const index = await readFile(path.join(dir, 'margins.json'), 'utf8');

    await expect(LowdbStorage.open(dir)).rejects.toThrow(DamagedStoreError);
    await expect(LowdbStorage.open(dir)).rejects.toThrow(`${lost} is damaged: it is missing`);
    expect(existsSync(lost)).toBe(false);
    expect(await readFile(path.join(dir, 'margins.json'), 'utf8')).toBe(index);
  });

  it('completes saves of one draft that run at the same time, keeping the last state', async () => {
    const dir = freshDir();
    const first = await LowdbStorage.open(dir);
    await first.drafts.createDraft(draftRecord('busy'), yjsStateWithText('start'));
    await first.close();
    // A reopened store has not opened the document file yet: both saves open it at once.
    const storage = await LowdbStorage.open(dir);
    const last = yjsStateWithText('third');

    await Promise.all([
      storage.drafts.saveDocument('busy', yjsStateWithText('first')),
      storage.drafts.saveDocument('busy', yjsStateWithText('second')),
      storage.drafts.saveDocument('busy', last),
    ]);

    expect(await storage.drafts.loadDocument('busy')).toEqual(last);
    await storage.close();
    const reopened = await LowdbStorage.open(dir);
    expect(await reopened.drafts.loadDocument('busy')).toEqual(last);
    await reopened.close();
  });

  it('rewrites only the saved draft’s document file', async () => {
    const dir = freshDir();
    const storage = await LowdbStorage.open(dir);
    await storage.drafts.createDraft(draftRecord('touched'), yjsStateWithText('a'));
    await storage.drafts.createDraft(draftRecord('untouched'), yjsStateWithText('b'));
    const untouchedBefore = await readFile(path.join(dir, 'documents', 'untouched.json'), 'utf8');

    await storage.drafts.saveDocument('touched', yjsStateWithText('a, edited'));

    expect(await readFile(path.join(dir, 'documents', 'untouched.json'), 'utf8')).toBe(untouchedBefore);
    await storage.close();
  });
});

describe('LowdbStorage saving a draft’s text', () => {
  it('rewrites only the draft’s document file: margins.json keeps its bytes, inode and mtime', async () => {
    const dir = freshDir();
    const storage = await LowdbStorage.open(dir);
    await storage.drafts.createDraft(draftRecord('typed'), yjsStateWithText('First words'));
    await storage.accounts.createUser(userRecord('alice'));
    const index = path.join(dir, 'margins.json');
    const document = path.join(dir, 'documents', 'typed.json');
    const indexBefore = await readFile(index);
    const statBefore = await stat(index, { bigint: true });
    const backupBefore = await readFile(`${index}.bak`);
    const documentBefore = await stat(document, { bigint: true });

    for (let i = 1; i <= 5; i++) {
      const journal = { authors: { '1234567': 'alice' }, bursts: [], intents: [] };
      await storage.drafts.saveDocument('typed', yjsStateWithText(`First words, edit ${i}`), journal);
    }

    const statAfter = await stat(index, { bigint: true });
    expect(await readFile(index)).toEqual(indexBefore);
    expect(await readFile(`${index}.bak`)).toEqual(backupBefore);
    // A rewrite renames a new file over the old one: a new inode, whatever the clock says.
    expect(statAfter.ino).toBe(statBefore.ino);
    expect(statAfter.mtimeNs).toBe(statBefore.mtimeNs);
    expect((await stat(document, { bigint: true })).ino).not.toBe(documentBefore.ino);
    // The save is still seen as the draft's last change, now and after a restart.
    const saved = await storage.drafts.getDraft('typed');
    expect(saved?.updatedAt).not.toBe(draftRecord('typed').updatedAt);
    await storage.close();
    const reopened = await LowdbStorage.open(dir);
    expect(await reopened.drafts.getDraft('typed')).toEqual(saved);
    expect(textOf((await reopened.drafts.loadDocument('typed')) ?? new Uint8Array())).toContain('edit 5');
    await reopened.close();
  });
});

describe('LowdbStorage upgrading files of the previous version', () => {
  /** A data directory as the version before accounts left it: drafts only, no settings. */
  async function previousVersionDir(): Promise<{ dir: string; state: Uint8Array }> {
    const dir = freshDir();
    await mkdir(path.join(dir, 'documents'), { recursive: true });
    const state = yjsStateWithText('Written before the upgrade');
    await writeFile(
      path.join(dir, 'margins.json'),
      JSON.stringify({
        formatVersion: 1,
        drafts: [
          {
            id: 'old-draft',
            title: 'Old draft',
            language: 'fr',
            createdAt: '2024-05-01T10:00:00.000Z',
            updatedAt: '2024-05-03T10:00:00.000Z',
          },
        ],
      }),
    );
    await writeFile(
      path.join(dir, 'documents', 'old-draft.json'),
      JSON.stringify({
        draftId: 'old-draft',
        state: Buffer.from(state).toString('base64'),
        savedAt: '2024-05-03T10:00:00.000Z',
      }),
    );
    return { dir, state };
  }

  it('makes old drafts public, open for the default window from their creation, keeping their text', async () => {
    const { dir, state } = await previousVersionDir();

    const storage = await LowdbStorage.open(dir);

    const draft = await storage.drafts.getDraft('old-draft');
    expect(draft).toEqual({
      id: 'old-draft',
      title: 'Old draft',
      language: 'fr',
      visibility: 'public',
      window: defaultWindow(new Date('2024-05-01T10:00:00.000Z')),
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-03T10:00:00.000Z',
    });
    expect(draftSummarySchema.safeParse(draft).success).toBe(true);
    expect(await storage.drafts.loadDocument('old-draft')).toEqual(state);
    await storage.close();
  });

  it('starts with no people, sessions or invites, and keeps those added after the upgrade', async () => {
    const { dir } = await previousVersionDir();
    const storage = await LowdbStorage.open(dir);
    expect(await storage.accounts.listUsers()).toEqual([]);
    expect(await storage.accounts.listInvites()).toEqual([]);
    expect(await storage.accounts.getSession('any')).toBeUndefined();

    await storage.accounts.createUser(userRecord('alice'));
    await storage.drafts.updateDraft('old-draft', { visibility: 'private' });
    await storage.close();

    const onDisk = JSON.parse(await readFile(path.join(dir, 'margins.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(onDisk).toMatchObject({
      formatVersion: 1,
      users: [expect.objectContaining({ id: 'alice' })],
      sessions: [],
      invites: [],
      drafts: [
        expect.objectContaining({ id: 'old-draft', visibility: 'private', window: expect.any(Object) }),
      ],
    });
    const reopened = await LowdbStorage.open(dir);
    expect(await reopened.accounts.getUser('alice')).toEqual(userRecord('alice'));
    expect((await reopened.drafts.getDraft('old-draft'))?.visibility).toBe('private');
    await reopened.close();
  });
});

describe('LowdbStorage upgrading files from before threads', () => {
  it('starts with no threads or comments, keeps everything else, and keeps threads added after', async () => {
    const dir = freshDir();
    await mkdir(path.join(dir, 'documents'), { recursive: true });
    const draft = draftRecord('consulted');
    const alice = userRecord('alice');
    const session = sessionRecord('session-a', 'alice');
    // margins.json as the accounts version left it: people, sessions and invites, no thread tables.
    await writeFile(
      path.join(dir, 'margins.json'),
      JSON.stringify({ formatVersion: 1, drafts: [draft], users: [alice], sessions: [session], invites: [] }),
    );
    await writeFile(
      path.join(dir, 'documents', 'consulted.json'),
      JSON.stringify({
        draftId: 'consulted',
        state: Buffer.from(yjsStateWithText('x')).toString('base64'),
        savedAt: draft.updatedAt,
      }),
    );

    const storage = await LowdbStorage.open(dir);
    expect(await storage.threads.listThreads('consulted')).toEqual([]);
    expect(await storage.threads.listComments('consulted')).toEqual([]);
    expect(await storage.threads.getThread('any')).toBeUndefined();
    expect(await storage.drafts.getDraft('consulted')).toEqual(draft);
    expect(await storage.accounts.getUser('alice')).toEqual(alice);
    expect(await storage.accounts.getSession('session-a')).toEqual(session);
    await storage.threads.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
    await storage.threads.addComment(commentRecord('c2', 't1'));
    await storage.close();

    const onDisk = JSON.parse(await readFile(path.join(dir, 'margins.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(onDisk).toMatchObject({
      threads: [expect.objectContaining({ id: 't1' })],
      comments: [expect.objectContaining({ id: 'c1' }), expect.objectContaining({ id: 'c2' })],
      users: [expect.objectContaining({ id: 'alice' })],
    });
    const reopened = await LowdbStorage.open(dir);
    expect(await reopened.threads.getThread('t1')).toEqual(threadRecord('t1'));
    expect(await reopened.threads.listComments('consulted')).toEqual([
      commentRecord('c1', 't1'),
      commentRecord('c2', 't1'),
    ]);
    await reopened.close();
  });
});
