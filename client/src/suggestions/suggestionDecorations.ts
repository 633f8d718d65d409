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
    return [
      new Plugin<State>({
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
      }),
    ];
  },
});

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

function build(input: InlineSuggestions, state: EditorState): State {
  const open = input.suggestions.filter((s) => s.status === 'open');
  if (open.length === 0) return { input, located: new Map(), decorations: DecorationSet.empty };
  const located = locateSuggestions(state.doc, open, pointResolver(state));
  const decorations: Decoration[] = [];
  for (const suggestion of open) {
    const where = located.get(suggestion.id);
    if (!where || where.state === 'detached') continue;
    const label = input.describe(suggestion);
    if (where.from < where.to) {
      decorations.push(
        Decoration.inline(where.from, where.to, {
          class: 'suggestion-removal',
          title: label,
          'data-suggestion-id': suggestion.id,
        }),
      );
    }
    if (suggestion.text) {
      decorations.push(
        Decoration.widget(where.to, () => insertion(suggestion, label, input.onActivate), {
          side: 1,
          key: `${suggestion.id}:${suggestion.text}`,
          ignoreSelection: true,
        }),
      );
    }
  }
  return { input, located, decorations: DecorationSet.create(state.doc, decorations) };
}

/** The proposed words, shown after the passage; focusable so keyboard users can read who proposed them. */
function insertion(suggestion: SuggestionView, label: string, onActivate: (id: string) => void): HTMLElement {
  const element = document.createElement('ins');
  element.className = 'suggestion-insertion';
  element.dataset.suggestionId = suggestion.id;
  element.textContent = suggestion.text.replace(/\n+/g, ' ¶ ');
  element.title = label;
  element.tabIndex = 0;
  element.setAttribute('aria-label', `${label}: ${suggestion.text}`);
  element.contentEditable = 'false';
  element.addEventListener('click', () => onActivate(suggestion.id));
  element.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onActivate(suggestion.id);
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
