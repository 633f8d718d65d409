import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { acceptInvite, fetchInvite, type InviteInfo } from '../api/accounts.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { useSession } from './SessionProvider.tsx';
import { SignUpForm } from './SignUpForm.tsx';

/** `/invite/<token>`: someone invited to the task force (or as admin) creates their account. */
export function InvitePage({ token }: { token: string }) {
  const { t } = useTranslation();
  const { setUser } = useSession();
  const [, navigate] = useLocation();
  const [invite, setInvite] = useState<InviteInfo>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    fetchInvite(token).then(setInvite, setError);
  }, [token]);

  return (
    <main id="content" className="page page-form">
      <h1 className="page-title">{t('auth.inviteTitle')}</h1>
      {!invite && !error && <p role="status">{t('auth.inviteChecking')}</p>}
      <ErrorNotice error={error} />
      {invite && (
        <>
          <p className="lead">{t('auth.inviteIntro', { role: t(`roles.${invite.role}`) })}</p>
          {invite.email && <p>{t('auth.inviteFor', { email: invite.email })}</p>}
          <SignUpForm
            submitLabel={t('auth.submitInvite')}
            fixedEmail={invite.email}
            askProfile={false}
            onSubmit={async (input) => {
              const { user } = await acceptInvite(token, input);
              setUser(user);
              navigate(user.role === 'admin' ? '/admin' : '/');
            }}
          />
        </>
      )}
    </main>
  );
}
