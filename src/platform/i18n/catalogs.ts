import fs from 'node:fs';
import path from 'node:path';

/**
 * Message catalogs live in `locales/<language>/<namespace>.json` (LNG-2: a new language is
 * a new folder, no code change). Keys are `<namespace>.<dotted.path>`. Each language folder
 * has `_meta.json` with its own name ({"name": "Español"}).
 */
export type Catalog = Map<string, string>;
export interface Catalogs {
  languages: { code: string; name: string }[];
  defaultLanguage: string;
  messages: Map<string, Catalog>;
}

function flatten(prefix: string, value: unknown, into: Catalog, file: string): void {
  if (typeof value === 'string') {
    into.set(prefix, value);
    return;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, into, file);
    return;
  }
  throw new Error(`${file}: "${prefix}" must be a string or an object of strings`);
}

export function loadCatalogs(dir = path.resolve('locales'), defaultLanguage = 'en'): Catalogs {
  const messages = new Map<string, Catalog>();
  const languages: { code: string; name: string }[] = [];
  for (const code of fs.readdirSync(dir).sort()) {
    const langDir = path.join(dir, code);
    if (!fs.statSync(langDir).isDirectory()) continue;
    const catalog: Catalog = new Map();
    let name = code;
    for (const file of fs.readdirSync(langDir).sort()) {
      if (!file.endsWith('.json')) continue;
      const full = path.join(langDir, file);
      let data: unknown;
      try {
        data = JSON.parse(fs.readFileSync(full, 'utf8'));
      } catch (e) {
        throw new Error(`${full}: not valid JSON (${(e as Error).message})`);
      }
      if (file === '_meta.json') {
        name = String((data as { name?: string }).name ?? code);
        continue;
      }
      flatten(file.replace(/\.json$/, ''), data, catalog, full);
    }
    messages.set(code, catalog);
    languages.push({ code, name });
  }
  if (!messages.has(defaultLanguage)) throw new Error(`No catalog for the default language "${defaultLanguage}" in ${dir}`);
  // English first, then the others alphabetically.
  languages.sort((a, b) => (a.code === defaultLanguage ? -1 : b.code === defaultLanguage ? 1 : a.code.localeCompare(b.code)));
  return { languages, defaultLanguage, messages };
}
