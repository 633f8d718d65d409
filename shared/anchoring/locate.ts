import type { Mark, Node as PMNode } from '@tiptap/pm/model';
import { QUOTE_CONTEXT, type TextQuote } from './anchor.ts';

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

/** Which mark anchors a kind of passage, and the attribute holding its owner's id. */
export interface AnchorMark {
  mark: string;
  attr: string;
}
export const COMMENT_MARK: AnchorMark = { mark: 'comment', attr: 'threadId' };
export const SUGGESTION_MARK: AnchorMark = { mark: 'suggestion', attr: 'suggestionId' };

/** The span of text carrying the thread's (or suggestion's) mark: from its first to its last marked character. */
export function findMarkedPassage(
  doc: PMNode,
  threadId: string,
  kind: AnchorMark = COMMENT_MARK,
): Passage | undefined {
  const ranges = markedRanges(doc, threadId, kind);
  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  if (!first || !last) return undefined;
  return { from: first.from, to: last.to, text: doc.textBetween(first.from, last.to, '\n') };
}

/** The text ranges carrying the thread's comment mark (or a suggestion's mark), in document order. */
export function markedRanges(doc: PMNode, threadId: string, kind: AnchorMark = COMMENT_MARK) {
  const ranges: { from: number; to: number; marks: Mark[] }[] = [];
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    const marks = node.marks.filter((m) => m.type.name === kind.mark && m.attrs[kind.attr] === threadId);
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
export function locatePassage(
  doc: PMNode,
  threadId: string,
  quote: TextQuote,
  kind: AnchorMark = COMMENT_MARK,
): Location {
  const marked = findMarkedPassage(doc, threadId, kind);
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

/**
 * Finds an insertion point by the text around it (`quote.exact` is empty): both sides of the
 * context first, then either side alone; undefined when ambiguous or absent.
 */
export function findPoint(doc: PMNode, quote: TextQuote): number | undefined {
  const { text, positions } = flatten(doc);
  const unique = (candidate: string) => {
    const at = text.indexOf(candidate);
    return at >= 0 && text.indexOf(candidate, at + 1) < 0 ? at : undefined;
  };
  // The point is where the character after the prefix is (the end of a block when that is a
  // block break), or just after the document's last character.
  const afterPrefix = (at: number) => {
    const next = positions[at + quote.prefix.length];
    if (next !== undefined) return next;
    const last = positions[at + quote.prefix.length - 1];
    return last === undefined ? undefined : last + 1;
  };
  if (quote.prefix && quote.suffix) {
    const at = unique(quote.prefix + quote.suffix);
    if (at !== undefined) return afterPrefix(at);
  }
  if (quote.prefix) {
    const at = unique(quote.prefix);
    if (at !== undefined) return afterPrefix(at);
  }
  if (quote.suffix) {
    const at = unique(quote.suffix);
    if (at !== undefined) return positions[at];
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

/**
 * Where every thread's passage is, in one walk over the document (a draft may carry thousands
 * of threads): marked passages first, then a quote search only for threads whose mark is gone.
 */
export function locateAll(
  doc: PMNode,
  threads: { id: string; quote: TextQuote }[],
  kind: AnchorMark = COMMENT_MARK,
): Map<string, Location> {
  const spans = new Map<string, { from: number; to: number }>();
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    for (const mark of node.marks) {
      const id = mark.attrs[kind.attr];
      if (mark.type.name !== kind.mark || typeof id !== 'string') continue;
      const span = spans.get(id);
      const end = pos + node.nodeSize;
      if (span) span.to = end;
      else spans.set(id, { from: pos, to: end });
    }
    return false;
  });
  const located = new Map<string, Location>();
  for (const thread of threads) {
    const span = spans.get(thread.id);
    if (span) {
      located.set(thread.id, attachedLazily(doc, span.from, span.to));
      continue;
    }
    const found = findQuote(doc, thread.quote);
    located.set(thread.id, found ? { state: 'recovered', ...found } : { state: 'detached' });
  }
  return located;
}

/**
 * An attached location whose text is read only when asked for: on every keystroke the margin
 * needs the positions of thousands of passages but the words of only the few cards on screen.
 */
function attachedLazily(doc: PMNode, from: number, to: number): Location {
  let text: string | undefined;
  return {
    state: 'attached',
    from,
    to,
    get text() {
      text ??= doc.textBetween(from, to, '\n');
      return text;
    },
  };
}

/** The quote of `from`–`to` in `doc`, with up to QUOTE_CONTEXT characters of context each side. */
export function quoteAround(doc: PMNode, from: number, to: number): TextQuote {
  // Context is read with a margin in positions, then cut to QUOTE_CONTEXT characters.
  const prefix = doc.textBetween(Math.max(0, from - QUOTE_CONTEXT * 2), from, '\n').slice(-QUOTE_CONTEXT);
  const suffix = doc
    .textBetween(to, Math.min(doc.content.size, to + QUOTE_CONTEXT * 2), '\n')
    .slice(0, QUOTE_CONTEXT);
  return { exact: doc.textBetween(from, to, '\n'), prefix, suffix };
}
