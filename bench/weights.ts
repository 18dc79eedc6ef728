/**
 * Weight of the parent pages on a first visit: bytes on the wire (compressed, headers excluded)
 * for the page and everything it loads, with an empty cache, in Chromium at a phone's width.
 * Goal (docs/benchmarks.md): under 150 KB per page.
 *
 *   npm run bench:weights
 */
import { launchChromium } from '../e2e/support/browser.js';
import { startServer } from '../e2e/support/server.js';
import { signedInParent } from './parent-session.js';
import { machineLine, stamp, table, verdict, writeSection } from './support.js';

const GOAL_KB = 150;
const PAGES: [string, string][] = [
  ['home', '/'],
  ['district', '/districts/lausd-sample'],
  ['sign-in', '/sign-in'],
  ['register', '/register'],
  ['status', '/status'],
  // Signed out, the request form sends the family to sign in first: this is that first visit.
  ['application (signed out: the sign-in it leads to)', '/apply/lausd-sample'],
];

async function main(): Promise<void> {
  const server = await startServer();
  const browser = await launchChromium();
  const rows: { name: string; kb: number; requests: number; largest: string }[] = [];
  try {
    // The request form itself, signed in (a parent and session written as bench/submit.ts does).
    const parent = await signedInParent(server);
    const pages: [string, string, string?][] = [...PAGES, ['application (signed in: the request form)', parent.formPath, parent.cookie]];
    for (const [name, path, cookie] of pages) {
      // A fresh context per page: an empty cache, as a family's first visit.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, extraHTTPHeaders: cookie ? { cookie } : undefined });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const urls = new Map<string, string>();
      const bytes = new Map<string, number>();
      cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
      cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
      await page.goto(server.url + path, { waitUntil: 'networkidle' });
      if (new URL(page.url()).pathname !== new URL(server.url + path).pathname && !name.includes('signed out')) throw new Error(`${path} ended at ${page.url()}`);
      let total = 0;
      let largest = ['', 0] as [string, number];
      for (const [id, n] of bytes) {
        total += n;
        // Named as a person reads it: the file's name without its fingerprint.
        if (n > largest[1]) largest = [new URL(urls.get(id) ?? server.url).pathname.split('/').pop()!.replace(/\.[0-9a-f]{12}\./, '.') || 'the page', n];
      }
      rows.push({ name, kb: total / 1024, requests: bytes.size, largest: `${largest[0]} (${(largest[1] / 1024).toFixed(1)} KB)` });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const body = rows.map((r) => [r.name, `${r.kb.toFixed(1)} KB`, r.requests, r.largest, verdict(r.kb < GOAL_KB)]);
  writeSection('weights', `
## Page weights on a first visit

\`npm run bench:weights\` — measured ${stamp()} on: ${machineLine()}.

Debian Chromium at 390×844 (a phone), one fresh browser context per page (an empty cache, as a
family's first visit), against the real server as the browser suite starts it. Bytes on the wire
as Chromium counts them (compressed, headers excluded), for the page and everything it loads
until the network is idle. The signed-in request form is a parent written into the server's
database as bench/submit.ts does, its session cookie sent by the browser. Before: the issue
measured 0.6–0.7 MB on every page (nothing compressed, USWDS's whole 527 KB stylesheet). The
baseline is the goal itself.

${table(['page', 'transferred', 'requests', 'largest item', `goal < ${GOAL_KB} KB`], body)}
`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
