/*
 * Documents, threads and suggestions written for the client's unit tests: built in memory with the
 * draft's real schema, never read from `drafts/`.
 */
import { getSchema } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import type { TextQuote } from '../../../shared/anchoring/anchor.ts';
import type { PublicUser } from '../../../shared/auth.ts';
import { contentExtensions } from '../../../shared/editorExtensions.ts';
import type { SuggestionView } from '../../../shared/suggestions.ts';
import type { PersonView, ThreadView } from '../../../shared/threads.ts';

export const schema = getSchema(contentExtensions());

type Inline = string | PMNode;

const inline = (parts: Inline[]) =>
  parts.map((part) => (typeof part === 'string' ? schema.text(part) : part));

export const doc = (...blocks: PMNode[]) => schema.node('doc', null, blocks);
export const p = (...parts: Inline[]) => schema.node('paragraph', null, inline(parts));
export const h = (level: number, text: string) => schema.node('heading', { level }, inline([text]));

/** Words carrying the comment marks of `threadIds` (as the server marks a commented passage). */
export const commented = (words: string, ...threadIds: string[]) =>
  schema.text(
    words,
    threadIds.map((threadId) => schema.mark('comment', { threadId })),
  );

/** Words carrying the mark of an open suggestion (as the server marks the words it would replace). */
export const suggested = (words: string, ...suggestionIds: string[]) =>
  schema.text(
    words,
    suggestionIds.map((suggestionId) => schema.mark('suggestion', { suggestionId })),
  );

/** The positions of the first occurrence of `words` inside one block of `node`. */
export function rangeOf(node: PMNode, words: string): { from: number; to: number } {
  let found: { from: number; to: number } | undefined;
  node.descendants((child, pos) => {
    if (found) return false;
    if (!child.isTextblock) return true;
    const at = child.textContent.indexOf(words);
    if (at >= 0) found = { from: pos + 1 + at, to: pos + 1 + at + words.length };
    return false;
  });
  if (!found) throw new Error(`"${words}" is not in the document`);
  return found;
}

/** The quote a browser would have sent for `exact` between `prefix` and `suffix`. */
export const quote = (exact: string, prefix = '', suffix = ''): TextQuote => ({ exact, prefix, suffix });

export const alice: PersonView = {
  id: 'u-alice',
  name: 'Alice',
  role: 'stakeholder',
  organisation: 'Rivers Trust',
};
export const tom: PersonView = { id: 'u-tom', name: 'Tom', role: 'taskforce', organisation: null };

/** Alice as the signed-in user. */
export const aliceSignedIn: PublicUser = {
  ...alice,
  email: 'alice@example.org',
  role: 'stakeholder',
  sector: null,
  country: null,
  language: 'en',
  color: '#1f77b4',
};

/** A thread by Alice, open, made at `createdAt` (default: a fixed date). */
export function thread(id: string, fields: Partial<ThreadView> = {}): ThreadView {
  return {
    id,
    draftId: 'draft-1',
    anchor: { start: 'AA==', end: 'AA==' },
    quote: quote('nowhere in the text'),
    section: null,
    status: 'open',
    author: alice,
    createdAt: '2025-01-01T10:00:00.000Z',
    comments: [
      {
        id: `${id}-c1`,
        author: alice,
        body: 'A first comment.',
        language: 'en',
        createdAt: '2025-01-01T10:00:00.000Z',
        editedAt: null,
        deleted: false,
      },
    ],
    resolution: null,
    madeOn: null,
    ...fields,
  };
}

/** A suggestion by Alice, open, replacing `quote` (an empty `exact` is an insertion) with `text`. */
export function suggestion(id: string, fields: Partial<SuggestionView> = {}): SuggestionView {
  return {
    id,
    draftId: 'draft-1',
    anchor: { start: 'AA==', end: 'AA==' },
    quote: quote('nowhere in the text'),
    text: 'new words',
    justification: null,
    section: null,
    status: 'open',
    author: alice,
    createdAt: '2025-01-01T10:00:00.000Z',
    comments: [],
    decision: null,
    reversion: null,
    replacedText: null,
    madeOn: null,
    ...fields,
  };
}
