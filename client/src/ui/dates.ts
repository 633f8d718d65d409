/** Formatters are costly to build; one per language serves every card. */
const formats = new Map<string, Intl.DateTimeFormat>();
export function dateTimeFormat(language: string | undefined): Intl.DateTimeFormat {
  const key = language ?? 'en';
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(key, { dateStyle: 'medium', timeStyle: 'short' });
    formats.set(key, format);
  }
  return format;
}
