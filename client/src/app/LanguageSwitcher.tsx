import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { currentUiLanguage, UI_LANGUAGES } from '../i18n/i18n.ts';

/** Each language is named in itself, so that anyone can find their own. */
const ENDONYMS: Record<(typeof UI_LANGUAGES)[number], string> = {
  en: 'English',
  fr: 'Français',
  es: 'Español',
};

/** Picks the interface language; i18next remembers the choice in localStorage. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="language-switcher">
      <label htmlFor={id} className="visually-hidden">
        {t('app.language')}
      </label>
      <select
        id={id}
        className="select"
        value={currentUiLanguage(i18n.resolvedLanguage)}
        onChange={(event) => void i18n.changeLanguage(event.target.value)}
      >
        {UI_LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {ENDONYMS[language]}
          </option>
        ))}
      </select>
    </div>
  );
}
