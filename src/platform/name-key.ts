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

/**
 * How many characters of a pair's first word its key keeps (docs/adr/0022): a pair of typed words
 * is looked up by the first PAIR_HEAD characters of one of them, whole, and the start of the other.
 */
export const PAIR_HEAD = 3;

/** The first PAIR_HEAD characters (code points) of a word. */
const head = (word: string) => [...word].slice(0, PAIR_HEAD).join('');

/**
 * The pair keys of a request's name words (`nameWords()`), for a search of two or more words
 * that are each common but rare together ("mateo lopez"): for every two different words, in both
 * orders, the first PAIR_HEAD characters of the one, a space, and the other whole ("mat lopez",
 * "lop mateo"). Two words of which one starts the other ("oneil", "oneilhernandez") make no pair:
 * two typed words that start them both start one word, and that search does not use the pairs.
 */
export function namePairs(words: string[]): string[] {
  const pairs = new Set<string>();
  for (const a of words) for (const b of words) if (!a.startsWith(b) && !b.startsWith(a)) pairs.add(`${head(a)} ${b}`);
  return [...pairs];
}

/**
 * The pair key start that finds, in the pair keys (`namePairs()`), every request whose names
 * have a word starting with each of two typed words (keyed by `searchWords()`), and which of them
 * it checks whole (`second`; the other only by its first PAIR_HEAD characters). The two are
 * chosen so that the most typed characters count: the longest word whole, after the first
 * PAIR_HEAD characters of another of at least PAIR_HEAD characters (the shortest such, which
 * loses the least). Undefined when no two typed words qualify: fewer than two words, none of
 * PAIR_HEAD characters, or words of which one starts the other (they may both start one word of
 * a name, and a pair is of two different words).
 */
export function searchPair(typed: string[]): { key: string; first: number; second: number } | undefined {
  let best: { key: string; first: number; second: number; score: [number, number] } | undefined;
  typed.forEach((a, first) => {
    const length = [...a].length;
    if (length < PAIR_HEAD) return;
    typed.forEach((b, second) => {
      if (first === second || a.startsWith(b) || b.startsWith(a)) return;
      const score: [number, number] = [[...b].length, -length];
      if (!best || score[0] > best.score[0] || (score[0] === best.score[0] && score[1] > best.score[1])) best = { key: `${head(a)} ${b}`, first, second, score };
    });
  });
  return best && { key: best.key, first: best.first, second: best.second };
}
