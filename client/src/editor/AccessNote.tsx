import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';

/** Why the text cannot be edited here: read-only for this person, or sign in to take part. */
export function AccessNote({ signedIn }: { signedIn: boolean }) {
  const { t } = useTranslation();
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
