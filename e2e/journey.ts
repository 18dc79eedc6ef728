import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { translator } from '../src/platform/i18n/translator.js';
import { numberWord } from '../src/modules/accounts/human-check.js';
import { loadDistrictConfigs } from '../src/modules/districts/loader.js';
import { checkA11y } from './support/browser.js';
import { firstLink, readMail } from './support/mail.js';
import { pdfText } from '../test/support/pdf.js';
import { samplePdf, sampleJpeg, sampleHeic } from '../test/support/files.js';

/** What a later test needs to come back as this parent. */
export interface JourneyResult {
  visited: string[];
  email: string;
  password: string;
  confirmation: string;
}

export interface JourneyOptions {
  name: string;
  language: 'en' | 'es';
  viewport: { width: number; height: number };
  javaScriptEnabled: boolean;
  mobile: boolean;
}

const catalogs = loadCatalogs();
const lausd = loadDistrictConfigs('config/districts').find((d) => d.slug === 'lausd-sample')!;

/** The registration page's plain-text question, answered as a person would. */
export function answerQuestion(label: string, lang: string): string {
  const m = lang === 'es' ? /cuánto es (\S+) más ([^?]+)\?/.exec(label) : /what is (\S+) plus ([^?]+)\?/.exec(label);
  if (!m) throw new Error(`no question in "${label}"`);
  const n = (w: string) => Array.from({ length: 19 }, (_, i) => i).find((i) => numberWord(i, lang) === w.trim())!;
  return String(n(m[1]) + n(m[2]));
}

/**
 * The parent's whole journey: register → activation email → password → student → apply →
 * confirmation → upload from the account → public upload → receipt PDF → public status.
 * Every page visited is checked with axe.
 */
