import { describe, expect, it } from 'vitest';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';

describe('message catalogs', () => {
  const catalogs = loadCatalogs();
  const en = catalogs.messages.get('en')!;

  it('LNG-1 every English message exists in Spanish', () => {
    const es = catalogs.messages.get('es')!;
    const missing = [...en.keys()].filter((k) => !es.has(k));
    expect(missing).toEqual([]);
  });

  it('LNG-1 Spanish has no message that English lacks (no stale keys)', () => {
    const es = catalogs.messages.get('es')!;
    expect([...es.keys()].filter((k) => !en.has(k))).toEqual([]);
  });

  it('LNG-1 every placeholder of an English message is used in its Spanish version', () => {
    const es = catalogs.messages.get('es')!;
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const wrong = [...en.entries()].filter(([k, v]) => es.has(k) && placeholders(v).join() !== placeholders(es.get(k)!).join()).map(([k]) => k);
    expect(wrong).toEqual([]);
  });

  it('LNG-2 languages come from the catalog folders, each with its own name', () => {
    expect(catalogs.languages.map((l) => l.code)).toEqual(['en', 'es']);
    expect(catalogs.languages.find((l) => l.code === 'es')?.name).toBe('Español');
  });
});
