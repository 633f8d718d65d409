import i18next, { type BackendModule, type ReadCallback } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { en, type Messages } from './en.ts';

export const UI_LANGUAGES = ['en', 'fr', 'es'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/** Where the chosen language is remembered. */
export const LANGUAGE_STORAGE_KEY = 'margins.language';

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Messages };
  }
}

/**
 * English is in the first download (it is also the fallback for any missing key); the other
 * catalogues are fetched when they are needed, each about 5 kB compressed.
 */
const CATALOGUES: Record<Exclude<UiLanguage, 'en'>, () => Promise<Messages>> = {
  fr: async () => (await import('./fr.ts')).fr,
  es: async () => (await import('./es.ts')).es,
};

/** An i18next backend that reads a catalogue from its chunk. */
const catalogueBackend: BackendModule = {
  type: 'backend',
  init() {},
  read(language: string, _namespace: string, callback: ReadCallback) {
    const load = CATALOGUES[language as keyof typeof CATALOGUES];
    if (!load) return callback(null, {});
    load().then(
      (messages) => callback(null, messages),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

/**
 * Starts i18next: the remembered choice first, else the browser's language, else English. The
 * promise settles once that language's catalogue is in, so render after it to avoid a first
 * paint in English for a French or Spanish reader. `changeLanguage` likewise switches only once
 * the new catalogue has arrived.
 */
export async function initI18n(): Promise<typeof i18next> {
  const syncHtmlLang = (lng: string) => {
    document.documentElement.lang = lng;
  };
  i18next.on('languageChanged', syncHtmlLang);
  await i18next
    .use(LanguageDetector)
    .use(initReactI18next)
    .use(catalogueBackend)
    .init({
      resources: { en: { translation: en } },
      // Bundled English does not stop the backend from loading the others.
      partialBundledLanguages: true,
      supportedLngs: UI_LANGUAGES,
      nonExplicitSupportedLngs: true,
      fallbackLng: 'en',
      interpolation: { escapeValue: false }, // React escapes already
      detection: {
        order: ['localStorage', 'navigator'],
        lookupLocalStorage: LANGUAGE_STORAGE_KEY,
        caches: ['localStorage'],
      },
    })
    // A catalogue that cannot be fetched leaves the interface in English rather than blank.
    .catch(() => undefined);
  syncHtmlLang(i18next.resolvedLanguage ?? 'en');
  return i18next;
}

/** The UI language in effect, narrowed to the ones we ship. */
export function currentUiLanguage(language: string | undefined): UiLanguage {
  const base = (language ?? 'en').split('-')[0];
  return (UI_LANGUAGES as readonly string[]).includes(base ?? '') ? (base as UiLanguage) : 'en';
}
