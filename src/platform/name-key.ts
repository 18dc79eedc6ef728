/**
 * Search keys for people's names, so that the staff queue finds "López" when staff type "lop"
 * (docs/adr/0013, 0022). A key is a name decomposed (NFD), without its combining marks (accents,
 * tildes, cedillas), lower-cased, and with everything but letters and digits dropped: apostrophes
 * ("O’Brien" and "O'Brien" are both "obrien"), and LIKE wildcards typed in the search box. The
 * same function keys the stored name words (the insert path, and migration 0012 for the rows
 * before it) and the words typed by staff: change it only with a migration that computes every
 * stored word again.
 *
 * Letters that do not decompose keep their own letter ("ø", "ł", "ß"), as in the public look-up.
 */
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** What separates the words of a name: spaces, hyphens (any dash) and periods ("St. John"). */
const WORD_BREAK = /[\s\p{Pd}.]+/u;
/** Apostrophes as people type them: straight, curly, the modifier letter, the backtick. */
const APOSTROPHE = /['’ʼ‘`]/u;

/**
 * The search words of a student's names (first, middle if any, last), as the staff queue finds
 * them (docs/adr/0022), without repeats:
 * - each word of each name, split at spaces, hyphens and periods, keyed by `nameKey()`:
 *   "María José O'Neil-Hernández" → `maria`, `jose`, `oneil`, `hernandez`;
 * - a word with an apostrophe also by what follows it, as staff may type it without the particle
 *   ("O'Neil" → `oneil` and `neil`; "D’Angelo" → `dangelo` and `angelo`); what comes before it
 *   ("o") starts the whole word already;
 * - a name of several words also whole, as staff may type it in one ("delacruz", "mariajose",
 *   "oneilhernandez"), as the search before name words matched it.
 */
export function nameWords(...names: (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  const add = (key: string) => {
    if (key) words.add(key);
  };
  for (const name of names) {
    if (!name) continue;
    const parts = name.split(WORD_BREAK).filter((p) => nameKey(p));
    for (const part of parts) {
      add(nameKey(part));
      const pieces = part.split(APOSTROPHE);
      for (let i = 1; i < pieces.length; i++) add(nameKey(pieces.slice(i).join('')));
    }
    if (parts.length > 1) add(nameKey(name));
  }
  return [...words];
}

/**
 * The words staff typed in the search box, keyed as the stored ones: split at spaces, hyphens
 * and periods, then `nameKey()` (so "O'Neil" is `oneil`, and LIKE wildcards are dropped, never
 * obeyed); words that key to nothing are left out, and a repeated word counts once.
 */
export function searchWords(term: string): string[] {
  return [...new Set(term.split(WORD_BREAK).map(nameKey).filter(Boolean))];
}

/**
 * The half-open range `[from, to)` of keys that start with `prefix`, in code-point order (UTF-8
 * byte order: SQLite's BINARY collation, PostgreSQL's "C"), so that a plain b-tree index serves a
 * prefix search: `to` is `prefix` with its last character replaced by the next one. An empty
 * prefix has no upper bound.
 */
export function prefixRange(prefix: string): { from: string; to: string | null } {
  const chars = [...prefix];
  while (chars.length) {
    const last = chars.pop()!.codePointAt(0)!;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000; // no surrogates in a string's code points
    if (next <= 0x10ffff) return { from: prefix, to: chars.join('') + String.fromCodePoint(next) };
  }
  return { from: prefix, to: null };
}
