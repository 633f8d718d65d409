import { type InputHTMLAttributes, useId } from 'react';
import { useTranslation } from 'react-i18next';

interface Props extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  /** Marks the field "(optional)" in the reader's language. */
  optional?: boolean;
  /** A line under the input, read out with it. */
  hint?: string;
  className?: string;
}

/** A labelled text input, the one shape every form here uses. */
export function TextField({ label, optional, hint, className, ...input }: Props) {
  const { t } = useTranslation();
  const hintId = useId();
  return (
    <label className={`field ${className ?? ''}`}>
      <span className="field-label">
        {label}
        {optional && <span className="field-optional"> {t('auth.optional')}</span>}
      </span>
      <input className="text-input" aria-describedby={hint ? hintId : undefined} {...input} />
      {hint && (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      )}
    </label>
  );
}
