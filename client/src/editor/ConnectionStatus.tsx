import { useTranslation } from 'react-i18next';
import type { ConnectionState } from './useCollaborationSession.ts';

/** A dot and a word: connected, connecting, reconnecting or offline. Announced politely on change. */
export function ConnectionStatus({ state }: { state: ConnectionState }) {
  const { t } = useTranslation();
  return (
    <p className={`connection connection-${state}`} role="status" aria-label={t('connection.label')}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text" data-testid="connection-status" data-state={state}>
        {t(`connection.${state}`)}
      </span>
    </p>
  );
}
