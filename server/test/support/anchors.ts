import type { Node as PMNode } from '@tiptap/pm/model';
import { EditorState, type Transaction } from '@tiptap/pm/state';
import { initProseMirrorDoc, updateYFragment } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { type Anchor, quoteOf } from '../../../shared/anchoring/anchor.ts';
import { type AnchorMark, SUGGESTION_MARK } from '../../../shared/anchoring/locate.ts';
import {
  BIND_LEFT,
  BIND_RIGHT,
  encodePosition,
  relativePositionAt,
} from '../../../shared/anchoring/positions.ts';
import type { SuggestionAnchor } from '../../../shared/suggestions.ts';
import { contentSchema } from '../../src/passages/passages.ts';

/** Where `words` first occur inside one block of `doc`, and that block's text. */
export function rangeOf(doc: PMNode, words: string): { from: number; to: number; block: string; at: number } {
  let found: { from: number; to: number; block: string; at: number } | undefined;
  doc.descendants((node, pos) => {
    if (found) return false;
    if (!node.isTextblock) return true;
    const at = node.textContent.indexOf(words);
    if (at >= 0) found = { from: pos + 1 + at, to: pos + 1 + at + words.length, block: node.textContent, at };
    return false;
  });
  if (!found) throw new Error(`"${words}" is not in the document`);
  return found;
}

/**
 * The anchor a browser would send for a selection of `words` in its copy of the draft: relative
 * positions with explicit association (start binds right, end binds left) and a text quote.
 */
export function anchorIn(fragment: Y.XmlFragment, words: string): Anchor {
  const { doc } = initProseMirrorDoc(fragment, contentSchema);
  const { from, to, block, at } = rangeOf(doc, words);
  return {
    start: encodePosition(relativePositionAt(fragment, from, BIND_RIGHT)),
    end: encodePosition(relativePositionAt(fragment, to, BIND_LEFT)),
    quote: quoteOf(block, at, at + words.length),
  };
}

/** The text carrying `threadId`'s comment mark in `fragment`, as the editor would render it. */
export function markedText(fragment: Y.XmlFragment, threadId: string): string {
  const { doc } = initProseMirrorDoc(fragment, contentSchema);
  let text = '';
  doc.descendants((node) => {
    const marked = node.marks.some(
      (mark) => mark.type.name === 'comment' && mark.attrs.threadId === threadId,
    );
    if (node.isText && marked) text += node.text;
    return true;
  });
  return text;
}

/**
 * The anchor a browser would send to suggest an insertion with the caret just after `words`: both
 * ends at that point (start binding right, end left, as for a selection) and an empty quote whose
 * context finds the point again.
 */
export function pointAnchorAfter(fragment: Y.XmlFragment, words: string): SuggestionAnchor {
  const { doc } = initProseMirrorDoc(fragment, contentSchema);
  const { to, block, at } = rangeOf(doc, words);
  const point = at + words.length;
  return {
    start: encodePosition(relativePositionAt(fragment, to, BIND_RIGHT)),
    end: encodePosition(relativePositionAt(fragment, to, BIND_LEFT)),
    quote: quoteOf(block, point, point),
  };
}

/** The text carrying `id`'s mark of `kind` (a suggestion's, unless told) in `fragment`. */
export function textMarkedAs(
  fragment: Y.XmlFragment,
  id: string,
  kind: AnchorMark = SUGGESTION_MARK,
): string {
  const { doc } = initProseMirrorDoc(fragment, contentSchema);
  let text = '';
  doc.descendants((node) => {
    const marked = node.marks.some((mark) => mark.type.name === kind.mark && mark.attrs[kind.attr] === id);
    if (node.isText && marked) text += node.text;
    return true;
  });
  return text;
}

/** Edits `fragment` the way the editor binding does: a ProseMirror transaction written back with `updateYFragment`. */
export function editAsBinding(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  change: (tr: Transaction, doc: PMNode) => void,
): void {
  const { doc, meta } = initProseMirrorDoc(fragment, contentSchema);
  const tr = EditorState.create({ doc }).tr;
  change(tr, doc);
  ydoc.transact(() => updateYFragment(ydoc, fragment, tr.doc, meta));
}
