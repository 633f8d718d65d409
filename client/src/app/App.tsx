import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch } from 'wouter';
import { AdminPage } from '../admin/AdminPage.tsx';
import { ContributionsPage } from '../contributions/ContributionsPage.tsx';
import { DraftListPage } from '../drafts/DraftListPage.tsx';
import { DraftPage } from '../editor/DraftPage.tsx';
import { HistoryPage } from '../history/HistoryPage.tsx';
import { ReportPage } from '../report/ReportPage.tsx';
import { InvitePage } from '../session/InvitePage.tsx';
import { SessionProvider } from '../session/SessionProvider.tsx';
import { SignInPage } from '../session/SignInPage.tsx';
import { SignUpPage } from '../session/SignUpPage.tsx';
import { VersionsPage } from '../versions/VersionsPage.tsx';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';
import { UserMenu } from './UserMenu.tsx';

/** The shell: a header with the name, the account menu and the language switcher, and the pages. */
export function App() {
  const { t } = useTranslation();
  return (
    <SessionProvider>
      <a href="#content" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </Link>
        <UserMenu />
        <LanguageSwitcher />
      </header>
      <Switch>
        <Route path="/d/:draftId">{(params) => <DraftPage draftId={params.draftId} />}</Route>
        <Route path="/d/:draftId/history">{(params) => <HistoryPage draftId={params.draftId} />}</Route>
        <Route path="/d/:draftId/versions">{(params) => <VersionsPage draftId={params.draftId} />}</Route>
        <Route path="/d/:draftId/report">{(params) => <ReportPage draftId={params.draftId} />}</Route>
        <Route path="/me/contributions">
          <ContributionsPage />
        </Route>
        <Route path="/signin">
          <Title name={t('auth.signInTitle')} />
          <SignInPage />
        </Route>
        <Route path="/signup">
          <Title name={t('auth.signUpTitle')} />
          <SignUpPage />
        </Route>
        <Route path="/invite/:token">
          {(params) => (
            <>
              <Title name={t('auth.inviteTitle')} />
              <InvitePage token={params.token} />
            </>
          )}
        </Route>
        <Route path="/admin">
          <Title name={t('admin.title')} />
          <AdminPage />
        </Route>
        <Route>
          <Title name={t('drafts.heading')} />
          <DraftListPage />
        </Route>
      </Switch>
    </SessionProvider>
  );
}

function Title({ name }: { name: string }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${name} · ${t('app.name')}`;
  }, [name, t]);
  return null;
}
