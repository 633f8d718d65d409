import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';

/**
 * Why the text cannot be edited here: read-only for this person, or sign in to take part. While
 * the session is being read (`signedIn` undefined) an empty line holds the note's place.
 */
export function AccessNote({ signedIn }: { signedIn: boolean | undefined }) {
  const { t } = useTranslation();
  if (signedIn === undefined) return <p className="access-note">{'\u00a0'}</p>;
  if (signedIn)
    return (
      <p className="access-note" data-testid="access-note">
        {t('access.readOnly')}
      </p>
    );
  return (
    <p className="access-note" data-testid="access-note">
      {t('access.visitor')}{' '}
      <Link href={`/signin?next=${encodeURIComponent(window.location.pathname)}`}>{t('nav.signIn')}</Link>
      {' · '}
      <Link href={`/signup?next=${encodeURIComponent(window.location.pathname)}`}>{t('nav.signUp')}</Link>
    </p>
  );
}
