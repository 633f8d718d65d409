import { getSchema } from '@tiptap/core';
import type { Node as PMNode, Schema } from '@tiptap/pm/model';
import { EditorState } from '@tiptap/pm/state';
import { initProseMirrorDoc, relativePositionToAbsolutePosition, updateYFragment } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import type { Anchor, TextQuote } from '../../../shared/anchoring/anchor.ts';
import { decodePosition } from '../../../shared/anchoring/positions.ts';
import { contentExtensions } from '../../../shared/editorExtensions.ts';

/** The editor's schema, as the server sees the document. */
export const contentSchema: Schema = getSchema(contentExtensions());

/** Where a passage is now: ProseMirror positions and the text between them (blocks joined by newlines). */
export interface Passage {
  from: number;
  to: number;
  text: string;
}

/** How a thread's passage was found: by its mark, by its quote after the mark was lost, or not at all. */
export type Location =
  | ({ state: 'attached' } & Passage)
  | ({ state: 'recovered' } & Passage)
  | { state: 'detached' };

/** The document in `fragment` as ProseMirror sees it, with the binding's mapping. */
export function snapshot(fragment: Y.XmlFragment, schema: Schema = contentSchema) {
  return initProseMirrorDoc(fragment, schema);
}

/** Resolves a client's anchor against the live document; undefined if an end no longer resolves. */
export function resolveAnchor(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  anchor: Pick<Anchor, 'start' | 'end'>,
  schema: Schema = contentSchema,
): Passage | undefined {
  const start = decodePosition(anchor.start);
  const end = decodePosition(anchor.end);
  if (!start || !end) return undefined;
  const { doc, mapping } = snapshot(fragment, schema);
  // The binding answers null (or, in TipTap's wrappers, 0) for positions whose items are gone.
  const from = relativePositionToAbsolutePosition(ydoc, fragment, start, mapping);
  const to = relativePositionToAbsolutePosition(ydoc, fragment, end, mapping);
  if (from === null || to === null || from >= to || to > doc.content.size) return undefined;
  return { from, to, text: doc.textBetween(from, to, '\n') };
}

/**
 * Puts the thread's comment mark on `from`–`to` of the live document, in one Yjs transaction
 * whose origin tells the change log this is not an edit.
 */
export function markPassage(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  threadId: string,
  range: { from: number; to: number },
  origin: unknown,
  schema: Schema = contentSchema,
): void {
  const markType = schema.marks.comment;
  if (!markType) throw new Error('the schema has no comment mark');
  ydoc.transact(() => {
    const { doc, meta } = snapshot(fragment, schema);
    const tr = EditorState.create({ doc }).tr.addMark(range.from, range.to, markType.create({ threadId }));
    updateYFragment(ydoc, fragment, tr.doc, meta);
  }, origin);
}

/** Removes a thread's mark wherever it is (a deleted thread must not leave a highlight). */
export function unmarkPassage(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  threadId: string,
  origin: unknown,
  schema: Schema = contentSchema,
): void {
  ydoc.transact(() => {
    const { doc, meta } = snapshot(fragment, schema);
    const tr = EditorState.create({ doc }).tr;
    for (const range of markedRanges(doc, threadId)) {
      for (const mark of range.marks) tr.removeMark(range.from, range.to, mark);
    }
    if (tr.docChanged) updateYFragment(ydoc, fragment, tr.doc, meta);
  }, origin);
}

/** The span of text carrying the thread's mark: from its first to its last marked character. */
export function findMarkedPassage(doc: PMNode, threadId: string): Passage | undefined {
  const ranges = markedRanges(doc, threadId);
  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  if (!first || !last) return undefined;
  return { from: first.from, to: last.to, text: doc.textBetween(first.from, last.to, '\n') };
}

function markedRanges(doc: PMNode, threadId: string) {
  const ranges: { from: number; to: number; marks: import('@tiptap/pm/model').Mark[] }[] = [];
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    const marks = node.marks.filter((m) => m.type.name === 'comment' && m.attrs.threadId === threadId);
    if (marks.length > 0) ranges.push({ from: pos, to: pos + node.nodeSize, marks });
    return false;
  });
  return ranges;
}

/**
 * Where a thread's passage is now. The mark first: it survives splits, joins, block-type changes
 * and wrapping. If the mark is gone (its words were deleted, or retyped), the quote is searched
 * for with its context, so the same words elsewhere in the draft are not mistaken for it.
 */
export function locatePassage(doc: PMNode, threadId: string, quote: TextQuote): Location {
  const marked = findMarkedPassage(doc, threadId);
  if (marked) return { state: 'attached', ...marked };
  const found = findQuote(doc, quote);
  return found ? { state: 'recovered', ...found } : { state: 'detached' };
}

/** Finds `quote` with at least one side of its context; undefined when ambiguous or absent. */
export function findQuote(doc: PMNode, quote: TextQuote): Passage | undefined {
  const { text, positions } = flatten(doc);
  const candidates = [
    quote.prefix + quote.exact + quote.suffix,
    quote.prefix + quote.exact,
    quote.exact + quote.suffix,
  ].filter((candidate) => candidate.length > quote.exact.length);
  for (const candidate of candidates) {
    const at = text.indexOf(candidate);
    if (at < 0 || text.indexOf(candidate, at + 1) >= 0) continue;
    const start =
      candidate.startsWith(quote.prefix) && candidate !== quote.exact + quote.suffix
        ? at + quote.prefix.length
        : at;
    const from = positions[start];
    const last = positions[start + quote.exact.length - 1];
    if (from === undefined || last === undefined) continue;
    return { from, to: last + 1, text: doc.textBetween(from, last + 1, '\n') };
  }
  return undefined;
}

/** The document's text with blocks separated by newlines, and each character's position. */
function flatten(doc: PMNode): { text: string; positions: number[] } {
  let text = '';
  const positions: number[] = [];
  let lastBlockEnd = -1;
  doc.descendants((node, pos) => {
    if (node.isTextblock) {
      if (lastBlockEnd >= 0) {
        text += '\n';
        positions.push(lastBlockEnd);
      }
      lastBlockEnd = pos + node.nodeSize - 1;
      return true;
    }
    if (node.isText && node.text) {
      for (let i = 0; i < node.text.length; i++) positions.push(pos + i);
      text += node.text;
    }
    return true;
  });
  return { text, positions };
}
