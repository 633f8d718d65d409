import { EditorState } from '@tiptap/pm/state';
import { describe, expect, it } from 'vitest';
import type { SuggestionView } from '../../../shared/suggestions.ts';
import { doc, p, quote, rangeOf, schema, suggested, suggestion, tom } from '../testing/fixtures.ts';
import {
  inlineChanges,
  inlineSuggestionsPlugin,
  suggestionsAt,
  suggestionsKey,
} from './suggestionDecorations.ts';

const text = doc(
  p('The council ', suggested('proposes', 'verb'), ' a path along the ', suggested('river', 'noun'), '.'),
);
const byline = (s: SuggestionView) => `Suggested by ${s.author.name}`;

/** The editor's state with the inline suggestions handed to it, as the page does. */
function showing(suggestions: SuggestionView[], node = text): EditorState {
  const state = EditorState.create({ schema, doc: node, plugins: [inlineSuggestionsPlugin()] });
  return state.apply(
    state.tr.setMeta(suggestionsKey, { suggestions, describe: byline, onActivate: () => {} }),
  );
}

/** What the reader sees inline: struck-through spans and inserted words, with their positions. */
function shown(state: EditorState) {
  const decorations = suggestionsKey.getState(state)?.decorations.find() ?? [];
  return decorations
    .map((d) =>
      d.from === d.to
        ? { inserted: String(d.spec.key).split(':').slice(1).join(':'), at: d.from }
        : { struck: state.doc.textBetween(d.from, d.to) },
    )
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('suggestions shown inside the text', () => {
  it('strikes through the words a replacement would remove and shows its words right after them', () => {
    const state = showing([suggestion('verb', { quote: quote('proposes'), text: 'plans' })]);
    expect(shown(state)).toEqual([
      { inserted: 'plans', at: rangeOf(text, 'proposes').to },
      { struck: 'proposes' },
    ]);
  });

  it('strikes through the words a deletion would remove, adding nothing', () => {
    const state = showing([suggestion('noun', { quote: quote('river'), text: '' })]);
    expect(shown(state)).toEqual([{ struck: 'river' }]);
  });

  it('shows an insertion at its point, striking nothing through', () => {
    const insertion = suggestion('ins', { quote: quote('', 'a path along', ' the '), text: ' and over' });
    const state = showing([insertion]);
    expect(shown(state)).toEqual([{ inserted: ' and over', at: rangeOf(text, ' the ').from }]);
  });

  it('shows nothing for suggestions already decided', () => {
    const state = showing([
      suggestion('verb', { quote: quote('proposes'), status: 'accepted' }),
      suggestion('noun', { quote: quote('river'), status: 'rejected' }),
    ]);
    expect(shown(state)).toEqual([]);
  });

  it('shows nothing for a suggestion whose words are gone from the text', () => {
    const state = showing([suggestion('lost', { quote: quote('a bridge', 'build ', ' now') })]);
    expect(shown(state)).toEqual([]);
  });

  it('never writes into the text itself', () => {
    const state = showing([suggestion('verb', { quote: quote('proposes'), text: 'plans' })]);
    expect(state.doc.eq(text)).toBe(true);
  });

  it('keeps the struck-through words on their words when someone types before them', () => {
    const before = showing([suggestion('noun', { quote: quote('river'), text: 'stream' })]);
    const after = before.apply(before.tr.insertText('Today, ', 1));
    expect(after.doc.textContent).toMatch(/^Today, The council/);
    expect(shown(after)).toEqual([
      { inserted: 'stream', at: rangeOf(after.doc, 'river').to },
      { struck: 'river' },
    ]);
  });

  it('stops showing a suggestion once the page says it was decided', () => {
    const open = showing([suggestion('verb', { quote: quote('proposes') })]);
    const decided = open.apply(
      open.tr.setMeta(suggestionsKey, {
        suggestions: [suggestion('verb', { quote: quote('proposes'), status: 'accepted' })],
        describe: byline,
        onActivate: () => {},
      }),
    );
    expect(shown(decided)).toEqual([]);
  });
});

describe('finding the suggestions under a click', () => {
  const overlapping = doc(
    p('We ', suggested('build ', 'a'), suggested('a bridge', 'a', 'b'), suggested(' soon', 'b'), ' here.'),
  );
  const state = showing(
    [suggestion('a', { quote: quote('build a bridge') }), suggestion('b', { quote: quote('a bridge soon') })],
    overlapping,
  );

  it('a click in words two suggestions would change finds both', () => {
    expect(suggestionsAt(state, rangeOf(overlapping, 'bridge').from).sort()).toEqual(['a', 'b']);
  });

  it('a click in words only one would change finds that one', () => {
    expect(suggestionsAt(state, rangeOf(overlapping, 'uild').from)).toEqual(['a']);
    expect(suggestionsAt(state, rangeOf(overlapping, 'oon').from)).toEqual(['b']);
  });

  it('a click elsewhere in the text finds none', () => {
    expect(suggestionsAt(state, rangeOf(overlapping, 'here').from)).toEqual([]);
  });

  it('a click finds nothing before any suggestion was handed to the editor', () => {
    const bare = EditorState.create({ schema, doc: overlapping, plugins: [inlineSuggestionsPlugin()] });
    expect(suggestionsAt(bare, rangeOf(overlapping, 'bridge').from)).toEqual([]);
  });
});

describe('what each inline suggestion says', () => {
  it('labels both the struck-through and the added words with who suggested them', () => {
    const bySomeone = suggestion('verb', { quote: quote('proposes'), text: 'plans', author: tom });
    const located = new Map([
      ['verb', { state: 'attached' as const, from: 13, to: 21, text: 'proposes', outdated: false }],
    ]);
    const changes = inlineChanges([bySomeone], located, byline);
    expect(changes).toEqual([
      { kind: 'removal', id: 'verb', from: 13, to: 21, label: 'Suggested by Tom' },
      { kind: 'insertion', id: 'verb', at: 21, text: 'plans', label: 'Suggested by Tom' },
    ]);
  });
});
