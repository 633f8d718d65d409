import type { z } from 'zod';
import type { anchorSchema, textQuoteSchema } from './anchorSchemas.ts';

/** Characters of context kept each side of a quote, to find it again if the mark is lost. */
export const QUOTE_CONTEXT = 32;
export const MAX_QUOTE_LENGTH = 5000;

/** A W3C-style text-quote selector: the exact words, and a little text before and after. */
export type TextQuote = z.infer<typeof textQuoteSchema>;

/** A passage as a client sends it (see `anchorSchema`): two encoded Yjs positions and the quote. */
export type Anchor = z.infer<typeof anchorSchema>;

/** The quote of `text` between `from` and `to` (indexes into the same string). */
export function quoteOf(text: string, from: number, to: number): TextQuote {
  return {
    exact: text.slice(from, to),
    prefix: text.slice(Math.max(0, from - QUOTE_CONTEXT), from),
    suffix: text.slice(to, to + QUOTE_CONTEXT),
  };
}