export async function parentJourney(browser: Browser, baseUrl: string, dataDir: string, o: JourneyOptions, step: (name: string) => void): Promise<JourneyResult> {
  const { t } = translator(catalogs, o.language);
  const L = (x: { en: string; es: string }) => x[o.language];
  const visited: string[] = [];
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: o.viewport,
    isMobile: o.mobile,
    hasTouch: o.mobile,
    javaScriptEnabled: o.javaScriptEnabled,
    acceptDownloads: true,
    // The browser asks for English: the Spanish run switches with the link on the page, as a parent would.
    locale: 'en-US',
  });
  const page: Page = await context.newPage();
  const a11y = (label: string) => checkA11y(page, `${o.name} ${label}`, visited, o.javaScriptEnabled);
  // The four details of the public pages: the student's names, date of birth, confirmation number.
  const fillLookup = async (confirmation: string) => {
    await field(t('documents.lookup.firstName')).fill('Mateo');
    await field(t('documents.lookup.lastName')).fill('García');
    await page.getByLabel(t('common.month')).selectOption('4');
    await page.getByLabel(t('common.day')).fill('9');
    await page.getByLabel(t('common.year')).fill('2018');
    await field(t('documents.lookup.confirmation')).fill(confirmation);
  };
  // Radios and checkboxes as a person picks them: by clicking their label.
  const choose = (text: string) => page.locator('label.usa-radio__label, label.usa-checkbox__label', { hasText: text }).first().click();
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A field by its label as a person reads it: the label text, then maybe "*" or "(optional)".
  const field = (label: string) => page.getByLabel(new RegExp(`^${esc(label)}(\\s*\\*|\\s*\\(.*\\))?$`));
  const email = `parent.${o.name.replace(/\W/g, '')}.${Date.now()}@example.org`;
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-e2e-files-'));
  const releasePdf = path.join(files, 'release-letter.pdf');
  const photo = path.join(files, 'pay-stub-photo.jpg');
  fs.writeFileSync(releasePdf, samplePdf('release'));
  fs.writeFileSync(photo, sampleJpeg());
  // DOC-6: a photo named as iPhones name them. Chromium gives a ".HEIC" file no MIME type, so
  // only the name can let it past USWDS's file-input script, which compares it case by case.
  const iphonePhoto = path.join(files, 'IMG_0042.HEIC');
  fs.writeFileSync(iphonePhoto, sampleHeic());

  try {
    step('home page');
    await page.goto('/');
    if (o.language === 'es') {
      await page.getByRole('link', { name: 'Español' }).click();
    }
    await page.getByRole('heading', { level: 1, name: t('home.title') }).waitFor();
    await a11y('home');

    step('register');
    await page.goto('/register');
    await field(t('accounts.register.firstName')).fill('María');
    await field(t('accounts.register.lastName')).fill('García');
    await field(t('accounts.register.email')).fill(email);
    await field(t('accounts.register.emailConfirm')).fill(email);
    if (o.javaScriptEnabled) {
      // The proof of work hides the question once solved.
      await page.locator('#human-question.app-hidden').waitFor({ state: 'attached', timeout: 20_000 });
    } else {
      const label = await page.locator('label[for="field-answer"]').innerText();
      await page.getByLabel(label.replace(/\s*\*$/, '').trim(), { exact: false }).fill(answerQuestion(label, o.language));
    }
    await a11y('register');
    await page.getByRole('button', { name: t('accounts.register.submit') }).click();
    await page.getByRole('heading', { level: 1, name: t('accounts.checkEmail.title') }).waitFor();
    await a11y('check email');

    step('activation email and password');
    const mail = await readMail(dataDir, email, /activate\//);
    const link = firstLink(mail, '/activate/');
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: t('accounts.activate.title') }).waitFor();
    await a11y('create password');
    await field(t('accounts.password.new')).fill('aaaa');
    await field(t('accounts.password.confirm')).fill('aaaa');
    await page.getByRole('button', { name: t('accounts.activate.submit') }).click();
    await page.getByText(t('accounts.passwordRules.repeated')).first().waitFor();
    await a11y('create password with errors');
    await field(t('accounts.password.new')).fill('Tortuga7Verde');
    await field(t('accounts.password.confirm')).fill('Tortuga7Verde');
    await page.getByRole('button', { name: t('accounts.activate.submit') }).click();
    await page.getByRole('heading', { level: 1, name: t('applications.account.title') }).waitFor();
    await a11y('account');

    step('language for emails and letters (LNG-1)');
    // Saved by a form with its CSRF token, never by the language link: the parent confirms theirs.
    await page.getByRole('link', { name: t('accounts.language.change') }).click();
    await page.getByRole('heading', { level: 1, name: t('accounts.language.title') }).waitFor();
    await a11y('language for emails and letters');
    await choose(L({ en: 'English', es: 'Español' }));
    await page.getByRole('button', { name: t('accounts.language.submit') }).click();
    await page.getByText(t('accounts.language.done')).waitFor();
    await page.getByText(t('accounts.language.current', { language: L({ en: 'English', es: 'Español' }) })).waitFor();

    step('add a student');
    await page.getByRole('link', { name: t('applications.account.addStudent') }).click();
    await field(t('students.form.firstName')).fill('Mateo');
    await field(t('students.form.lastName')).fill('García');
    await page.getByLabel(t('common.month')).selectOption('4');
    await page.getByLabel(t('common.day')).fill('9');
    await page.getByLabel(t('common.year')).fill('2018');
    await field(t('students.form.currentGrade')).selectOption('2');
    await field(t('students.form.address1')).fill('100 Main Street');
    await field(t('students.form.city')).fill('Downey');
    await field(t('students.form.zip')).fill('90241');
    await a11y('add student');
    await page.getByRole('button', { name: t('students.form.add') }).click();
    await page.getByRole('heading', { level: 1, name: t('students.list.title') }).waitFor();
    await a11y('students');

    step('apply: guidelines and agreement');
    await page.goto('/apply/lausd-sample');
    await a11y('apply start');
    await choose('Mateo García');
    await choose(t('applications.start.agree'));
    await page.getByRole('button', { name: t('common.continue') }).click();

    step('apply: the form');
    await page.getByRole('heading', { level: 1, name: t('applications.form.title', { district: L(lausd.name) }) }).waitFor();
    await a11y('apply form');
    await field(t('applications.form.gradeRequested')).selectOption('3');
    await choose(L(lausd.reasons[0].label));
    await field(t('applications.form.school')).selectOption('1001');
    await choose(t('applications.relationships.parent'));
    await field(t('applications.form.decisionEmailConfirm')).fill('wrong@example.org');
    await page.getByRole('button', { name: t('applications.form.submit') }).click();
    await page.getByText(t('applications.errors.emailMismatch')).first().waitFor();
    await a11y('apply form with errors');
    await field(t('applications.form.decisionEmailConfirm')).fill(email);
    await page.getByRole('button', { name: t('applications.form.submit') }).click();

    step('confirmation number');
    await page.getByRole('heading', { name: t('applications.confirmation.title') }).waitFor();
    const confirmation = (await page.getByTestId('confirmation-number').innerText()).trim();
    if (!/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/.test(confirmation)) throw new Error(`odd confirmation number "${confirmation}"`);
    await a11y('confirmation');
    await readMail(dataDir, email, new RegExp(confirmation));

    step('upload from the account');
    await page.getByRole('link', { name: t('applications.confirmation.uploadNow') }).click();
    await page.locator('#field-file_release').setInputFiles(releasePdf);
    await a11y('application page');
    await page.getByRole('button', { name: t('documents.upload.submit') }).click();
    await page.getByText(t('documents.upload.done', { count: '1' })).waitFor();
    await page.getByText('release-letter.pdf').first().waitFor();
    await a11y('application page after upload');

    step('sign out, then upload without an account');
    await page.getByRole('button', { name: t('common.signOut') }).click();
    await page.goto('/upload');
    await fillLookup(confirmation.toLowerCase());
    await a11y('public upload');
    await page.getByRole('button', { name: t('common.continue') }).click();
    await page.getByRole('heading', { level: 1, name: t('documents.publicUpload.documentsTitle') }).waitFor();
    await page.locator('#field-file_pay-stub').setInputFiles(photo);
    await page.locator('#field-file_other').setInputFiles(iphonePhoto);
    if (o.javaScriptEnabled) {
      // The script refuses a file by emptying the field and showing "This is not a valid file type".
      const kept = await page.locator('#field-file_other').evaluate((i: HTMLInputElement) => [...(i.files ?? [])].map((f) => f.name));
      const refused = await page.locator('.usa-file-input__accepted-files-message').count();
      if (kept.join() !== 'IMG_0042.HEIC' || refused) throw new Error(`the file field refused IMG_0042.HEIC before sending (kept: [${kept.join()}])`);
    }
    await page.getByRole('button', { name: t('documents.upload.submit') }).click();
    await page.getByText('pay-stub-photo.jpg').first().waitFor();
    await page.getByText('IMG_0042.HEIC').first().waitFor();
    await a11y('public upload documents');

    step('receipt PDF');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: t('documents.receipt.download') }).click()]);
    const pdfPath = path.join(files, 'receipt.pdf');
    await download.saveAs(pdfPath);
    const receipt = await pdfText(fs.readFileSync(pdfPath));
    for (const expected of ['release-letter.pdf', 'pay-stub-photo.jpg', 'IMG_0042.HEIC', confirmation]) {
      if (!receipt.includes(expected)) throw new Error(`receipt lacks "${expected}"`);
    }

    step('public status page');
    await page.goto('/status');
    await fillLookup(confirmation);
    await a11y('status');
    await page.getByRole('button', { name: t('documents.status.submit') }).click();
    await page.getByRole('heading', { level: 1, name: t('documents.status.resultTitle') }).waitFor();
    await page.getByText(t('applications.status.incomplete')).first().waitFor();
    await a11y('status result');
    return { visited, email, password: 'Tortuga7Verde', confirmation };
  } catch (e) {
    fs.mkdirSync('test-results', { recursive: true });
    const base = path.join('test-results', `${o.name.replace(/\W+/g, '-')}`);
    await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => {});
    fs.writeFileSync(`${base}.html`, await page.content().catch(() => ''));
    throw e;
  } finally {
    await context.close();
    fs.rmSync(files, { recursive: true, force: true });
  }
}
