import { execFileSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { translator } from '../src/platform/i18n/translator.js';
import { checkA11y } from './support/browser.js';

/**
 * District IT creates a clerk with the CLI (as documented), the clerk opens the activation
 * link, creates a password and sees the queue, where the journeys' requests wait in order.
 */
/** What district IT does: create a staff account with the CLI, which prints its activation link. */
export function cliActivationLink(baseUrl: string, dataDir: string, args: string[], district = 'lausd-sample'): string {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'create-staff', '--district', district, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, PUBLIC_URL: baseUrl, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  const link = /https?:\/\/\S+\/staff\/activate\/\S+/.exec(out)?.[0];
  if (!link) throw new Error(`the CLI printed no activation link:\n${out}`);
  return link;
}

/** The clerk made below, for the suites that sign in again. */
export const CLERK = { email: 'clerk@lausd-sample.example.org', password: 'Escritorio4Azul' };

export async function staffQueue(browser: Browser, baseUrl: string, dataDir: string): Promise<string[]> {
  const { t } = translator(loadCatalogs(), 'en');
  const link = cliActivationLink(baseUrl, dataDir, ['--email', CLERK.email, '--first', 'Permit', '--last', 'Clerk', '--role', 'permit_staff']);
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const visited: string[] = [];
  try {
    await page.goto(link);
    await checkA11y(page, 'staff activation', visited);
    await page.getByLabel(/^New password/).fill(CLERK.password);
    await page.getByLabel(/^Enter the new password again/).fill(CLERK.password);
    await page.getByRole('button', { name: t('accounts.activate.submit') }).click();
    await page.getByRole('heading', { level: 1, name: t('staff.queue.title') }).waitFor();
    const rows = await page.locator('table.app-queue tbody tr').count();
    if (rows < 2) throw new Error(`expected the two journeys' requests in the queue, saw ${rows}`);
    await checkA11y(page, 'staff queue', visited);
    await page.locator('table.app-queue tbody tr').first().getByRole('link').click();
    await page.getByRole('heading', { level: 2, name: t('staff.request.student') }).waitFor();
    await checkA11y(page, 'staff request page', visited);
    await page.goto('/staff/queue');
    await page.getByLabel(t('staff.queue.status')).selectOption('incomplete');
    await page.getByRole('button', { name: t('staff.queue.filter') }).click();
    await page.waitForURL(/status=incomplete/);
    await checkA11y(page, 'staff queue filtered', visited);
    return visited;
  } finally {
    await context.close();
  }
}

/**
 * The first district administrator, made by the CLI, invites a colleague from the Staff page
 * (with a mistake first), and looks at the documents search and the audit log.
 */
export async function adminPages(browser: Browser, baseUrl: string, dataDir: string): Promise<string[]> {
  const { t } = translator(loadCatalogs(), 'en');
  const link = cliActivationLink(baseUrl, dataDir, ['--email', 'admin@lausd-sample.example.org', '--first', 'District', '--last', 'Admin']);
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const visited: string[] = [];
  try {
    await page.goto(link);
    await page.getByLabel(/^New password/).fill(CLERK.password);
    await page.getByLabel(/^Enter the new password again/).fill(CLERK.password);
    await page.getByRole('button', { name: t('accounts.activate.submit') }).click();
    await page.getByRole('heading', { level: 1, name: t('staff.queue.title') }).waitFor();
    await page.getByRole('link', { name: t('team.title'), exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: t('team.title') }).waitFor();
    await checkA11y(page, 'staff team', visited);
    await page.getByRole('button', { name: t('team.form.submit') }).click();
    await page.getByText(t('team.errors.firstNameRequired')).first().waitFor();
    await checkA11y(page, 'staff team with errors', visited);
    await page.goto('/staff/documents');
    await checkA11y(page, 'staff documents search', visited);
    await page.goto('/staff/audit');
    await checkA11y(page, 'staff audit log', visited);
    return visited;
  } finally {
    await context.close();
  }
}
