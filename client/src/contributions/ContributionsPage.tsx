import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Contribution } from '../../../shared/report.ts';
import { fetchContributions } from '../api/records.ts';
import { useLoaded } from '../records/useLoaded.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { WordDiff } from '../suggestions/WordDiff.tsx';
import { dateTimeFormat } from '../ui/dates.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';

const PATH = '/me/contributions';

/** `/me/contributions`: everything the signed-in person said, draft by draft, and what became of it. */
export function ContributionsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  useEffect(() => {
    document.title = `${t('contributions.title')} · ${t('app.name')}`;
  }, [t]);
  return (
    <main id="content" className="page page-narrow contributions-page">
      <h1 className="page-title">{t('contributions.title')}</h1>
      <p className="lead">{t('contributions.intro')}</p>
      {user === null && (
        <div className="notice" data-testid="contributions-sign-in">
          <p>{t('contributions.signIn')}</p>
          <p>
            <Link href={`/signin?next=${encodeURIComponent(PATH)}`} className="button button-small">
              {t('nav.signIn')}
            </Link>{' '}
            <Link href={`/signup?next=${encodeURIComponent(PATH)}`}>{t('nav.signUp')}</Link>
          </p>
        </div>
      )}
      {user && <Contributions userId={user.id} />}
    </main>
  );
}

function Contributions({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const [contributions] = useLoaded(fetchContributions, [userId]);
  const drafts = useMemo(
    () => byDraft(contributions.kind === 'ready' ? contributions.value : []),
    [contributions],
  );
  if (contributions.kind === 'loading') return <p role="status">{t('records.loading')}</p>;
  if (contributions.kind === 'failed') return <ErrorNotice error={contributions.error} />;
  if (contributions.value.length === 0)
    return (
      <p className="notice">
        {t('contributions.none')} <Link href="/">{t('contributions.findDraft')}</Link>
      </p>
    );
  return (
    <>
      {drafts.map(({ draftId, draftTitle, items }) => (
        <section key={draftId} className="contributions-draft" aria-labelledby={`draft-${draftId}`}>
          <h2 id={`draft-${draftId}`} className="section-title">
            <Link href={`/d/${encodeURIComponent(draftId)}`}>{draftTitle}</Link>
          </h2>
          <ol className="contribution-list">
            {items.map((item) => (
              <ContributionCard key={`${item.kind}-${item.id}`} item={item} />
            ))}
          </ol>
        </section>
      ))}
    </>
  );
}

/** One comment or suggestion: where, what was said, its status, and the decision with its reason. */
function ContributionCard({ item }: { item: Contribution }) {
  const { t, i18n } = useTranslation();
  const format = dateTimeFormat(i18n.resolvedLanguage);
  const kind =
    item.kind === 'suggestion'
      ? t('contributions.kind.suggestion')
      : item.startedThread
        ? t('contributions.kind.comment')
        : t('contributions.kind.reply');
  // A comment in a suggestion's discussion points at the suggestion.
  const href = `/d/${encodeURIComponent(item.draftId)}#${item.anchorKind}-${item.anchorId}`;
  const by = item.decidedBy || t('threads.formerMember');
  const when = item.decidedAt ? format.format(new Date(item.decidedAt)) : '';
  const decision =
    item.status === 'open' || !item.decidedAt
      ? null
      : item.status === 'resolved'
        ? t('threads.resolvedBy', { name: by, date: when })
        : t(`suggestions.decided.${item.status}`, { name: by, date: when });

  return (
    <li className={`contribution-card contribution-${item.status}`} data-testid="contribution">
      <p className="contribution-head">
        <span className="contribution-kind">{kind}</span>
        <span className={`status-tag status-${item.status}`}>{t(`contributions.status.${item.status}`)}</span>
        <time className="comment-time" dateTime={item.createdAt}>
          {format.format(new Date(item.createdAt))}
        </time>
      </p>
      {item.section && <p className="contribution-section">{item.section}</p>}
      {item.kind === 'suggestion' ? (
        <div className="contribution-text">
          <p className="field-label">{t('contributions.youProposed')}</p>
          <WordDiff before={item.quote} after={item.text} />
        </div>
      ) : (
        <>
          {item.quote && <blockquote className="contribution-quote">{item.quote}</blockquote>}
          <div className="contribution-text">
            <p className="field-label">{t('contributions.youWrote')}</p>
            <p className="comment-body">{item.text}</p>
          </div>
        </>
      )}
      <div className="contribution-decision" data-testid="decision">
        {decision ? (
          <p className="resolution">{decision}</p>
        ) : (
          <p className="muted">{t('contributions.waiting')}</p>
        )}
        {item.rationale && (
          <p className="log-rationale">
            <span className="log-label">
              {item.status === 'resolved' ? t('history.note') : t('history.rationale')}
            </span>{' '}
            {item.rationale}
          </p>
        )}
      </div>
      <p className="contribution-link">
        <Link href={href}>{t('contributions.see')}</Link>
      </p>
    </li>
  );
}

/** Contributions grouped by draft, drafts in the order of their latest contribution. */
function byDraft(items: Contribution[]) {
  const groups = new Map<string, { draftId: string; draftTitle: string; items: Contribution[] }>();
  for (const item of items) {
    let group = groups.get(item.draftId);
    if (!group) {
      group = { draftId: item.draftId, draftTitle: item.draftTitle, items: [] };
      groups.set(item.draftId, group);
    }
    group.items.push(item);
  }
  return [...groups.values()];
}
