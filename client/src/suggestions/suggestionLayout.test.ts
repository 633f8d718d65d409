import { EditorState } from '@tiptap/pm/state';
import { describe, expect, it } from 'vitest';
import type { SuggestionLocation } from '../../../shared/suggestions.ts';
import { aliceSignedIn, doc, p, quote, schema, suggested, suggestion, tom } from '../testing/fixtures.ts';
import {
  filterSuggestions,
  groupCompeting,
  type PlacedSuggestion,
  placeSuggestions,
} from './suggestionLayout.ts';

const stateOf = (node = text) => EditorState.create({ schema, doc: node });
const text = doc(
  p('The council ', suggested('proposes', 'verb'), ' a path along the ', suggested('river', 'noun'), '.'),
);

describe('placing suggestions in the margin', () => {
  it('lists open suggestions in the order of their passages, decided ones after them', () => {
    const placed = placeSuggestions(stateOf(), [
      suggestion('decided', { status: 'accepted', createdAt: '2024-01-01T00:00:00.000Z' }),
      suggestion('noun', { createdAt: '2025-01-01T00:00:00.000Z' }),
      suggestion('verb', { createdAt: '2025-02-01T00:00:00.000Z' }),
    ]);
    expect(placed.map((x) => x.suggestion.id)).toEqual(['verb', 'noun', 'decided']);
  });

  it('lists decided suggestions by date, oldest first', () => {
    const placed = placeSuggestions(stateOf(), [
      suggestion('later', { status: 'rejected', createdAt: '2025-05-01T00:00:00.000Z' }),
      suggestion('earlier', { status: 'withdrawn', createdAt: '2025-04-01T00:00:00.000Z' }),
    ]);
    expect(placed.map((x) => x.suggestion.id)).toEqual(['earlier', 'later']);
    expect(placed.every((x) => x.location === undefined)).toBe(true);
  });

  it('says a suggestion is outdated once its words were changed', () => {
    const edited = doc(p('The council ', suggested('suggests', 'verb'), ' a path.'));
    const [placed] = placeSuggestions(stateOf(edited), [suggestion('verb', { quote: quote('proposes') })]);
    expect(placed?.location).toMatchObject({ state: 'attached', text: 'suggests', outdated: true });
  });

  it('finds an insertion by the words around its point', () => {
    const insertion = suggestion('ins', {
      quote: quote('', 'a path along', ' the river'),
      text: ' and over',
    });
    const [placed] = placeSuggestions(stateOf(), [insertion]);
    const point = text.textContent.indexOf(' the river') + 1;
    expect(placed?.location).toMatchObject({ state: 'recovered', from: point, to: point });
  });
});

/** A placed open suggestion on positions `from`–`to` (a point when equal), or detached. */
const at = (id: string, from?: number, to = from): PlacedSuggestion => {
  const location: SuggestionLocation =
    from === undefined || to === undefined
      ? { state: 'detached', outdated: true }
      : { state: 'attached', from, to, text: '', outdated: false };
  return { suggestion: suggestion(id), location, order: from ?? Number.MAX_SAFE_INTEGER };
};
const groupIds = (groups: PlacedSuggestion[][]) => groups.map((g) => g.map((x) => x.suggestion.id));

describe('grouping competing suggestions', () => {
  it('shows two suggestions on overlapping words side by side as competing', () => {
    expect(groupIds(groupCompeting([at('a', 5, 15), at('b', 10, 20)]))).toEqual([['a', 'b']]);
  });

  it('keeps suggestions on neighbouring words that only touch apart', () => {
    expect(groupIds(groupCompeting([at('a', 5, 10), at('b', 10, 20)]))).toEqual([['a'], ['b']]);
  });

  it('shows two insertions at the same point as competing', () => {
    expect(groupIds(groupCompeting([at('a', 8), at('b', 8)]))).toEqual([['a', 'b']]);
  });

  it('an insertion right after replaced words does not compete with the replacement', () => {
    expect(groupIds(groupCompeting([at('replace', 5, 10), at('insert', 10)]))).toEqual([
      ['replace'],
      ['insert'],
    ]);
  });

  it('an insertion where replaced words begin competes with the replacement', () => {
    expect(groupIds(groupCompeting([at('insert', 5), at('replace', 5, 10)]))).toEqual([
      ['insert', 'replace'],
    ]);
    expect(groupIds(groupCompeting([at('replace', 5, 10), at('insert', 5)]))).toEqual([
      ['replace', 'insert'],
    ]);
  });

  it('a chain of overlaps makes one group, even where its ends do not overlap each other', () => {
    expect(groupIds(groupCompeting([at('a', 0, 10), at('b', 8, 30), at('c', 25, 40)]))).toEqual([
      ['a', 'b', 'c'],
    ]);
  });

  it('a suggestion whose words are gone stands alone', () => {
    expect(groupIds(groupCompeting([at('a', 5, 15), at('gone'), at('b', 10, 20)]))).toEqual([
      ['a'],
      ['gone'],
      ['b'],
    ]);
  });

  it('decided suggestions, which have no passage, each stand alone', () => {
    const decided = (id: string): PlacedSuggestion => ({
      suggestion: suggestion(id, { status: 'accepted' }),
      location: undefined,
      order: Number.MAX_SAFE_INTEGER,
    });
    expect(groupIds(groupCompeting([decided('x'), decided('y')]))).toEqual([['x'], ['y']]);
  });
});

describe('filtering the suggestions in the margin', () => {
  const placed = placeSuggestions(stateOf(), [
    suggestion('verb'),
    suggestion('noun', { author: tom }),
    suggestion('accepted', { status: 'accepted' }),
    suggestion('rejected', { status: 'rejected', author: tom }),
    suggestion('withdrawn', { status: 'withdrawn' }),
    suggestion('reverted', { status: 'reverted' }),
  ]);
  const ids = (list: PlacedSuggestion[]) => list.map((x) => x.suggestion.id);

  it('"decided" shows every suggestion no longer open, whatever became of it', () => {
    expect(ids(filterSuggestions(placed, { decision: 'decided', mine: false }, null))).toEqual([
      'accepted',
      'rejected',
      'withdrawn',
      'reverted',
    ]);
  });

  it('"open" shows only the suggestions still waiting for a decision', () => {
    expect(ids(filterSuggestions(placed, { decision: 'open', mine: false }, null))).toEqual(['verb', 'noun']);
  });

  it('"mine" keeps only the suggestions I made', () => {
    expect(ids(filterSuggestions(placed, { decision: 'all', mine: true }, aliceSignedIn))).toEqual([
      'verb',
      'accepted',
      'withdrawn',
      'reverted',
    ]);
  });
});
