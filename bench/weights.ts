/**
 * Weight of the parent pages on a first visit: bytes on the wire (compressed, headers excluded)
 * for the page and everything it loads, with an empty cache, in Chromium at a phone's width.
 * Goal (docs/benchmarks.md): under 150 KB per page.
 *
 *   npm run bench:weights
 */
import { launchChromium } from '../e2e/support/browser.js';
import { startServer } from '../e2e/support/server.js';

const GOAL_KB = 150;
const PAGES: [string, string][] = [
  ['home', '/'],
  ['district', '/districts/lausd-sample'],
  ['sign-in', '/sign-in'],
  ['register', '/register'],
  ['status', '/status'],
  // Signed out, the request form sends the family to sign in first: this is that first visit.
  ['application (signed out)', '/apply/lausd-sample'],
];

async function main(): Promise<void> {
  const server = await startServer();
  const browser = await launchChromium();
  const rows: { name: string; kb: number; requests: number; largest: string }[] = [];
  try {
    for (const [name, path] of PAGES) {
      // A fresh context per page: an empty cache, as a family's first visit.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const urls = new Map<string, string>();
      const bytes = new Map<string, number>();
      cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
      cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
      await page.goto(server.url + path, { waitUntil: 'networkidle' });
      let total = 0;
      let largest = ['', 0] as [string, number];
      for (const [id, n] of bytes) {
        total += n;
        if (n > largest[1]) largest = [new URL(urls.get(id) ?? server.url).pathname, n];
      }
      rows.push({ name, kb: total / 1024, requests: bytes.size, largest: `${largest[0]} (${(largest[1] / 1024).toFixed(1)} KB)` });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log(`| page | transferred | requests | largest | goal < ${GOAL_KB} KB |`);
  console.log('|---|---:|---:|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.kb.toFixed(1)} KB | ${r.requests} | ${r.largest} | ${r.kb < GOAL_KB ? 'met' : 'not met'} |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
