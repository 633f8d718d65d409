import { memo, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Participant } from './usePresence.ts';

/** Who is here, with their caret colour and role. Names are set by the server from each session. */
export const PresenceList = memo(function PresenceList({ participants }: { participants: Participant[] }) {
  const { t } = useTranslation();
  const headingId = useId();
  // Readers without an account are counted, not listed: a public draft can have thousands.
  const named = participants.filter((person) => person.isSelf || person.name !== '');
  const visitors = participants.length - named.length;
  return (
    <section className="presence" aria-labelledby={headingId}>
      <h2 id={headingId} className="panel-heading">
        {t('presence.heading')}{' '}
        <span className="presence-count">{t('presence.count', { count: participants.length })}</span>
      </h2>
      <ul className="presence-list" data-testid="presence-list">
        {named.map((person) => {
          const name = person.name || t('presence.visitor');
          return (
            <li key={person.clientId} className="presence-person">
              <span className="presence-swatch" style={{ backgroundColor: person.color }} aria-hidden="true">
                {initials(name)}
              </span>
              <span className="presence-name">{person.isSelf ? t('presence.you', { name }) : name}</span>
              {person.role && person.role !== 'visitor' && person.role !== 'stakeholder' && (
                <span className={`role-tag role-${person.role}`}>{t(`roles.${person.role}`)}</span>
              )}
            </li>
          );
        })}
        {visitors > 0 && (
          <li className="presence-person presence-visitors">
            <span className="presence-swatch" aria-hidden="true">
              {visitors > 99 ? '99+' : visitors}
            </span>
            <span className="presence-name">{t('presence.visitors', { count: visitors })}</span>
          </li>
        )}
      </ul>
    </section>
  );
});

/** The initials shown in a person's avatar: of the first and last of their names. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  return letters
    .map((word) => (word ? Array.from(word)[0] : ''))
    .join('')
    .toUpperCase();
}

/** A compact row of who is here, for narrow screens where the full list sits below the text. */
export function PresenceSummary({ participants }: { participants: Participant[] }) {
  const { t } = useTranslation();
  const shown = participants.slice(0, 4);
  return (
    <p
      className="presence-summary"
      title={participants.map((person) => person.name || t('presence.visitor')).join(', ')}
    >
      <span className="presence-stack" aria-hidden="true">
        {shown.map((person) => (
          <span key={person.clientId} className="presence-swatch" style={{ backgroundColor: person.color }}>
            {initials(person.name || t('presence.visitor'))}
          </span>
        ))}
      </span>
      <span className="presence-summary-count">{t('presence.count', { count: participants.length })}</span>
    </p>
  );
}
