import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnknownRecordError } from '../../src/storage/storage.ts';
import type { SuggestionStore } from '../../src/storage/stores.ts';
import { acceptance, suggestionRecord } from '../support/records.ts';
import type { MakeStore, StoreUnderTest } from './storeUnderTest.ts';

/**
 * What every `SuggestionStore` must do (suggestions; see `server/src/storage/stores.ts`). Run it once per
 * implementation; `make` gives a fresh, empty store for each test.
 */
export function describeSuggestionStoreContract(name: string, make: MakeStore<SuggestionStore>): void {
  describe(`${name}: SuggestionStore contract`, () => {
    let subject: StoreUnderTest<SuggestionStore>;
    let store: SuggestionStore;

    beforeEach(async () => {
      subject = await make();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('stores a suggestion, found by id and listed with its draft’s', async () => {
      const suggestion = suggestionRecord('s1');
      await store.createSuggestion(suggestion);
      await store.createSuggestion(suggestionRecord('s2', { text: '', createdBy: 'bruno' }));
      await store.createSuggestion(suggestionRecord('elsewhere', { draftId: 'other' }));

      expect(await store.getSuggestion('s1')).toEqual(suggestion);
      expect((await store.listSuggestions('consulted')).map((s) => s.id).sort()).toEqual(['s1', 's2']);
      expect(await store.listSuggestions('other')).toEqual([
        suggestionRecord('elsewhere', { draftId: 'other' }),
      ]);
      expect(await store.listSuggestions('no-such-draft')).toEqual([]);
    });

    it('answers undefined for a suggestion it does not hold', async () => {
      await store.createSuggestion(suggestionRecord('s1'));

      expect(await store.getSuggestion('no-such-suggestion')).toBeUndefined();
      expect(await store.listSuggestions('no-such-draft')).toEqual([]);
    });

    it('changes only the given fields of a suggestion and returns it; an unknown suggestion is an error', async () => {
      await store.createSuggestion(suggestionRecord('s1'));
      await store.createSuggestion(suggestionRecord('s2'));

      const accepted = await store.updateSuggestion('s1', acceptance());

      expect(accepted).toEqual(suggestionRecord('s1', acceptance()));
      expect(await store.getSuggestion('s1')).toEqual(accepted);
      const reversion = {
        status: 'reverted' as const,
        revertedBy: 'tess',
        revertedAt: '2024-02-02T00:00:00.000Z',
        revertRationale: null,
      };
      expect(await store.updateSuggestion('s1', reversion)).toEqual(
        suggestionRecord('s1', { ...acceptance(), ...reversion }),
      );
      expect(await store.getSuggestion('s2')).toEqual(suggestionRecord('s2'));
      await expect(
        store.updateSuggestion('no-such-suggestion', { status: 'withdrawn' }),
      ).rejects.toBeInstanceOf(UnknownRecordError);
      expect(await store.getSuggestion('no-such-suggestion')).toBeUndefined();
    });

    it('keeps its own copy of suggestions, unaffected by given or returned records', async () => {
      const suggestion = suggestionRecord('s1');
      await store.createSuggestion(suggestion);
      suggestion.status = 'accepted';
      suggestion.anchor.quote.exact = 'changed by the caller';
      const found = await store.getSuggestion('s1');
      if (found) found.anchor.quote.exact = 'changed through get';
      const listed = await store.listSuggestions('consulted');
      if (listed[0]) listed[0].text = 'changed through the list';
      const patch = acceptance();
      const updated = await store.updateSuggestion('s1', patch);
      if (patch.applied) patch.applied.anchor.quote.exact = 'changed by the caller';
      if (patch.applied) patch.applied.replacedText = 'changed by the caller';
      if (updated.applied) updated.applied.replacedText = 'changed through update';
      updated.anchor.start = 'changed';

      expect(await store.getSuggestion('s1')).toEqual(suggestionRecord('s1', acceptance()));
    });

    it('keeps suggestions and their decisions after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this store keeps nothing beyond the process');
      await store.createSuggestion(suggestionRecord('s1'));
      await store.createSuggestion(suggestionRecord('s2', { text: '' }));
      const accepted = await store.updateSuggestion('s1', acceptance());

      store = await (subject.reopen as () => Promise<SuggestionStore>)();

      expect(await store.getSuggestion('s1')).toEqual(accepted);
      expect(await store.listSuggestions('consulted')).toEqual([
        accepted,
        suggestionRecord('s2', { text: '' }),
      ]);
    });
  });
}
