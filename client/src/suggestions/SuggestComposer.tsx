import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MAX_JUSTIFICATION_LENGTH,
  MAX_SUGGESTION_LENGTH,
  type SuggestionAnchor,
} from '../../../shared/suggestions.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { createSuggestion } from './api.ts';
import { WordDiff } from './WordDiff.tsx';

interface Props {
  draftId: string;
  anchor: SuggestionAnchor;
  /** What was typed over the passage in suggesting mode (the field then starts with it). */
  typed?: string;
  onDone: (suggestionId: string | undefined) => void;
}

/**
 * Proposing new wording: the field starts with the selected words (empty for an insertion at the
 * caret); clearing it suggests deleting them. The difference is shown as it is typed.
 */
export function SuggestComposer({ draftId, anchor, typed, onDone }: Props) {
  const { t } = useTranslation();
  const original = anchor.quote.exact;
  const [text, setText] = useState(typed ?? original);
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the composer opens.
  useEffect(() => {
    const field = box.current;
    if (!field) return;
    field.focus({ preventScroll: true });
    // On a phone the margin is below the text: bring the form to the middle of the screen.
    requestAnimationFrame(() => form.current?.scrollIntoView({ block: 'center' }));
    // Typed over the passage: keep typing where the first key left off.
    if (typed === undefined) field.select();
    else field.setSelectionRange(field.value.length, field.value.length);
  }, []);
  const insertion = original === '';
  const unchanged = text === original || (insertion && !text.trim());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const created = await createSuggestion(draftId, {
        anchor,
        text,
        ...(justification.trim() ? { justification } : {}),
      });
      onDone(created.id);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <form
      ref={form}
      className="composer suggest-composer"
      onSubmit={submit}
      aria-label={t('suggestions.newSuggestion')}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone(undefined);
      }}
    >
      {insertion && (
        <p className="composer-context">
          {t('suggestions.insertAt', { before: anchor.quote.prefix.slice(-24) })}
        </p>
      )}
      {!insertion && <p className="thread-quote composer-quote">“{original}”</p>}
      <ErrorNotice error={error} />
      <label className="field-label" htmlFor="suggest-text">
        {insertion ? t('suggestions.textToInsert') : t('suggestions.proposedText')}
      </label>
      <textarea
        id="suggest-text"
        ref={box}
        className="text-area"
        rows={4}
        maxLength={MAX_SUGGESTION_LENGTH}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {!insertion && (
        <p className="field-hint">{text === '' ? t('suggestions.deleteHint') : t('suggestions.editHint')}</p>
      )}
      {!unchanged && (
        <div className="suggest-preview" aria-live="polite">
          <span className="field-label">{t('suggestions.preview')}</span>
          <WordDiff before={original} after={text} />
        </div>
      )}
      <label className="field-label" htmlFor="suggest-why">
        {t('suggestions.justification')}
      </label>
      <textarea
        id="suggest-why"
        className="text-area"
        rows={2}
        maxLength={MAX_JUSTIFICATION_LENGTH}
        placeholder={t('suggestions.justificationPlaceholder')}
        value={justification}
        onChange={(e) => setJustification(e.target.value)}
      />
      <div className="button-row">
        <button type="submit" className="button button-small" disabled={busy || unchanged}>
          {t('suggestions.post')}
        </button>
        <button type="button" className="nav-button nav-link" onClick={() => onDone(undefined)}>
          {t('threads.cancel')}
        </button>
      </div>
    </form>
  );
}
