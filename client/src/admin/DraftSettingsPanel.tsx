import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Visibility } from '../../../shared/consultation.ts';
import type { DraftView } from '../../../shared/drafts.ts';
import { configureDraft, fetchDrafts } from '../api/drafts.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';

/** `datetime-local` works in the browser's own zone: convert both ways. */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string {
  return new Date(value).toISOString();
}

/** Each draft's visibility and consultation window. */
export function DraftSettingsPanel() {
  const { t } = useTranslation();
  const [drafts, setDrafts] = useState<DraftView[]>([]);
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    fetchDrafts().then(setDrafts, setError);
  }, []);
  useEffect(load, [load]);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <section className="panel" aria-labelledby="drafts-heading">
      <h2 id="drafts-heading" className="section-title">
        {t('admin.drafts')}
      </h2>
      <p className="muted">{t('admin.timesIn', { zone })}</p>
      <ErrorNotice error={error} />
      <div className="settings-list">
        {drafts.map((draft) => (
          <DraftSettingsRow key={draft.id} draft={draft} onSaved={load} />
        ))}
      </div>
    </section>
  );
}

function DraftSettingsRow({ draft, onSaved }: { draft: DraftView; onSaved: () => void }) {
  const { t } = useTranslation();
  const [visibility, setVisibility] = useState<Visibility>(draft.visibility);
  const [opensAt, setOpensAt] = useState(toLocalInput(draft.window.opensAt));
  const [closesAt, setClosesAt] = useState(toLocalInput(draft.window.closesAt));
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState('saving');
    setError(undefined);
    try {
      await configureDraft(draft.id, {
        visibility,
        window: { opensAt: fromLocalInput(opensAt), closesAt: fromLocalInput(closesAt) },
      });
      setState('saved');
      onSaved();
    } catch (failure) {
      setError(failure);
      setState('idle');
    }
  };

  return (
    <form className="settings-row" onSubmit={submit} aria-label={draft.title}>
      <h3 className="settings-title" lang={draft.language}>
        {draft.title}
      </h3>
      <ErrorNotice error={error} />
      <div className="form-inline">
        <label className="field">
          <span className="field-label">{t('admin.visibility')}</span>
          <select
            className="select"
            value={visibility}
            onChange={(e) => setVisibility(e.target.value as Visibility)}
          >
            <option value="public">{t('admin.public')}</option>
            <option value="private">{t('admin.private')}</option>
          </select>
        </label>
        <TextField
          label={t('admin.opensAt')}
          type="datetime-local"
          required
          value={opensAt}
          onChange={(e) => setOpensAt(e.target.value)}
        />
        <TextField
          label={t('admin.closesAt')}
          type="datetime-local"
          required
          value={closesAt}
          onChange={(e) => setClosesAt(e.target.value)}
        />
        <button type="submit" className="button" disabled={state === 'saving'}>
          {state === 'saved' ? t('admin.saved') : t('admin.save')}
        </button>
      </div>
    </form>
  );
}
