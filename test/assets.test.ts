import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { makeTestApp, type TestApp } from './support/app.js';
import { builtStylesheet } from '../src/platform/http/built-assets.js';

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
    // Its fonts are addressed relative to USWDS's css folder, and are there.
    const font = /url\((\.\.\/fonts\/[^)]+\.woff2)\)/.exec(text)![1];
    expect((await get(new URL(font, `http://x${built!.href}`).pathname)).statusCode).toBe(200);
  });

  it('serves a favicon at the name browsers ask for and at the one the pages link', async () => {
    const page = await get('/');
    expect(page.body).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"/>');
    for (const url of ['/favicon.ico', '/assets/favicon.svg']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('image/svg+xml');
      expect(res.body).toContain('<svg');
    }
  });
});
