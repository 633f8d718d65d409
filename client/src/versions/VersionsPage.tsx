import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import type { DraftView } from '../../../shared/drafts.ts';
import type { VersionSummary } from '../../../shared/versions.ts';
import { fetchVersions } from '../api/records.ts';
import { DraftRecordPage } from '../records/DraftRecordPage.tsx';
import { useLoaded } from '../records/useLoaded.ts';
import { dateTimeFormat } from '../ui/dates.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { ComparisonView } from './ComparisonView.tsx';
import { PublishVersionForm } from './PublishVersionForm.tsx';

/** `/d/:draftId/versions`: the published versions, publishing one, and comparing two (`?from=&to=`). */
export function VersionsPage({ draftId }: { draftId: string }) {
  const { t } = useTranslation();
  return (
    <DraftRecordPage draftId={draftId} tab="versions" heading={t('versions.title')}>
      {(draft) => <Versions draft={draft} />}
    </DraftRecordPage>
  );
}

function Versions({ draft }: { draft: DraftView }) {
  const { t, i18n } = useTranslation();
  const [versions, reload] = useLoaded(() => fetchVersions(draft.id), [draft.id]);
  const [, navigate] = useLocation();
  const query = new URLSearchParams(useSearch());
  const from = query.get('from');
  const to = query.get('to') || 'current';
  const base = `/d/${encodeURIComponent(draft.id)}/versions`;
  const list = versions.kind === 'ready' ? [...versions.value].reverse() : [];
  const format = dateTimeFormat(i18n.resolvedLanguage);

  return (
    <div className="versions-layout">
      <section className="versions-list-section" aria-labelledby="versions-heading">
        <h2 id="versions-heading" className="section-title">
          {t('versions.published')}
        </h2>
        <p className="muted">{t('versions.intro')}</p>
        {versions.kind === 'loading' && <p role="status">{t('records.loading')}</p>}
        {versions.kind === 'failed' && <ErrorNotice error={versions.error} />}
        {versions.kind === 'ready' && list.length === 0 && <p className="notice">{t('versions.none')}</p>}
        {list.length > 0 && (
          <ol className="version-list">
            {list.map((version) => (
              <li key={version.id} className="version-item" data-testid="version">
                <span className="version-name">{version.name}</span>
                <span className="version-meta">
                  {t('versions.publishedBy', {
                    name: version.createdBy.name || t('threads.formerMember'),
                    date: format.format(new Date(version.createdAt)),
                  })}
                </span>
                <Link
                  className="version-compare"
                  href={`${base}?from=${encodeURIComponent(version.id)}&to=current`}
                >
                  {t('versions.compareWithNow')}
                </Link>
              </li>
            ))}
          </ol>
        )}
        {draft.permissions.edit && <PublishVersionForm draftId={draft.id} onPublished={reload} />}
      </section>

      {list.length > 0 && (
        <section className="compare-section" aria-labelledby="compare-heading">
          <h2 id="compare-heading" className="section-title">
            {t('versions.compare')}
          </h2>
          <CompareChooser
            key={`${from}:${to}`}
            versions={list}
            from={from ?? list[0]?.id ?? ''}
            to={to}
            onCompare={(f, t2) =>
              navigate(`${base}?from=${encodeURIComponent(f)}&to=${encodeURIComponent(t2)}`)
            }
          />
          {from && <ComparisonView draftId={draft.id} from={from} to={to} />}
        </section>
      )}
    </div>
  );
}

/** From one version to another, or to the text as it is now. */
function CompareChooser(props: {
  versions: VersionSummary[];
  from: string;
  to: string;
  onCompare: (from: string, to: string) => void;
}) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(props.from);
  const [to, setTo] = useState(props.to);
  return (
    <form
      className="compare-chooser"
      onSubmit={(event) => {
        event.preventDefault();
        props.onCompare(from, to);
      }}
    >
      <label className="field">
        <span className="field-label">{t('versions.from')}</span>
        <select className="select" value={from} onChange={(e) => setFrom(e.target.value)}>
          {props.versions.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <span className="compare-arrow" aria-hidden="true">
        →
      </span>
      <label className="field">
        <span className="field-label">{t('versions.to')}</span>
        <select className="select" value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="current">{t('versions.now')}</option>
          {props.versions.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button">
        {t('versions.compareButton')}
      </button>
    </form>
  );
}
