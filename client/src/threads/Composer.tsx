import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Anchor } from '../../../shared/anchoring/anchor.ts';
import { MAX_COMMENT_LENGTH } from '../../../shared/threads.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { createThread } from './api.ts';

/** The languages a comment can say it is written in (those of the interface). */
const WRITTEN_IN = ['en', 'fr', 'es'] as const;

interface Props {
  draftId: string;
  anchor: Anchor;
  onDone: (threadId: string | undefined) => void;
}

/** Writing a new comment on the selected passage; focus goes straight to the text box. */
export function Composer({ draftId, anchor, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const [body, setBody] = useState('');
  // The task force reads comments in several languages: each says which one it is written in.
  const [language, setLanguage] = useState(() => {
    const preferred = user?.language || i18n.resolvedLanguage || 'en';
    return WRITTEN_IN.includes(preferred as (typeof WRITTEN_IN)[number]) ? preferred : 'en';
  });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    box.current?.focus({ preventScroll: true });
    // On a phone the margin is below the text: bring the form to the middle of the screen.
    requestAnimationFrame(() => form.current?.scrollIntoView({ block: 'center' }));
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const thread = await createThread(draftId, anchor, body, language);
      onDone(thread.id);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="composer" onSubmit={submit} aria-label={t('threads.newComment')}>
      <p className="thread-quote composer-quote">“{anchor.quote.exact}”</p>
      <ErrorNotice error={error} />
      <label className="visually-hidden" htmlFor="composer-body">
        {t('threads.newComment')}
      </label>
      <textarea
        id="composer-body"
        ref={box}
        className="text-area"
        rows={4}
        maxLength={MAX_COMMENT_LENGTH}
        placeholder={t('threads.commentPlaceholder')}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone(undefined);
        }}
      />
      <label className="check composer-language">
        {t('threads.writtenIn')}{' '}
        <select
          className="select select-small"
          value={language}
          onChange={(e) => setLanguage(e.target.value)}
        >
          {WRITTEN_IN.map((code) => (
            <option key={code} value={code}>
              {t(`languages.${code}`)}
            </option>
          ))}
        </select>
      </label>
      <div className="button-row">
        <button type="submit" className="button button-small" disabled={busy || !body.trim()}>
          {t('threads.post')}
        </button>
        <button type="button" className="nav-button nav-link" onClick={() => onDone(undefined)}>
          {t('threads.cancel')}
        </button>
      </div>
    </form>
  );
}
