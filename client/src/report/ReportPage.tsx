import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ConsultationReport, Count } from '../../../shared/report.ts';
import { SECTORS, type Sector } from '../../../shared/roles.ts';
import { fetchReport } from '../api/records.ts';
import { DraftRecordPage } from '../records/DraftRecordPage.tsx';
import { useLoaded } from '../records/useLoaded.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { type Bar, Bars } from './Bars.tsx';

/** `/d/:draftId/report`: "What we heard", in numbers, ready to print. */
export function ReportPage({ draftId }: { draftId: string }) {
  const { t } = useTranslation();
  return (
    <DraftRecordPage draftId={draftId} tab="report" heading={t('report.title')}>
      {() => <Report draftId={draftId} />}
    </DraftRecordPage>
  );
}

function Report({ draftId }: { draftId: string }) {
  const { t, i18n } = useTranslation();
  const [report] = useLoaded(() => fetchReport(draftId), [draftId]);
  if (report.kind === 'loading') return <p role="status">{t('records.loading')}</p>;
  if (report.kind === 'failed') return <ErrorNotice error={report.error} />;
  const r = report.value;
  const language = i18n.resolvedLanguage ?? 'en';
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'long' });
  const notGiven = t('report.notGiven');
  const figures = [
    {
      key: 'participants',
      value: r.participants,
      label: t('report.figures.participants', { count: r.participants }),
    },
    {
      key: 'threads',
      value: r.contributions.threads,
      label: t('report.figures.threads', { count: r.contributions.threads }),
    },
    {
      key: 'comments',
      value: r.contributions.comments,
      label: t('report.figures.comments', { count: r.contributions.comments }),
    },
    {
      key: 'suggestions',
      value: r.contributions.suggestions,
      label: t('report.figures.suggestions', { count: r.contributions.suggestions }),
    },
  ];

  return (
    <div className="report">
      <div className="report-intro">
        <p className="lead report-lead">
          {t('report.window', {
            opens: date.format(new Date(r.window.opensAt)),
            closes: date.format(new Date(r.window.closesAt)),
          })}{' '}
          {t('report.asOf', { date: date.format(new Date()) })}
        </p>
        <button type="button" className="button button-secondary report-print" onClick={() => window.print()}>
          {t('report.print')}
        </button>
      </div>

      <section className="report-section" aria-labelledby="report-figures">
        <h2 id="report-figures" className="section-title">
          {t('report.inNumbers')}
        </h2>
        <ul className="figures">
          {figures.map((figure) => (
            <li key={figure.key} className="figure">
              <span className="figure-value">{figure.value}</span>{' '}
              <span className="figure-label">{figure.label}</span>
            </li>
          ))}
        </ul>
        <p className="muted">{t('report.inputOnly')}</p>
        <ul className="figures">
          <li className="figure">
            <span className="figure-value">{r.taskForceReplies}</span>{' '}
            <span className="figure-label">
              {t('report.figures.taskForceReplies', { count: r.taskForceReplies })}
            </span>
          </li>
        </ul>
      </section>

      <section className="report-section" aria-labelledby="report-who">
        <h2 id="report-who" className="section-title">
          {t('report.who')}
        </h2>
        <div className="charts">
          <Bars
            title={t('report.bySector')}
            empty={t('report.nobody')}
            bars={merged(r.bySector, (key) => sectorLabel(t, key) ?? notGiven)}
          />
          <Bars
            title={t('report.byCountry')}
            empty={t('report.nobody')}
            bars={merged(r.byCountry, (key) => key || notGiven)}
          />
          <Bars
            title={t('report.byLanguage')}
            empty={t('report.nothing')}
            bars={merged(r.byLanguage, (key) => languageName(key, language) ?? notGiven)}
          />
        </div>
      </section>

      <section className="report-section" aria-labelledby="report-outcomes">
        <h2 id="report-outcomes" className="section-title">
          {t('report.outcomes')}
        </h2>
        <div className="charts">
          <Bars
            title={t('report.threadOutcomes')}
            empty={t('report.nothing')}
            bars={[
              { key: 'open', label: t('report.threadStatus.open'), count: r.threadStatus.open, tone: 'open' },
              {
                key: 'resolved',
                label: t('report.threadStatus.resolved'),
                count: r.threadStatus.resolved,
                tone: 'resolved',
              },
            ]}
          />
          <Bars
            title={t('report.suggestionOutcomes')}
            empty={t('report.nothing')}
            bars={(['open', 'accepted', 'rejected', 'withdrawn', 'reverted'] as const).map((status) => ({
              key: status,
              label: t(`report.suggestionStatus.${status}`),
              count: r.suggestionStatus[status],
              tone: status,
            }))}
          />
        </div>
      </section>

      <SectionsTable report={r} />
      <MostDiscussed report={r} />
    </div>
  );
}

