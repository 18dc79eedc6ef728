import fs from 'node:fs';
import puppeteer, { type ElementHandle } from 'puppeteer-core';
import type { Engine } from './driver.js';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Gecko: Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi (Playwright cannot
 * drive Debian's Firefox), at the window size asked for.
 */
export async function launchFirefox(viewport: { width: number; height: number }): Promise<Engine<ElementHandle<Element>>> {
  if (!fs.existsSync(FIREFOX)) throw new Error(`Firefox is not installed at ${FIREFOX}: install Debian's firefox-esr package (apt-get install firefox-esr), or set FIREFOX_PATH`);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // The browser asks for English: the Spanish journey switches with the link on the page, as a parent would.
    extraPrefsFirefox: { 'intl.accept_languages': 'en-US' },
  });
  try {
    const page = (await browser.pages())[0] ?? (await browser.newPage());
    await page.setViewport(viewport);
    const fn = (body: string) => new Function(body) as (...args: unknown[]) => unknown;
    return {
      name: 'Firefox',
      open: async (url) => {
        await page.goto(url, { waitUntil: 'load' });
      },
      run: async <T>(body: string, args: unknown[]) => (await page.evaluate(fn(body), ...args)) as T,
      element: async (body, args) => {
        const handle = await page.evaluateHandle(fn(body), ...args);
        const el = handle.asElement() as ElementHandle<Element> | null;
        if (!el) await handle.dispose();
        return el;
      },
      type: async (field, text) => {
        await field.evaluate((f) => {
          (f as HTMLInputElement).value = '';
        });
        await field.type(text);
      },
      click: (el) => el.click(),
      pick: async (select, value) => {
        await (select as ElementHandle<HTMLSelectElement>).select(value);
      },
      attach: (input, file) => (input as ElementHandle<HTMLInputElement>).uploadFile(file),
      screenshot: async (file) => {
        await page.screenshot({ path: file as `${string}.png`, fullPage: true });
      },
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
