import type { Browser, Locator } from 'playwright-core';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { translator } from '../src/platform/i18n/translator.js';
import { checkA11y } from './support/browser.js';
import type { JourneyResult } from './journey.js';
import { samplePdf } from '../test/support/files.js';

const catalogs = loadCatalogs();

/** USWDS's own English words for the file field, none of which a Spanish page may show. */
const ENGLISH = /Drag files|choose from folder|Choose from folder|No files? selected|Selected file|files selected|Change files?|You have selected|not a valid file type/;

/**
 * LNG-1: the file field's own words in Spanish on a Spanish page, with JavaScript on (USWDS's
 * file-input script writes them in English; public/file-input-words.js puts the page's words in
 * place). The Spanish family, in a browser set to English, opens its undecided request in
 * Spanish: the field invites in Spanish, then names one file, then two, then refuses a text
 * file, in Spanish each time (what is shown and what a screen reader hears). axe checks the page.
 */
export async function fileInputWordsInSpanish(browser: Browser, baseUrl: string, parent: JourneyResult): Promise<string[]> {
  const visited: string[] = [];
  const es = translator(catalogs, 'es').t;
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const k = 'common.fileInput';
  /** The field's words as a person sees them and as a screen reader hears them. */
  const words = async (zone: Locator) => ({
    shown: (await zone.innerText()).replace(/\s+/g, ' ').trim(),
    heard: (await zone.locator('.usa-sr-only').textContent()) ?? '',
    label: (await zone.locator('input[type="file"]').getAttribute('aria-label')) ?? '',
  });
  const expectWords = async (zone: Locator, what: string, shown: string[], heard: string | null) => {
    // USWDS tells a screen reader a second after a choice; wait for it rather than for a time.
    if (heard) await zone.locator('.usa-sr-only', { hasText: heard }).waitFor({ timeout: 10_000 });
    const w = await words(zone);
    for (const s of shown) if (!w.shown.includes(s)) throw new Error(`${what}: the field shows "${w.shown}", not "${s}"`);
    if (ENGLISH.test(`${w.shown} ${w.heard} ${w.label}`)) throw new Error(`${what}: English words are left: ${JSON.stringify(w)}`);
  };
  try {
    await page.goto('/sign-in?lang=es');
    await page.getByLabel(new RegExp(`^${es('accounts.signIn.email')}`)).fill(parent.email);
    await page.getByLabel(new RegExp(`^${es('accounts.signIn.password')}`)).fill(parent.password);
    await page.locator('main').getByRole('button', { name: es('common.signIn') }).click();
    await page.waitForURL(/\/account/);
    await page.locator('a[href^="/applications/"]').first().click();
    const zone = page.locator('.usa-file-input').first();
    await zone.locator('.usa-file-input__instructions').waitFor();
    await expectWords(zone, 'before a choice', [`${es(`${k}.drag`)} ${es(`${k}.choose`)}`], null);
    if ((await words(zone)).heard !== es(`${k}.none`)) throw new Error(`before a choice, a screen reader hears "${(await words(zone)).heard}"`);
    await checkA11y(page, 'file field words in Spanish', visited);

    const input = zone.locator('input[type="file"]');
    await input.setInputFiles({ name: 'talon-de-pago.pdf', mimeType: 'application/pdf', buffer: samplePdf('talon') });
    await expectWords(zone, 'one file', [es(`${k}.selected.one`), es(`${k}.change.one`)], es(`${k}.status.one`).replace('{names}', 'talon-de-pago.pdf'));

    await input.setInputFiles([
      { name: 'talon-1.pdf', mimeType: 'application/pdf', buffer: samplePdf('t1') },
      { name: 'talon-2.pdf', mimeType: 'application/pdf', buffer: samplePdf('t2') },
    ]);
    await expectWords(zone, 'two files', [es(`${k}.selected.other`).replace('{count}', '2'), es(`${k}.change.other`)], es(`${k}.status.other`).replace('{count}', '2').replace('{names}', 'talon-1.pdf, talon-2.pdf'));

    await input.setInputFiles({ name: 'notas.txt', mimeType: 'text/plain', buffer: Buffer.from('notas') });
    await zone.locator('.usa-file-input__accepted-files-message').waitFor();
    await expectWords(zone, 'a file type refused', [es(`${k}.invalid`)], null);
    await checkA11y(page, 'file field words in Spanish, a file refused', visited);
  } finally {
    await context.close();
  }
  return visited;
}
