import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { useSession } from '../session/SessionProvider.tsx';

/** Sign in / create account, or who you are, your role and sign out. */
export function UserMenu() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  const [location, navigate] = useLocation();
  if (user === undefined) return null;
  if (user === null) {
    const next =
      location.startsWith('/signin') || location.startsWith('/signup')
        ? ''
        : `?next=${encodeURIComponent(location)}`;
    return (
      <nav className="user-menu" aria-label={t('nav.account')}>
        <Link href={`/signin${next}`} className="nav-link">
          {t('nav.signIn')}
        </Link>
        <Link href={`/signup${next}`} className="button button-small">
          {t('nav.signUp')}
        </Link>
      </nav>
    );
  }
  return (
    <nav className="user-menu" aria-label={t('nav.account')}>
      {user.role === 'admin' && (
        <Link href="/admin" className="nav-link">
          {t('nav.admin')}
        </Link>
      )}
      <Link href="/me/contributions" className="nav-link">
        {t('nav.contributions')}
      </Link>
      <span className="user-badge" data-testid="signed-in-user">
        <span className="user-name">{user.name}</span>
        <span className={`role-tag role-${user.role}`}>{t(`roles.${user.role}`)}</span>
      </span>
      <button
        type="button"
        className="nav-link nav-button"
        onClick={() => {
          void signOut().then(() => navigate('/'));
        }}
      >
        {t('nav.signOut')}
      </button>
    </nav>
  );
}
