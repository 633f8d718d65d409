import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DraftContent, DraftView } from '../../../shared/drafts.ts';
import { ApiError } from '../api/http.ts';
import { contentRequest, draftRequest } from './draftRequests.ts';

export type DraftState =
  | { kind: 'loading' }
  | { kind: 'missing' }
  | { kind: 'failed' }
  | { kind: 'ready'; draft: DraftView };

/** The draft's text to read before the editor has arrived (see `ReadingCopy`). */
export type CopyState = { kind: 'loading' } | { kind: 'failed' } | { kind: 'ready'; content: DraftContent };

/**
 * The draft's description with what this person may do (it names the window), and its text to
 * read. Both are asked for at once, without waiting for the session to be read: the cookie, not
 * the session's answer, decides what the server says. They are asked again when the person changes
 * (`identity` goes from one person to another; undefined while the session is still being read).
 */
export function useDraft(
  draftId: string,
  identity: string | undefined,
): { draft: DraftState; copy: CopyState } {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<DraftState>({ kind: 'loading' });
  const [copy, setCopy] = useState<CopyState>({ kind: 'loading' });
  const person = usePersonChanges(identity);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `person` is the reason to ask again (the cookie changed).
  useEffect(() => {
    let current = true;
    draftRequest(draftId).then(
      (found) => current && setDraft({ kind: 'ready', draft: found }),
      (error: unknown) =>
        current &&
        setDraft({ kind: error instanceof ApiError && error.status === 404 ? 'missing' : 'failed' }),
    );
    contentRequest(draftId).then(
      (content) => current && setCopy({ kind: 'ready', content }),
      () => current && setCopy({ kind: 'failed' }), // the editor will show the text when it has synced
    );
    return () => {
      current = false;
    };
  }, [draftId, person]);

  useEffect(() => {
    if (draft.kind === 'ready') document.title = `${draft.draft.title} · ${t('app.name')}`;
  }, [draft, t]);

  return { draft, copy };
}

/** Counts the times the person changed after the session was first read (sign-in, sign-out). */
function usePersonChanges(identity: string | undefined): number {
  const [seen, setSeen] = useState({ identity, changes: 0 });
  if (seen.identity === identity) return seen.changes;
  // Adjusting state while rendering (React's pattern for state derived from a changing prop).
  const next = { identity, changes: seen.identity === undefined ? seen.changes : seen.changes + 1 };
  setSeen(next);
  return next.changes;
}
