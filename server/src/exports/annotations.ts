import type { TextQuote } from '../../../shared/anchoring/anchor.ts';
import type { DecisionView, SuggestionView } from '../../../shared/suggestions.ts';
import type { CommentView, PersonView, ThreadView } from '../../../shared/threads.ts';
import { contributionUrl, draftUrl } from './responses.ts';

/*
 * A draft's threads and suggestions as a W3C Web Annotation collection
 * (https://www.w3.org/TR/annotation-model/), one embedded page holding every annotation:
 *
 * - a thread's first comment: motivation `commenting`, a plain-text body in the comment's
 *   language, and as target the draft with a TextQuoteSelector (the passage as it was quoted);
 * - each reply: motivation `replying`, whose target is the thread's (or suggestion's) annotation;
 * - a suggestion: motivation `editing`, the proposed wording as a body with purpose `editing`
 *   (empty for a deletion: replace the passage with nothing) and the justification as a body
 *   with purpose `commenting`;
 * - what the task force decided: motivation `assessing`, target the thread's or suggestion's
 *   annotation, a `tagging` body with the outcome (`resolved`, `accepted`, `rejected`,
 *   `withdrawn`, `reverted`) and an `assessing` body with the note or rationale, if any.
 *
 * Deleted comments are left out, except that a thread whose first comment was deleted keeps its
 * annotation, without a body, so that the passage and the replies' target remain.
 *
 * An insertion has no words to quote. The model's TextQuoteSelector "describes a range of text by
 * copying it", and consumers take an empty `exact` for "no quote" (Hypothesis skips it), so an
 * insertion's target quotes the words around the point (`prefix` + `suffix` of its quote, which
 * were adjacent in the draft) and refines that with a zero-length TextPositionSelector at the
 * point, counted in Unicode code points as the model requires.
 *
 * Ids are IRIs into the web client: `<baseUrl>/d/<draftId>#thread-<id>`, `#suggestion-<id>`,
 * `#comment-<id>`, and `-resolution`, `-decision`, `-reversion` after a thread's or suggestion's
 * fragment; people are `urn:uuid:<user id>`.
 */

export const ANNOTATION_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

export type Motivation = 'commenting' | 'replying' | 'editing' | 'assessing';

export interface TextualBody {
  type: 'TextualBody';
  value: string;
  format: 'text/plain';
  language?: string;
  purpose?: Motivation | 'tagging';
}

export interface TextPositionSelector {
  type: 'TextPositionSelector';
  start: number;
  end: number;
}

export interface TextQuoteSelector {
  type: 'TextQuoteSelector';
  exact: string;
  prefix?: string;
  suffix?: string;
  refinedBy?: TextPositionSelector;
}

export interface PassageTarget {
  type: 'SpecificResource';
  /** The draft's address. */
  source: string;
  selector: TextQuoteSelector;
}

export interface Creator {
  id?: string;
  type: 'Person';
  name: string;
}

export interface WebAnnotation {
  id: string;
  type: 'Annotation';
  motivation: Motivation;
  body?: TextualBody | TextualBody[];
  /** A passage of the draft, or (for replies and decisions) another annotation's id. */
  target: PassageTarget | string;
  creator: Creator;
  created: string;
  modified?: string;
}

export interface AnnotationPage {
  id: string;
  type: 'AnnotationPage';
  partOf: string;
  startIndex: number;
  items: WebAnnotation[];
}

export interface AnnotationCollection {
  '@context': typeof ANNOTATION_CONTEXT;
  id: string;
  type: 'AnnotationCollection';
  label: string;
  total: number;
  /** Absent when there is no annotation: the model requires a page to hold at least one. */
  first?: AnnotationPage;
  last?: string;
}

export interface AnnotationsInput {
  draftId: string;
  /** The draft's title: the collection's label. */
  title: string;
  /** Where Margins is served, e.g. `https://consult.example.org`. */
  baseUrl: string;
  threads: readonly ThreadView[];
  suggestions: readonly SuggestionView[];
  /** The draft's language, given to suggestions' proposed wording (suggestions carry none). */
  language?: string;
}

