import { z } from 'zod';

/** Characters of context kept each side of a quote, to find it again if the mark is lost. */
export const QUOTE_CONTEXT = 32;
export const MAX_QUOTE_LENGTH = 5000;

/** A W3C-style text-quote selector: the exact words, and a little text before and after. */
export const textQuoteSchema = z.object({
  exact: z.string().min(1, 'select some text').max(MAX_QUOTE_LENGTH),
  prefix: z.string().max(QUOTE_CONTEXT * 2),
  suffix: z.string().max(QUOTE_CONTEXT * 2),
});
export type TextQuote = z.infer<typeof textQuoteSchema>;

const encodedPosition = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'a base64-encoded Yjs relative position');

/**
 * A passage as a client sends it: `start` and `end` are `Y.encodeRelativePosition` of the
 * passage's ends in the content fragment (base64); `start` binds to the first character (right),
 * `end` to the last (left), so typing at either edge does not grow the passage.
 */
export const anchorSchema = z.object({
  start: encodedPosition,
  end: encodedPosition,
  quote: textQuoteSchema,
});
export type Anchor = z.infer<typeof anchorSchema>;

/** The quote of `text` between `from` and `to` (indexes into the same string). */
export function quoteOf(text: string, from: number, to: number): TextQuote {
  return {
    exact: text.slice(from, to),
    prefix: text.slice(Math.max(0, from - QUOTE_CONTEXT), from),
    suffix: text.slice(to, to + QUOTE_CONTEXT),
  };
}
