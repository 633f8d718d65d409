// The rules the server checks input against. The facts they build on (anchor.ts)
// import no zod, so the browser, which needs only facts and types, never downloads it.
import { z } from 'zod';
import { MAX_QUOTE_LENGTH, QUOTE_CONTEXT } from './anchor.ts';

/** A W3C-style text-quote selector: the exact words, and a little text before and after. */
export const textQuoteSchema = z.object({
  exact: z.string().min(1, 'select some text').max(MAX_QUOTE_LENGTH),
  prefix: z.string().max(QUOTE_CONTEXT * 2),
  suffix: z.string().max(QUOTE_CONTEXT * 2),
});

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
