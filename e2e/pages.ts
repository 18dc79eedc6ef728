import type { Browser } from 'playwright-core';
import { checkA11y } from './support/browser.js';

const PUBLIC_PAGES = ['/', '/districts/lausd-sample', '/districts/paramount-sample', '/register', '/sign-in', '/forgot-password', '/activate/resend', '/upload', '/status', '/staff/sign-in', '/no-such-page'];

/** Every public page, in each language, through axe. */
export async function publicPages(browser: Browser, baseUrl: string, language: 'en' | 'es'): Promise<string[]> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const visited: string[] = [];
  try {
    await page.goto(`/language?to=${language}&next=/`);
    for (const p of PUBLIC_PAGES) {
      await page.goto(p);
      const lang = await page.getAttribute('html', 'lang');
      if (lang !== language) throw new Error(`${p} is in "${lang}", expected "${language}"`);
      await checkA11y(page, `public ${language}`, visited);
    }
    return visited;
  } finally {
    await context.close();
  }
}
