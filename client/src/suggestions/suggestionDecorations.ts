import { Extension } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { type EditorState, Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import { decodePosition } from '../../../shared/anchoring/positions.ts';
import {
  locateSuggestions,
  type SuggestionLocation,
  type SuggestionView,
} from '../../../shared/suggestions.ts';

/** What the page hands the editor: the open suggestions and how to describe and activate one. */
export interface InlineSuggestions {
  suggestions: SuggestionView[];
  /** "Suggested by Alice (Rivers Trust)", in the reader's language. */
  describe: (suggestion: SuggestionView) => string;
  onActivate: (id: string) => void;
}

interface State {
  input: InlineSuggestions;
  located: Map<string, SuggestionLocation>;
  decorations: DecorationSet;
}

export const suggestionsKey = new PluginKey<State>('inline-suggestions');

const EMPTY: InlineSuggestions = { suggestions: [], describe: () => '', onActivate: () => {} };

/**
 * Shows every open suggestion inside the text, for everyone: the words it would remove struck
 * through and the words it would add beside them, with the author on hover and focus. These are
 * decorations, not content: nothing here is written into the shared document.
 */
export const SuggestionDecorations = Extension.create({
  name: 'inlineSuggestions',

  addProseMirrorPlugins() {
    return [inlineSuggestionsPlugin()];
  },
});

/**
 * The plugin behind SuggestionDecorations. It is given the suggestions by a transaction carrying
 * them as `suggestionsKey` meta, and places them again whenever the text changes.
 */
export function inlineSuggestionsPlugin(): Plugin<State> {
  return new Plugin<State>({
    key: suggestionsKey,
    state: {
      init: (_, state) => build(EMPTY, state),
      apply: (tr, previous, _old, state) => {
        const input = tr.getMeta(suggestionsKey) as InlineSuggestions | undefined;
        if (input) return build(input, state);
        if (!tr.docChanged) return previous;
        return previous.input.suggestions.length === 0
          ? { ...previous, decorations: previous.decorations.map(tr.mapping, tr.doc) }
          : build(previous.input, state);
      },
    },
    props: {
      decorations: (state) => suggestionsKey.getState(state)?.decorations,
    },
  });
}

/** Open suggestions whose passage (or insertion point) contains `pos`. */
export function suggestionsAt(state: EditorState, pos: number): string[] {
  const located = suggestionsKey.getState(state)?.located;
  if (!located) return [];
  const ids: string[] = [];
  for (const [id, where] of located) {
    if (where.state !== 'detached' && where.from <= pos && pos <= where.to) ids.push(id);
  }
  return ids;
}

/** A suggestion as it shows in the text: the words it would remove, and those it would add after them. */
export type InlineChange =
  | { kind: 'removal'; id: string; from: number; to: number; label: string }
  | { kind: 'insertion'; id: string; at: number; text: string; label: string };

/**
 * What the open suggestions show in the text, where they are now (`located`): a removal over
 * the words each would replace or delete, an insertion after them of the words it would add.
 * Suggestions whose passage is gone show nothing.
 */
export function inlineChanges(
  open: SuggestionView[],
  located: Map<string, SuggestionLocation>,
  labelOf: (suggestion: SuggestionView) => string,
): InlineChange[] {
  const changes: InlineChange[] = [];
  for (const suggestion of open) {
    const where = located.get(suggestion.id);
    if (!where || where.state === 'detached') continue;
    const label = labelOf(suggestion);
    const { id, text } = suggestion;
    if (where.from < where.to) changes.push({ kind: 'removal', id, from: where.from, to: where.to, label });
    if (text) changes.push({ kind: 'insertion', id, at: where.to, text, label });
  }
  return changes;
}

function build(input: InlineSuggestions, state: EditorState): State {
  const open = input.suggestions.filter((s) => s.status === 'open');
  if (open.length === 0) return { input, located: new Map(), decorations: DecorationSet.empty };
  const located = locateSuggestions(state.doc, open, pointResolver(state));
  const decorations = inlineChanges(open, located, input.describe).map((change) =>
    change.kind === 'removal'
      ? Decoration.inline(change.from, change.to, {
          class: 'suggestion-removal',
          title: change.label,
          'data-suggestion-id': change.id,
        })
      : Decoration.widget(change.at, () => insertion(change, input.onActivate), {
          side: 1,
          key: `${change.id}:${change.text}`,
          ignoreSelection: true,
        }),
  );
  return { input, located, decorations: DecorationSet.create(state.doc, decorations) };
}

/** The proposed words, shown after the passage; focusable so keyboard users can read who proposed them. */
function insertion(
  change: Extract<InlineChange, { kind: 'insertion' }>,
  onActivate: (id: string) => void,
): HTMLElement {
  const element = document.createElement('ins');
  element.className = 'suggestion-insertion';
  element.dataset.suggestionId = change.id;
  element.textContent = change.text.replace(/\n+/g, ' ¶ ');
  element.title = change.label;
  element.tabIndex = 0;
  element.setAttribute('aria-label', `${change.label}: ${change.text}`);
  element.contentEditable = 'false';
  element.addEventListener('click', () => onActivate(change.id));
  element.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onActivate(change.id);
    }
  });
  return element;
}

/** An insertion's point by its Yjs relative position, through the editor's binding. */
export function pointResolver(state: EditorState) {
  const binding = ySyncPluginKey.getState(state)?.binding as
    | {
        doc: import('yjs').Doc;
        type: import('yjs').XmlFragment;
        mapping: Parameters<typeof relativePositionToAbsolutePosition>[3];
      }
    | undefined;
  return (encoded: string): number | undefined => {
    const position = decodePosition(encoded);
    if (!binding || !position) return undefined;
    if (position.tname !== null && !binding.doc.share.has(position.tname)) return undefined;
    try {
      const point = relativePositionToAbsolutePosition(binding.doc, binding.type, position, binding.mapping);
      return point !== null && insideText(state.doc, point) ? point : undefined;
    } catch {
      // The binding's mapping may lag the document for one transaction; the quote finds it instead.
      return undefined;
    }
  };
}

function insideText(doc: PMNode, pos: number): boolean {
  return pos >= 0 && pos <= doc.content.size && doc.resolve(pos).parent.isTextblock;
}
