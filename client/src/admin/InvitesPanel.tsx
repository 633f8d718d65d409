import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createInvite, fetchInvites, type InviteView } from '../api/accounts.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';

/** Single-use, expiring links that let someone join the task force (or as an admin). */
export function InvitesPanel() {
  const { t, i18n } = useTranslation();
  const [invites, setInvites] = useState<InviteView[]>([]);
  const [role, setRole] = useState<'taskforce' | 'admin'>('taskforce');
  const [email, setEmail] = useState('');
  const [created, setCreated] = useState<{ url: string; expiresAt: string }>();
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    fetchInvites().then(setInvites, setError);
  }, []);
  useEffect(load, [load]);
  const date = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setCopied(false);
    try {
      const invite = await createInvite(role, email.trim() || undefined);
      setCreated({ url: `${window.location.origin}${invite.path}`, expiresAt: invite.expiresAt });
      setEmail('');
      load();
    } catch (failure) {
      setError(failure);
    }
  };

  const copy = async () => {
    if (!created) return;
    await navigator.clipboard?.writeText(created.url).catch(() => undefined);
    setCopied(true);
  };

  return (
    <section className="panel" aria-labelledby="invites-heading">
      <h2 id="invites-heading" className="section-title">
        {t('admin.invites')}
      </h2>
      <form className="form form-inline" onSubmit={submit}>
        <label className="field">
          <span className="field-label">{t('admin.inviteRole')}</span>
          <select
            className="select"
            value={role}
            onChange={(e) => setRole(e.target.value as 'taskforce' | 'admin')}
          >
            <option value="taskforce">{t('roles.taskforce')}</option>
            <option value="admin">{t('roles.admin')}</option>
          </select>
        </label>
        <TextField
          className="field-grow"
          label={t('admin.inviteEmail')}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <button type="submit" className="button">
          {t('admin.createInvite')}
        </button>
      </form>
      <ErrorNotice error={error} />
      {created && (
        <div className="notice notice-ok" role="status">
          <p>{t('admin.inviteCreated', { date: date.format(new Date(created.expiresAt)) })}</p>
          <p className="invite-link">
            <input className="text-input" readOnly value={created.url} aria-label={t('admin.inviteLink')} />
            <button type="button" className="button button-secondary" onClick={() => void copy()}>
              {copied ? t('admin.copied') : t('admin.copy')}
            </button>
          </p>
        </div>
      )}
      {invites.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('admin.role')}</th>
                <th scope="col">{t('auth.email')}</th>
                <th scope="col">{t('admin.created')}</th>
                <th scope="col">{t('admin.status')}</th>
              </tr>
            </thead>
            <tbody>
              {invites.map((invite) => (
                <tr key={invite.id}>
                  <td>{t(`roles.${invite.role}`)}</td>
                  <td>{invite.email ?? t('admin.anyEmail')}</td>
                  <td>{date.format(new Date(invite.createdAt))}</td>
                  <td>{t(`admin.status_${invite.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
