import type { Editor } from '@tiptap/core';
import type * as Y from 'yjs';
import { type Anchor, QUOTE_CONTEXT } from '../../../shared/anchoring/anchor.ts';
import {
  BIND_LEFT,
  BIND_RIGHT,
  encodePosition,
  relativePositionAt,
} from '../../../shared/anchoring/positions.ts';

/**
 * The anchor of the editor's current selection: Yjs relative positions of its ends (start bound
 * to the first character, end to the last) and a quote with some context. Undefined when nothing
 * is selected.
 */
export function anchorFromSelection(editor: Editor, fragment: Y.XmlFragment): Anchor | undefined {
  const { from, to, empty } = editor.state.selection;
  if (empty) return undefined;
  const doc = editor.state.doc;
  const exact = doc.textBetween(from, to, '\n');
  if (!exact.trim()) return undefined;
  // Context is read with a margin in positions, then cut to QUOTE_CONTEXT characters.
  const prefix = doc.textBetween(Math.max(0, from - QUOTE_CONTEXT * 2), from, '\n').slice(-QUOTE_CONTEXT);
  const suffix = doc
    .textBetween(to, Math.min(doc.content.size, to + QUOTE_CONTEXT * 2), '\n')
    .slice(0, QUOTE_CONTEXT);
  return {
    start: encodePosition(relativePositionAt(fragment, from, BIND_RIGHT)),
    end: encodePosition(relativePositionAt(fragment, to, BIND_LEFT)),
    quote: { exact, prefix, suffix },
  };
}
