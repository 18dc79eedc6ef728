import type { PageContext } from '../../../platform/views/context.js';

const LOCALES: Record<string, string> = { en: 'en-US', es: 'es-US' };
const formats = new Map<string, Intl.DateTimeFormat>();

function shortFormat(lang: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(Object.hasOwn(LOCALES, lang) ? LOCALES[lang] : lang, { month: 'short', day: 'numeric', year: 'numeric', timeZone });
    formats.set(key, f);
  }
  return f;
}

/** "Feb 3, 2027" / "3 feb 2027": a day short enough for a table cell, in the page's language. */
export function shortDate(lang: string, value: string, timeZone: string): string {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  return shortFormat(lang, dayOnly ? 'UTC' : timeZone).format(new Date(dayOnly ? `${value}T00:00:00Z` : value));
}

/**
 * A date in a table cell: short to the eye, on one line, with the whole date written out at hand
 * (the element's title for a pointer, and what a screen reader reads instead of the short form).
 * `value` is a day (YYYY-MM-DD) or a moment (ISO), which is shown in the district's time zone.
 */
export function ShortDate({ ctx, value, timeZone }: { ctx: PageContext; value: string; timeZone: string }) {
  const full = /^\d{4}-\d{2}-\d{2}$/.test(value) ? ctx.i18n.date(value) : ctx.i18n.dateTime(value);
  return (
    <time dateTime={value} title={full} class="app-nowrap">
      <span aria-hidden="true">{shortDate(ctx.lang, value, timeZone)}</span>
      <span class="usa-sr-only">{full}</span>
    </time>
  );
}
