import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LowdbStorage } from '../src/storage/lowdbStorage.ts';
import { callApi } from './support/api.ts';
import {
  commentRecord,
  draftRecord,
  seedDraft,
  threadRecord,
  userRecord,
  yjsStateWithText,
} from './support/records.ts';
import { makeTempFolder, removeFolder } from './support/tempFolders.ts';
import { startTestServer } from './support/testServer.ts';

// A write answered with an error leaves no trace: on a real full disk (a 1 MiB tmpfs), what was
// refused is neither served from memory nor stored once space is freed, and a retry stores it once.

let mountPoint = '';
let cannotMount: string | undefined;

beforeAll(() => {
  mountPoint = makeTempFolder('margins-full-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) {
    cannotMount = `cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || '').trim()}): the disk-full tests need root and mount(8)`;
    console.warn(`Skipping the disk-full tests: ${cannotMount}`);
  }
});

afterAll(async () => {
  if (!cannotMount) spawnSync('umount', [mountPoint]);
  await removeFolder(mountPoint);
});

let dataDir = '';
beforeEach((ctx) => {
  if (cannotMount) ctx.skip(cannotMount);
  dataDir = path.join(mountPoint, `data-${Math.random().toString(36).slice(2)}`);
});
afterEach(() => {
  freeSpace();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const filler = () => path.join(mountPoint, 'filler');

/** Fills the tmpfs to its last byte. */
function fillDisk(): void {
  const fd = openSync(filler(), 'w');
  try {
    for (const size of [65536, 4096, 1]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function freeSpace(): void {
  rmSync(filler(), { force: true });
}

describe('storage on a full disk', () => {
  it('SAVE-7 answers a refused write with ENOSPC and keeps nothing of it, in memory or on disk', async () => {
    const storage = await LowdbStorage.open(dataDir);
    const before = yjsStateWithText('Before the disk filled');
    await storage.drafts.createDraft(draftRecord('consulted'), before);
    await storage.threads.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
    fillDisk();

    await expect(storage.accounts.createUser(userRecord('bob'))).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(storage.threads.addComment(commentRecord('c2', 't1'))).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    await expect(storage.drafts.saveDocument('consulted', yjsStateWithText('lost'))).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    await expect(
      storage.drafts.createDraft(draftRecord('new-one'), yjsStateWithText('x')),
    ).rejects.toMatchObject({
      code: 'ENOSPC',
    });

    // Nothing refused is served…
    expect(await storage.accounts.findUserByEmail('bob@example.org')).toBeUndefined();
    expect((await storage.threads.listComments('consulted')).map((c) => c.id)).toEqual(['c1']);
    expect(await storage.drafts.loadDocument('consulted')).toEqual(before);
    expect(await storage.drafts.getDraft('new-one')).toBeUndefined();
    // …nor left behind: no temporary file, no half-created document.
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(path.join(dataDir, 'documents', 'new-one.json'))).toBe(false);

    freeSpace();
    await storage.close();
    const reopened = await LowdbStorage.open(dataDir);
    expect(await reopened.accounts.findUserByEmail('bob@example.org')).toBeUndefined();
    expect((await reopened.threads.listComments('consulted')).map((c) => c.id)).toEqual(['c1']);
    expect(await reopened.drafts.getDraft('new-one')).toBeUndefined();
    expect(await reopened.drafts.loadDocument('consulted')).toEqual(before);

    // A retry is stored once (no "email taken", no duplicate comment).
    await reopened.accounts.createUser(userRecord('bob'));
    await reopened.threads.addComment(commentRecord('c2', 't1'));
    await reopened.drafts.createDraft(draftRecord('new-one'), yjsStateWithText('x'));
    expect((await reopened.accounts.listUsers()).map((u) => u.id)).toEqual(['bob']);
    expect((await reopened.threads.listComments('consulted')).map((c) => c.id)).toEqual(['c1', 'c2']);
    await reopened.close();
  });

  it('SAVE-7 refuses two changes made at once on a full disk, keeping both changes answered before', async () => {
    const storage = await LowdbStorage.open(dataDir);
    await storage.drafts.createDraft(draftRecord('consulted'), yjsStateWithText('x'));
    await storage.threads.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
    await storage.threads.addComment(commentRecord('c2', 't1'));
    fillDisk();
    // Two at once on the full disk: both are refused, neither is half-kept.
    const results = await Promise.allSettled([
      storage.threads.addComment(commentRecord('c3', 't1')),
      storage.accounts.createUser(userRecord('carol')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await storage.threads.listComments('consulted')).map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(await storage.accounts.listUsers()).toEqual([]);
    freeSpace();

    await storage.close();
    const reopened = await LowdbStorage.open(dataDir);
    expect((await reopened.threads.listComments('consulted')).map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(await reopened.accounts.listUsers()).toEqual([]);
    await reopened.close();
  });
});

describe('the HTTP API on a full disk', () => {
  it('SAVE-7 answers 500 to a reply and a sign-up, then serves neither, and takes both again once space is freed', async () => {
    const server = await startTestServer({ storage: 'lowdb', dataDir });
    const { storage, url: base } = server;
    await seedDraft(storage.drafts, {
      id: 'consulted',
      markdown: '# Listening\n\nEvery contribution gets a published answer.\n',
    });
    await storage.threads.createThread(threadRecord('t1'), commentRecord('c1', 't1'));
    try {
      const signUp = (email: string) =>
        callApi(base, '/api/auth/register', {
          method: 'POST',
          body: { name: 'Alice', email, password: 'correct horse battery' },
        });
      const alice = await signUp('alice@margins.test');
      expect(alice.status).toBe(201);
      const cookie = alice.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const as = { cookie, user: alice.json.user, actor: alice.json.user };
      const reply = () =>
        callApi(base, '/api/drafts/consulted/threads/t1/replies', {
          method: 'POST',
          body: { body: 'Written while the disk was full.' },
          as,
        });
      const replies = async () => {
        const threads = await callApi(base, '/api/drafts/consulted/threads', { as });
        return (threads.json as { comments: { body: string }[] }[])[0]?.comments.map((c) => c.body);
      };

      fillDisk();
      expect((await reply()).status).toBe(500);
      expect((await signUp('bob@margins.test')).status).toBe(500);
      // Measured before: the refused reply was served at once, and the sign-up took the address.
      expect(await replies()).toEqual([commentRecord('c1', 't1').body]);
      freeSpace();

      expect((await reply()).status).toBe(201);
      expect((await signUp('bob@margins.test')).status).toBe(201);
      expect(await replies()).toEqual([commentRecord('c1', 't1').body, 'Written while the disk was full.']);
    } finally {
      freeSpace();
      await server.close();
    }
    const reopened = await LowdbStorage.open(dataDir);
    expect((await reopened.accounts.listUsers()).filter((u) => u.email === 'bob@margins.test')).toHaveLength(
      1,
    );
    expect(await reopened.threads.listComments('consulted')).toHaveLength(2);
    await reopened.close();
  });
});
