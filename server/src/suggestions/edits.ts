import { Fragment, type Mark, type Node as PMNode, type Schema, Slice } from '@tiptap/pm/model';
import { EditorState } from '@tiptap/pm/state';
import { ReplaceAroundStep, ReplaceStep } from '@tiptap/pm/transform';
import { relativePositionToAbsolutePosition, updateYFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { COMMENT_MARK, quoteAround, SUGGESTION_MARK } from '../../../shared/anchoring/locate.ts';
import {
  BIND_LEFT,
  BIND_RIGHT,
  decodePosition,
  encodePosition,
  relativePositionAt,
} from '../../../shared/anchoring/positions.ts';
import type { SuggestionAnchor } from '../../../shared/suggestions.ts';
import {
  contentSchema,
  dropRedundantMarkers,
  type snapshot,
  writableSnapshot,
} from '../passages/passages.ts';

export interface Range {
  from: number;
  to: number;
}

/** What a replacement did: the content it took out, and where the new content now is. */
export interface Replacement {
  /**
   * The replaced content as ProseMirror slice JSON (formatting and block structure included); it
   * may reach past the passage, to the end of the block the passage ends in (see replaceRange).
   */
  replaced: unknown;
  /** The passage's words that were replaced. */
  replacedText: string;
  /**
   * An anchor on the new content (a point when it was a deletion), to find it again for revert;
   * it also covers what the replacement moved up after the new words.
   */
  inserted: SuggestionAnchor;
}

/**
 * The content that replaces a passage with `text`. Line breaks start new paragraphs (inside a code
 * block they stay line breaks). The words take `marks`, those of the text they replace.
 */
export function replacementSlice(
  schema: Schema,
  text: string,
  marks: readonly Mark[],
  inCode: boolean,
): Slice {
  const normalised = text.replace(/\r\n?/g, '\n');
  const lines = inCode ? [normalised] : normalised.split('\n');
  const words = (line: string) => (line ? schema.text(line, inCode ? [] : marks) : null);
  if (lines.length === 1) {
    const node = words(lines[0] ?? '');
    return node ? new Slice(Fragment.from(node), 0, 0) : Slice.empty;
  }
  const paragraph = schema.nodes.paragraph;
  if (!paragraph) throw new Error('the schema has no paragraph');
  // Open on both sides: the first line continues the block the passage starts in, the last one
  // the block it ends in, and the lines between become paragraphs of their own.
  return new Slice(Fragment.from(lines.map((line) => paragraph.create(null, words(line)))), 1, 1);
}

/**
 * The formatting the new words take: the marks of the passage's first character (or of the point,
 * for an insertion). A thread's or another suggestion's mark is kept only if it covers the whole
 * passage, so a comment on one replaced word does not spread over the new ones; the accepted
 * suggestion's own mark (`accepted`) never is.
 */
export function marksAt(doc: PMNode, range: Range, accepted?: string): Mark[] {
  const texts: PMNode[] = [];
  if (range.from < range.to) {
    doc.nodesBetween(range.from, range.to, (node) => {
      if (node.isText) texts.push(node);
    });
  }
  const first = texts[0];
  const last = texts[texts.length - 1];
  const marks = first ? first.marks : doc.resolve(range.from).marks();
  return marks.filter((mark) => {
    const anchoring = mark.type.name === COMMENT_MARK.mark || mark.type.name === SUGGESTION_MARK.mark;
    if (!anchoring) return true;
    if (mark.type.name === SUGGESTION_MARK.mark && mark.attrs[SUGGESTION_MARK.attr] === accepted)
      return false;
    return Boolean(last && mark.isInSet(last.marks));
  });
}

/** `slice` without the suggestion marks `drop` says no longer belong in the text. */
export function withoutSuggestionMarks(slice: Slice, drop: (suggestionId: unknown) => boolean): Slice {
  const strip = (fragment: Fragment): Fragment => {
    const nodes: PMNode[] = [];
    fragment.forEach((node) => {
      if (!node.isText) {
        nodes.push(node.copy(strip(node.content)));
        return;
      }
      const kept = node.marks.filter(
        (mark) => mark.type.name !== SUGGESTION_MARK.mark || !drop(mark.attrs[SUGGESTION_MARK.attr]),
      );
      nodes.push(node.mark(kept));
    });
    return Fragment.fromArray(nodes);
  };
  return new Slice(strip(slice.content), slice.openStart, slice.openEnd);
}

/**
 * Replaces `range` of the live document with `content` in one Yjs transaction with `origin`, so
 * every client receives the change as one update. Throws (having changed nothing) if the result
 * would not be a valid document.
 */
export function replaceRange(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  range: Range,
  content: (doc: PMNode) => Slice,
  origin: unknown,
  schema: Schema = contentSchema,
): Replacement {
  const { doc, meta } = writableSnapshot(fragment, schema);
  const tr = EditorState.create({ doc }).tr;
  tr.replace(range.from, range.to, content(doc));
  // A replacement the schema cannot fit must fail here, before anything reaches the live document.
  tr.doc.check();
  // ProseMirror may replace more than `range` to fit the content: when the passage ends in a block
  // that cannot join the one it starts in (a list item after a paragraph), the rest of that block
  // moves up after the new words and the emptied block goes. So what is recorded is what the step
  // took out and where its result is now: putting `replaced` back there restores the document
  // (suggestions.property.test.ts). The step's range always contains `range`.
  const step = tr.steps[0];
  const taken = step instanceof ReplaceStep || step instanceof ReplaceAroundStep ? step : range;
  const replaced = doc.slice(taken.from, taken.to);
  const from = tr.mapping.map(taken.from, -1);
  const to = Math.max(from, tr.mapping.map(taken.to, 1));
  ydoc.transact(() => {
    const clockBefore = Y.getState(ydoc.store, ydoc.clientID);
    updateYFragment(ydoc, fragment, tr.doc, meta);
    dropRedundantMarkers(ydoc, clockBefore);
  }, origin);
  return {
    replaced: replaced.toJSON(),
    replacedText: doc.textBetween(range.from, range.to, '\n'),
    inserted: {
      start: encodePosition(relativePositionAt(fragment, from, BIND_RIGHT)),
      end: encodePosition(relativePositionAt(fragment, to, BIND_LEFT)),
      quote: quoteAround(tr.doc, from, to),
    },
  };
}

/**
 * Resolves an insertion's point by its relative position, with the binding's `mapping` of the
 * snapshot being read; undefined when it no longer resolves.
 */
export function pointResolver(
  ydoc: Y.Doc,
  fragment: Y.XmlFragment,
  mapping: ReturnType<typeof snapshot>['mapping'],
) {
  return (encoded: string): number | undefined => {
    const position = decodePosition(encoded);
    if (!position || (position.tname !== null && !ydoc.share.has(position.tname))) return undefined;
    return relativePositionToAbsolutePosition(ydoc, fragment, position, mapping) ?? undefined;
  };
}
