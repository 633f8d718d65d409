import type { Node as PMNode } from '@tiptap/pm/model';
import { z } from 'zod';
import { anchorSchema, MAX_QUOTE_LENGTH, type TextQuote, textQuoteSchema } from './anchoring/anchor.ts';
import { findPoint, type Location, locateAll, SUGGESTION_MARK } from './anchoring/locate.ts';
import type { CommentView, PersonView, VersionRef } from './threads.ts';

export const MAX_SUGGESTION_LENGTH = 10_000;
export const MAX_JUSTIFICATION_LENGTH = 5_000;
export const MAX_RATIONALE_LENGTH = 5_000;

/**
 * A suggestion's anchor: the same as a thread's, except that the quote may be empty, for an
 * insertion at a point (then `start` and `end` are the same point).
 */
export const suggestionAnchorSchema = anchorSchema.extend({
  quote: textQuoteSchema.extend({ exact: z.string().max(MAX_QUOTE_LENGTH) }),
});
export type SuggestionAnchor = z.infer<typeof suggestionAnchorSchema>;

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

export type SuggestionStatus = 'open' | 'accepted' | 'rejected' | 'withdrawn' | 'reverted';

export interface DecisionView {
  by: PersonView;
  at: string;
  rationale: string | null;
}

/** A suggestion as clients see it (REST and the live threads document alike). */
export interface SuggestionView {
  id: string;
  draftId: string;
  anchor: { start: string; end: string };
  /** The passage as it was when the suggestion was made (`exact` is empty for an insertion). */
  quote: TextQuote;
  /** The proposed wording (empty for a deletion). */
  text: string;
  justification: string | null;
  section: string | null;
  status: SuggestionStatus;
  author: PersonView;
  createdAt: string;
  /** Discussion replies. */
  comments: CommentView[];
  /** Accepted, rejected or withdrawn: who, when, why. */
  decision: DecisionView | null;
  /** An accepted suggestion the task force later reverted. */
  reversion: DecisionView | null;
  /** What accepting replaced, when it was accepted (the passage may have changed in between). */
  replacedText: string | null;
  /** The published version that was the latest when the suggestion was made (null: none yet). */
  madeOn: VersionRef | null;
}

/** What `GET …/suggestions` adds: where the passage is now and whether it still reads the same. */
export interface LocatedSuggestionView extends SuggestionView {
  /** The passage's words were edited since the suggestion was made. */
  outdated: boolean;
  /** The passage is no longer in the draft at all. */
  detached: boolean;
  currentText: string | null;
}

/** The Y.Map, in a draft's threads document, of suggestion id → SuggestionView. */
export const SUGGESTIONS_MAP = 'suggestions';

export type SuggestionLocation = Location & { outdated: boolean };

/**
 * Where each suggestion's passage is now, and whether it is outdated. A replacement or deletion
 * is found by its mark (then by its quote, if the mark was lost); it is outdated once its words
 * differ from the quote. An insertion is found by its point (`resolvePoint`, through the Yjs
 * binding) or by the text around it.
 */
export function locateSuggestions(
  doc: PMNode,
  suggestions: Pick<SuggestionView, 'id' | 'quote' | 'anchor'>[],
  resolvePoint: (encoded: string) => number | undefined,
): Map<string, SuggestionLocation> {
  const replacing = suggestions.filter((s) => s.quote.exact !== '');
  const quotes = new Map(replacing.map((s) => [s.id, s.quote.exact]));
  const located = new Map<string, SuggestionLocation>();
  for (const [id, location] of locateAll(doc, replacing, SUGGESTION_MARK)) {
    const quote = quotes.get(id);
    located.set(id, {
      ...location,
      outdated: location.state === 'detached' || location.text !== quote,
    } as SuggestionLocation);
  }
  for (const suggestion of suggestions) {
    if (suggestion.quote.exact !== '') continue;
    const point = resolvePoint(suggestion.anchor.start);
    if (point !== undefined) {
      located.set(suggestion.id, { state: 'attached', from: point, to: point, text: '', outdated: false });
      continue;
    }
    const found = findPoint(doc, suggestion.quote);
    located.set(
      suggestion.id,
      found === undefined
        ? { state: 'detached', outdated: true }
        : { state: 'recovered', from: found, to: found, text: '', outdated: false },
    );
  }
  return located;
}
