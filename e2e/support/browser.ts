import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** WCAG 2.1 AA through axe: throws with each rule, its impact and where it failed. */
export async function checkA11y(page: Page, label: string, visited: string[], javaScriptEnabled = true): Promise<void> {
  visited.push(`${label}: ${new URL(page.url()).pathname}`);
  let target = page;
  let scratch: Awaited<ReturnType<Browser['newContext']>> | null = null;
  if (!javaScriptEnabled) {
    // axe runs as a script, which a page without JavaScript cannot run: check the same HTML,
    // as served (scripts removed), in a scratch page of the same origin and window size.
    const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
    scratch = await page.context().browser()!.newContext({ viewport: page.viewportSize() ?? undefined });
    target = await scratch.newPage();
    await target.goto(new URL('/healthz', page.url()).href);
    await target.setContent(html, { waitUntil: 'load' });
  }
  const results = await new AxeBuilder({ page: target }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  await scratch?.close();
  if (results.violations.length) {
    const detail = results.violations
      .map((v: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n: { target: unknown[] }) => n.target.join(' ')).join('\n    ')}`)
      .join('\n  ');
    throw new Error(`axe found ${results.violations.length} WCAG 2.1 AA violation(s) on ${label} (${page.url()}):\n  ${detail}`);
  }
}
