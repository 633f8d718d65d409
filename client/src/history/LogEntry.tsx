import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ChangeLogEntry, ChangeType } from '../../../shared/changelog.ts';
import { WordDiff } from '../suggestions/WordDiff.tsx';
import { dateTimeFormat } from '../threads/ThreadCard.tsx';

interface Props {
  entry: ChangeLogEntry;
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
export function LogEntry({ entry, timeOnly = false }: Props) {
  const { t, i18n } = useTranslation();
  const at = new Date(entry.at);
  const when = (timeOnly ? timeFormat : dateTimeFormat)(i18n.resolvedLanguage).format(at);
  const draft = `/d/${encodeURIComponent(entry.draftId)}`;
  const changes = entry.changes.filter((c) => c.before !== '' || c.after !== '');
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
        {entry.type === 'thread.opened' && entry.detail && (
          <blockquote className="log-quote">{entry.detail}</blockquote>
        )}
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
