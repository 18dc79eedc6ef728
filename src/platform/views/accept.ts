/**
 * The `accept` attribute of a file input, with each extension in every mix of upper and lower
 * case ("pdf" → ".pdf,.pdF,…,.PDF").
 *
 * Why every case: browsers match `accept` without regard to case, but USWDS's file-input script
 * does not — it compares `file.name` against each token as written, and the file's MIME type
 * against the MIME tokens. iPhones name their photos `IMG_0042.HEIC`, Windows scanners write
 * `.PDF`, and Chromium gives a `.HEIC` file no MIME type at all, so with only ".heic" listed the
 * script refused the photo before it was sent. Listing every case needs no change to the vendored
 * script, and the native picker is as before (it compares extensions without regard to case, so
 * the extra tokens filter nothing more or less). The server trusts neither the name nor the
 * browser's type: it types each file from its bytes (DOC-6).
 */
export function acceptAttribute(extensions: readonly string[], mimeTypes: readonly string[]): string {
  const casings = (ext: string): string[] =>
    [...ext.toLowerCase()].reduce<string[]>(
      (found, ch) => found.flatMap((start) => (ch.toUpperCase() === ch ? [start + ch] : [start + ch, start + ch.toUpperCase()])),
      [''],
    );
  const tokens = extensions.flatMap((e) => casings(e.replace(/^\./, '')).map((c) => `.${c}`));
  return [...new Set([...tokens, ...mimeTypes])].join(',');
}
