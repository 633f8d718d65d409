import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ChangeLogEntry, ChangeType } from '../../../shared/changelog.ts';
import { WordDiff } from '../suggestions/WordDiff.tsx';
import { dateTimeFormat } from '../ui/dates.ts';

interface Props {
  entry: ChangeLogEntry;
  /** The entry that started what this one is about (the suggestion made, the thread opened), for its words. */
  origin?: ChangeLogEntry;
  /** Within a day's group the date is already said: show the time only. */
  timeOnly?: boolean;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function timeFormat(language: string | undefined): Intl.DateTimeFormat {
  const key = language ?? 'en';
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(key, { timeStyle: 'short' });
    timeFormats.set(key, format);
  }
  return format;
}

/** One change-log entry: when, who, what kind, where, the words before and after, why, and links. */
export function LogEntry({ entry, origin, timeOnly = false }: Props) {
  const { t, i18n } = useTranslation();
  const at = new Date(entry.at);
  const when = (timeOnly ? timeFormat : dateTimeFormat)(i18n.resolvedLanguage).format(at);
  const draft = `/d/${encodeURIComponent(entry.draftId)}`;
  const own = entry.changes.filter((c) => c.before !== '' || c.after !== '');
  // A rejection or withdrawal records no text: show the words that were proposed.
  const proposed = own.length === 0 && origin ? origin.changes : [];
  const changes = own.length > 0 ? own : proposed;
  const quote = entry.type === 'thread.opened' ? entry.detail : entry.threadId ? origin?.detail : null;
  return (
    <li className={`log-entry log-${category(entry.type)}`} data-testid="log-entry" data-type={entry.type}>
      <time className="log-time" dateTime={entry.at} title={dateTimeFormat(i18n.resolvedLanguage).format(at)}>
        {when}
      </time>
      <div className="log-body">
        <p className="log-title">
          <span className="log-type">{t(`history.types.${entry.type}`)}</span>
          {entry.section && <span className="log-section">{entry.section}</span>}
        </p>
        <p className="log-actor">
          {entry.actor ? (
            <>
              <span className="comment-name">{entry.actor.name || t('threads.formerMember')}</span>
              {entry.actor.organisation && <span className="comment-org">{entry.actor.organisation}</span>}
              <span className={`role-tag role-${entry.actor.role}`}>{t(`roles.${entry.actor.role}`)}</span>
            </>
          ) : (
            <span className="comment-org">{t('history.automatic')}</span>
          )}
        </p>
        {entry.type === 'version.published' && entry.detail && (
          <p className="log-detail">{t('history.versionNamed', { name: entry.detail })}</p>
        )}
        {quote && <blockquote className="log-quote">{quote}</blockquote>}
        {proposed.length > 0 && <p className="log-label log-proposed">{t('history.proposed')}</p>}
        {changes.length > 0 && (
          <ul className="log-changes">
            {changes.map((change, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: an entry's changes never move.
              <li key={index} className="log-change">
                {change.section && change.section !== entry.section && (
                  <p className="log-change-section">{change.section}</p>
                )}
                <WordDiff before={change.before} after={change.after} />
              </li>
            ))}
          </ul>
        )}
        {entry.rationale && (
          <p className="log-rationale">
            <span className="log-label">{t(rationaleLabel(entry.type))}</span> {entry.rationale}
          </p>
        )}
        {(entry.threadId || entry.suggestionId || entry.versionId) && (
          <p className="log-links">
            {entry.threadId && (
              <Link href={`${draft}#thread-${entry.threadId}`}>{t('history.seeThread')}</Link>
            )}
            {entry.suggestionId && (
              <Link href={`${draft}#suggestion-${entry.suggestionId}`}>{t('history.seeSuggestion')}</Link>
            )}
            {entry.versionId && (
              <Link href={`${draft}/versions?from=${encodeURIComponent(entry.versionId)}&to=current`}>
                {t('history.compareWithNow')}
              </Link>
            )}
          </p>
        )}
      </div>
    </li>
  );
}

/** For each entry, the one that opened its thread or made its suggestion, when it is among `entries`. */
export function originFinder(
  entries: ChangeLogEntry[],
): (entry: ChangeLogEntry) => ChangeLogEntry | undefined {
  const origins = new Map<string, ChangeLogEntry>();
  for (const e of entries) {
    if (e.type === 'suggestion.made' && e.suggestionId) origins.set(e.suggestionId, e);
    if (e.type === 'thread.opened' && e.threadId) origins.set(e.threadId, e);
  }
  return (entry) => {
    const origin = origins.get(entry.suggestionId ?? entry.threadId ?? '');
    return origin === entry ? undefined : origin;
  };
}

/** The colour family of an entry's marker. */
function category(type: ChangeType): string {
  if (type === 'suggestion.accepted' || type === 'edit') return 'change';
  if (type === 'suggestion.rejected' || type === 'suggestion.reverted') return 'undo';
  return type.split('.')[0] ?? 'other';
}

function rationaleLabel(type: ChangeType) {
  if (type === 'suggestion.made') return 'history.justification' as const;
  if (type === 'thread.resolved') return 'history.note' as const;
  return 'history.rationale' as const;
}