const COLUMNS = ['threads', 'openThreads', 'suggestions', 'openSuggestions', 'accepted', 'rejected'] as const;

/** Open, accepted and rejected input per section of the draft. */
function SectionsTable({ report }: { report: ConsultationReport }) {
  const { t } = useTranslation();
  return (
    <section className="report-section" aria-labelledby="report-sections">
      <h2 id="report-sections" className="section-title">
        {t('report.bySection')}
      </h2>
      {report.sections.length === 0 ? (
        <p className="muted">{t('report.nothing')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table report-table">
            <thead>
              <tr>
                <th scope="col">{t('report.section')}</th>
                {COLUMNS.map((column) => (
                  <th key={column} scope="col" className="report-number">
                    {t(`report.columns.${column}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.sections.map((s) => (
                <tr key={s.section}>
                  <th scope="row" className="report-section-name">
                    {s.section || t('report.noSection')}
                  </th>
                  {COLUMNS.map((column) => (
                    <td key={column} className="report-number" data-label={t(`report.columns.${column}`)}>
                      {s[column]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The passages with the most comments and suggestions. */
function MostDiscussed({ report }: { report: ConsultationReport }) {
  const { t } = useTranslation();
  return (
    <section className="report-section" aria-labelledby="report-passages">
      <h2 id="report-passages" className="section-title">
        {t('report.mostDiscussed')}
      </h2>
      {report.mostDiscussed.length === 0 ? (
        <p className="muted">{t('report.nothing')}</p>
      ) : (
        <ol className="passages">
          {report.mostDiscussed.map((p) => (
            <li key={`${p.section}\u0000${p.quote}`} className="passage">
              <blockquote className="passage-quote">{p.quote}</blockquote>
              <p className="passage-meta">
                <span>{p.section || t('report.noSection')}</span>
                <span>
                  {[
                    p.comments > 0 && t('report.commentCount', { count: p.comments }),
                    p.suggestions > 0 && t('report.suggestionCount', { count: p.suggestions }),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Counts whose keys read the same (several unknown ones: "Not given") are added together. */
function merged(counts: Count[], label: (key: string) => string): Bar[] {
  const bars = new Map<string, Bar>();
  for (const { key, count } of counts) {
    const text = label(key);
    const bar = bars.get(text);
    if (bar) bar.count += count;
    else bars.set(text, { key: text, label: text, count });
  }
  return [...bars.values()].sort((a, b) => b.count - a.count);
}

function sectorLabel(t: TFunction, key: string): string | undefined {
  return (SECTORS as readonly string[]).includes(key) ? t(`sectors.${key as Sector}`) : undefined;
}

function languageName(tag: string, language: string): string | undefined {
  if (!tag) return undefined;
  try {
    const name = new Intl.DisplayNames([language], { type: 'language' }).of(tag) ?? tag;
    // French and Spanish write language names in lower case; a label starts with a capital.
    return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
  } catch {
    return tag;
  }
}
