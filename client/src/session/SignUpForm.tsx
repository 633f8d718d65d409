import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH, type SignUp } from '../../../shared/auth.ts';
import { SECTORS, type Sector } from '../../../shared/roles.ts';
import { currentUiLanguage } from '../i18n/i18n.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';

interface Props {
  submitLabel: string;
  /** Pre-filled and locked when an invite is for one address. */
  fixedEmail?: string | null;
  /** Stakeholders describe themselves; invited task-force members may skip it. */
  askProfile: boolean;
  onSubmit: (input: SignUp) => Promise<void>;
}

/** Name, email, password and (for stakeholders) who they speak for. */
export function SignUpForm({ submitLabel, fixedEmail, askProfile, onSubmit }: Props) {
  const { t, i18n } = useTranslation();
  const [fields, setFields] = useState({
    name: '',
    email: fixedEmail ?? '',
    password: '',
    organisation: '',
    sector: '' as Sector | '',
    country: '',
    language: currentUiLanguage(i18n.resolvedLanguage),
  });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof fields) => (event: { target: { value: string } }) =>
    setFields((current) => ({ ...current, [name]: event.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit({
        name: fields.name,
        email: fields.email,
        password: fields.password,
        organisation: fields.organisation || undefined,
        sector: fields.sector || undefined,
        country: fields.country || undefined,
        language: fields.language,
      });
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit}>
      <ErrorNotice error={error} />
      <TextField
        label={t('auth.name')}
        autoComplete="name"
        required
        maxLength={80}
        value={fields.name}
        onChange={set('name')}
      />
      <TextField
        label={t('auth.email')}
        type="email"
        autoComplete="email"
        required
        readOnly={Boolean(fixedEmail)}
        value={fields.email}
        onChange={set('email')}
      />
      <TextField
        label={t('auth.password')}
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN_LENGTH}
        value={fields.password}
        onChange={set('password')}
        hint={t('auth.passwordHint', { count: PASSWORD_MIN_LENGTH })}
      />
      {askProfile && (
        <>
          <TextField
            label={t('auth.organisation')}
            optional
            autoComplete="organization"
            maxLength={120}
            value={fields.organisation}
            onChange={set('organisation')}
          />
          <label className="field">
            <span className="field-label">
              {t('auth.sector')}
              <span className="field-optional"> {t('auth.optional')}</span>
            </span>
            <select className="select" value={fields.sector} onChange={set('sector')}>
              <option value="">{t('auth.chooseSector')}</option>
              {SECTORS.map((sector) => (
                <option key={sector} value={sector}>
                  {t(`sectors.${sector}`)}
                </option>
              ))}
            </select>
          </label>
          <TextField
            label={t('auth.country')}
            optional
            autoComplete="country-name"
            maxLength={80}
            value={fields.country}
            onChange={set('country')}
          />
        </>
      )}
      <label className="field">
        <span className="field-label">{t('auth.language')}</span>
        <select className="select" value={fields.language} onChange={set('language')}>
          <option value="en">English</option>
          <option value="fr">Français</option>
          <option value="es">Español</option>
        </select>
      </label>
      <button type="submit" className="button" disabled={busy}>
        {busy ? t('auth.working') : submitLabel}
      </button>
    </form>
  );
}
