/**
 * Lighthouse (mobile: its default emulated phone, simulated slow 4G and a 4× slower CPU) scores
 * the six parent pages for performance and accessibility, against the real server as the browser
 * suite starts it, in Debian's Chromium. Goal (docs/benchmarks.md): performance ≥ 95 and
 * accessibility 100 on each page.
 *
 *   npm run bench:lighthouse
 *
 * BENCH_LIGHTHOUSE_RUNS (default 5) runs per page; the median score is kept, as Lighthouse's own
 * guidance on variability advises. The reports of the last run go to test-results/lighthouse/.
 */
import fs from 'node:fs';
import path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { startServer } from '../e2e/support/server.js';
import { signedInParent } from './parent-session.js';
import { ROOT, env, machineLine, stamp, table, verdict, writeSection } from './support.js';

const RUNS = env('BENCH_LIGHTHOUSE_RUNS', 5);
const PERFORMANCE_GOAL = 95;
const ACCESSIBILITY_GOAL = 100;
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface PageRun {
  performance: number;
  accessibility: number;
  metrics: Record<string, number>;
  failing: string[];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const server = await startServer();
  const reports = path.join(ROOT, 'test-results/lighthouse');
  fs.mkdirSync(reports, { recursive: true });
  const rows: { name: string; path: string; runs: PageRun[] }[] = [];
  try {
    const parent = await signedInParent(server);
    const pages: [string, string, string?][] = [
      ['home', '/'],
      ['district', '/districts/lausd-sample'],
      ['sign-in', '/sign-in'],
      ['register', '/register'],
      ['status', '/status'],
      ['application (signed in)', parent.formPath, parent.cookie],
    ];
    for (const [name, pagePath, cookieHeader] of pages) {
      const runs: PageRun[] = [];
      for (let i = 0, retries = 0; i < RUNS; i++) {
        // A browser of its own for each run: nothing left from another page (a cookie the
        // sign-in page set would otherwise stand beside the signed-in parent's).
        const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', chromeFlags: FLAGS });
        let result;
        try {
          result = await lighthouse(
            server.url + pagePath,
            { port: chrome.port, output: 'html', logLevel: 'error', onlyCategories: ['performance', 'accessibility'], extraHeaders: cookieHeader ? { Cookie: cookieHeader } : undefined },
          );
        } finally {
          chrome.kill();
        }
        if (!result) throw new Error(`Lighthouse gave no result for ${pagePath}`);
        const lhr = result.lhr;
        // A trace Lighthouse failed to record (NO_NAVSTART and the like, on a busy machine) is
        // its own failure, not the page's: that run is taken again, a few times at most.
        if (lhr.runtimeError && retries < 3) {
          console.warn(`${name}: ${lhr.runtimeError.code}, run again`);
          retries++;
          i--;
          continue;
        }
        if (lhr.runtimeError) throw new Error(`Lighthouse on ${pagePath}: ${lhr.runtimeError.message}`);
        const final = new URL(lhr.finalDisplayedUrl).pathname;
        if (final !== new URL(server.url + pagePath).pathname) throw new Error(`${pagePath} ended at ${final}: not the page meant`);
        const audit = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
        runs.push({
          performance: Math.round((lhr.categories.performance!.score ?? 0) * 100),
          accessibility: Math.round((lhr.categories.accessibility!.score ?? 0) * 100),
          metrics: {
            fcp: audit('first-contentful-paint'),
            lcp: audit('largest-contentful-paint'),
            tbt: audit('total-blocking-time'),
            cls: audit('cumulative-layout-shift'),
            si: audit('speed-index'),
          },
          // What Lighthouse holds against the page: failed audits that weigh in a category, and
          // opportunities worth at least 50 ms.
          failing: Object.values(lhr.audits)
            .filter((a) => (a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual' && a.scoreDisplayMode !== 'notApplicable') || ((a.details as { overallSavingsMs?: number } | undefined)?.overallSavingsMs ?? 0) >= 50)
            .map((a) => `${a.id}${a.displayValue ? ` (${a.displayValue.replace(/^Potential savings of /, 'could save ')})` : ''}`),
        });
        if (i === RUNS - 1) fs.writeFileSync(path.join(reports, `${name.split(' ')[0]}.html`), result.report as string);
        console.log(`${name}: performance ${runs.at(-1)!.performance}, accessibility ${runs.at(-1)!.accessibility}; ${runs.at(-1)!.failing.join(', ') || 'nothing held against it'}`);
      }
      rows.push({ name, path: pagePath.replace(/=[\w-]{10,}/g, '=…'), runs });
    }
  } finally {
    await server.stop();
  }

  const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  const body = rows.map((r) => {
    const perf = median(r.runs.map((x) => x.performance));
    const a11y = median(r.runs.map((x) => x.accessibility));
    const m = (k: string) => median(r.runs.map((x) => x.metrics[k]!));
    // Named as in the last run (figures in brackets vary from run to run).
    const held = r.runs.at(-1)!.failing.join('; ') || '—';
    return [r.name, `\`${r.path}\``, `${perf} (${r.runs.map((x) => x.performance).join(', ')})`, verdict(perf >= PERFORMANCE_GOAL), `${a11y}`, verdict(a11y >= ACCESSIBILITY_GOAL), fmt(m('fcp')), fmt(m('lcp')), fmt(m('tbt')), m('cls').toFixed(3), held];
  });
  writeSection('lighthouse', `
## Lighthouse (mobile)

\`npm run bench:lighthouse\` — measured ${stamp()} on: ${machineLine()}.

Lighthouse 12.2.3 with its default mobile settings (an emulated Moto G Power, simulated slow 4G,
CPU 4× slower), performance and accessibility only, in Debian's Chromium (\`${FLAGS.join(' ')}\`),
against the real server as the browser suite starts it (\`npm start\`'s code, a fresh data folder,
the built stylesheet). Simulated throttling scales the main-thread time it observes, so a busy
machine (see the load averages) lowers the performance scores. ${RUNS} runs per page, each with an empty cache; the score is the median
(each run in brackets), the timings are medians too. The application form is the signed-in
parent's (a parent, a student and a session written into the server's database as bench/submit.ts
does, step 1 posted through the server, the session cookie sent by Lighthouse). "Held against" lists, from the last run, the audits that did not pass
(score under 0.9) or would save 50 ms or more, with what Lighthouse says of them.

${table(['page', 'path', 'performance', `goal ≥ ${PERFORMANCE_GOAL}`, 'accessibility', `goal ${ACCESSIBILITY_GOAL}`, 'FCP', 'LCP', 'TBT', 'CLS', 'held against'], body)}
`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
