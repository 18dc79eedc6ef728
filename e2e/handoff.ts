import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { translator } from '../src/platform/i18n/translator.js';
import { loadDistrictConfigs } from '../src/modules/districts/loader.js';
import { checkA11y } from './support/browser.js';
import { firstLink, readMail } from './support/mail.js';
import { cliActivationLink } from './staff.js';
import { samplePdf } from '../test/support/files.js';
import { pdfText } from '../test/support/pdf.js';

const catalogs = loadCatalogs();
const { t } = translator(catalogs, 'en');
const districts = loadDistrictConfigs('config/districts');
const paramount = districts.find((d) => d.slug === 'paramount-sample')!;
const lausd = districts.find((d) => d.slug === 'lausd-sample')!;
const PARAMOUNT = paramount.name.en; // "Paramount Unified (sample)"
const LAUSD = lausd.name.en; // "Los Angeles Unified (sample)"
/** A document's label as a district's checklist names it. */
const docLabel = (code: string, district = lausd) => district.documents.find((d) => d.code === code)?.label.en ?? code;
const RELEASE_DOC = docLabel('release'); // "Approved release from your district of residence"

/** The family of this test: a student who lives in Paramount and wants a Los Angeles school. */
// An accented last name: clerks search without the accent, as they type (DEC-1 search keys).
const STUDENT = { first: 'Nora', last: 'Ibáñez', month: '4', day: '9', year: '2018' };
const STUDENT_NAME = `${STUDENT.first} ${STUDENT.last}`;
const QUEUE_NAME = `${STUDENT.last}, ${STUDENT.first}`;
const PASSWORD = 'Tortuga7Verde';
const PARAMOUNT_CLERK = { email: 'clerk@paramount-sample.example.org', password: 'Ventanilla5Roja' };
const LAUSD_CLERK = { email: 'handoff.clerk@lausd-sample.example.org', password: 'Escritorio8Gris' };

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The message namespaces: a raw key on a page ("applications.release.title") is a missing translation. */
const NAMESPACES = fs.readdirSync('locales/en').filter((f) => f.endsWith('.json') && !f.startsWith('_')).map((f) => f.replace(/\.json$/, ''));
const RAW_KEY = new RegExp(`(?<![\\w@.-])(?:${NAMESPACES.map(esc).join('|')})\\.[A-Za-z][\\w-]*(?:\\.[\\w-]+)*`, 'gi');

/** What a part of the page says, as written in the HTML (not as CSS capitalizes it), spaces collapsed. */
const textOf = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** An application problem the test found: it stops there and says what and where. */
class AppProblem extends Error {}

/**
 * DEC-5, the two-district hand-off, in real Chromium through the real server: a parent whose
 * child lives in Paramount asks Paramount for a release to Los Angeles (with the documents it
 * needs); Paramount's clerk approves the release; it arrives by itself in the Los Angeles queue
 * with the release counted as its "approved release" document; the parent sends what only Los
 * Angeles asks for; Los Angeles approves into Elm Street Elementary; the parent, on a phone,
 * sees both districts' approval and reads the one permit that carries both. axe checks every
 * page visited, and no page may show a raw message key.
 */
