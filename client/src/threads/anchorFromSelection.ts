import type { Editor } from '@tiptap/core';
import type * as Y from 'yjs';
import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import { quoteAround } from '../../../shared/anchoring/locate.ts';
import {
  BIND_LEFT,
  BIND_RIGHT,
  encodePosition,
  relativePositionAt,
} from '../../../shared/anchoring/positions.ts';
import type { SuggestionAnchor } from '../../../shared/suggestions.ts';

/**
 * The anchor of the editor's current selection: Yjs relative positions of its ends (start bound
 * to the first character, end to the last) and a quote with some context. Undefined when nothing
 * is selected.
 */
export function anchorFromSelection(editor: Editor, fragment: Y.XmlFragment): Anchor | undefined {
  const { from, to, empty } = editor.state.selection;
  if (empty) return undefined;
  const quote = quoteAround(editor.state.doc, from, to);
  if (!quote.exact.trim()) return undefined;
  return {
    start: encodePosition(relativePositionAt(fragment, from, BIND_RIGHT)),
    end: encodePosition(relativePositionAt(fragment, to, BIND_LEFT)),
    quote,
  };
}

/**
 * The anchor of a suggested edit: the selection, or the caret alone for an insertion (then the
 * quote's `exact` is empty and its context finds the point again).
 */
export function suggestionAnchorFromSelection(editor: Editor, fragment: Y.XmlFragment): SuggestionAnchor {
  const { from, to } = editor.state.selection;
  return {
    start: encodePosition(relativePositionAt(fragment, from, BIND_RIGHT)),
    end: encodePosition(relativePositionAt(fragment, to, BIND_LEFT)),
    quote: quoteAround(editor.state.doc, from, to),
  };
}

/** Collapses the selection to its end, so the toolbar over it goes once its words are dealt with. */
export function leaveSelection(editor: Editor): void {
  if (!editor.state.selection.empty) editor.commands.setTextSelection(editor.state.selection.to);
}
