import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch } from 'wouter';
import { DraftListPage } from '../drafts/DraftListPage.tsx';
import { DraftPage, prefetchLiveDraft } from '../editor/DraftPage.tsx';
import { requestDraftEarly } from '../editor/draftRequests.ts';
import { SessionProvider } from '../session/SessionProvider.tsx';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';
import { OnDemand, onDemand, prefetchWhenIdle } from './OnDemand.tsx';
import { UserMenu } from './UserMenu.tsx';

// The first download is the shell, the list of drafts and the draft page's reading path: a
// visitor opening a draft reads its words (the server's HTML of the live text) with this code
// alone. On a draft's address the draft and its text are asked for at once, before the first
// render; the live editor (TipTap, ProseMirror, Yjs: over half of the client) is fetched by the
// draft page once the words are in, or in idle time on the list; the other pages are fetched when
// someone first opens them. `npm run check:size` keeps each download within its budget.
const draftAddress = /^\/d\/([^/]+)\/?$/.exec(window.location.pathname);
if (draftAddress?.[1]) requestDraftEarly(decodeURIComponent(draftAddress[1]));
else if (window.location.pathname === '/') prefetchWhenIdle(prefetchLiveDraft);
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
            {(params) => <DraftPage key={params.draftId} draftId={params.draftId} />}
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
