import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_VERSION_NAME } from '../../../shared/versions.ts';
import { publishVersion } from '../api/records.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';

/** The task force names the text as it is now ("Draft for consultation") so it can be compared later. */
export function PublishVersionForm({ draftId, onPublished }: { draftId: string; onPublished: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [published, setPublished] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setPublished(undefined);
    try {
      const version = await publishVersion(draftId, name.trim());
      setPublished(version.name);
      setName('');
      onPublished();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="publish-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="publish-title">
        {t('versions.publishTitle')}
      </h3>
      <p className="field-hint">{t('versions.publishHint')}</p>
      <div className="publish-row">
        <label className="field field-grow">
          <span className="field-label">{t('versions.name')}</span>
          <input
            className="text-input"
            value={name}
            maxLength={MAX_VERSION_NAME}
            required
            placeholder={t('versions.namePlaceholder')}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="submit" className="button" disabled={busy || !name.trim()}>
          {t('versions.publish')}
        </button>
      </div>
      <ErrorNotice error={error} />
      <p role="status" className="publish-status">
        {published && t('versions.publishedNow', { name: published })}
      </p>
    </form>
  );
}
