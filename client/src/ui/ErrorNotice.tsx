import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http.ts';

/** A failed request, explained in the reader's language (the server's English message as fallback). */
export function ErrorNotice({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'internal';
  const key = `errors.${code}`;
  const message = i18n.exists(key) ? t(key as 'errors.internal') : (error as Error).message;
  const wait = error instanceof ApiError ? error.retryAfterSeconds : undefined;
  // Seconds up to two minutes (a sign-in slowed down), whole minutes beyond (a sign-up limit).
  const retry =
    wait === undefined
      ? undefined
      : wait <= 120
        ? t('errors.retryInSeconds', { count: wait })
        : t('errors.retryInMinutes', { count: Math.ceil(wait / 60) });
  return (
    <div role="alert" className="notice notice-error">
      <p>{retry ? `${message} ${retry}` : message}</p>
      {error instanceof ApiError && error.details.length > 0 && (
        <ul>
          {error.details.map((detail) => (
            <li key={detail.path}>
              {detail.path}: {detail.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
