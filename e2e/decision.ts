import type { Browser } from 'playwright-core';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { translator } from '../src/platform/i18n/translator.js';
import { checkA11y } from './support/browser.js';
import { readMail } from './support/mail.js';
import { e2eNow } from './support/server.js';
import type { JourneyResult } from './journey.js';
import { pdfText } from '../test/support/pdf.js';
import { samplePdf } from '../test/support/files.js';

const catalogs = loadCatalogs();

/**
 * The family answers the request for missing items from their account: every required document
 * still missing, as PDFs. The request is then complete and back in the queue (APP-11, DOC-4).
 */
async function familySendsTheRest(browser: Browser, baseUrl: string, parent: JourneyResult): Promise<void> {
  const { t } = translator(catalogs, 'en');
  const context = await browser.newContext({ baseURL: baseUrl });
  const page = await context.newPage();
  try {
    await page.goto('/sign-in');
    await page.getByLabel(new RegExp(`^${t('accounts.signIn.email')}`)).fill(parent.email);
    await page.getByLabel(new RegExp(`^${t('accounts.signIn.password')}`)).fill(parent.password);
    await page.locator('main').getByRole('button', { name: t('common.signIn') }).click();
    await page.waitForURL(/\/account/);
    await page.locator('a[href^="/applications/"]').first().click();
    const missing = ['report-card', 'discipline', 'attendance', 'employer-letter'];
    for (const code of missing) await page.locator(`#field-file_${code}`).setInputFiles({ name: `${code}.pdf`, mimeType: 'application/pdf', buffer: samplePdf(code) });
    await page.locator(`#field-file_${missing[0]}`).locator('xpath=ancestor::form').locator('button[type="submit"]').click();
    await page.getByText(`${missing[0]}.pdf`).first().waitFor();
  } finally {
    await context.close();
  }
}

/**
 * The clerk works the Spanish family's request from the queue to an approved permit: looks at
 * the dashboard, finds the request by its confirmation number, asks for a missing item with a
 * due date, approves it into a school with seats, and opens the permit PDF — written in the
 * family's language. The parent then signs in, in Spanish, and reads the decision and the email.
 */
