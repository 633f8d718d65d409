import type { Node as PMNode } from '@tiptap/pm/model';
import type { z } from 'zod';
import type { TextQuote } from './anchoring/anchor.ts';
import { findPoint, type Location, locateAll, SUGGESTION_MARK } from './anchoring/locate.ts';
import type { suggestionAnchorSchema } from './suggestionSchemas.ts';
import type { CommentView, PersonView, VersionRef } from './threads.ts';

export const MAX_SUGGESTION_LENGTH = 10_000;
export const MAX_JUSTIFICATION_LENGTH = 5_000;
export const MAX_RATIONALE_LENGTH = 5_000;

/** A thread's anchor, except that the quote may be empty: an insertion at a point. */
export type SuggestionAnchor = z.infer<typeof suggestionAnchorSchema>;

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
