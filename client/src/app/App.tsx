import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch } from 'wouter';
import { DraftListPage } from '../drafts/DraftListPage.tsx';
import { DraftPage } from '../editor/DraftPage.tsx';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';

/** The shell: a header with the name and the language switcher, and the two pages. */
export function App() {
  const { t } = useTranslation();
  return (
    <>
      <a href="#content" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </Link>
        <LanguageSwitcher />
      </header>
      <Switch>
        <Route path="/d/:draftId">{(params) => <DraftPage draftId={params.draftId} />}</Route>
        <Route>
          <HomeTitle />
          <DraftListPage />
        </Route>
      </Switch>
    </>
  );
}

function HomeTitle() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('drafts.heading')} · ${t('app.name')}`;
  }, [t]);
  return null;
}