export async function clerkDecides(browser: Browser, baseUrl: string, dataDir: string, clerk: { email: string; password: string }, parent: JourneyResult): Promise<string[]> {
  const { t } = translator(catalogs, 'en');
  const es = translator(catalogs, 'es').t;
  const visited: string[] = [];
  const staffContext = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } });
  const page = await staffContext.newPage();
  try {
    await page.goto('/staff/sign-in');
    await page.getByLabel(/^Email/).fill(clerk.email);
    await page.getByLabel(/^Password/).fill(clerk.password);
    await page.locator('main').getByRole('button', { name: t('common.signIn') }).click();
    await page.getByRole('heading', { level: 1, name: t('staff.queue.title') }).waitFor();

    await page.goto('/staff/dashboard');
    await page.locator('svg[role="img"]').first().waitFor();
    await checkA11y(page, 'staff dashboard', visited);

    // The list of reports, from the dashboard's link.
    await page.getByRole('link', { name: t('dashboard.reports') }).click();
    await page.getByRole('heading', { level: 1, name: t('reports.title') }).waitFor();
    await checkA11y(page, 'staff reports', visited);

    await page.goto('/staff/queue');
    await page.getByLabel(/^Search/).fill(parent.confirmation);
    await page.getByRole('button', { name: t('staff.queue.filter') }).click();
    await page.locator('table.app-queue tbody tr').first().getByRole('link').click();
    await page.getByRole('heading', { level: 2, name: t('decisions.staff.heading') }).waitFor();
    await checkA11y(page, 'staff request with decision panel', visited);

    // Ask for what is missing, by a date: the request waits for the family.
    await page.getByLabel(new RegExp(`^${t('decisions.staff.askMessage')}`)).fill('Envíe el talón de pago más reciente.');
    // Ten days after the server's day (its training clock), not this machine's.
    const due = new Date(e2eNow().getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel(new RegExp(`^${t('decisions.staff.askDue')}`)).fill(due);
    await page.getByRole('button', { name: t('decisions.staff.askSubmit') }).click();
    await page.getByText(t('applications.status.info_requested')).first().waitFor();
    await readMail(dataDir, parent.email, /talón de pago más reciente/);
    // APP-11: incomplete and waiting for the family's answer, the request offers no decision yet.
    await page.getByRole('heading', { level: 3, name: t('decisions.staff.notReady.heading') }).waitFor();
    if (await page.getByRole('button', { name: t('decisions.staff.approveSubmit') }).count()) throw new Error('APP-11: an incomplete request waiting for the parent offers an approval');
    await checkA11y(page, 'staff request not ready for a decision', visited);
    await familySendsTheRest(browser, baseUrl, parent);
    await page.reload();
    await page.getByRole('heading', { level: 3, name: t('decisions.staff.approveHeading'), exact: true }).waitFor();

    // A mistake first: approving without a school is refused beside the field.
    await page.getByRole('button', { name: t('decisions.staff.approveSubmit') }).click();
    await page.getByText(t('decisions.errors.schoolRequired')).first().waitFor();
    await checkA11y(page, 'staff approve with errors', visited);
    await page.locator('label.usa-radio__label', { hasText: 'Sunrise Avenue Elementary' }).click();
    await page.getByLabel(new RegExp(`^${t('decisions.staff.years')}`)).selectOption('2');
    await page.getByRole('button', { name: t('decisions.staff.approveSubmit') }).click();
    const letterLink = page.getByRole('link', { name: new RegExp(t('decisions.staff.letterLink')) }).first();
    await letterLink.waitFor();
    const href = await letterLink.getAttribute('href');
    const pdf = await page.request.get(href!);
    if (pdf.headers()['content-type'] !== 'application/pdf') throw new Error('the permit is not a PDF');
    const text = await pdfText(await pdf.body());
    for (const expected of [es('decisions.letter.title.approved'), 'Sunrise Avenue Elementary', 'Ciclos escolares 2026-2027 a 2027-2028', es('decisions.letter.verification')]) {
      if (!text.includes(expected)) throw new Error(`the permit PDF lacks "${expected}"`);
    }
  } finally {
    await staffContext.close();
  }

  // The parent, in Spanish, on a phone.
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
  const phone = await context.newPage();
  try {
    await readMail(dataDir, parent.email, /aprobó la solicitud/);
    await phone.goto('/sign-in');
    await phone.getByRole('link', { name: 'Español' }).click();
    await phone.getByLabel(new RegExp(`^${es('accounts.signIn.email')}`)).fill(parent.email);
    await phone.getByLabel(new RegExp(`^${es('accounts.signIn.password')}`)).fill(parent.password);
    await phone.locator('main').getByRole('button', { name: es('common.signIn') }).click();
    await phone.waitForURL(/\/account/);
    await phone.locator('a[href^="/applications/"]').first().click();
    await phone.getByRole('heading', { level: 2, name: es('decisions.parent.heading') }).waitFor();
    await phone.getByText(es('decisions.letter.title.approved')).first().waitFor();
    await phone.getByText('Sunrise Avenue Elementary').first().waitFor();
    await checkA11y(phone, 'parent reads the decision in Spanish', visited);
    const letter = phone.getByRole('link', { name: new RegExp(es('decisions.letter.title.approved')) }).first();
    const pdf = await phone.request.get((await letter.getAttribute('href'))!);
    if (!(await pdfText(await pdf.body())).includes(es('decisions.letter.title.approved'))) throw new Error('the parent cannot open the permit');
    // Anyone holding the paper can check it.
    await phone.goto('/permits/verify');
    await checkA11y(phone, 'permit check', visited);
    return visited;
  } finally {
    await context.close();
  }
}
