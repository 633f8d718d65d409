import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { DraftView } from '../../../shared/drafts.ts';
import { fetchDraft } from '../api/drafts.ts';
import { ApiError } from '../api/http.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { DraftRecordLinks, type RecordTab } from './DraftRecordLinks.tsx';
import { useLoaded } from './useLoaded.ts';

interface Props {
  draftId: string;
  tab: Exclude<RecordTab, 'draft'>;
  heading: string;
  children: (draft: DraftView) => ReactNode;
}

/** A page about a draft (its history, versions, report): the draft's name, the links between them, then the page. */
export function DraftRecordPage({ draftId, tab, heading, children }: Props) {
  const { t } = useTranslation();
  const { user } = useSession();
  // Fetched again when the person changes: what they may do comes with the draft.
  const [draft] = useLoaded(() => fetchDraft(draftId), [draftId, user?.id]);
  const title = draft.kind === 'ready' ? draft.value.title : undefined;
  useEffect(() => {
    document.title = [heading, title, t('app.name')].filter(Boolean).join(' · ');
  }, [heading, title, t]);

  return (
    <main id="content" className={`page record-page record-${tab}`}>
      <div className="record-head">
        <p className="record-draft">
          {title ? (
            <Link href={`/d/${encodeURIComponent(draftId)}`}>{title}</Link>
          ) : (
            <Link href="/">{t('draft.backToList')}</Link>
          )}
        </p>
        <h1 className="page-title">{heading}</h1>
        <DraftRecordLinks draftId={draftId} current={tab} />
      </div>
      {draft.kind === 'loading' && <p role="status">{t('records.loading')}</p>}
      {draft.kind === 'failed' && (
        <div role="alert" className="notice notice-error">
          <p>
            {draft.error instanceof ApiError && draft.error.status === 404
              ? t('draft.notFound')
              : t('records.loadFailed')}
          </p>
        </div>
      )}
      {draft.kind === 'ready' && children(draft.value)}
    </main>
  );
}
