import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { translator } from '../src/platform/i18n/translator.js';
import { loadDistrictConfigs } from '../src/modules/districts/loader.js';
import { checkA11y } from './support/browser.js';
import { firstLink, readMail } from './support/mail.js';
import { cliActivationLink } from './staff.js';
import { answerHumanQuestion } from '../test/support/parents.js';

/** A real-looking long address: 69 characters, no space for a line to break at. */
const LONG_EMAIL = 'maria.jose.oneil.hernandez.family.account@example-school-district.org';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const { t } = translator(loadCatalogs(), 'en');

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The page itself never scrolls sideways: its content is no wider than the screen. */
async function noSidewaysScroll(page: Page, label: string): Promise<void> {
  const { scrollWidth, width, widest } = await page.evaluate(() => {
    const root = document.documentElement;
    // The element reaching furthest right, to name in the failure.
    let widest = '';
    let right = 0;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect().right;
      if (r > right && !el.closest('.usa-table-container--scrollable')) {
        right = r;
        widest = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} (${Math.round(r)} px)`;
      }
    }
    return { scrollWidth: root.scrollWidth, width: window.innerWidth, widest };
  });
  if (width !== PHONE.width) throw new Error(`${label}: the window is ${width} px wide, not ${PHONE.width} (the page zoomed out); widest: ${widest}`);
  if (scrollWidth > PHONE.width) throw new Error(`${label}: the page is ${scrollWidth} px wide on a ${PHONE.width} px screen; widest: ${widest}`);
}

/**
 * Issue 12, a phone never scrolls sideways: a parent with a 69-character email address registers,
 * applies and opens the request on a 390×844 phone (JavaScript off); the check-email, confirmation
 * and application pages stay within the screen, and the confirmation number is on one line. A
 * district administrator's queue and request page on the same phone keep the page still while the
 * queue's table scrolls in its own box, which a keyboard can reach. At 1280 px the staff menu (an
 * administrator's, the longest) is one line in English and in Spanish, the queue fits the page
 * and each of its rows takes at most two lines.
 */
export async function phoneWidth(browser: Browser, baseUrl: string, dataDir: string): Promise<string[]> {
  const visited: string[] = [];
  const contexts: BrowserContext[] = [];
  const open = async (options: Parameters<Browser['newContext']>[0]) => {
    const context = await browser.newContext({ baseURL: baseUrl, locale: 'en-US', ...options });
    contexts.push(context);
    return context.newPage();
  };
  const page = await open({ viewport: PHONE, isMobile: true, hasTouch: true, javaScriptEnabled: false });
  const field = (label: string) => page.getByLabel(new RegExp(`^${esc(label)}(\\s*\\*|\\s*\\(.*\\))?$`));
  const choose = (text: string) => page.locator('label.usa-radio__label, label.usa-checkbox__label', { hasText: text }).first().click();
  let current: Page = page;
  try {
    await page.goto('/register');
    await field(t('accounts.register.firstName')).fill('María José');
    await field(t('accounts.register.lastName')).fill("O'Neil-Hernández");
    await field(t('accounts.register.email')).fill(LONG_EMAIL);
    await field(t('accounts.register.emailConfirm')).fill(LONG_EMAIL);
    const question = await page.locator('label[for="field-answer"]').innerText();
    await page.getByLabel(question.replace(/\s*\*$/, '').trim(), { exact: false }).fill(answerHumanQuestion(question));
    await page.getByRole('button', { name: t('accounts.register.submit') }).click();
    await page.getByRole('heading', { level: 1, name: t('accounts.checkEmail.title') }).waitFor();
    await page.getByText(LONG_EMAIL).first().waitFor();
    await noSidewaysScroll(page, 'check-email page');

    await page.goto(firstLink(await readMail(dataDir, LONG_EMAIL, /activate\//), '/activate/'));
    await field(t('accounts.password.new')).fill('Tortuga7Verde');
    await field(t('accounts.password.confirm')).fill('Tortuga7Verde');
    await page.getByRole('button', { name: t('accounts.activate.submit') }).click();
    await page.getByRole('heading', { level: 1, name: t('applications.account.title') }).waitFor();
    await noSidewaysScroll(page, 'account page');

    await page.getByRole('link', { name: t('applications.account.addStudent') }).click();
    await field(t('students.form.firstName')).fill('María José');
    await field(t('students.form.lastName')).fill("O'Neil-Hernández");
    await page.getByLabel(t('common.month')).selectOption('4');
    await page.getByLabel(t('common.day')).fill('9');
    await page.getByLabel(t('common.year')).fill('2018');
    await field(t('students.form.currentGrade')).selectOption('2');
    await field(t('students.form.address1')).fill('100 Main Street');
    await field(t('students.form.city')).fill('Downey');
    await field(t('students.form.zip')).fill('90241');
    await page.getByRole('button', { name: t('students.form.add') }).click();
    await page.getByRole('heading', { level: 1, name: t('students.list.title') }).waitFor();

    await page.goto('/apply/lausd-sample');
    await choose("María José O'Neil-Hernández");
    await choose(t('applications.start.agree'));
    await page.getByRole('button', { name: t('common.continue') }).click();
    await field(t('applications.form.gradeRequested')).selectOption('3');
    await choose(loadDistrictConfigs('config/districts').find((d) => d.slug === 'lausd-sample')!.reasons[0].label.en);
    await field(t('applications.form.school')).selectOption('1001');
    await choose(t('applications.relationships.parent'));
    await field(t('applications.form.decisionEmailConfirm')).fill(LONG_EMAIL);
    await noSidewaysScroll(page, 'application form');
    await page.getByRole('button', { name: t('applications.form.submit') }).click();
    await page.getByRole('heading', { name: t('applications.confirmation.title') }).waitFor();
    await page.getByText(LONG_EMAIL).first().waitFor();
    await noSidewaysScroll(page, 'confirmation page');
    const number = page.getByTestId('confirmation-number');
    const lines = await number.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
    });
    if (lines !== 1) throw new Error(`the confirmation number takes ${lines} lines on a phone`);
    await checkA11y(page, 'phone confirmation with a long email', visited, false);

    await page.getByRole('link', { name: t('applications.confirmation.uploadNow') }).click();
    await page.getByText(LONG_EMAIL).first().waitFor();
    await noSidewaysScroll(page, 'application page');
    await checkA11y(page, 'phone application page with a long email', visited, false);

    // A district administrator (the longest staff menu), on the same phone: the page keeps still,
    // the queue's table scrolls in its box.
    current = await open({ viewport: PHONE, isMobile: true, hasTouch: true });
    await current.goto(cliActivationLink(baseUrl, dataDir, ['--email', 'phone.admin@lausd-sample.example.org', '--first', 'Phone', '--last', 'Admin']));
    await current.getByLabel(/^New password/).fill('Escritorio4Azul');
    await current.getByLabel(/^Enter the new password again/).fill('Escritorio4Azul');
    await current.getByRole('button', { name: t('accounts.activate.submit') }).click();
    await current.getByRole('heading', { level: 1, name: t('staff.queue.title') }).waitFor();
    await noSidewaysScroll(current, 'staff queue');
    const box = current.getByRole('region', { name: t('staff.queue.caption') });
    const scroll = await box.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, tabIndex: el.tabIndex }));
    if (scroll.scrollWidth <= scroll.clientWidth) throw new Error(`the queue's table fits in ${scroll.clientWidth} px: nothing to scroll, so the check proves nothing`);
    if (scroll.tabIndex !== 0) throw new Error('the queue table box cannot be reached by keyboard to scroll it');
    await box.focus();
    await current.keyboard.press('ArrowRight');
    await current.waitForFunction(() => (document.querySelector('.usa-table-container--scrollable')?.scrollLeft ?? 0) > 0);
    await checkA11y(current, 'phone staff queue', visited);
    await current.locator('table.app-queue tbody tr', { hasText: "O'Neil-Hernández" }).first().getByRole('link').click();
    await current.getByRole('heading', { level: 2, name: t('staff.request.student') }).waitFor();
    await noSidewaysScroll(current, 'staff request page');
    await checkA11y(current, 'phone staff request page', visited);

    // The same administrator at a desk: the menu on one line, each queue row on one or two.
    current = await open({ viewport: DESKTOP });
    await current.goto('/staff/sign-in');
    await current.getByLabel(/^Email/).fill('phone.admin@lausd-sample.example.org');
    await current.getByLabel(/^Password/).fill('Escritorio4Azul');
    await current.locator('main').getByRole('button', { name: t('common.signIn') }).click();
    await current.getByRole('heading', { level: 1, name: t('staff.queue.title') }).waitFor();
    const menuLines = () => current.locator('.app-nav__list > li').evaluateAll((items) => new Set(items.map((li) => Math.round(li.getBoundingClientRect().top))).size);
    if ((await menuLines()) !== 1) throw new Error(`the staff menu takes ${await menuLines()} lines at ${DESKTOP.width} px`);
    // Lines of text in each row: the tallest cell's content over its line height.
    const rows = await current.locator('table.app-queue tbody tr').evaluateAll((trs) =>
      trs.map((tr) =>
        Math.max(
          ...(Array.from(tr.children) as HTMLElement[]).map((cell) => {
            const style = getComputedStyle(cell);
            const line = style.lineHeight === 'normal' ? parseFloat(style.fontSize) * 1.2 : parseFloat(style.lineHeight);
            const range = document.createRange();
            range.selectNodeContents(cell);
            return Math.round(range.getBoundingClientRect().height / line);
          }),
        ),
      ),
    );
    if (!rows.length) throw new Error('no rows in the queue');
    const deskBox = await current.locator('.app-table-box').first().evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    if (deskBox.scrollWidth > deskBox.clientWidth) throw new Error(`the queue's table needs ${deskBox.scrollWidth} px at ${DESKTOP.width} px and scrolls (${deskBox.clientWidth} px shown)`);
    const tall = rows.filter((n) => n > 2);
    if (tall.length) throw new Error(`queue rows of ${rows.join(', ')} lines at ${DESKTOP.width} px (at most two wanted)`);
    // In Spanish too, whose words are longer.
    await current.getByRole('link', { name: 'Español' }).click();
    await current.getByRole('heading', { level: 1, name: translator(loadCatalogs(), 'es').t('staff.queue.title') }).waitFor();
    if ((await menuLines()) !== 1) throw new Error(`the staff menu in Spanish takes ${await menuLines()} lines at ${DESKTOP.width} px`);
    return visited;
  } catch (e) {
    fs.mkdirSync('test-results', { recursive: true });
    const base = path.join('test-results', 'phone-width');
    await current.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => {});
    fs.writeFileSync(`${base}.html`, await current.content().catch(() => ''));
    throw e;
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
  }
}
