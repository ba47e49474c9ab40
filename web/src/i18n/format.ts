import type { Lang } from './i18n.tsx';

/**
 * Dates and numbers written the way each language reads them, with the style fixed here rather
 * than left to the browser's defaults: "7 Dec 2026, 17:20" in English (day first, month in
 * words, so no reader mistakes 07/12 for July), "7 ธ.ค. 2569 17:20" in Thai (the Buddhist year
 * Thai readers expect).
 */
const LOCALES: Record<Lang, string> = { en: 'en-GB', th: 'th-TH' };
const dateTimeFormats = new Map<Lang, Intl.DateTimeFormat>();
const dateFormats = new Map<Lang, Intl.DateTimeFormat>();
const numberFormats = new Map<Lang, Intl.NumberFormat>();

function cached<F>(map: Map<Lang, F>, lang: Lang, make: (locale: string) => F): F {
  let format = map.get(lang);
  if (!format) {
    format = make(LOCALES[lang]);
    map.set(lang, format);
  }
  return format;
}

/** A moment (ISO 8601 from the API) with its time; '–' when there is none. */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '–';
  const format = cached(
    dateTimeFormats,
    lang,
    (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
  );
  return format.format(new Date(iso));
}

/** A day (ISO 8601 date or moment); '–' when there is none. */
export function formatDay(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '–';
  const format = cached(
    dateFormats,
    lang,
    (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }),
  );
  return format.format(new Date(iso));
}

/** A count with the language's digit grouping (12,345). */
export function formatCount(value: number, lang: Lang): string {
  return cached(numberFormats, lang, (locale) => new Intl.NumberFormat(locale)).format(value);
}
