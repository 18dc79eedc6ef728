import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { makeTestApp, type TestApp } from './support/app.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { IMMUTABLE, USWDS_DIST, builtStylesheet } from '../src/platform/http/built-assets.js';
import { CSP } from '../src/platform/http/security.js';
import { KEPT_BY_PREFIX } from '../scripts/stylesheet-keep.js';

/** Light pages on a phone plan (APP-9): compressed as the browser asks, and a favicon. */
describe('assets and compression', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({});
  });
  afterAll(async () => t.close());

  const get = (url: string, encoding?: string) => t.app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} });

  it('APP-9 a page is sent brotli-compressed when the browser takes brotli, and reads back the same', async () => {
    // The district page: long, and the same for every visitor (no human check, no tokens).
    const plain = await get('/districts/lausd-sample');
    const br = await get('/districts/lausd-sample', 'br, gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('accept-encoding');
    const inflated = zlib.brotliDecompressSync(br.rawPayload).toString('utf8');
    expect(inflated).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
  });

  it('APP-9 gzip for a browser that takes only gzip, and nothing compressed for one that takes neither', async () => {
    const gz = await get('/', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString('utf8')).toContain('<html');
    const none = await get('/');
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.body).toContain('<html');
  });

  it('APP-9 the stylesheet and scripts, the heaviest things a first visit loads, are compressed too', async () => {
    for (const url of ['/assets/uswds/css/uswds.min.css', '/assets/uswds/js/uswds.min.js', '/assets/app.css']) {
      const plain = await get(url);
      const br = await get(url, 'br');
      expect(plain.statusCode, url).toBe(200);
      if (plain.rawPayload.length < 1024) continue; // below the threshold, not worth a header
      expect(br.headers['content-encoding'], url).toBe('br');
      expect(zlib.brotliDecompressSync(br.rawPayload).equals(plain.rawPayload), url).toBe(true);
    }
  });

  it('APP-9 pages link the stylesheet built from USWDS\'s (npm test builds it first), by a hashed name cached for a year', async () => {
    const built = builtStylesheet();
    expect(built, 'build/uswds.min.css is made by `npm run build:assets`, run before `npm test`').not.toBeNull();
    const page = await get('/sign-in');
    expect(page.body).toContain(`<link rel="stylesheet" href="${built!.href}"/>`);
    expect(built!.href).toMatch(/^\/assets\/uswds\/css\/uswds\.[0-9a-f]{12}\.css$/);
    const css = await get(built!.href, 'br');
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const text = zlib.brotliDecompressSync(css.rawPayload).toString('utf8');
    // Far smaller than the whole (527 KB), and still styling what the pages and USWDS's script use.
    expect(text.length).toBeLessThan(250_000);
    expect(css.rawPayload.length).toBeLessThan(40_000);
    for (const cls of ['.usa-button', '.usa-alert--error', '.usa-file-input__target', '.usa-input--error', '.usa-table', '.usa-sr-only', '.usa-skipnav']) expect(text, cls).toContain(cls);
    // The fonts and pictures it names are fingerprinted too, each there and cached for a year.
    expect(text).not.toMatch(/url\(\s*['"]?\.\.\//);
    const named = [...new Set([...text.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1]!))];
    expect(named.some((u) => u.endsWith('.woff2'))).toBe(true);
    for (const url of named) {
      expect(url).toMatch(/^\/assets\/uswds\/(fonts|img)\/.+\.[0-9a-f]{12}\.(woff2|svg)$/);
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe(IMMUTABLE);
      expect(res.headers['content-type'], url).toMatch(url.endsWith('.svg') ? /^image\/svg\+xml/ : /^font\/woff2/);
    }
  });

  it('APP-9 the built stylesheet keeps every USWDS class our views and scripts name, responsive prefixes included', () => {
    const classes = (css: string) => new Set([...css.replace(/url\([^)]*\)|\/\*[\s\S]*?\*\//g, '').matchAll(/\.((?:[a-z]+\\:)?[a-zA-Z][\w-]*)/g)].map((m) => m[1]!.replace('\\:', ':')));
    const wholeCss = fs.readFileSync(path.join(USWDS_DIST, 'css/uswds.min.css'), 'utf8');
    const whole = classes(wholeCss);
    const built = classes(builtStylesheet()!.body.toString('utf8'));
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const named = new Set<string>();
    for (const f of [...files('src').filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts')), ...files('public').filter((f) => f.endsWith('.js'))]) {
      for (const word of fs.readFileSync(f, 'utf8').match(/[\w:-]+/g) ?? []) if (whole.has(word)) named.add(word);
    }
    // The views use a good part of USWDS, and at least one responsive class.
    expect(named.size).toBeGreaterThan(60);
    expect(named).toContain('tablet:grid-col-6');
    // A class may go only when every rule naming it also needs a class no view names
    // (`.usa-footer--slim .usa-footer__logo` on a footer without a logo).
    const selectors = [...wholeCss.replace(/url\([^)]*\)|\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{/g)].flatMap((m) => m[1]!.split(','));
    const lost = [...named].filter((c) => !built.has(c)).filter((c) =>
      selectors.some((sel) => {
        const inIt = [...classes(sel)];
        return inIt.includes(c) && inIt.every((x) => named.has(x));
      }),
    );
    expect(lost).toEqual([]);
    // And it is a fraction of the whole.
    expect(built.size).toBeLessThan(whole.size / 3);
  });

  it('APP-9 a USWDS class a view puts together at run time from parts is one the build keeps by its prefix', () => {
    // The build keeps a class only if a source file writes it out whole, or its prefix is kept
    // (scripts/stylesheet-keep.ts): `usa-table--${variant}` would lose the variant's rules.
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    // A class name cut short (ending in - or _) by a template's placeholder or a string joined to something.
    const cutShort = (text: string) => [...text.matchAll(/\b(usa-[\w-]*[-_])(?:\$\{|['"]\s*\+)/g)].map((m) => m[1]!);
    expect(cutShort('const c = `usa-table--${v}`;')).toEqual(['usa-table--']);
    expect(cutShort("const c = 'usa-table--' + v;")).toEqual(['usa-table--']);
    expect(cutShort('<table class="usa-table usa-table--stacked">')).toEqual([]);
    expect(cutShort('class={`usa-textarea${bad ? " usa-input--error" : ""}`}')).toEqual([]);
    const notKept: string[] = [];
    for (const f of files('src').filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'))) {
      for (const prefix of cutShort(fs.readFileSync(f, 'utf8'))) if (!KEPT_BY_PREFIX.some((re) => re.test(prefix))) notKept.push(`${f}: ${prefix}`);
    }
    expect(notKept).toEqual([]);
  });

  /** What a page's head links: each stylesheet, icon and script, in order. */
  const linked = (html: string) => {
    const head = /<head>([\s\S]*)<\/head>/.exec(html)![1]!;
    return {
      links: [...head.matchAll(/<link rel="(?:stylesheet|icon)" href="([^"]+)"/g)].map((m) => m[1]!),
      scripts: [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!),
    };
  };
  const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex').slice(0, 12);

  it('APP-9 every stylesheet, icon and script a page links has its content\'s hash in its name and is cached a year, immutable', async () => {
    const page = await get('/register'); // the page with a script of its own (the human check)
    const { links, scripts } = linked(page.body);
    const srcs = scripts.map((a) => /src="([^"]+)"/.exec(a)?.[1]);
    expect(srcs.length).toBeGreaterThanOrEqual(3);
    for (const href of [...links, ...srcs]) {
      expect(href, 'no inline script').toBeDefined();
      const m = /^\/assets\/.+\.([0-9a-f]{12})\.(css|js|svg)$/.exec(href!);
      expect(m, href).not.toBeNull();
      const res = await get(href!);
      expect(res.statusCode, href).toBe(200);
      expect(res.headers['cache-control'], href).toBe(IMMUTABLE);
      expect(sha(res.rawPayload), `${href} is named after what it serves`).toBe(m![1]);
    }
    expect(srcs.map((u) => u!.replace(/\.[0-9a-f]{12}\./, '.'))).toEqual(['/assets/uswds/js/uswds.min.js', '/assets/app.js', '/assets/human-check.js']);
    expect(links.map((u) => u.replace(/\.[0-9a-f]{12}\./, '.'))).toEqual(['/assets/favicon.svg', '/assets/uswds/css/uswds.css', '/assets/app.css']);
    // Our files under their new names are the files themselves.
    for (const [plain, file] of [['/assets/app.js', 'public/app.js'], ['/assets/app.css', 'public/app.css'], ['/assets/human-check.js', 'public/human-check.js']] as const) {
      const href = [...links, ...srcs].find((u) => u!.replace(/\.[0-9a-f]{12}\./, '.') === plain)!;
      expect((await get(href)).rawPayload.equals(fs.readFileSync(file)), plain).toBe(true);
    }
  });

  it('APP-9 scripts are deferred: none holds up the first paint, none runs inline, and the policy stays strict', async () => {
    for (const url of ['/', '/sign-in', '/register', '/status', '/districts/lausd-sample']) {
      const page = await get(url);
      const { scripts } = linked(page.body);
      expect(scripts.length, url).toBeGreaterThanOrEqual(2);
      for (const attrs of scripts) expect(attrs, url).toMatch(/^ src="\/assets\/[^"]+" defer$/);
      // USWDS's init script hid nothing these pages use until USWDS's script ran: it is not linked.
      expect(page.body, url).not.toContain('uswds-init');
      expect(page.headers['content-security-policy'], url).toBe(CSP);
    }
    expect(CSP).toContain("script-src 'self';");
    expect(CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('the plain names still answer, for a page kept from before a release, with a short cache', async () => {
    for (const [url, file] of [
      ['/assets/app.js', 'public/app.js'],
      ['/assets/app.css', 'public/app.css'],
      ['/assets/human-check.js', 'public/human-check.js'],
      ['/assets/favicon.svg', 'public/favicon.svg'],
      ['/assets/uswds/js/uswds.min.js', null],
      ['/assets/uswds/js/uswds-init.min.js', null],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('public, max-age=3600');
      if (file) expect(res.rawPayload.equals(fs.readFileSync(file)), url).toBe(true);
    }
  });

  it('serves a favicon at the name browsers ask for and at the one the pages link', async () => {
    const page = await get('/');
    expect(page.body).toMatch(/<link rel="icon" href="\/assets\/favicon\.[0-9a-f]{12}\.svg" type="image\/svg\+xml"\/>/);
    for (const url of ['/favicon.ico', '/assets/favicon.svg']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('image/svg+xml');
      expect(res.body).toContain('<svg');
    }
    // The icon a browser asks for by itself is kept a day, not fetched again on every page.
    expect((await get('/favicon.ico')).headers['cache-control']).toBe('public, max-age=86400');
    // Pages are never kept in a shared cache.
    expect(page.headers['cache-control']).toBe('no-store');
  });
});
