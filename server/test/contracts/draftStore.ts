import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DocumentJournal, DraftExistsError, UnknownDraftError } from '../../src/storage/storage.ts';
import type { DraftStore } from '../../src/storage/stores.ts';
import { draftRecord, textOf, yjsStateWithText } from '../support/records.ts';
import type { MakeStore, StoreUnderTest } from './storeUnderTest.ts';

/**
 * What every `DraftStore` must do (drafts and their documents; see `server/src/storage/stores.ts`). Run it once per
 * implementation; `make` gives a fresh, empty store for each test.
 */
export function describeDraftStoreContract(name: string, make: MakeStore<DraftStore>): void {
  describe(`${name}: DraftStore contract`, () => {
    let subject: StoreUnderTest<DraftStore>;
    let store: DraftStore;

    beforeEach(async () => {
      subject = await make();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('starts with no drafts', async () => {
      expect(await store.listDrafts()).toEqual([]);
    });

    it('creates a draft that is then listed and found by id', async () => {
      const record = draftRecord('first-draft', { title: 'Stratégie d’ouverture', language: 'fr' });
      await store.createDraft(record, yjsStateWithText('hello'));

      expect(await store.listDrafts()).toEqual([record]);
      expect(await store.getDraft('first-draft')).toEqual(record);
    });

    it('lists every draft it holds', async () => {
      await store.createDraft(draftRecord('alpha'), yjsStateWithText('a'));
      await store.createDraft(draftRecord('beta'), yjsStateWithText('b'));
      await store.createDraft(draftRecord('gamma-2027'), yjsStateWithText('c'));

      const ids = (await store.listDrafts()).map((draft) => draft.id).sort();
      expect(ids).toEqual(['alpha', 'beta', 'gamma-2027']);
    });

    it('answers undefined for a draft it does not hold', async () => {
      expect(await store.getDraft('no-such-draft')).toBeUndefined();
    });

    it('refuses a second draft with the same id and keeps the first one unchanged', async () => {
      const original = yjsStateWithText('original');
      await store.createDraft(draftRecord('taken', { title: 'Original' }), original);

      await expect(
        store.createDraft(draftRecord('taken', { title: 'Impostor' }), yjsStateWithText('impostor')),
      ).rejects.toBeInstanceOf(DraftExistsError);

      expect((await store.getDraft('taken'))?.title).toBe('Original');
      expect(await store.loadDocument('taken')).toEqual(original);
      expect(await store.listDrafts()).toHaveLength(1);
    });

    it('refuses a duplicate id even when both creations run at the same time', async () => {
      const results = await Promise.allSettled([
        store.createDraft(draftRecord('racing', { title: 'One' }), yjsStateWithText('one')),
        store.createDraft(draftRecord('racing', { title: 'Two' }), yjsStateWithText('two')),
      ]);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((result) => result.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(DraftExistsError);
      expect(await store.listDrafts()).toHaveLength(1);
    });

    it('returns the initial document bytes exactly as given', async () => {
      const state = yjsStateWithText('Año, señor: « l’été »');
      await store.createDraft(draftRecord('round-trip'), state);

      const loaded = await store.loadDocument('round-trip');
      expect(loaded).toEqual(state);
      expect(textOf(loaded ?? new Uint8Array())).toContain('Año, señor: « l’été »');
    });

    it('round-trips every byte value', async () => {
      const everyByte = Uint8Array.from({ length: 1024 }, (_, i) => i % 256);
      await store.createDraft(draftRecord('binary'), yjsStateWithText('x'));
      await store.saveDocument('binary', everyByte);

      expect(await store.loadDocument('binary')).toEqual(everyByte);
    });

    it('replaces the document on save and loads the saved bytes', async () => {
      await store.createDraft(draftRecord('edited'), yjsStateWithText('before'));
      const after = yjsStateWithText('after');
      await store.saveDocument('edited', after);

      const loaded = await store.loadDocument('edited');
      expect(loaded).toEqual(after);
      expect(textOf(loaded ?? new Uint8Array())).toContain('after');
    });

    it('keeps its own copy of the bytes, unaffected by later changes to the caller’s array', async () => {
      const state = yjsStateWithText('stable');
      const expected = state.slice();
      await store.createDraft(draftRecord('copied'), state);
      state.fill(0);

      const loaded = await store.loadDocument('copied');
      expect(loaded).toEqual(expected);
      loaded?.fill(0);
      expect(await store.loadDocument('copied')).toEqual(expected);
    });

    it('keeps its own copy of a record, unaffected by changes to a returned one', async () => {
      await store.createDraft(draftRecord('immutable', { title: 'Kept' }), yjsStateWithText('x'));

      const listed = await store.listDrafts();
      const found = await store.getDraft('immutable');
      if (listed[0]) listed[0].title = 'Changed through the list';
      if (found) found.title = 'Changed through get';

      expect((await store.getDraft('immutable'))?.title).toBe('Kept');
    });

    it('rejects saving a document of a draft it does not hold', async () => {
      await expect(store.saveDocument('no-such-draft', yjsStateWithText('lost'))).rejects.toBeInstanceOf(
        UnknownDraftError,
      );
      expect(await store.getDraft('no-such-draft')).toBeUndefined();
    });

    it('moves updatedAt forward on save and leaves createdAt alone', async () => {
      const record = draftRecord('dated');
      await store.createDraft(record, yjsStateWithText('x'));
      const before = Date.now();

      await store.saveDocument('dated', yjsStateWithText('y'));

      const saved = await store.getDraft('dated');
      expect(saved?.createdAt).toBe(record.createdAt);
      expect(saved?.updatedAt).not.toBe(record.updatedAt);
      expect(Date.parse(saved?.updatedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    });

    it('answers undefined when loading the document of an unknown or impossible id', async () => {
      expect(await store.loadDocument('no-such-draft')).toBeUndefined();
      expect(await store.loadDocument('../margins')).toBeUndefined();
      expect(await store.loadDocument('')).toBeUndefined();
    });

    it('changes only the draft settings it is given, and returns the updated draft', async () => {
      const record = draftRecord('configured');
      await store.createDraft(record, yjsStateWithText('x'));
      const window = { opensAt: '2027-03-01T09:00:00.000Z', closesAt: '2027-04-01T17:00:00+02:00' };

      const updated = await store.updateDraft('configured', { visibility: 'private', window });

      expect(updated).toEqual({ ...record, visibility: 'private', window });
      expect(await store.getDraft('configured')).toEqual(updated);
      expect(await store.updateDraft('configured', { title: 'Renamed' })).toEqual({
        ...updated,
        title: 'Renamed',
      });
    });

    it('rejects settings for a draft it does not hold', async () => {
      await expect(store.updateDraft('no-such-draft', { visibility: 'private' })).rejects.toBeInstanceOf(
        UnknownDraftError,
      );
    });

    it('keeps its own copy of draft settings, unaffected by the caller’s objects', async () => {
      await store.createDraft(draftRecord('settled'), yjsStateWithText('x'));
      const window = { opensAt: '2027-03-01T09:00:00.000Z', closesAt: '2027-04-01T09:00:00.000Z' };

      const updated = await store.updateDraft('settled', { window });
      window.closesAt = '2099-01-01T00:00:00.000Z';
      updated.window.opensAt = '1999-01-01T00:00:00.000Z';

      expect((await store.getDraft('settled'))?.window).toEqual({
        opensAt: '2027-03-01T09:00:00.000Z',
        closesAt: '2027-04-01T09:00:00.000Z',
      });
    });

    describe('the journal saved with a document', () => {
      function journal(userId: string): DocumentJournal {
        return {
          authors: { '1234567': userId },
          bursts: [
            {
              id: `burst-${userId}`,
              userId,
              startedAt: '2027-01-01T10:00:00.000Z',
              lastAt: '2027-01-01T10:00:30.000Z',
              clients: { '1234567': 3 },
              deletes: 'AAA=',
            },
          ],
          intents: [
            {
              id: 'intent-1',
              kind: 'suggestion.accepted',
              suggestionId: 's1',
              patch: { status: 'accepted', decidedBy: userId },
              log: { userId, at: '2027-01-01T10:01:00.000Z', section: null, changes: [], rationale: null },
            },
          ],
        };
      }

      it('is empty for a draft saved without one, and for a draft it does not hold', async () => {
        await store.createDraft(draftRecord('plain'), yjsStateWithText('x'));
        expect(await store.loadJournal('plain')).toEqual({ authors: {}, bursts: [], intents: [] });
        expect(await store.loadJournal('no-such-draft')).toEqual({ authors: {}, bursts: [], intents: [] });
        expect(await store.loadJournal('../impossible')).toEqual({ authors: {}, bursts: [], intents: [] });
      });

      it('loads exactly as it was saved, with the state it was saved with', async () => {
        await store.createDraft(draftRecord('journaled'), yjsStateWithText('x'));
        const state = yjsStateWithText('written by alice');
        await store.saveDocument('journaled', state, journal('alice'));

        expect(await store.loadJournal('journaled')).toEqual(journal('alice'));
        expect(await store.loadDocument('journaled')).toEqual(state);
        // A backend with an update log also says up to which seq the state goes (`seq`).
        expect(await store.loadDocumentWithJournal('journaled')).toMatchObject({
          state,
          journal: journal('alice'),
        });
        expect(await store.loadDocumentWithJournal('no-such-draft')).toEqual({
          state: undefined,
          journal: { authors: {}, bursts: [], intents: [] },
        });
      });

      it('is replaced at every save together with the state; a save without one empties it', async () => {
        await store.createDraft(draftRecord('journaled'), yjsStateWithText('x'));
        await store.saveDocument('journaled', yjsStateWithText('alice'), journal('alice'));
        const bobs = yjsStateWithText('bob');
        await store.saveDocument('journaled', bobs, journal('bob'));
        expect(await store.loadJournal('journaled')).toEqual(journal('bob'));
        expect(await store.loadDocument('journaled')).toEqual(bobs);

        await store.saveDocument('journaled', yjsStateWithText('nobody'));
        expect(await store.loadJournal('journaled')).toEqual({ authors: {}, bursts: [], intents: [] });
      });

      it('keeps its own copy, unaffected by the caller’s object or a loaded one', async () => {
        await store.createDraft(draftRecord('journaled'), yjsStateWithText('x'));
        const given = journal('alice');
        await store.saveDocument('journaled', yjsStateWithText('y'), given);
        given.authors['1234567'] = 'mallory';
        (await store.loadJournal('journaled')).bursts.length = 0;

        expect(await store.loadJournal('journaled')).toEqual(journal('alice'));
      });

      it('is kept with its state after being closed and reopened', async (ctx) => {
        if (!subject.reopen) ctx.skip('this store keeps nothing beyond the process');
        await store.createDraft(draftRecord('journaled'), yjsStateWithText('x'));
        const state = yjsStateWithText('written by alice');
        await store.saveDocument('journaled', state, journal('alice'));

        store = await (subject.reopen as () => Promise<DraftStore>)();

        expect(await store.loadJournal('journaled')).toEqual(journal('alice'));
        expect(await store.loadDocument('journaled')).toEqual(state);
      });
    });

    it('keeps draft settings after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this store keeps nothing beyond the process');
      await store.createDraft(draftRecord('kept'), yjsStateWithText('x'));
      const settings = await store.updateDraft('kept', { visibility: 'private' });

      store = await (subject.reopen as () => Promise<DraftStore>)();

      expect(await store.getDraft('kept')).toEqual(settings);
    });

    it('keeps drafts, documents and save times after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this store keeps nothing beyond the process');
      const state = yjsStateWithText('persisted');
      await store.createDraft(draftRecord('durable', { title: 'Durable', language: 'es' }), state);
      const edited = yjsStateWithText('persisted and edited');
      await store.saveDocument('durable', edited);
      const before = await store.getDraft('durable');

      store = await (subject.reopen as () => Promise<DraftStore>)();

      expect(await store.listDrafts()).toEqual([before]);
      expect(await store.loadDocument('durable')).toEqual(edited);
    });
  });
}
