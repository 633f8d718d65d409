import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { type LocalUser, MAX_NAME_LENGTH } from '../identity/localUser.ts';
import type { Participant } from './usePresence.ts';

interface Props {
  participants: Participant[];
  user: LocalUser;
  onRename: (name: string) => void;
}

/** Who is here, with their caret colour, and a field to change the name others see for you. */
export function PresenceList({ participants, user, onRename }: Props) {
  const { t } = useTranslation();
  const nameId = useId();
  return (
    <section className="presence" aria-labelledby={`${nameId}-heading`}>
      <h2 id={`${nameId}-heading`} className="panel-heading">
        {t('presence.heading')}{' '}
        <span className="presence-count">{t('presence.count', { count: participants.length })}</span>
      </h2>
      <ul className="presence-list" data-testid="presence-list">
        {participants.map((person) => (
          <li key={person.clientId} className="presence-person">
            <span className="presence-swatch" style={{ backgroundColor: person.color }} aria-hidden="true">
              {initials(person.name)}
            </span>
            <span>{person.isSelf ? t('presence.you', { name: person.name }) : person.name}</span>
          </li>
        ))}
      </ul>
      <label className="field-label" htmlFor={nameId}>
        {t('presence.yourName')}
      </label>
      <input
        id={nameId}
        className="text-input"
        value={user.name}
        maxLength={MAX_NAME_LENGTH}
        autoComplete="name"
        onChange={(event) => onRename(event.target.value)}
      />
    </section>
  );
}

function initials(name: string): string {
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
    <p className="presence-summary" title={participants.map((person) => person.name).join(', ')}>
      <span className="presence-stack" aria-hidden="true">
        {shown.map((person) => (
          <span key={person.clientId} className="presence-swatch" style={{ backgroundColor: person.color }}>
            {initials(person.name)}
          </span>
        ))}
      </span>
      <span className="presence-summary-count">{t('presence.count', { count: participants.length })}</span>
    </p>
  );
}
