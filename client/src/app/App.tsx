import { Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch } from 'wouter';
import { DraftListPage } from '../drafts/DraftListPage.tsx';
import { SessionProvider } from '../session/SessionProvider.tsx';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';
import { OnDemand, onDemand, PageLoading, prefetchWhenIdle } from './OnDemand.tsx';
import { UserMenu } from './UserMenu.tsx';

// The first download is the shell and the list of drafts. A draft's page brings the editor, Yjs
// and ProseMirror (over half of the client): it is fetched as the app starts when the address is
// a draft's, while the shell renders, or in idle time on the list; the other pages are fetched
// when someone first opens them. `npm run check:size` keeps both downloads within budget.
const loadDraftPage = () => import('../editor/DraftPage.tsx');
if (/^\/d\/[^/]+\/?$/.test(window.location.pathname)) void loadDraftPage().catch(() => undefined);
else if (window.location.pathname === '/') prefetchWhenIdle(loadDraftPage);
const DraftPage = onDemand(loadDraftPage, 'DraftPage');
const HistoryPage = onDemand(() => import('../history/HistoryPage.tsx'), 'HistoryPage');
const VersionsPage = onDemand(() => import('../versions/VersionsPage.tsx'), 'VersionsPage');
const ReportPage = onDemand(() => import('../report/ReportPage.tsx'), 'ReportPage');
const ContributionsPage = onDemand(
  () => import('../contributions/ContributionsPage.tsx'),
  'ContributionsPage',
);
const SignInPage = onDemand(() => import('../session/SignInPage.tsx'), 'SignInPage');
const SignUpPage = onDemand(() => import('../session/SignUpPage.tsx'), 'SignUpPage');
const InvitePage = onDemand(() => import('../session/InvitePage.tsx'), 'InvitePage');
const AdminPage = onDemand(() => import('../admin/AdminPage.tsx'), 'AdminPage');

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
      <OnDemand>
        <Switch>
          <Route path="/d/:draftId">
            {(params) => (
              <Suspense fallback={<PageLoading message={t('draft.loading')} />}>
                <DraftPage draftId={params.draftId} />
              </Suspense>
            )}
          </Route>
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
      </OnDemand>
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
