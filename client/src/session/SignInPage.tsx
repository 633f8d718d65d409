import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { signIn } from '../api/accounts.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';
import { useSession } from './SessionProvider.tsx';

/** Only same-site paths are followed after signing in, never another site. */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { t } = useTranslation();
  const { setUser } = useSession();
  const [, navigate] = useLocation();
  const search = useSearch();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { user } = await signIn(email, password);
      setUser(user);
      navigate(safeNext(search));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="content" className="page page-form">
      <h1 className="page-title">{t('auth.signInTitle')}</h1>
      <p className="lead">{t('auth.signInIntro')}</p>
      <form className="form" onSubmit={submit}>
        <ErrorNotice error={error} />
        <TextField
          label={t('auth.email')}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          label={t('auth.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('auth.working') : t('auth.submitSignIn')}
        </button>
      </form>
      <p className="form-aside">
        {t('auth.noAccount')} <Link href={`/signup${search ? `?${search}` : ''}`}>{t('auth.createOne')}</Link>
      </p>
    </main>
  );
}
