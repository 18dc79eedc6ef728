import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { translator } from '../src/platform/i18n/translator.js';
import { checkA11y } from './support/browser.js';
import { e2eNow } from './support/server.js';
import { cliActivationLink } from './staff.js';
import type { JourneyResult } from './journey.js';
import { samplePdf } from '../test/support/files.js';

const catalogs = loadCatalogs();
const SCHOOL = 'lausd-sample:1002';
const ZONE = 'America/Los_Angeles';

/** A day or a minute at the district's time (the roll's days are the school's). */
const localDay = (at: Date): string => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
const localMinute = (at: Date): string => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
};
/** The weekday before today, at the district's time: a first expected day whose evening has passed. */
function previousWeekday(now: Date): string {
  for (let d = 1; ; d++) {
    const day = localDay(new Date(now.getTime() - d * 86_400_000));
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return day;
  }
}
const schoolYearOf = (day: string): string => {
  const [y, m] = day.split('-').map(Number);
  return m >= 7 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
};

/** What district IT does each minute, now: the deadlines' run, with the evening's no-show step. */
function sweep(baseUrl: string, dataDir: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep'], { env: { ...process.env, DATA_DIR: dataDir, PUBLIC_URL: baseUrl, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
}

/** The Spanish parent, on a phone, signed in: the page, and the id of the student of the approved request. */
async function parentOnPhone(browser: Browser, baseUrl: string, parent: JourneyResult): Promise<{ phone: Page; studentId: string; close(): Promise<void> }> {
  const es = translator(catalogs, 'es').t;
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
  const phone = await context.newPage();
  await phone.goto('/sign-in');
  await phone.getByRole('link', { name: 'Español' }).click();
  await phone.getByLabel(new RegExp(`^${es('accounts.signIn.email')}`)).fill(parent.email);
  await phone.getByLabel(new RegExp(`^${es('accounts.signIn.password')}`)).fill(parent.password);
  await phone.locator('main').getByRole('button', { name: es('common.signIn') }).click();
  await phone.waitForURL(/\/account/);
  const href = await phone.locator('main a[href^="/students/"]:not([href$="/edit"]):not([href="/students/link"])').first().getAttribute('href');
  const studentId = /^\/students\/([^/?#]+)$/.exec(href ?? '')?.[1];
  if (!studentId) throw new Error(`the parent's account page links no student page (saw ${href})`);
  return { phone, studentId, close: () => context.close() };
}

/**
 * A school's roll in the browser (issue 15): the Spanish family's request, approved by the clerk
 * into Sunrise Avenue Elementary, is a pre-enrollment there (ENR-7). The school's attendance and
 * enrollment office, made with the CLI, records the student's first day (ENR-3); the parent reads
 * the enrollment on a phone in Spanish. A pre-enrolled student imported with a first expected day
 * already past goes on the no-show list at the evening's step (WDR-3), where the office logs a call
 * and records the day the student came. Then the family's student leaves for a private school: the
 * withdrawal (T180) with its affidavit uploaded (WDR-1), and the parent sees the exit. Axe on every page.
 */
export async function officeKeepsTheRoll(browser: Browser, baseUrl: string, dataDir: string, parent: JourneyResult): Promise<string[]> {
  const { t } = translator(catalogs, 'en');
  const es = translator(catalogs, 'es').t;
  const visited: string[] = [];
  // The server's training clock (e2e/support/server.ts), not this machine's day.
  const now = e2eNow();
  const today = localDay(now);
  const family = await parentOnPhone(browser, baseUrl, parent);
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    // The office's clerk activates and lands on the school's roll.
    const link = cliActivationLink(baseUrl, dataDir, ['--email', 'office@lausd-sample.example.org', '--first', 'Ana', '--last', 'López', '--role', 'school_office', '--school', '1002']);
    await page.goto(link);
    await page.getByLabel(/^New password/).fill('Escritorio4Azul');
    await page.getByLabel(/^Enter the new password again/).fill('Escritorio4Azul');
    await page.getByRole('button', { name: t('accounts.activate.submit') }).click();
    await page.getByRole('heading', { level: 1, name: t('roll.title') }).waitFor();
    await checkA11y(page, 'school roll', visited);

    // ENR-7: the approved permit is a pre-enrollment on the roll; ENR-3: the office records the first day.
    await page.goto(`/staff/roll?school=${encodeURIComponent(SCHOOL)}&status=pre_enrolled`);
    const row = page.locator(`a[href="/staff/roll/students/${family.studentId}"]`);
    await row.first().click();
    await page.getByRole('button', { name: t('roll.student.start') }).waitFor();
    await checkA11y(page, "office's page of a pre-enrolled student", visited);
    await page.locator('input[name="first_day"]').fill(today);
    await page.getByRole('button', { name: t('roll.student.start') }).click();
    await page.getByRole('link', { name: t('roll.student.withdraw') }).first().waitFor();
    if (await page.getByRole('button', { name: t('roll.student.start') }).count()) throw new Error('ENR-3: the first day is recorded but the form to record it is still offered');
    await checkA11y(page, "office's page of an active student", visited);

    // The parent, on a phone, in Spanish, reads where the child attends.
    await family.phone.goto(`/students/${family.studentId}`);
    await family.phone.getByRole('heading', { level: 2, name: es('emergency.parent.schoolHeading') }).waitFor();
    await family.phone.getByText(es('emergency.parent.attends', { name: 'Mateo', school: 'Sunrise Avenue Elementary', grade: '§', year: '§' }).split(',')[0]).first().waitFor();
    await checkA11y(family.phone, "parent's student page with the enrollment, Spanish, phone", visited);

    // WDR-3: a student imported as pre-enrolled, expected on a day whose evening has passed.
    const expected = previousWeekday(now);
    const csv = [
      'source_student_id,first_name,last_name,date_of_birth,address_line1,city,state,zip,school_code,grade,school_year,entry_type,status,expected_first_day',
      `E2E-1,Sofía,Rivera,2018-05-20,45 Sunrise Avenue,Los Angeles,CA,90033,1002,2,${schoolYearOf(today)},new,pre_enrolled,${expected}`,
    ].join('\n');
    await page.goto('/staff/roll/import');
    await checkA11y(page, 'roll import', visited);
    await page.locator('input[name="file"]').setInputFiles({ name: 'enrollments.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
    await page.getByRole('button', { name: t('roll-import.form.submit') }).click();
    await page.getByText(t('roll-import.imported', { count: 1, already: 0 }).split('.')[0]).first().waitFor();
    sweep(baseUrl, dataDir);
    await page.goto(`/staff/roll/no-shows?school=${encodeURIComponent(SCHOOL)}`);
    const noShow = page.locator('tr', { hasText: 'Sofía Rivera' });
    await noShow.waitFor();
    await checkA11y(page, 'no-show list', visited);
    await noShow.getByText(t('no-shows.contact.open')).click();
    await noShow.locator('input[name="contacted_at"]').fill(localMinute(new Date(now.getTime() - 30 * 60_000)));
    await noShow.locator('select[name="method"]').selectOption('phone');
    await noShow.locator('input[name="reached"]').fill('madre');
    await noShow.locator('select[name="outcome"]').selectOption('located_will_attend');
    await noShow.getByRole('button', { name: t('no-shows.contact.submit') }).click();
    await page.getByText(t('no-shows.contact.done')).first().waitFor();
    const again = page.locator('tr', { hasText: 'Sofía Rivera' });
    await again.getByText(t('no-shows.came.open')).click();
    await again.locator('input[name="entry_date"]').fill(today);
    await again.getByRole('button', { name: t('no-shows.came.submit') }).click();
    await page.getByText(t('no-shows.came.done')).first().waitFor();
    if (await page.locator('tr', { hasText: 'Sofía Rivera' }).count()) throw new Error('WDR-3: the student came, yet is still on the no-show list');
    await checkA11y(page, 'no-show list after the student came', visited);

    // WDR-1: the family's student leaves for a private school, with the affidavit.
    await page.goto(`/staff/roll/students/${family.studentId}`);
    await page.getByRole('link', { name: t('roll.student.withdraw') }).first().click();
    await page.locator('select[name="exitCode"]').waitFor();
    await checkA11y(page, 'withdrawal form', visited);
    await page.locator('select[name="exitCode"]').selectOption('T180');
    await page.locator('input[name="exitDate"]').fill(today);
    await page.locator('label.usa-radio__label', { hasText: t('withdrawal.requester.parent') }).click();
    await page.locator('input[name="document"]').setInputFiles({ name: 'private-school-affidavit.pdf', mimeType: 'application/pdf', buffer: samplePdf('affidavit') });
    await page.getByRole('button', { name: t('withdrawal.submit') }).click();
    await page.getByText(t('withdrawal.done')).first().waitFor();
    await page.getByText(t('roll.student.exitDocument')).first().waitFor();
    await checkA11y(page, "office's page of a withdrawn student", visited);

    // The parent sees the exit in the child's history, in Spanish.
    await family.phone.reload();
    await family.phone.getByRole('table', { name: es('emergency.parent.historyCaption', { name: 'Mateo' }) }).getByText(es('emergency.status.exited')).waitFor();
    await checkA11y(family.phone, "parent's student page after the withdrawal, Spanish, phone", visited);
    return visited;
  } finally {
    await context.close();
    await family.close();
  }
}
