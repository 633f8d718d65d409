import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANGE_TYPES, type ChangeLogEntry, type ChangeType } from '../../../shared/changelog.ts';
import { exportFileName, VERIFIER_FILE } from '../../../shared/exports.ts';
import { exportUrl, fetchChangeLog } from '../api/records.ts';
import { DraftRecordPage } from '../records/DraftRecordPage.tsx';
import { useLoaded } from '../records/useLoaded.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { LogEntry, originFinder } from './LogEntry.tsx';

/** `/d/:draftId/history`: the draft's change log as a timeline, newest first, with filters. */
export function HistoryPage({ draftId }: { draftId: string }) {
  const { t } = useTranslation();
  return (
    <DraftRecordPage draftId={draftId} tab="history" heading={t('history.title')}>
      {() => <History draftId={draftId} />}
    </DraftRecordPage>
  );
}

/** Who did it: a person's id, or '' for Margins itself (a window opening on schedule). */
type Filters = { type: ChangeType | ''; person: string | null; section: string | null };
const MARGINS = '';

function History({ draftId }: { draftId: string }) {
  const { t, i18n } = useTranslation();
  const [log] = useLoaded(() => fetchChangeLog(draftId), [draftId]);
  const [filters, setFilters] = useState<Filters>({ type: '', person: null, section: null });
  const entries = log.kind === 'ready' ? log.value : [];
  const choices = useMemo(() => choicesOf(entries), [entries]);
  const originOf = useMemo(() => originFinder(entries), [entries]);
  // The name the server gives the download (Content-Disposition), which the command below uses.
  const logFile = exportFileName(draftId, 'changelog.json');
  const shown = useMemo(
    () =>
      entries
        .filter(
          (e) =>
            (!filters.type || e.type === filters.type) &&
            (filters.person === null || (e.actor?.id ?? MARGINS) === filters.person) &&
            (filters.section === null || e.section === filters.section),
        )
        .reverse(),
    [entries, filters],
  );
  const days = useMemo(() => byDay(shown), [shown]);
  const dayFormat = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'full' });

  return (
    <div className="history-layout">
      <form
        className="history-filters"
        aria-label={t('history.filters')}
        onSubmit={(e) => e.preventDefault()}
      >
        <label className="field">
          <span className="field-label">{t('history.typeFilter')}</span>
          <select
            className="select"
            value={filters.type}
            onChange={(e) => setFilters({ ...filters, type: e.target.value as ChangeType | '' })}
          >
            <option value="">{t('history.allTypes')}</option>
            {choices.types.map((type) => (
              <option key={type} value={type}>
                {t(`history.types.${type}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('history.personFilter')}</span>
          <select
            className="select"
            value={filters.person ?? '*'}
            onChange={(e) =>
              setFilters({ ...filters, person: e.target.value === '*' ? null : e.target.value })
            }
          >
            <option value="*">{t('history.everyone')}</option>
            {choices.people.map(({ id, name }) => (
              <option key={id} value={id}>
                {id === MARGINS ? t('history.automatic') : name || t('threads.formerMember')}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('history.sectionFilter')}</span>
          <select
            className="select"
            value={filters.section ?? '*'}
            onChange={(e) =>
              setFilters({ ...filters, section: e.target.value === '*' ? null : e.target.value })
            }
          >
            <option value="*">{t('threads.allSections')}</option>
            {choices.sections.map((section) => (
              <option key={section} value={section}>
                {section}
              </option>
            ))}
          </select>
        </label>
        {log.kind === 'ready' && (
          <p className="muted history-count" role="status">
            {t('history.shown', { count: shown.length, total: entries.length })}
          </p>
        )}
      </form>

      <div className="history-timeline">
        {log.kind === 'loading' && <p role="status">{t('records.loading')}</p>}
        {log.kind === 'failed' && <ErrorNotice error={log.error} />}
        {log.kind === 'ready' && entries.length === 0 && <p className="notice">{t('history.empty')}</p>}
        {log.kind === 'ready' && entries.length > 0 && shown.length === 0 && (
          <p className="notice">{t('history.noneMatch')}</p>
        )}
        {days.map(({ day, entries: ofDay }) => (
          <section key={day} className="log-day" aria-labelledby={`day-${day}`}>
            <h2 id={`day-${day}`} className="log-day-title">
              {dayFormat.format(new Date(ofDay[0]?.at ?? day))}
            </h2>
            <ol className="log-list">
              {ofDay.map((entry) => (
                <LogEntry key={entry.seq} entry={entry} origin={originOf(entry)} timeOnly />
              ))}
            </ol>
          </section>
        ))}
      </div>

      <aside className="notice log-integrity" aria-labelledby="integrity-title">
        <h2 id="integrity-title" className="log-integrity-title">
          {t('history.integrityTitle')}
        </h2>
        <p>{t('history.integrity')}</p>
        <p>
          <a href={exportUrl(draftId, 'changelog.json')} download={logFile}>
            {t('history.downloadLog')}
          </a>
        </p>
        <p>
          <a href={`/${VERIFIER_FILE}`} download={VERIFIER_FILE}>
            {t('history.downloadVerifier')}
          </a>
        </p>
        <p>{t('history.verify')}</p>
        <pre className="log-command">
          <code>
            node {VERIFIER_FILE} {logFile}
          </code>
        </pre>
      </aside>
    </div>
  );
}

/** The types, people and sections present in the log, for the filters. */
function choicesOf(entries: ChangeLogEntry[]) {
  const types = new Set<ChangeType>();
  const people = new Map<string, string>();
  const sections = new Set<string>();
  for (const entry of entries) {
    types.add(entry.type);
    people.set(entry.actor?.id ?? MARGINS, entry.actor?.name ?? '');
    if (entry.section) sections.add(entry.section);
  }
  return {
    types: CHANGE_TYPES.filter((type) => types.has(type)),
    people: [...people.entries()]
      .map(([id, name]) => ({ id, name }))
      .sort((a, b) => (a.id === MARGINS ? 1 : b.id === MARGINS ? -1 : a.name.localeCompare(b.name))),
    sections: [...sections].sort((a, b) => a.localeCompare(b)),
  };
}

/** Entries grouped by the reader's local day, in the order given. */
function byDay(entries: ChangeLogEntry[]) {
  const days: { day: string; entries: ChangeLogEntry[] }[] = [];
  for (const entry of entries) {
    const at = new Date(entry.at);
    const day = `${at.getFullYear()}-${at.getMonth() + 1}-${at.getDate()}`;
    const last = days[days.length - 1];
    if (last?.day === day) last.entries.push(entry);
    else days.push({ day, entries: [entry] });
  }
  return days;
}
