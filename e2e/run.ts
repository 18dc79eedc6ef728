import { launchChromium } from './support/browser.js';
import { startServer } from './support/server.js';
import { parentJourney } from './journey.js';
import { publicPages } from './pages.js';
import { CLERK, adminPages, staffQueue } from './staff.js';
import { clerkDecides } from './decision.js';
import { twoDistrictHandoff } from './handoff.js';
import { phoneWidth } from './phone-width.js';
import { fileInputWordsInSpanish } from './file-input-words.js';
import { officeKeepsTheRoll } from './roll.js';
import { attendanceStory } from './attendance.js';
import type { JourneyResult } from './journey.js';
import { Driver, type Engine } from './engines/driver.js';
import { engineJourney, type EngineJourneyOptions } from './engines/journey.js';
import { chromiumEngine } from './engines/chromium.js';
import { launchFirefox } from './engines/firefox.js';
import { launchWebKit } from './engines/webkit.js';

/**
 * The browser suite: the parent's journey in English (desktop, JavaScript on) and in Spanish
 * (390×844 phone, JavaScript off), and every public page in both languages, each checked by axe;
 * then (APP-9) the parent's journey once more in each engine: Firefox on a phone, WebKit (Safari's
 * engine) on a desktop, Chromium on a tablet.
 * Ends with a plain "N passed, N failed" line.
 */
async function main(): Promise<number> {
  const server = await startServer();
  const browser = await launchChromium();
  let passed = 0;
  let failed = 0;
  // E2E_ONLY=<part of a suite's name> runs only the suites named so (e.g. E2E_ONLY=journey).
  const only = process.env.E2E_ONLY;
  const run = async (name: string, fn: () => Promise<string[]>) => {
    if (only && !name.includes(only)) return;
    const started = Date.now();
    let current = '';
    try {
      const visited = await fn();
      passed++;
      console.log(`✔ ${name} (${visited.length} pages checked by axe, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`✘ ${name}${current ? ` — at step "${current}"` : ''}\n  ${(e as Error).message.split('\n').join('\n  ')}`);
    }
    return (s: string) => (current = s);
  };
  try {
    let stepName = '';
    const step = (s: string) => {
      stepName = s;
    };
    await run('journey in English, desktop, JavaScript on', async () =>
      (await parentJourney(browser, server.url, server.dataDir, { name: 'en-desktop-js', language: 'en', viewport: { width: 1280, height: 900 }, javaScriptEnabled: true, mobile: false }, step).catch((e) => {
        throw new Error(`step "${stepName}": ${(e as Error).message}`);
      })).visited,
    );
    let spanish: JourneyResult | null = null;
    await run('journey in Spanish, 390×844 phone, JavaScript off', async () => {
      spanish = await parentJourney(browser, server.url, server.dataDir, { name: 'es-phone-nojs', language: 'es', viewport: { width: 390, height: 844 }, javaScriptEnabled: false, mobile: true }, step).catch((e) => {
        throw new Error(`step "${stepName}": ${(e as Error).message}`);
      });
      return spanish.visited;
    });
    // Before the clerk decides it: an undecided request still takes documents.
    await run('LNG-1 the file field speaks Spanish on a Spanish page, JavaScript on', () => {
      if (!spanish) throw new Error('the Spanish journey did not finish, so there is no request to upload to');
      return fileInputWordsInSpanish(browser, server.url, spanish);
    });
    await run('staff: CLI-made clerk activates and works the queue', () => staffQueue(browser, server.url, server.dataDir));
    await run('staff: the clerk takes the Spanish request to an approved permit; the parent reads it in Spanish', () => {
      if (!spanish) throw new Error('the Spanish journey did not finish, so there is no request to decide');
      return clerkDecides(browser, server.url, server.dataDir, CLERK, spanish);
    });
    await run("roll (ENR-7, ENR-3, WDR-3, WDR-1): the permit's pre-enrollment gets its first day, a no-show comes, a withdrawal to a private school with its affidavit; the parent reads it in Spanish on a phone", () => {
      if (!spanish) throw new Error('the Spanish journey did not finish, so there is no approved permit to enroll');
      return officeKeepsTheRoll(browser, server.url, server.dataDir, spanish);
    });
    await run('attendance (ATT-1, ATT-2, ATT-5, ATT-7, ATT-8): a teacher takes a period on a phone without JavaScript, a parent explains the absence in Spanish with a photo, the office accepts it, the third unexcused day sends the first truancy notification', () =>
      attendanceStory(browser, server.url, server.dataDir),
    );
    await run('staff: the first administrator invites a colleague, searches documents, reads the audit log', () => adminPages(browser, server.url, server.dataDir));
    await run('DEC-5 hand-off: Paramount releases, the release reaches Los Angeles, both approve, the parent reads one permit', () => twoDistrictHandoff(browser, server.url, server.dataDir));
    await run('phone width (issue 12): a 69-character email on a 390 px phone, the staff queue scrolling in its own box, the staff menu and queue rows at 1280 px', () => phoneWidth(browser, server.url, server.dataDir));
    await run('public pages in English', () => publicPages(browser, server.url, 'en'));
    await run('public pages in Spanish', () => publicPages(browser, server.url, 'es'));
    // APP-9: one journey per engine, written once against e2e/engines/driver.ts. The browser is
    // started inside the suite, so a missing one fails that suite alone, saying what to install.
    const inEngine = async (launch: () => Promise<Engine<unknown>>, o: EngineJourneyOptions) => {
      stepName = 'starting the browser';
      const driver = new Driver(await launch().catch((e) => {
        throw new Error(`step "${stepName}": ${(e as Error).message}`);
      }), server.url);
      try {
        return await engineJourney(driver, server.dataDir, o, step).catch((e) => {
          throw new Error(`step "${stepName}": ${(e as Error).message}`);
        });
      } finally {
        await driver.close();
      }
    };
    await run('APP-9 parent journey in Firefox, 390×844 phone, Spanish', () =>
      inEngine(() => launchFirefox({ width: 390, height: 844 }), { name: 'firefox-es-phone', language: 'es' }),
    );
    await run("APP-9 parent journey in WebKit (Safari's engine), desktop, English", () =>
      inEngine(() => launchWebKit({ width: 1280, height: 900 }), { name: 'webkit-en-desktop', language: 'en' }),
    );
    await run('APP-9 parent journey in Chromium, 820×1180 tablet, English', () =>
      inEngine(() => chromiumEngine(browser, { width: 820, height: 1180 }, true), { name: 'chromium-en-tablet', language: 'en' }),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
