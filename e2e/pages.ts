import type { Browser } from 'playwright-core';
import { checkA11y } from './support/browser.js';

const PUBLIC_PAGES = ['/', '/districts/lausd-sample', '/districts/paramount-sample', '/register', '/sign-in', '/forgot-password', '/activate/resend', '/upload', '/status', '/permits/verify', '/staff/sign-in', '/no-such-page'];

/**
 * Pages also checked on a 390×844 phone: the permit check (DEC-6), which a school office opens
 * from the QR code on a permit, without a code and with one (its answer in a large alert).
 */
const PHONE_PAGES = ['/permits/verify', '/permits/verify?code=0000000000'];

/** Every public page, in each language, through axe; the phone pages again at a phone's size, not scrolling sideways. */
export async function publicPages(browser: Browser, baseUrl: string, language: 'en' | 'es'): Promise<string[]> {
  const visited: string[] = [];
  const sizes = [
    { label: `public ${language}`, pages: PUBLIC_PAGES, options: { viewport: { width: 1280, height: 900 } } },
    { label: `public ${language} phone`, pages: PHONE_PAGES, options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  ];
  for (const size of sizes) {
    const context = await browser.newContext({ baseURL: baseUrl, ...size.options });
    const page = await context.newPage();
    try {
      await page.goto(`/language?to=${language}&next=/`);
      for (const p of size.pages) {
        await page.goto(p);
        const lang = await page.getAttribute('html', 'lang');
        if (lang !== language) throw new Error(`${p} is in "${lang}", expected "${language}"`);
        const width = size.options.viewport.width;
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        if (wide > width) throw new Error(`${p} is ${wide} px wide on a ${width} px screen`);
        await checkA11y(page, size.label, visited);
      }
    } finally {
      await context.close();
    }
  }
  return visited;
}
