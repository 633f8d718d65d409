import { getSchema } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import { EditorState } from '@tiptap/pm/state';
import { initProseMirrorDoc, relativePositionToAbsolutePosition, updateYFragment } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import { markedRanges, type Passage } from '../../../shared/anchoring/locate.ts';
import { decodePosition } from '../../../shared/anchoring/positions.ts';
import { contentExtensions } from '../../../shared/editorExtensions.ts';

/** The editor's schema, as the server sees the document. */
export const contentSchema: Schema = getSchema(contentExtensions());

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
  // Resolving a position rooted in a top-level type the document lacks would create that type in it.
  if ([start, end].some(({ tname }) => tname !== null && !ydoc.share.has(tname))) return undefined;
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

export {
  findMarkedPassage,
  findQuote,
  type Location,
  locatePassage,
  type Passage,
} from '../../../shared/anchoring/locate.ts';
