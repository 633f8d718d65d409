import type { DraftContent, DraftView } from '../../../shared/drafts.ts';
import { fetchDraft, fetchDraftContent } from '../api/drafts.ts';

// The draft page's first two questions to the server, the draft and its text to read, can be
// asked as the app starts on a draft's address: before the reader's catalogue arrives and React
// first renders, so the answers travel while the page is being built. Each early answer is handed
// once, to the first page that asks; later asks (someone signed in) go to the server again.

interface Early {
  draft?: Promise<DraftView>;
  content?: Promise<DraftContent>;
}

const early = new Map<string, Early>();

/** Asks for the draft and its reading copy now, for the page that will ask in a moment. */
export function requestDraftEarly(draftId: string): void {
  const draft = fetchDraft(draftId);
  const content = fetchDraftContent(draftId);
  // A failure is the page's to show when it takes the answer; until then it is nobody's error.
  draft.catch(() => undefined);
  content.catch(() => undefined);
  early.set(draftId, { draft, content });
}

/** The draft as this person may see it: the early answer if nobody has taken it, else a new request. */
export function draftRequest(draftId: string): Promise<DraftView> {
  const entry = early.get(draftId);
  const answer = entry?.draft ?? fetchDraft(draftId);
  if (entry) entry.draft = undefined;
  return answer;
}

/** The draft's reading copy, likewise. */
export function contentRequest(draftId: string): Promise<DraftContent> {
  const entry = early.get(draftId);
  const answer = entry?.content ?? fetchDraftContent(draftId);
  if (entry) entry.content = undefined;
  return answer;
}