export async function twoDistrictHandoff(browser: Browser, baseUrl: string, dataDir: string): Promise<string[]> {
  const visited: string[] = [];
  const contexts: BrowserContext[] = [];
  let current: Page | null = null;
  let stepName = '';
  const step = (s: string, page?: Page) => {
    stepName = s;
    if (page) current = page;
  };
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-e2e-handoff-'));
  const file = (name: string) => {
    const p = path.join(files, name);
    fs.writeFileSync(p, samplePdf(name));
    return p;
  };

  const open = async (opts: Parameters<Browser['newContext']>[0] = {}) => {
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 }, locale: 'en-US', ...opts });
    contexts.push(context);
    const page = await context.newPage();
    current = page;
    return page;
  };

  /** Every page: axe, and no message key shown raw instead of its words. */
  const check = async (page: Page, label: string) => {
    current = page;
    const text = await page.locator('body').innerText();
    const raw = [...new Set(text.match(RAW_KEY) ?? [])];
    if (raw.length) throw new AppProblem(`missing translation on "${label}" (${page.url()}): the page shows the raw key(s) ${raw.map((k) => `"${k}"`).join(', ')}`);
    await checkA11y(page, `handoff ${label}`, visited);
  };

  // As a person finds things on a page: fields by their label, radios and checkboxes by clicking theirs.
  const field = (page: Page, label: string) => page.getByLabel(new RegExp(`^${esc(label)}(\\s*\\*|\\s*\\(.*\\))?$`));
  const choose = async (page: Page, group: string, option: string) => {
    const fieldset = page.getByRole('group', { name: new RegExp(`^${esc(group)}`) });
    await fieldset.locator('label.usa-radio__label, label.usa-checkbox__label').filter({ hasText: new RegExp(`^${esc(option)}`) }).first().click();
    if (!(await fieldset.getByRole('radio', { name: new RegExp(`^${esc(option)}`) }).first().isChecked())) throw new Error(`"${option}" did not get chosen under "${group}"`);
  };
  // A file input by the document name above it, as a sighted parent finds it. (With JavaScript on,
  // USWDS's file input replaces the input's accessible name with its own aria-label, "Drag files
  // here or choose from folder", so getByLabel cannot find it by the document's name.)
  const fileInput = async (page: Page, label: string) => {
    const id = await page.locator('label.usa-label').filter({ hasText: new RegExp(`^\\s*${esc(label)}\\s*$`) }).getAttribute('for');
    if (!id) throw new Error(`no upload field labelled "${label}" on ${page.url()}`);
    return page.locator(`input[type="file"][id="${id}"]`);
  };
  const expectText = async (page: Page, text: string | RegExp, what: string) => {
    try {
      await page.getByText(text).first().waitFor({ timeout: 5_000 });
    } catch {
      throw new AppProblem(`${what}: expected ${text instanceof RegExp ? text : `"${text}"`} on ${page.url()}, not found`);
    }
  };

  const activateStaff = async (page: Page, link: string, password: string, label: string) => {
    await page.goto(link);
    await check(page, `${label} activation`);
    await page.getByLabel(/^New password/).fill(password);
    await page.getByLabel(/^Enter the new password again/).fill(password);
    await page.getByRole('button', { name: t('accounts.activate.submit') }).click();
    await page.getByRole('heading', { level: 1, name: t('staff.queue.title') }).waitFor();
  };
  const staffSignIn = async (page: Page, who: { email: string; password: string }, label: string) => {
    // Out of the session the activation opened, then in again as every other day.
    await page.getByRole('button', { name: t('common.signOut') }).click();
    await page.waitForLoadState();
    await page.goto('/staff/sign-in');
    await check(page, `${label} sign in`);
    await page.getByLabel(/^Email/).fill(who.email);
    await page.getByLabel(/^Password/).fill(who.password);
    await page.locator('main').getByRole('button', { name: t('common.signIn') }).click();
    await page.getByRole('heading', { level: 1, name: t('staff.queue.title') }).waitFor();
  };
  /** The queue, searched as a clerk types (a name without its accent, or a date of birth), then the one request of that student. */
  const findInQueue = async (page: Page, label: string, search: string) => {
    await page.goto('/staff/queue');
    await page.getByLabel(/^Search/).fill(search);
    await page.getByRole('button', { name: t('staff.queue.filter') }).click();
    await page.waitForURL(/q=/);
    const links = page.locator('table.app-queue tbody').getByRole('link', { name: QUEUE_NAME });
    const n = await links.count();
    if (n !== 1) throw new AppProblem(`${label}: expected one request for ${QUEUE_NAME} in the queue (${page.url()}), found ${n}`);
    await check(page, `${label} queue`);
    await links.click();
    await page.getByRole('heading', { level: 1, name: QUEUE_NAME }).waitFor();
  };
  /** The staff page's documents table: the required documents it marks missing. */
  const staffMissing = async (page: Page) => {
    const rows = page.locator('table').filter({ has: page.getByRole('columnheader', { name: t('documents.checklist.document') }) }).locator('tbody tr').filter({ has: page.getByText(t('documents.checklist.missing'), { exact: true }) });
    return (await rows.locator('th').allInnerTexts()).map((s) => s.trim());
  };
  /** The parent's checklist: the documents it marks missing. */
  const parentMissing = async (page: Page) => {
    const rows = page.locator('table.app-checklist tbody tr').filter({ has: page.locator('.app-tag--missing') });
    const heads = await rows.locator('th').all();
    const out: string[] = [];
    for (const h of heads) out.push((await h.evaluate((el) => el.firstChild?.textContent ?? '')).trim());
    return out;
  };

  const email = `parent.handoff.${Date.now()}@example.org`;
  try {
    // 1. The parent registers, activates, and adds a student who lives in Paramount.
    step('parent registers');
    const parent = await open();
    await parent.goto('/register');
    await field(parent, t('accounts.register.firstName')).fill('Grace');
    await field(parent, t('accounts.register.lastName')).fill('Whitfield');
    await field(parent, t('accounts.register.email')).fill(email);
    await field(parent, t('accounts.register.emailConfirm')).fill(email);
    // With JavaScript on, the proof of work answers the human check and hides the question.
    await parent.locator('#human-question.app-hidden').waitFor({ state: 'attached', timeout: 20_000 });
    await check(parent, 'register');
    await parent.getByRole('button', { name: t('accounts.register.submit') }).click();
    await parent.getByRole('heading', { level: 1, name: t('accounts.checkEmail.title') }).waitFor();
    await check(parent, 'check email');

    step('activation email and password');
    await parent.goto(firstLink(await readMail(dataDir, email, /activate\//), '/activate/'));
    await parent.getByRole('heading', { level: 1, name: t('accounts.activate.title') }).waitFor();
    await check(parent, 'create password');
    await field(parent, t('accounts.password.new')).fill(PASSWORD);
    await field(parent, t('accounts.password.confirm')).fill(PASSWORD);
    await parent.getByRole('button', { name: t('accounts.activate.submit') }).click();
    await parent.getByRole('heading', { level: 1, name: t('applications.account.title') }).waitFor();
    await check(parent, 'account');

    step('add a student who lives in Paramount');
    await parent.getByRole('link', { name: t('applications.account.addStudent') }).click();
    await parent.getByRole('heading', { level: 1, name: t('students.form.addTitle') }).waitFor();
    await check(parent, 'add student');
    await field(parent, t('students.form.firstName')).fill(STUDENT.first);
    await field(parent, t('students.form.lastName')).fill(STUDENT.last);
    await parent.getByLabel(t('common.month')).selectOption(STUDENT.month);
    await parent.getByLabel(t('common.day')).fill(STUDENT.day);
    await parent.getByLabel(t('common.year')).fill(STUDENT.year);
    await field(parent, t('students.form.currentGrade')).selectOption('2');
    await field(parent, t('students.form.address1')).fill('8312 Garfield Ave');
    await field(parent, t('students.form.city')).fill('Paramount');
    await field(parent, t('students.form.zip')).fill('90723');
    await parent.getByRole('button', { name: t('students.form.add') }).click();
    await parent.getByRole('heading', { level: 1, name: t('students.list.title') }).waitFor();
    await check(parent, 'students');

    // 2. The student's page: the district of residence, and the release form it links to.
    step("the student's page", parent);
    await parent.goto('/account');
    await parent.getByRole('link', { name: t('students.list.story', { name: STUDENT_NAME }) }).click();
    await parent.waitForURL(/\/students\/[^/]+$/);
    await parent.getByRole('heading', { level: 1, name: t('students.story.title', { name: STUDENT_NAME }) }).waitFor();
    await expectText(parent, t('students.story.residence.districtOnly', { district: PARAMOUNT }).replace(/\.$/, ''), "the student's page names the district of residence");
    await check(parent, 'student page');

    step('the release form');
    await parent.getByRole('link', { name: t('students.story.actions.outgoing', { district: PARAMOUNT }) }).click();
    await parent.waitForURL(/\/apply\/paramount-sample\/outgoing\?student=/);
    await parent.getByRole('heading', { level: 1, name: t('applications.release.title', { district: PARAMOUNT }) }).waitFor();
    await check(parent, 'release form');
    const years = (await parent.getByRole('group', { name: new RegExp(`^${t('applications.form.schoolYear')}`) }).locator('label.usa-radio__label').allInnerTexts()).map((s) => s.trim());
    if (!years.includes('2026–2027')) throw new AppProblem(`the release form (${parent.url()}) offers the school years [${years.join(', ')}], not 2026–2027, though Paramount's outgoing window for it is open`);
    await parent.locator('label.usa-checkbox__label', { hasText: t('applications.start.agree') }).click();
    await choose(parent, t('applications.form.schoolYear'), '2026–2027');
    await field(parent, t('applications.form.gradeRequested')).selectOption('3');
    await choose(parent, t('applications.form.reason'), 'Parent employment');
    await choose(parent, t('applications.release.targetDistrict'), LAUSD);
    await field(parent, t('applications.release.targetSchool')).selectOption({ label: `Elm Street Elementary — ${LAUSD}` });
    await choose(parent, t('applications.form.relationship'), t('applications.relationships.parent'));
    await field(parent, t('applications.form.decisionEmail')).fill(email);
    await field(parent, t('applications.form.decisionEmailConfirm')).fill(email);
    await parent.getByRole('button', { name: t('applications.release.submit') }).click();

    step('the release confirmation');
    await parent.getByRole('heading', { name: t('applications.confirmation.title') }).waitFor();
    const releaseNumber = (await parent.getByTestId('confirmation-number').innerText()).trim();
    if (!/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/.test(releaseNumber)) throw new Error(`odd confirmation number "${releaseNumber}"`);
    await check(parent, 'release confirmation');

    step('the release: its documents');
    await parent.getByRole('link', { name: t('applications.confirmation.uploadNow') }).click();
    await parent.getByRole('heading', { level: 1, name: t('applications.page.title', { student: STUDENT_NAME }) }).waitFor();
    const releaseUrl = parent.url();
    const needed = await parentMissing(parent);
    const wanted = [docLabel('pay-stub', paramount), docLabel('employer-letter', paramount)];
    if (wanted.some((w) => !needed.includes(w))) throw new AppProblem(`the release's page (${releaseUrl}) lists [${needed.join(', ')}] as missing; expected the pay stub and the employer letter`);
    await check(parent, 'release page');
    await (await fileInput(parent, docLabel('pay-stub', paramount))).setInputFiles(file('pay-stub.pdf'));
    await (await fileInput(parent, docLabel('employer-letter', paramount))).setInputFiles(file('employer-letter.pdf'));
    await parent.getByRole('button', { name: t('documents.upload.submit') }).click();
    await parent.getByText(t('documents.upload.done', { count: '2' })).waitFor();
    await parent.locator('.usa-intro').getByText(t('applications.status.submitted')).waitFor();
    await check(parent, 'release page after upload');

    // 3. Paramount's permit office releases the student.
    step('Paramount clerk: activation');
    const paramountPage = await open({ viewport: { width: 1440, height: 900 } });
    await activateStaff(paramountPage, cliActivationLink(baseUrl, dataDir, ['--email', PARAMOUNT_CLERK.email, '--first', 'Rosa', '--last', 'Permits', '--role', 'permit_staff'], 'paramount-sample'), PARAMOUNT_CLERK.password, 'Paramount clerk');
    step('Paramount clerk: sign in and find the release', paramountPage);
    await staffSignIn(paramountPage, PARAMOUNT_CLERK, 'Paramount clerk');
    await findInQueue(paramountPage, 'Paramount clerk', 'ibanez');
    await expectText(paramountPage, releaseNumber, "the release's staff page shows its confirmation number");
    await paramountPage.getByRole('heading', { level: 3, name: t('decisions.staff.releaseHeading'), exact: true }).waitFor();
    await check(paramountPage, 'Paramount release page');

    step('Paramount clerk: approve the release');
    const releaseForm = paramountPage.locator('form').filter({ has: paramountPage.getByRole('heading', { name: t('decisions.staff.releaseHeading'), exact: true }) });
    await releaseForm.getByLabel(new RegExp(`^${esc(t('decisions.staff.years'))}`)).selectOption('1');
    await releaseForm.getByRole('button', { name: t('decisions.staff.approveSubmit') }).click();
    await paramountPage.getByRole('link', { name: new RegExp(t('decisions.staff.letterLink')) }).first().waitFor();
    await expectText(paramountPage, new RegExp(esc(t('decisions.staff.otherSide.incoming', { district: LAUSD, confirmation: 'X' })).replace('X', '[0-9A-Z-]+')), 'after the release, its page says where it was sent');
    await check(paramountPage, 'Paramount release approved');
    await readMail(dataDir, email, new RegExp(esc(t('decisions.email.releaseForwarded.subject', { receiving: LAUSD }))));

    // 4. Los Angeles finds the request the release became, with the release counted.
    step('LAUSD clerk: activation and sign in');
    const lausdPage = await open({ viewport: { width: 1440, height: 900 } });
    await activateStaff(lausdPage, cliActivationLink(baseUrl, dataDir, ['--email', LAUSD_CLERK.email, '--first', 'Hand', '--last', 'Off', '--role', 'permit_staff']), LAUSD_CLERK.password, 'LAUSD clerk');
    await staffSignIn(lausdPage, LAUSD_CLERK, 'LAUSD clerk');
    step('LAUSD clerk: find the forwarded request', lausdPage);
    await findInQueue(lausdPage, 'LAUSD clerk', '2018-04-09');
    const incomingStaffUrl = lausdPage.url();
    const asked = await textOf(lausdPage.getByRole('region', { name: t('staff.request.request'), exact: true }));
    if (!asked.includes('Elm Street Elementary')) throw new AppProblem(`the forwarded request (${incomingStaffUrl}) does not carry the school the release named, Elm Street Elementary: "${asked}"`);
    await expectText(lausdPage, new RegExp(esc(t('decisions.staff.otherSide.release', { district: PARAMOUNT, confirmation: releaseNumber }))), 'the forwarded request says which release it came with');
    const otherSide = lausdPage.locator('.app-decision .usa-alert').filter({ hasText: PARAMOUNT });
    if (!(await textOf(otherSide)).includes(t('applications.status.approved'))) throw new AppProblem(`the forwarded request (${incomingStaffUrl}) does not show Paramount's release as ${t('applications.status.approved')}: "${await textOf(otherSide)}"`);
    await check(lausdPage, 'LAUSD forwarded request');
    const staffMissingBefore = await staffMissing(lausdPage);
    if (staffMissingBefore.includes(RELEASE_DOC)) {
      throw new AppProblem(`DEC-5: on the LAUSD clerk's page of the forwarded request (${incomingStaffUrl}) the documents table marks "${RELEASE_DOC}" as Missing, though the request came with Paramount's approved release (src/modules/staff/views/document-list.tsx lists every required item without a file and does not count the linked release). Missing there: [${staffMissingBefore.join(', ')}]`);
    }
    for (const carried of [docLabel('pay-stub'), docLabel('employer-letter')]) {
      if (staffMissingBefore.includes(carried)) throw new AppProblem(`the forwarded request (${incomingStaffUrl}) marks "${carried}" as missing: the release's documents did not travel with it`);
    }

    // 5. The parent sends what only Los Angeles asks for; Los Angeles approves into Elm Street.
    step('parent: the LAUSD request and its documents', parent);
    await parent.goto(releaseUrl);
    await parent.getByRole('region', { name: t('applications.linked.incomingHeading') }).getByRole('link', { name: t('applications.linked.open') }).click();
    await parent.getByRole('heading', { level: 1, name: t('applications.page.title', { student: STUDENT_NAME }) }).waitFor();
    const incomingUrl = parent.url();
    await expectText(parent, t('applications.linked.release', { district: PARAMOUNT, confirmation: releaseNumber }), "the LAUSD request names the release it came with");
    await check(parent, 'LAUSD request');
    const lausdNeeds = await parentMissing(parent);
    if (lausdNeeds.includes(RELEASE_DOC)) {
      throw new AppProblem(`DEC-5: the parent's page of the LAUSD request (${incomingUrl}) marks "${RELEASE_DOC}" as Missing, though Paramount's release travelled with it (src/modules/documents/views/documents-section.tsx ChecklistTable shows every required item without a file as missing; only missingRequired skips the linked release). Missing there: [${lausdNeeds.join(', ')}]`);
    }
    const expected = [docLabel('report-card'), docLabel('discipline'), docLabel('attendance')];
    if (expected.some((e) => !lausdNeeds.includes(e))) throw new AppProblem(`the LAUSD request (${incomingUrl}) lists [${lausdNeeds.join(', ')}] as missing; expected the report card, discipline and attendance records`);
    for (const [i, label] of lausdNeeds.entries()) await (await fileInput(parent, label)).setInputFiles(file(`lausd-${i + 1}.pdf`));
    await parent.getByRole('button', { name: t('documents.upload.submit') }).click();
    await parent.getByText(t('documents.upload.done', { count: String(lausdNeeds.length) })).waitFor();
    await parent.locator('.usa-intro').getByText(t('applications.status.submitted')).waitFor();
    if ((await parentMissing(parent)).length) throw new AppProblem(`after the upload, the LAUSD request (${incomingUrl}) still lists [${(await parentMissing(parent)).join(', ')}] as missing`);
    await check(parent, 'LAUSD request after upload');

    step('LAUSD clerk: approve into Elm Street Elementary', lausdPage);
    await lausdPage.goto(incomingStaffUrl);
    await lausdPage.getByRole('heading', { level: 3, name: t('decisions.staff.approveHeading'), exact: true }).waitFor();
    const left = await staffMissing(lausdPage);
    if (left.length) throw new AppProblem(`the LAUSD clerk's page (${incomingStaffUrl}) still marks [${left.join(', ')}] as missing after the parent's upload`);
    await check(lausdPage, 'LAUSD request ready to decide');
    const approveForm = lausdPage.locator('form').filter({ has: lausdPage.getByRole('heading', { name: t('decisions.staff.approveHeading'), exact: true }) });
    await approveForm.locator('label.usa-radio__label', { hasText: 'Elm Street Elementary' }).click();
    await approveForm.getByLabel(new RegExp(`^${esc(t('decisions.staff.years'))}`)).selectOption('1');
    await approveForm.getByRole('button', { name: t('decisions.staff.approveSubmit') }).click();
    await lausdPage.getByRole('link', { name: new RegExp(t('decisions.staff.letterLink')) }).first().waitFor();
    await lausdPage.locator('.app-decision dl').getByText('Elm Street Elementary').waitFor();
    await check(lausdPage, 'LAUSD request approved');

    // 6. The parent, on a phone, reads both approvals and the one permit.
    step('parent on a phone: the student page');
    const phone = await open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.goto('/sign-in');
    await check(phone, 'sign in on a phone');
    await phone.getByLabel(new RegExp(`^${t('accounts.signIn.email')}`)).fill(email);
    await phone.getByLabel(new RegExp(`^${t('accounts.signIn.password')}`)).fill(PASSWORD);
    await phone.locator('main').getByRole('button', { name: t('common.signIn') }).click();
    await phone.waitForURL(/\/account/);
    await phone.getByRole('heading', { level: 1, name: t('applications.account.title') }).waitFor();
    await check(phone, 'account on a phone');
    await phone.getByRole('link', { name: t('students.list.story', { name: STUDENT_NAME }) }).click();
    await phone.getByRole('heading', { level: 1, name: t('students.story.title', { name: STUDENT_NAME }) }).waitFor();
    const release = phone.getByRole('region', { name: `${t('applications.kinds.outgoing')} — ${PARAMOUNT} — 2026–2027` });
    const incoming = phone.getByRole('region', { name: `${t('applications.kinds.incoming')} — ${LAUSD} — 2026–2027` });
    for (const [what, region] of [['the release', release], ['the LAUSD request', incoming]] as const) {
      if ((await region.count()) !== 1) throw new AppProblem(`the student page (${phone.url()}) does not show ${what} as one section`);
      if (!(await textOf(region)).includes(t('applications.status.approved'))) throw new AppProblem(`the student page (${phone.url()}) does not show ${what} as ${t('applications.status.approved')}`);
    }
    const bothApproved = t('students.story.next.bothApproved', { district: LAUSD });
    if (!(await textOf(release)).includes(bothApproved)) throw new AppProblem(`the student page (${phone.url()}): the release's next step is not "${bothApproved}", it reads: ${await textOf(release)}`);
    await check(phone, 'student page on a phone');

    step('parent on a phone: the permit PDF');
    const permitLink = incoming.getByRole('link', { name: t('decisions.letter.title.approved') });
    const href = await permitLink.getAttribute('href');
    if (!href) throw new AppProblem(`the student page (${phone.url()}) has no "${t('decisions.letter.title.approved')}" link on the LAUSD request`);
    const pdf = await phone.request.get(href);
    if (pdf.status() !== 200 || pdf.headers()['content-type'] !== 'application/pdf') throw new AppProblem(`the permit link ${href} answered ${pdf.status()} ${pdf.headers()['content-type']}, not a PDF`);
    const text = await pdfText(await pdf.body());
    const mustSay: [string, RegExp][] = [
      ['the school', new RegExp(`${esc(t('decisions.letter.school'))}:?\\s+Elm Street Elementary`)],
      ["both districts' approval", new RegExp(esc(t('decisions.letter.approved.bothDistricts', { residence: PARAMOUNT, district: LAUSD })).replace(/ /g, '\\s+'))],
      ['Released by Paramount', new RegExp(`${esc(t('decisions.letter.releasedBy'))}:?\\s+${esc(PARAMOUNT)}`)],
      ["the release's number", new RegExp(esc(releaseNumber))],
    ];
    for (const [what, re] of mustSay) if (!re.test(text)) throw new AppProblem(`the permit PDF (${href}) lacks ${what} (${re}); its text: ${text.slice(0, 3000)}`);

    // 7. The same parent in Spanish, on a phone, without JavaScript, gets the new forms wrong first.
    step('parent in Spanish, phone, no JavaScript: bad input on the school-change and move forms');
    const es = translator(catalogs, 'es').t;
    const nojs = await open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, javaScriptEnabled: false, locale: 'es-US' });
    const checkNoJs = async (label: string) => {
      const text = await nojs.locator('body').innerText();
      const raw = [...new Set(text.match(RAW_KEY) ?? [])];
      if (raw.length) throw new AppProblem(`missing translation on "${label}" (${nojs.url()}): ${raw.join(', ')}`);
      await checkA11y(nojs, `handoff ${label}`, visited, false);
    };
    await nojs.goto('/sign-in');
    // The browser asks for Spanish (Accept-Language): the sign-in page speaks it; the account's own language then applies until changed.
    await nojs.getByLabel(new RegExp(`^${es('accounts.signIn.email')}`)).fill(email);
    await nojs.getByLabel(new RegExp(`^${es('accounts.signIn.password')}`)).fill(PASSWORD);
    await nojs.locator('main').getByRole('button', { name: es('common.signIn') }).click();
    await nojs.waitForURL(/\/account/);
    await nojs.goto(`/language?to=es&next=${encodeURIComponent(new URL(phone.url()).pathname)}`); // the student's page, in Spanish
    await nojs.getByRole('heading', { level: 1, name: es('students.story.title', { name: STUDENT_NAME }) }).waitFor();
    await checkNoJs('student page in Spanish, no JavaScript');
    await nojs.getByRole('link', { name: es('students.story.actions.intra', { district: 'Distrito Unificado de Paramount (ejemplo)' }) }).click();
    await nojs.getByRole('heading', { level: 1, name: es('applications.transfer.title', { district: 'Distrito Unificado de Paramount (ejemplo)' }) }).waitFor();
    await checkNoJs('school-change form in Spanish');
    // The school of residence asked for, nothing ticked: every problem named, in Spanish, what was chosen kept.
    await nojs.getByLabel(new RegExp(`^${esc(es('applications.transfer.school'))}`)).selectOption('102');
    await nojs.getByRole('button', { name: es('applications.transfer.submit') }).click();
    await nojs.getByRole('heading', { name: es('common.errorSummaryHeading') }).waitFor();
    const errors = await nojs.locator('.usa-alert--error, .usa-error-message').allInnerTexts();
    if (!errors.join(' ').includes(es('applications.errors.agreeRequired'))) throw new AppProblem(`the school-change form in Spanish did not name the unticked agreement; it says: ${errors.join(' | ')}`);
    if ((await nojs.getByLabel(new RegExp(`^${esc(es('applications.transfer.school'))}`)).inputValue()) !== '102') throw new AppProblem('the school-change form lost the school chosen');
    if (!(await nojs.title()).startsWith('Error')) throw new AppProblem(`the page title does not start with "Error": ${await nojs.title()}`);
    await checkNoJs('school-change form with errors in Spanish');
    await nojs.locator('label.usa-checkbox__label').filter({ hasText: es('applications.start.agree') }).click(); // USWDS hides the box itself behind its label
    await nojs.getByLabel(new RegExp(`^${esc(es('applications.form.gradeRequested'))}`)).selectOption('3');
    await nojs.locator('label.usa-radio__label').filter({ hasText: /^Hermano o hermana/ }).click();
    await nojs.locator('label.usa-radio__label').filter({ hasText: es('applications.relationships.parent') }).click();
    await nojs.getByLabel(new RegExp(`^${esc(es('applications.transfer.registrationNumber'))}`)).fill('GP-20417');
    await nojs.getByLabel(new RegExp(`^${esc(es('applications.form.decisionEmailConfirm'))}`)).fill(email);
    await nojs.getByRole('button', { name: es('applications.transfer.submit') }).click();
    const again = (await nojs.locator('.usa-error-message').allInnerTexts()).join(' ');
    // Everything else right: the school of residence itself is refused, beside the school, in Spanish.
    if (!again.includes(es('applications.errors.sameAsResidence', { school: 'Garfield Park Elementary' }))) throw new AppProblem(`the school-change form did not refuse the school of residence; it says: ${again}`);
    if ((await nojs.getByLabel(new RegExp(`^${esc(es('applications.transfer.registrationNumber'))}`)).inputValue()) !== 'GP-20417') throw new AppProblem('the school-change form lost the registration number typed');
    await checkNoJs('school-change form refused in Spanish');

    await nojs.goto(`${new URL(phone.url()).pathname}/move`);
    await nojs.getByRole('button', { name: es('moves.page.submit') }).click();
    const moveErrors = (await nojs.locator('.usa-error-message').allInnerTexts()).join(' ');
    if (!moveErrors.includes(es('moves.errors.movedRequired'))) throw new AppProblem(`the move form in Spanish did not ask for the move date; it says: ${moveErrors}`);
    await checkNoJs('move form with errors in Spanish');
    return visited;
  } catch (e) {
    fs.mkdirSync('test-results', { recursive: true });
    const base = path.join('test-results', `handoff-${stepName.replace(/\W+/g, '-').replace(/^-|-$/g, '')}`);
    const page = current as Page | null;
    if (page) {
      await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => {});
      fs.writeFileSync(`${base}.html`, await page.content().catch(() => ''));
    }
    const kind = e instanceof AppProblem ? 'application problem' : 'failed';
    throw new Error(`step "${stepName}" ${kind}: ${(e as Error).message}${page ? `\n(page ${page.url()}; screen and HTML in ${base}.png/.html)` : ''}`);
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    fs.rmSync(files, { recursive: true, force: true });
  }
}
