import type { Catalogs } from './catalogs.js';
import { own } from '../own.js';

export type Params = Record<string, string | number | undefined | null>;
export type T = (key: string, params?: Params) => string;

export interface Translator {
  lang: string;
  t: T;
  /** "Friday, March 13, 2026" / "viernes, 13 de marzo de 2026" from a YYYY-MM-DD date. */
  date(isoDate: string): string;
  /** A date and time in the district's zone, written out. */
  dateTime(iso: string): string;
  bytes(n: number): string;
}

const LOCALES: Record<string, string> = { en: 'en-US', es: 'es-US' };

export function translator(catalogs: Catalogs, lang: string, timeZone = 'America/Los_Angeles'): Translator {
  const code = catalogs.messages.has(lang) ? lang : catalogs.defaultLanguage;
  const primary = catalogs.messages.get(code)!;
  const fallback = catalogs.messages.get(catalogs.defaultLanguage)!;
  const locale = own(LOCALES, code) ?? code;
  const plurals = pluralRules(locale);
  const fallbackPlurals = pluralRules(own(LOCALES, catalogs.defaultLanguage) ?? catalogs.defaultLanguage);
  // A message with a {count} may have one form per plural category, as its language writes them:
  // "x.one" / "x.other" in the catalog ("1 file", "5 files"; "1 archivo", "5 archivos").
  const lookup = (key: string, params?: Params): string | undefined => {
    const count = params?.count;
    if (count !== undefined && count !== null) {
      const n = Number(count);
      if (primary.has(`${key}.other`)) return primary.get(`${key}.${plurals.select(n)}`) ?? primary.get(`${key}.other`);
      if (!primary.has(key) && fallback.has(`${key}.other`)) return fallback.get(`${key}.${fallbackPlurals.select(n)}`) ?? fallback.get(`${key}.other`);
    }
    return primary.get(key) ?? fallback.get(key);
  };
  const { dateFmt, dtFmt, nf, dates } = formatters(locale, timeZone);
  const date = (isoDate: string): string => {
    const day = isoDate.slice(0, 10);
    let text = dates.get(day);
    if (text === undefined) {
      text = dateFmt.format(new Date(`${day}T00:00:00Z`));
      if (dates.size >= DATES_KEPT) dates.clear();
      dates.set(day, text);
    }
    return text;
  };
  // A message never shows a day as digits (LNG-1, "Dates are written out"): a parameter that is a
  // calendar day (YYYY-MM-DD, a real one) is written out in the message's language, whoever passed
  // it (a service's refusal, a sweeper's email). Anything else is left as given.
  const t: T = (key, params) => {
    const template = lookup(key, params);
    if (template === undefined) return key; // visible, and caught by the catalog test
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = params[name];
      if (v === undefined || v === null) return '';
      return typeof v === 'string' && isCalendarDay(v) ? date(v) : String(v);
    });
  };
  return {
    lang: code,
    t,
    date,
    dateTime: (iso) => dtFmt.format(new Date(iso)),
    bytes: (n) => {
      if (n < 1024) return `${nf.format(n)} B`;
      if (n < 1024 * 1024) return `${nf.format(n / 1024)} KB`;
      return `${nf.format(n / 1024 / 1024)} MB`;
    },
  };
}

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;
/** "2027-01-01" is a day; "2027-02-30", "2027-2028" and "2027-01-01T08:00" are not. */
export function isCalendarDay(s: string): boolean {
  if (!CALENDAR_DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * A label of the district's configuration (`{ en, es, … }`) in the reader's language, English
 * when the configuration has none in it.
 */
export function inLanguage(label: { en: string }, lang: string): string {
  return own(label as Record<string, string>, lang) ?? label.en;
}

/**
 * Building an Intl formatter costs more than rendering a whole page; there are only a few
 * language × time zone pairs, so each is built once and kept. Formatting a date costs ~2.5 µs
 * of ICU, and a staff page writes a hundred of them, mostly the same few (due dates, the
 * days requests came in, birthdays): the written-out days are kept too, up to DATES_KEPT.
 */
const DATES_KEPT = 20_000;
/** Every request has a translator: its plural rules, built once per language, not twice a request. */
const plurals = new Map<string, Intl.PluralRules>();
function pluralRules(locale: string): Intl.PluralRules {
  let p = plurals.get(locale);
  if (!p) plurals.set(locale, (p = new Intl.PluralRules(locale)));
  return p;
}
const cache = new Map<string, { dateFmt: Intl.DateTimeFormat; dtFmt: Intl.DateTimeFormat; nf: Intl.NumberFormat; dates: Map<string, string> }>();
function formatters(locale: string, timeZone: string) {
  const key = `${locale}|${timeZone}`;
  let f = cache.get(key);
  if (!f) {
    f = {
      dateFmt: new Intl.DateTimeFormat(locale, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }),
      dtFmt: new Intl.DateTimeFormat(locale, {
        weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short',
      }),
      nf: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }),
      dates: new Map(),
    };
    cache.set(key, f);
  }
  return f;
}
