import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Where `npm run build:assets` writes the stylesheet built from USWDS's (scripts/build-assets.ts). */
export const BUILT_CSS = path.resolve('build/uswds.min.css');
/** Our own scripts, stylesheet and pictures, served under /assets/. */
export const PUBLIC_DIR = path.resolve('public');
/** USWDS's dist folder (the package's main file is dist/js/uswds.min.js), served under /assets/uswds/. */
export const USWDS_DIST = path.resolve(path.dirname(require.resolve('@uswds/uswds')), '..');

/** A cache a year long is safe for these: a new content is a new name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface Asset {
  /** The address the pages link: its content's hash in the name. */
  href: string;
  body: Buffer;
  type: string;
}

export interface Assets {
  /** Each fingerprinted address and what it serves. */
  files: Map<string, Asset>;
  /** The plain address the code names (`/assets/app.js`) → its fingerprinted one. */
  names: Map<string, string>;
  /** The built stylesheet, or null when it has not been built. */
  stylesheet: Asset | null;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const hashOf = (body: Buffer): string => crypto.createHash('sha256').update(body).digest('hex').slice(0, 12);

/** `/assets/app.js` → `/assets/app.<hash>.js` (the hash goes before the last extension). */
function fingerprinted(address: string, body: Buffer): string {
  const dot = address.lastIndexOf('.');
  return `${address.slice(0, dot)}.${hashOf(body)}${address.slice(dot)}`;
}

/** Where a plain /assets/ address is on disk, or null when it names nothing we serve. */
function fileOf(address: string): string | null {
  const [root, rest] = address.startsWith('/assets/uswds/') ? [USWDS_DIST, address.slice('/assets/uswds/'.length)] : [PUBLIC_DIR, address.slice('/assets/'.length)];
  const file = path.resolve(root, rest);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return null;
  return file;
}

/**
 * Every asset a page loads, each under a name carrying its content's hash, read once at start:
 * our own files (public/), USWDS's script, the built stylesheet and the fonts and pictures the
 * stylesheets name. A stylesheet's relative `url(…)`s are rewritten to the fingerprinted names of
 * the files they point at, so a page, its stylesheet and the stylesheet's fonts can all be cached
 * for a year. The names are worked out from the files themselves whenever the app starts, so
 * they can never disagree with what is served (a file edited between builds just gets a new name).
 */
export function loadAssets(): Assets {
  const files = new Map<string, Asset>();
  const names = new Map<string, string>();
  const add = (address: string, body: Buffer, href = fingerprinted(address, body)): Asset => {
    const asset = { href, body, type: TYPES[path.extname(address)] ?? 'application/octet-stream' };
    files.set(href, asset);
    names.set(address, href);
    return asset;
  };
  const addFile = (address: string): string | null => {
    if (names.has(address)) return names.get(address)!;
    const file = fileOf(address);
    if (!file) return null;
    const body = fs.readFileSync(file);
    return add(address, path.extname(file) === '.css' ? Buffer.from(rewriteUrls(body.toString('utf8'), address)) : body).href;
  };
  /** Relative addresses in a stylesheet, made fingerprinted absolute ones (unknown ones left alone). */
  const rewriteUrls = (css: string, base: string): string =>
    css.replace(/url\(\s*(['"]?)([^)'"]+)\1\s*\)/g, (whole, _q: string, target: string) => {
      if (/^(data:|https?:|\/\/|#)/.test(target)) return whole;
      const address = new URL(target, `http://x${base}`).pathname;
      const href = address.startsWith('/assets/') ? addFile(address) : null;
      return href ? `url(${href})` : whole;
    });

  for (const name of fs.readdirSync(PUBLIC_DIR).sort()) addFile(`/assets/${name}`);
  addFile('/assets/uswds/js/uswds.min.js');

  let stylesheet: Asset | null = null;
  if (fs.existsSync(BUILT_CSS)) {
    // Named as if beside USWDS's own css folder, which its relative addresses are written from.
    const base = '/assets/uswds/css/uswds.min.css';
    const body = Buffer.from(rewriteUrls(fs.readFileSync(BUILT_CSS, 'utf8'), base));
    stylesheet = { href: `/assets/uswds/css/uswds.${hashOf(body)}.css`, body, type: TYPES['.css']! };
    files.set(stylesheet.href, stylesheet);
  }
  return { files, names, stylesheet };
}

let loaded: Assets | undefined;
/** The same assets for the app's routes and for every page's links, read on first use. */
export function assets(): Assets {
  if (loaded === undefined) loaded = loadAssets();
  return loaded;
}

/**
 * The built stylesheet, or null when it has not been built (then the pages link USWDS's whole
 * stylesheet, heavier but complete).
 */
export function builtStylesheet(): Asset | null {
  return assets().stylesheet;
}

/** What the pages link: the built stylesheet when there is one, else USWDS's whole one. */
export function stylesheetHref(): string {
  return builtStylesheet()?.href ?? '/assets/uswds/css/uswds.min.css';
}

/** The fingerprinted address of an asset the code names by its plain one (itself when unknown). */
export function assetHref(address: string): string {
  return assets().names.get(address) ?? address;
}
