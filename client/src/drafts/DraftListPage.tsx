import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { DraftView } from '../../../shared/drafts.ts';
import { fetchDrafts } from '../api/drafts.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { WindowStatus } from '../ui/WindowStatus.tsx';

type State = { kind: 'loading' } | { kind: 'failed' } | { kind: 'ready'; drafts: DraftView[] };

/** The home page: every draft, with its language and when it last changed. */
export function DraftListPage() {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<State>({ kind: 'loading' });

  const { user } = useSession();
  const userId = user?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: signing in or out changes which drafts one may see.
  const load = useCallback(() => {
    setState({ kind: 'loading' });
    fetchDrafts().then(
      (drafts) => setState({ kind: 'ready', drafts }),
      () => setState({ kind: 'failed' }),
    );
  }, [userId]);
  useEffect(load, [load]);

  const languageName = (code: string) =>
    new Intl.DisplayNames([i18n.resolvedLanguage ?? 'en'], { type: 'language' }).of(code) ?? code;
  const dateFormat = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'long' });

  return (
    <main id="content" className="page page-narrow">
      <h1 className="page-title">{t('drafts.heading')}</h1>
      <p className="lead">{t('drafts.intro')}</p>
      {state.kind === 'loading' && <p role="status">{t('drafts.loading')}</p>}
      {state.kind === 'failed' && (
        <div role="alert" className="notice notice-error">
          <p>{t('drafts.loadFailed')}</p>
          <button type="button" className="button" onClick={load}>
            {t('drafts.retry')}
          </button>
        </div>
      )}
      {state.kind === 'ready' && state.drafts.length === 0 && <p>{t('drafts.empty')}</p>}
      {state.kind === 'ready' && state.drafts.length > 0 && (
        <ul className="draft-list">
          {state.drafts.map((draft) => (
            <li key={draft.id} className="draft-card">
              <h2 className="draft-card-title" lang={draft.language}>
                <Link href={`/d/${draft.id}`}>{draft.title}</Link>
              </h2>
              <WindowStatus draft={draft} />
              <p className="draft-card-meta">
                <span>{t('drafts.languageOf', { language: languageName(draft.language) })}</span>
                <span aria-hidden="true"> · </span>
                <span>{t('drafts.updated', { date: dateFormat.format(new Date(draft.updatedAt)) })}</span>
                {draft.visibility === 'private' && (
                  <>
                    <span aria-hidden="true"> · </span>
                    <span className="role-tag">{t('admin.private')}</span>
                  </>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
