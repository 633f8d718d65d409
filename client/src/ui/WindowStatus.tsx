import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { WindowState } from '../../../shared/consultation.ts';
import type { DraftView } from '../../../shared/drafts.ts';

const DAY_MS = 24 * 3600 * 1000;

/** "in 12 days", "tomorrow", "in 3 hours", in the reader's language. */
function relative(date: Date, language: string | undefined): string {
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const ms = date.getTime() - Date.now();
  if (Math.abs(ms) < DAY_MS) return format.format(Math.round(ms / 3_600_000), 'hour');
  return format.format(Math.round(ms / DAY_MS), 'day');
}

/** The consultation window, in plain words, in the reader's own time zone (named). */
export const WindowStatus = memo(function WindowStatus({
  draft,
  state,
}: {
  draft: DraftView;
  state?: WindowState;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage;
  const when = new Intl.DateTimeFormat(language, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  const opens = new Date(draft.window.opensAt);
  const closes = new Date(draft.window.closesAt);
  const current = state ?? draft.windowState;
  const text =
    current === 'open'
      ? t('consultation.open', { date: when.format(closes), relative: relative(closes, language) })
      : current === 'closed'
        ? t('consultation.closed', { date: when.format(closes) })
        : t('consultation.notYetOpen', { date: when.format(opens), relative: relative(opens, language) });
  return (
    <p className={`window-status window-${current}`} data-testid="window-status" data-state={current}>
      {text}
    </p>
  );
});
