import { describe, expect, it } from 'vitest';
import { loadCatalogs } from './catalogs.js';
import { inLanguage, isCalendarDay, translator } from './translator.js';

const catalogs = loadCatalogs();

describe('translator dates', () => {
  it('writes a day out in each language, the same on every call (kept days stay per language)', () => {
    const en = translator(catalogs, 'en');
    const es = translator(catalogs, 'es');
    for (let i = 0; i < 3; i++) {
      expect(en.date('2026-03-13')).toBe('Friday, March 13, 2026');
      expect(es.date('2026-03-13')).toBe('viernes, 13 de marzo de 2026');
      // A timestamp is read as its day.
      expect(en.date('2026-03-14T23:59:00.000Z')).toBe('Saturday, March 14, 2026');
    }
  });

  it('stays right past the number of days it keeps', () => {
    const en = translator(catalogs, 'en');
    const start = Date.parse('2000-01-01T00:00:00Z');
    for (let i = 0; i < 25_000; i++) en.date(new Date(start + i * 86_400_000).toISOString());
    expect(en.date('2000-01-01')).toBe('Saturday, January 1, 2000');
    expect(en.date('2068-06-01')).toBe('Friday, June 1, 2068');
  });
});

describe('translator counts (LNG-1)', () => {
  it('LNG-1 writes a count as each language does: one form for one, another for the rest, never "(s)"', () => {
    const en = translator(catalogs, 'en');
    const es = translator(catalogs, 'es');
    expect(en.t('documents.upload.done', { count: 1 })).toBe('We received 1 file. You can download a receipt.');
    expect(en.t('documents.upload.done', { count: '5' })).toBe('We received 5 files. You can download a receipt.');
    expect(en.t('documents.upload.done', { count: 0 })).toBe('We received 0 files. You can download a receipt.');
    expect(es.t('documents.upload.done', { count: 1 })).toBe('Recibimos 1 archivo. Puede descargar un recibo.');
    expect(es.t('documents.upload.done', { count: 5 })).toBe('Recibimos 5 archivos. Puede descargar un recibo.');
    // Spanish's "many" (a million) falls back to the "other" form the catalog has.
    expect(es.t('documents.upload.done', { count: 1_000_000 })).toBe('Recibimos 1000000 archivos. Puede descargar un recibo.');
  });

  it('LNG-1 no message in any catalog writes a plural as "(s)" or "(es)"', () => {
    for (const [lang, catalog] of catalogs.messages) {
      for (const [key, text] of catalog) expect(text, `${lang} ${key}`).not.toMatch(/\w\((s|es)\)/);
    }
  });
});

describe('translator: days in messages (LNG-1)', () => {
  it('LNG-1 a day given to a message as YYYY-MM-DD is written out in the message\'s language, never shown as digits', () => {
    const en = translator(catalogs, 'en');
    const es = translator(catalogs, 'es');
    expect(en.t('decisions.errors.appealLate', { date: '2027-01-01' })).toBe('Refused as late: the last day to appeal was Friday, January 1, 2027. An appeal filed after it cannot be recorded.');
    expect(es.t('decisions.errors.appealLate', { date: '2027-01-01' })).toContain('el último día para apelar era viernes, 1 de enero de 2027.');
    // Already written out, or not a day at all: left as given.
    expect(en.t('students.list.born', { date: 'Friday, January 1, 2027' })).toBe('Born Friday, January 1, 2027');
    for (const notADay of ['2027-02-30', '2027-2028', '2027-01-01T08:00:00Z', '20270101', 'ABC-2027-01-01']) {
      expect(en.t('students.list.born', { date: notADay }), notADay).toBe(`Born ${notADay}`);
    }
  });

  it('isCalendarDay takes only real days', () => {
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2027-02-29')).toBe(false);
    expect(isCalendarDay('2027-13-01')).toBe(false);
    expect(isCalendarDay(' 2027-01-01')).toBe(false);
  });

  it('inLanguage gives a configuration label in the reader\'s language, English otherwise', () => {
    const label = { en: 'Sibling', es: 'Hermano o hermana' };
    expect(inLanguage(label, 'es')).toBe('Hermano o hermana');
    expect(inLanguage(label, 'en')).toBe('Sibling');
    expect(inLanguage(label, 'fr')).toBe('Sibling');
    expect(inLanguage(label, '__proto__')).toBe('Sibling');
  });
});
