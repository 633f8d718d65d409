import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { signUp } from '../api/accounts.ts';
import { useSession } from './SessionProvider.tsx';
import { safeNext } from './SignInPage.tsx';
import { SignUpForm } from './SignUpForm.tsx';

/** A stakeholder creates an account and is signed in. */
export function SignUpPage() {
  const { t, i18n } = useTranslation();
  const { setUser } = useSession();
  const [, navigate] = useLocation();
  const search = useSearch();
  return (
    <main id="content" className="page page-form">
      <h1 className="page-title">{t('auth.signUpTitle')}</h1>
      <p className="lead">{t('auth.signUpIntro')}</p>
      <SignUpForm
        submitLabel={t('auth.submitSignUp')}
        askProfile
        onSubmit={async (input) => {
          const { user } = await signUp(input);
          setUser(user);
          if (user.language) void i18n.changeLanguage(user.language);
          navigate(safeNext(search));
        }}
      />
      <p className="form-aside">
        {t('auth.haveAccount')} <Link href={`/signin${search ? `?${search}` : ''}`}>{t('nav.signIn')}</Link>
      </p>
    </main>
  );
}
