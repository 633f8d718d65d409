import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import { PostgresStorage } from '../src/storage/postgresStorage.ts';
import { type DocumentJournal, emptyJournal } from '../src/storage/storage.ts';
import { freshDatabase } from './support/postgresDatabase.ts';
import { draftRecord, textOf, yjsStateWithText } from './support/records.ts';

// The update log several instances share (issue 14): seqs without gap or fork however appends
// are spread, compaction by saves, loading the state with what came after it, and journals kept
// per instance and adopted from an instance that stopped. Against the run's real PostgreSQL.

const opened: PostgresStorage[] = [];

async function instance(url: string): Promise<PostgresStorage> {
  const storage = await PostgresStorage.open(url);
  opened.push(storage);
  return storage;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.close()));
});

/** A document that starts as `base` and the updates that type `words` after it, one each. */
function typing(base: Uint8Array, words: string[]): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const text = (doc.getXmlFragment(CONTENT_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;
  for (const word of words) text.insert(text.length, ` ${word}`);
  return { doc, updates };
}

function journalOf(userId: string): DocumentJournal {
  return {
    ...emptyJournal(),
    bursts: [
      {
        id: `burst-${userId}`,
        userId,
        startedAt: '2027-01-01T10:00:00.000Z',
        lastAt: '2027-01-01T10:00:30.000Z',
        clients: { '42': 0 },
        deletes: 'AAA=',
      },
    ],
  };
}

describe('PostgreSQL update log', () => {
  it('numbers a draft’s updates 1, 2, 3… and gives them back in order with their authors', async () => {
    const a = await instance(await freshDatabase());
    const base = yjsStateWithText('Start.');
    await a.drafts.createDraft(draftRecord('plan'), base);
    const { updates } = typing(base, ['one', 'two', 'three']);

    const seqs = [];
    for (const [i, update] of updates.entries())
      seqs.push(await a.updateLog.appendUpdate('plan', update, `u${i}`));

    expect(seqs).toEqual([1, 2, 3]);
    const logged = await a.updateLog.updatesAfter('plan', 1);
    expect(logged.map((u) => [u.seq, u.userId])).toEqual([
      [2, 'u1'],
      [3, 'u2'],
    ]);
    expect(logged[0]?.update).toEqual(updates[1]);
    expect(await a.updateLog.lastSeqs(['plan', 'nothing'])).toEqual(new Map([['plan', 3]]));
  });

  it('gives two instances appending at once one sequence, without gap or duplicate', async () => {
    const url = await freshDatabase();
    const [a, b] = [await instance(url), await instance(url)];
    const base = yjsStateWithText('Start.');
    await a.drafts.createDraft(draftRecord('plan'), base);
    const fromA = typing(
      base,
      Array.from({ length: 40 }, (_, i) => `a${i}`),
    ).updates;
    const fromB = typing(
      base,
      Array.from({ length: 40 }, (_, i) => `b${i}`),
    ).updates;

    const seqs = await Promise.all([
      ...fromA.map((update) => a.updateLog.appendUpdate('plan', update, 'alice')),
      ...fromB.map((update) => b.updateLog.appendUpdate('plan', update, 'bob')),
    ]);

    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    const text = textOf((await b.drafts.loadDocumentWithJournal('plan')).state);
    expect(text).toContain(' a39');
    expect(text).toContain(' b39');
  });

  it('loads the stored state with every later update, and the seq it reaches', async () => {
    const a = await instance(await freshDatabase());
    const base = yjsStateWithText('Start.');
    await a.drafts.createDraft(draftRecord('plan'), base);
    for (const update of typing(base, ['logged', 'words']).updates)
      await a.updateLog.appendUpdate('plan', update, null);

    const loaded = await a.drafts.loadDocumentWithJournal('plan');

    expect(textOf(loaded.state)).toContain('Start. logged words');
    expect(loaded.seq).toBe(2);
  });

  it('compacts on a save exactly the updates the saved state covers', async () => {
    const a = await instance(await freshDatabase());
    const base = yjsStateWithText('Start.');
    await a.drafts.createDraft(draftRecord('plan'), base);
    const { doc, updates } = typing(base, ['one', 'two', 'three']);
    for (const update of updates) await a.updateLog.appendUpdate('plan', update, null);

    // The saving instance has applied seqs 1 and 2 (its state holds "one two"), not yet 3.
    const covered = new Y.Doc();
    Y.applyUpdate(covered, base);
    Y.applyUpdate(covered, updates[0] as Uint8Array);
    Y.applyUpdate(covered, updates[1] as Uint8Array);
    await a.drafts.saveDocument('plan', Y.encodeStateAsUpdate(covered), emptyJournal(), 2);

    expect((await a.updateLog.updatesAfter('plan', 0)).map((u) => u.seq)).toEqual([3]);
    const loaded = await a.drafts.loadDocumentWithJournal('plan');
    expect(loaded.seq).toBe(3);
    expect(textOf(loaded.state)).toBe(doc.getXmlFragment(CONTENT_FIELD).toString());
  });

  it('keeps the state of the save that covers more when an instance behind saves after it', async () => {
    const url = await freshDatabase();
    const [ahead, behind] = [await instance(url), await instance(url)];
    const base = yjsStateWithText('Start.');
    await ahead.drafts.createDraft(draftRecord('plan'), base);
    const { doc, updates } = typing(base, ['one', 'two']);
    for (const update of updates) await ahead.updateLog.appendUpdate('plan', update, null);
    await ahead.drafts.saveDocument('plan', Y.encodeStateAsUpdate(doc), emptyJournal(), 2);

    // An instance that has applied nothing of the log yet saves its (older) state.
    await behind.drafts.saveDocument('plan', base, emptyJournal(), 0);

    expect(textOf((await behind.drafts.loadDocumentWithJournal('plan')).state)).toContain('Start. one two');
  });

  it('keeps each instance’s journal apart, and lets a running instance adopt a stopped one’s', async () => {
    const url = await freshDatabase();
    const [a, b] = [await instance(url), await instance(url)];
    const base = yjsStateWithText('Start.');
    await a.drafts.createDraft(draftRecord('plan'), base);

    await a.drafts.saveDocument('plan', base, journalOf('alice'), 0);
    await b.drafts.saveDocument('plan', base, journalOf('bob'), 0);

    expect((await a.drafts.loadJournal('plan')).bursts.map((burst) => burst.userId)).toEqual(['alice']);
    expect((await b.drafts.loadJournal('plan')).bursts.map((burst) => burst.userId)).toEqual(['bob']);

    await b.close();
    opened.splice(opened.indexOf(b), 1);
    const adopted = await a.drafts.loadDocumentWithJournal('plan');

    expect(adopted.journal.bursts.map((burst) => burst.userId).sort()).toEqual(['alice', 'bob']);
    // Adopted once: a third instance finds nothing left of bob's.
    const c = await instance(url);
    expect((await c.drafts.loadJournal('plan')).bursts).toEqual([]);
    expect((await a.drafts.loadJournal('plan')).bursts.map((burst) => burst.userId).sort()).toEqual([
      'alice',
      'bob',
    ]);
  });
});
