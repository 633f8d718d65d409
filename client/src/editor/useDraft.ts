import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DraftView } from '../../../shared/drafts.ts';
import { fetchDraft } from '../api/drafts.ts';
import { ApiError } from '../api/http.ts';

export type DraftState =
  | { kind: 'loading' }
  | { kind: 'missing' }
  | { kind: 'failed' }
  | { kind: 'ready'; draft: DraftView };

/**
 * The draft's description and what this person may do with it, fetched again when the person
 * changes (`identity`; undefined while the session is still being read); it names the window.
 */
export function useDraft(draftId: string, identity: string | undefined): DraftState {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<DraftState>({ kind: 'loading' });

  useEffect(() => {
    if (identity === undefined) return;
    let current = true;
    fetchDraft(draftId).then(
      (found) => current && setDraft({ kind: 'ready', draft: found }),
      (error: unknown) =>
        current &&
        setDraft({ kind: error instanceof ApiError && error.status === 404 ? 'missing' : 'failed' }),
    );
    return () => {
      current = false;
    };
  }, [draftId, identity]);

  useEffect(() => {
    if (draft.kind === 'ready') document.title = `${draft.draft.title} · ${t('app.name')}`;
  }, [draft, t]);

  return draft;
}
