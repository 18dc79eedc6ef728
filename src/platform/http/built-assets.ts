import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where `npm run build:assets` writes the stylesheet built from USWDS's (scripts/build-assets.ts). */
export const BUILT_CSS = path.resolve('build/uswds.min.css');

export interface Stylesheet {
  /** The address the pages link: its content's hash in the name, so it can be cached for a year. */
  href: string;
  body: Buffer;
}

/**
 * The built stylesheet, or null when it has not been built (then the pages link USWDS's whole
 * stylesheet, heavier but complete). Read once at start.
 */
export function loadBuiltStylesheet(): Stylesheet | null {
  if (!fs.existsSync(BUILT_CSS)) return null;
  const body = fs.readFileSync(BUILT_CSS);
  const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 12);
  // Beside USWDS's own css folder, so its relative font and image addresses still resolve.
  return { href: `/assets/uswds/css/uswds.${hash}.css`, body };
}

let loaded: Stylesheet | null | undefined;
/** The same stylesheet for the app's routes and for every page's link, read on first use. */
export function builtStylesheet(): Stylesheet | null {
  if (loaded === undefined) loaded = loadBuiltStylesheet();
  return loaded;
}

/** What the pages link: the built stylesheet when there is one, else USWDS's whole one. */
export function stylesheetHref(): string {
  return builtStylesheet()?.href ?? '/assets/uswds/css/uswds.min.css';
}
