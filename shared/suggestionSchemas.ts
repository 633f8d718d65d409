// The rules the server checks input against. The facts they build on (suggestions.ts)
// import no zod, so the browser, which needs only facts and types, never downloads it.
import { z } from 'zod';
import { MAX_QUOTE_LENGTH } from './anchoring/anchor.ts';
import { anchorSchema, textQuoteSchema } from './anchoring/anchorSchemas.ts';
import { MAX_JUSTIFICATION_LENGTH, MAX_RATIONALE_LENGTH, MAX_SUGGESTION_LENGTH } from './suggestions.ts';

/**
 * A suggestion's anchor: the same as a thread's, except that the quote may be empty, for an
 * insertion at a point (then `start` and `end` are the same point).
 */
export const suggestionAnchorSchema = anchorSchema.extend({
  quote: textQuoteSchema.extend({ exact: z.string().max(MAX_QUOTE_LENGTH) }),
});

const rationale = z
  .string()
  .trim()
  .max(MAX_RATIONALE_LENGTH, `a rationale is at most ${MAX_RATIONALE_LENGTH} characters`);

/** `POST /api/drafts/:draftId/suggestions` */
export const createSuggestionSchema = z
  .object({
    anchor: suggestionAnchorSchema,
    /** The proposed wording; empty to delete the passage; line breaks start new paragraphs. */
    text: z
      .string()
      .max(MAX_SUGGESTION_LENGTH, `a suggestion is at most ${MAX_SUGGESTION_LENGTH} characters`),
    justification: z.string().trim().max(MAX_JUSTIFICATION_LENGTH).optional(),
  })
  .strict()
  .refine((input) => input.text.replace(/\r\n?/g, '\n') !== input.anchor.quote.exact, {
    message: 'the proposed text is the same as the passage; change something first',
    path: ['text'],
  })
  .refine((input) => input.anchor.quote.exact !== '' || input.text.trim() !== '', {
    message: 'write the words to insert',
    path: ['text'],
  });
/** `POST …/suggestions/:id/accept` */
export const acceptSchema = z
  .object({ rationale: rationale.optional(), confirmOutdated: z.boolean().optional() })
  .strict();
/** `POST …/suggestions/:id/reject`: a rejection always says why. */
export const rejectSchema = z
  .object({ rationale: rationale.min(1, 'say why the suggestion is rejected') })
  .strict();
/** `POST …/suggestions/:id/revert` */
export const revertSchema = z
  .object({ rationale: rationale.optional(), confirmChanged: z.boolean().optional() })
  .strict();
/** `POST …/suggestions/:id/withdraw` */
export const withdrawSchema = z.object({}).strict();
