import type { Browser, ElementHandle } from 'playwright-core';
import type { Engine } from './driver.js';

/** Blink: the suite's Chromium (playwright-core), in a fresh context of its own at this size. */
export async function chromiumEngine(browser: Browser, viewport: { width: number; height: number }, mobile = false): Promise<Engine<ElementHandle>> {
  const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: 'en-US' });
  const page = await context.newPage();
  // Playwright passes one argument: the body gets them back as `arguments`.
  const fn = (body: string) => new Function('args', `return (function () { ${body}\n }).apply(null, args);`) as (args: unknown[]) => unknown;
  return {
    name: 'Chromium',
    open: async (url) => {
      await page.goto(url, { waitUntil: 'load' });
    },
    run: async <T>(body: string, args: unknown[]) => (await page.evaluate(fn(body), args)) as T,
    element: async (body, args) => {
      const handle = await page.evaluateHandle(fn(body), args);
      const el = handle.asElement();
      if (!el) await handle.dispose();
      return el;
    },
    type: (field, text) => field.fill(text),
    click: (el) => el.click(),
    pick: async (select, value) => {
      await select.selectOption(value);
    },
    attach: (input, file) => input.setInputFiles(file),
    screenshot: async (file) => {
      await page.screenshot({ path: file, fullPage: true });
    },
    close: () => context.close(),
  };
}
