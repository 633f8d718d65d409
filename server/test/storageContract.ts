import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../shared/drafts.ts';
import {
  DraftExistsError,
  type DraftRecord,
  type Storage,
  UnknownDraftError,
} from '../src/storage/storage.ts';

export interface StorageUnderTest {
  storage: Storage;
  /** Closes `storage` and opens the same data again; only persistent implementations have it. */
  reopen?: () => Promise<Storage>;
}

/** A draft record whose timestamps lie in the past, so that a save visibly moves `updatedAt`. */
export function draftRecord(id: string, overrides: Partial<DraftRecord> = {}): DraftRecord {
  return {
    id,
    title: `Draft ${id}`,
    language: 'en',
    visibility: 'public',
    window: { opensAt: '2024-01-01T00:00:00.000Z', closesAt: '2024-03-01T00:00:00.000Z' },
    createdAt: '2024-01-02T03:04:05.000Z',
    updatedAt: '2024-01-02T03:04:05.000Z',
    ...overrides,
  };
}

/** A real Yjs state holding `text` in the editor's content fragment. */
export function yjsStateWithText(text: string): Uint8Array {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment(CONTENT_FIELD).insert(0, [paragraph]);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

function textOf(state: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const text = doc.getXmlFragment(CONTENT_FIELD).toString();
  doc.destroy();
  return text;
}

/**
 * The behaviour every `Storage` implementation must show (see `server/src/storage/storage.ts`).
 * Run it once per implementation; `makeStorage` gives a fresh, empty store for each test.
 */
export function describeStorageContract(name: string, makeStorage: () => Promise<StorageUnderTest>): void {
  describe(`${name} (storage contract)`, () => {
    let subject: StorageUnderTest;
    let storage: Storage;

    beforeEach(async () => {
      subject = await makeStorage();
      storage = subject.storage;
    });

    afterEach(async () => {
      await storage.close();
    });

    it('starts with no drafts', async () => {
      expect(await storage.listDrafts()).toEqual([]);
    });

    it('creates a draft that is then listed and found by id', async () => {
      const record = draftRecord('first-draft', { title: 'Stratégie d’ouverture', language: 'fr' });
      await storage.createDraft(record, yjsStateWithText('hello'));

      expect(await storage.listDrafts()).toEqual([record]);
      expect(await storage.getDraft('first-draft')).toEqual(record);
    });

    it('lists every draft it holds', async () => {
      await storage.createDraft(draftRecord('alpha'), yjsStateWithText('a'));
      await storage.createDraft(draftRecord('beta'), yjsStateWithText('b'));
      await storage.createDraft(draftRecord('gamma-2027'), yjsStateWithText('c'));

      const ids = (await storage.listDrafts()).map((draft) => draft.id).sort();
      expect(ids).toEqual(['alpha', 'beta', 'gamma-2027']);
    });

    it('answers undefined for a draft it does not hold', async () => {
      expect(await storage.getDraft('no-such-draft')).toBeUndefined();
    });

    it('refuses a second draft with the same id and keeps the first one unchanged', async () => {
      const original = yjsStateWithText('original');
      await storage.createDraft(draftRecord('taken', { title: 'Original' }), original);

      await expect(
        storage.createDraft(draftRecord('taken', { title: 'Impostor' }), yjsStateWithText('impostor')),
      ).rejects.toBeInstanceOf(DraftExistsError);

      expect((await storage.getDraft('taken'))?.title).toBe('Original');
      expect(await storage.loadDocument('taken')).toEqual(original);
      expect(await storage.listDrafts()).toHaveLength(1);
    });

    it('refuses a duplicate id even when both creations run at the same time', async () => {
      const results = await Promise.allSettled([
        storage.createDraft(draftRecord('racing', { title: 'One' }), yjsStateWithText('one')),
        storage.createDraft(draftRecord('racing', { title: 'Two' }), yjsStateWithText('two')),
      ]);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((result) => result.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(DraftExistsError);
      expect(await storage.listDrafts()).toHaveLength(1);
    });

    it('returns the initial document bytes exactly as given', async () => {
      const state = yjsStateWithText('Año, señor: « l’été »');
      await storage.createDraft(draftRecord('round-trip'), state);

      const loaded = await storage.loadDocument('round-trip');
      expect(loaded).toEqual(state);
      expect(textOf(loaded ?? new Uint8Array())).toContain('Año, señor: « l’été »');
    });

    it('round-trips every byte value', async () => {
      const everyByte = Uint8Array.from({ length: 1024 }, (_, i) => i % 256);
      await storage.createDraft(draftRecord('binary'), yjsStateWithText('x'));
      await storage.saveDocument('binary', everyByte);

      expect(await storage.loadDocument('binary')).toEqual(everyByte);
    });

    it('replaces the document on save and loads the saved bytes', async () => {
      await storage.createDraft(draftRecord('edited'), yjsStateWithText('before'));
      const after = yjsStateWithText('after');
      await storage.saveDocument('edited', after);

      const loaded = await storage.loadDocument('edited');
      expect(loaded).toEqual(after);
      expect(textOf(loaded ?? new Uint8Array())).toContain('after');
    });

    it('keeps its own copy of the bytes, unaffected by later changes to the caller’s array', async () => {
      const state = yjsStateWithText('stable');
      const expected = state.slice();
      await storage.createDraft(draftRecord('copied'), state);
      state.fill(0);

      const loaded = await storage.loadDocument('copied');
      expect(loaded).toEqual(expected);
      loaded?.fill(0);
      expect(await storage.loadDocument('copied')).toEqual(expected);
    });

    it('keeps its own copy of a record, unaffected by changes to a returned one', async () => {
      await storage.createDraft(draftRecord('immutable', { title: 'Kept' }), yjsStateWithText('x'));

      const listed = await storage.listDrafts();
      const found = await storage.getDraft('immutable');
      if (listed[0]) listed[0].title = 'Changed through the list';
      if (found) found.title = 'Changed through get';

      expect((await storage.getDraft('immutable'))?.title).toBe('Kept');
    });

    it('rejects saving a document of a draft it does not hold', async () => {
      await expect(storage.saveDocument('no-such-draft', yjsStateWithText('lost'))).rejects.toBeInstanceOf(
        UnknownDraftError,
      );
      expect(await storage.getDraft('no-such-draft')).toBeUndefined();
    });

    it('moves updatedAt forward on save and leaves createdAt alone', async () => {
      const record = draftRecord('dated');
      await storage.createDraft(record, yjsStateWithText('x'));
      const before = Date.now();

      await storage.saveDocument('dated', yjsStateWithText('y'));

      const saved = await storage.getDraft('dated');
      expect(saved?.createdAt).toBe(record.createdAt);
      expect(saved?.updatedAt).not.toBe(record.updatedAt);
      expect(Date.parse(saved?.updatedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    });

    it('answers undefined when loading the document of an unknown or impossible id', async () => {
      expect(await storage.loadDocument('no-such-draft')).toBeUndefined();
      expect(await storage.loadDocument('../margins')).toBeUndefined();
      expect(await storage.loadDocument('')).toBeUndefined();
    });

    it('keeps drafts, documents and save times after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this storage keeps nothing beyond the process');
      const state = yjsStateWithText('persisted');
      await storage.createDraft(draftRecord('durable', { title: 'Durable', language: 'es' }), state);
      const edited = yjsStateWithText('persisted and edited');
      await storage.saveDocument('durable', edited);
      const before = await storage.getDraft('durable');

      storage = await (subject.reopen as () => Promise<Storage>)();

      expect(await storage.listDrafts()).toEqual([before]);
      expect(await storage.loadDocument('durable')).toEqual(edited);
    });
  });
}