/** The collection's id: where the export is served. */
export function annotationsExportUrl(baseUrl: string, draftId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/drafts/${encodeURIComponent(draftId)}/export/annotations.jsonld`;
}

/** Every thread, reply, suggestion and decision of a draft as one Web Annotation collection. */
export function annotationsJsonLd(input: AnnotationsInput): AnnotationCollection {
  const { draftId, baseUrl } = input;
  const source = draftUrl(baseUrl, draftId);
  const items: WebAnnotation[] = [];
  for (const thread of input.threads) {
    const id = contributionUrl(baseUrl, draftId, 'thread', thread.id);
    const [first, ...replies] = thread.comments;
    items.push({
      id,
      type: 'Annotation',
      motivation: 'commenting',
      ...(first && !first.deleted ? { body: textBody(first.body, first.language) } : {}),
      target: { type: 'SpecificResource', source, selector: quoteSelector(thread.quote) },
      creator: creator(thread.author),
      created: thread.createdAt,
      ...(first?.editedAt && !first.deleted ? { modified: first.editedAt } : {}),
    });
    items.push(...replyAnnotations(source, id, replies));
    if (thread.status === 'resolved' && thread.resolution) {
      const { by, at, note } = thread.resolution;
      items.push(assessment(`${id}-resolution`, id, 'resolved', { by, at, rationale: note }));
    }
  }
  for (const suggestion of input.suggestions) {
    const id = contributionUrl(baseUrl, draftId, 'suggestion', suggestion.id);
    const body: TextualBody[] = [
      { ...textBody(suggestion.text, input.language), purpose: 'editing' },
      ...(suggestion.justification
        ? [{ ...textBody(suggestion.justification), purpose: 'commenting' as const }]
        : []),
    ];
    items.push({
      id,
      type: 'Annotation',
      motivation: 'editing',
      body: body.length === 1 ? (body[0] as TextualBody) : body,
      target: { type: 'SpecificResource', source, selector: quoteSelector(suggestion.quote) },
      creator: creator(suggestion.author),
      created: suggestion.createdAt,
    });
    items.push(...replyAnnotations(source, id, suggestion.comments));
    const { decision, reversion, status } = suggestion;
    if (decision && status !== 'open') {
      const outcome = status === 'reverted' ? 'accepted' : status;
      items.push(assessment(`${id}-decision`, id, outcome, decision));
    }
    if (reversion && status === 'reverted') {
      items.push(assessment(`${id}-reversion`, id, 'reverted', reversion));
    }
  }
  const collectionId = annotationsExportUrl(baseUrl, draftId);
  const pageId = `${collectionId}#page-1`;
  return {
    '@context': ANNOTATION_CONTEXT,
    id: collectionId,
    type: 'AnnotationCollection',
    label: input.title,
    total: items.length,
    ...(items.length > 0
      ? {
          first: { id: pageId, type: 'AnnotationPage', partOf: collectionId, startIndex: 0, items },
          last: pageId,
        }
      : {}),
  };
}

function replyAnnotations(
  source: string,
  parentId: string,
  replies: readonly CommentView[],
): WebAnnotation[] {
  // Comment ids are unique across a draft's threads and suggestions, so one fragment scheme does.
  const commentId = (id: string) => `${source}#comment-${encodeURIComponent(id)}`;
  return replies
    .filter((reply) => !reply.deleted)
    .map((reply) => ({
      id: commentId(reply.id),
      type: 'Annotation',
      motivation: 'replying',
      body: textBody(reply.body, reply.language),
      target: parentId,
      creator: creator(reply.author),
      created: reply.createdAt,
      ...(reply.editedAt ? { modified: reply.editedAt } : {}),
    }));
}

function assessment(id: string, target: string, outcome: string, decision: DecisionView): WebAnnotation {
  const body: TextualBody[] = [{ ...textBody(outcome), purpose: 'tagging' }];
  if (decision.rationale) body.push({ ...textBody(decision.rationale), purpose: 'assessing' });
  return {
    id,
    type: 'Annotation',
    motivation: 'assessing',
    body,
    target,
    creator: creator(decision.by),
    created: decision.at,
  };
}

function textBody(value: string, language?: string): TextualBody {
  return { type: 'TextualBody', value, format: 'text/plain', ...(language ? { language } : {}) };
}

/** The passage's quote; an insertion's point as a zero-length refinement of the words around it. */
function quoteSelector(quote: TextQuote): TextQuoteSelector {
  if (quote.exact !== '') {
    return { type: 'TextQuoteSelector', exact: quote.exact, prefix: quote.prefix, suffix: quote.suffix };
  }
  const point = [...quote.prefix].length;
  return {
    type: 'TextQuoteSelector',
    exact: quote.prefix + quote.suffix,
    refinedBy: { type: 'TextPositionSelector', start: point, end: point },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function creator(person: PersonView): Creator {
  return {
    ...(UUID.test(person.id) ? { id: `urn:uuid:${person.id.toLowerCase()}` } : {}),
    type: 'Person',
    name: person.name,
  };
}
