import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useSession } from '../session/SessionProvider.tsx';
import { DraftSettingsPanel } from './DraftSettingsPanel.tsx';
import { InvitesPanel } from './InvitesPanel.tsx';
import { PeoplePanel } from './PeoplePanel.tsx';

/** `/admin`: drafts' windows and visibility, people and their roles, invitations. */
export function AdminPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  if (user === undefined) return null;
  if (user?.role !== 'admin') {
    return (
      <main id="content" className="page page-narrow">
        <div role="alert" className="notice notice-error">
          <p>{t('admin.notAllowed')}</p>
        </div>
        <Link href="/">{t('draft.backToList')}</Link>
      </main>
    );
  }
  return (
    <main id="content" className="page page-wide">
      <h1 className="page-title">{t('admin.title')}</h1>
      <DraftSettingsPanel />
      <InvitesPanel />
      <PeoplePanel />
    </main>
  );
}
