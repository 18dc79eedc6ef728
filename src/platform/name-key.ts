/**
 * Search keys for people's names, so that the staff queue finds "López" when staff type "lop"
 * (docs/adr/0013). A key is the name decomposed (NFD), without its combining marks (accents,
 * tildes, cedillas), lower-cased, and with everything but letters and digits dropped: spaces,
 * hyphens and apostrophes ("O’Brien" and "O'Brien" are both "obrien"), and LIKE wildcards typed
 * in the search box. The same function keys the stored names (the insert path, and migration
 * 0007 for the rows before it) and the words typed by staff: change it only with a migration that
 * computes every stored key again.
 *
 * Letters that do not decompose keep their own letter ("ø", "ł", "ß"), as in the public look-up.
 */
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** Both keys of a request's student, as stored on `applications`. */
export function studentNameKeys(row: { student_first_name: string; student_last_name: string }): {
  student_first_name_key: string;
  student_last_name_key: string;
} {
  return { student_first_name_key: nameKey(row.student_first_name), student_last_name_key: nameKey(row.student_last_name) };
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
