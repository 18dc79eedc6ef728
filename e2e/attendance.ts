import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { translator } from '../src/platform/i18n/translator.js';
import { checkA11y } from './support/browser.js';
import { firstLink, readMail } from './support/mail.js';
import { e2eNow } from './support/server.js';
import { cliActivationLink } from './staff.js';
import { answerQuestion } from './journey.js';
import { pdfText } from '../test/support/pdf.js';
import { samplePng } from '../test/support/files.js';

const catalogs = loadCatalogs();
const SCHOOL = 'lausd-sample:1001';
const ZONE = 'America/Los_Angeles';
const PHONE = { width: 390, height: 844 };
const OFFICE = { email: 'attendance.office@lausd-sample.example.org', password: 'Escritorio4Azul' };
const TEACHER = { email: 'teacher.elm@lausd-sample.example.org', password: 'Pizarra7Verde' };
/** The three school days before the training clock's Monday, December 7, 2026 (Wednesday to Friday). */
const PAST_DAYS = ['2026-12-02', '2026-12-03', '2026-12-04'];

const localDay = (at: Date): string => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A label's text as a person reads it, maybe followed by "*" or "(optional)". */
const labelled = (text: string) => new RegExp(`^${esc(text)}(\\s*\\*|\\s*\\(.*\\))?$`);

/** A staff member made by district IT with the CLI activates their account in this page. */
async function activate(page: Page, link: string, password: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel(/^New password/).fill(password);
  await page.getByLabel(/^Enter the new password again/).fill(password);
  await page.getByRole('button', { name: translator(catalogs, 'en').t('accounts.activate.submit') }).click();
  await page.waitForURL((u) => !u.pathname.includes('/activate/'));
}

/**
 * Attendance in the browser (issue 16): Elm Street Elementary's attendance office and a teacher,
 * made with the CLI, activate. The office sets the bell schedule in period mode, imports a
 * student onto the roll, links the family account of a Spanish-speaking mother who registered on
 * her phone, and makes a period-1 section taught by the teacher with the student in it. At 9:00
 * the period is on the "not submitted" report; the teacher, on a 390×844 phone without
 * JavaScript, opens the day's sections and submits the period with the student absent (ATT-1),
 * and the report no longer lists it. The mother, on her phone in Spanish, explains the absence
 * with a photo of a note (ATT-2); the office accepts it. The office then records, after the fact
 * on the paper roll, the student absent without excuse on three earlier school days (ATT-7): the
 * third makes the student truant and the first notification goes out by itself (ATT-5, ATT-8) —
 * the mother reads it in her account in Spanish, in an email, and in its letter. Axe on every page.
 */
export async function attendanceStory(browser: Browser, baseUrl: string, dataDir: string): Promise<string[]> {
  const { t } = translator(catalogs, 'en');
  const es = translator(catalogs, 'es').t;
  const visited: string[] = [];
  const today = localDay(e2eNow());
  const contexts: BrowserContext[] = [];
  const open = async (options: Parameters<Browser['newContext']>[0]) => {
    const context = await browser.newContext({ baseURL: baseUrl, locale: 'en-US', ...options });
    contexts.push(context);
    return context.newPage();
  };
  const office = await open({ viewport: { width: 1280, height: 900 } });
  const teacher = await open({ viewport: PHONE, isMobile: true, hasTouch: true, javaScriptEnabled: false });
  const parent = await open({ viewport: PHONE, isMobile: true, hasTouch: true, javaScriptEnabled: false });
  const parentEmail = `ana.lopez.${Date.now()}@example.org`;
  try {
    // District IT makes the office and the teacher; each activates.
    await activate(office, cliActivationLink(baseUrl, dataDir, ['--email', OFFICE.email, '--first', 'Rosa', '--last', 'Méndez', '--role', 'school_office', '--school', '1001']), OFFICE.password);
    await activate(teacher, cliActivationLink(baseUrl, dataDir, ['--email', TEACHER.email, '--first', 'Luz', '--last', 'Vega', '--role', 'teacher', '--school', '1001']), TEACHER.password);

    // The mother registers on her phone, in Spanish (the page's language is her account's).
    await parent.goto('/register');
    await parent.getByRole('link', { name: 'Español' }).click();
    await parent.getByLabel(labelled(es('accounts.register.firstName'))).fill('Ana');
    await parent.getByLabel(labelled(es('accounts.register.lastName'))).fill('López');
    await parent.getByLabel(labelled(es('accounts.register.email'))).fill(parentEmail);
    await parent.getByLabel(labelled(es('accounts.register.emailConfirm'))).fill(parentEmail);
    const question = await parent.locator('label[for="field-answer"]').innerText();
    await parent.getByLabel(question.replace(/\s*\*$/, '').trim(), { exact: false }).fill(answerQuestion(question, 'es'));
    await parent.getByRole('button', { name: es('accounts.register.submit') }).click();
    await parent.getByRole('heading', { level: 1, name: es('accounts.checkEmail.title') }).waitFor();
    await parent.goto(firstLink(await readMail(dataDir, parentEmail, /activate\//), '/activate/'));
    await parent.getByLabel(labelled(es('accounts.password.new'))).fill('Tortuga7Verde');
    await parent.getByLabel(labelled(es('accounts.password.confirm'))).fill('Tortuga7Verde');
    await parent.getByRole('button', { name: es('accounts.activate.submit') }).click();
    await parent.getByRole('heading', { level: 1, name: es('applications.account.title') }).waitFor();

    // The office: the bell schedule, period mode, period 1 at 8:00.
    await office.goto(`/staff/attendance/schedule?school=${encodeURIComponent(SCHOOL)}`);
    await office.getByRole('heading', { level: 1, name: t('attendance-sections.schedule.title') }).waitFor();
    await checkA11y(office, 'bell schedule', visited);
    await office.locator('label.usa-radio__label', { hasText: t('attendance-sections.mode.period') }).click();
    const periods = [['1', 'Period 1', '08:00', '08:50'], ['2', 'Period 2', '09:00', '09:50'], ['3', 'Period 3', '10:00', '10:50']];
    for (const [i, [code, label, start, end]] of periods.entries()) {
      await office.locator(`input[name="code_${i + 1}"]`).fill(code);
      await office.locator(`input[name="label_${i + 1}"]`).fill(label);
      await office.locator(`input[name="start_${i + 1}"]`).fill(start);
      await office.locator(`input[name="end_${i + 1}"]`).fill(end);
    }
    await office.getByRole('button', { name: t('attendance-sections.schedule.submit') }).click();
    await office.getByText(t('attendance-sections.flash.schedule', { count: 3 })).first().waitFor();
    await checkA11y(office, "school's sections (none yet)", visited);

    // The student comes onto the roll by the roll's import, enrolled since September.
    const csv = [
      'source_student_id,first_name,last_name,date_of_birth,address_line1,city,state,zip,school_code,grade,school_year,entry_type,status,entry_date',
      'E2E-ATT-1,Lucía,López,2018-03-14,1200 Elm Street,Los Angeles,CA,90011,1001,2,2026-2027,new,active,2026-09-08',
    ].join('\n');
    await office.goto('/staff/roll/import');
    await office.locator('input[name="file"]').setInputFiles({ name: 'students.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
    await office.getByRole('button', { name: t('roll-import.form.submit') }).click();
    await office.getByText(t('roll-import.imported', { count: 1, already: 0 }).split('.')[0]).first().waitFor();
    await office.goto(`/staff/roll?school=${encodeURIComponent(SCHOOL)}`);
    const href = await office.locator('main a[href^="/staff/roll/students/"]', { hasText: 'López, Lucía' }).first().getAttribute('href');
    const studentId = /^\/staff\/roll\/students\/([^/?#]+)$/.exec(href ?? '')?.[1];
    if (!studentId) throw new Error(`the roll links no page for Lucía López (saw ${href})`);

    // PRV-1: the office links the mother's account, verified in person.
    await office.goto(`/staff/roll/students/${studentId}/link`);
    await office.getByLabel(labelled(t('linking.office.email'))).fill(parentEmail);
    await office.locator('label.usa-checkbox__label', { hasText: t('linking.office.verified') }).click();
    await office.getByRole('button', { name: t('linking.office.link') }).click();
    await office.getByText(t('linking.office.linked')).first().waitFor();

    // A section of period 1 taught by the teacher, with the student in it since December 1.
    await office.goto(`/staff/attendance/sections/new?school=${encodeURIComponent(SCHOOL)}`);
    await checkA11y(office, 'new section', visited);
    await office.getByLabel(labelled(t('attendance-sections.fields.code'))).fill('2A-HR');
    await office.getByLabel(labelled(t('attendance-sections.fields.name'))).fill('Second grade, room 12');
    await office.getByLabel(labelled(t('attendance-sections.fields.period'))).selectOption('1');
    await office.getByLabel(labelled(t('attendance-sections.fields.teacher'))).selectOption({ label: `Vega, Luz (${TEACHER.email})` });
    await office.getByRole('button', { name: t('attendance-sections.new.submit') }).click();
    await office.getByText(t('attendance-sections.flash.created', { code: '2A-HR' })).first().waitFor();
    const sectionId = /\/staff\/attendance\/sections\/([^/?#]+)$/.exec(new URL(office.url()).pathname)?.[1];
    if (!sectionId) throw new Error(`the new section's page is not where it was expected (${office.url()})`);
    await checkA11y(office, 'section without students', visited);
    await office.getByLabel(labelled(t('attendance-sections.add.pick'))).selectOption(studentId);
    await office.getByLabel(labelled(t('attendance-sections.add.from'))).fill('2026-12-01');
    await office.getByRole('button', { name: t('attendance-sections.add.submit') }).click();
    await office.getByText(t('attendance-sections.flash.added')).first().waitFor();
    await office.getByRole('table', { name: t('attendance-sections.students.caption', { code: '2A-HR' }) }).getByText('López, Lucía').waitFor();
    await checkA11y(office, 'section with its student', visited);

    // ATT-1: at 9:00 period 1 (8:00) started more than 15 minutes ago with no roster.
    await office.goto(`/staff/attendance/not-submitted?school=${encodeURIComponent(SCHOOL)}`);
    const missing = office.getByRole('table', { name: t('attendance-take.not-submitted.caption', { count: 1, where: 'Elm Street Elementary' }) });
    await missing.getByRole('link', { name: 'Second grade, room 12 (2A-HR)' }).waitFor();
    await missing.getByText(TEACHER.email).waitFor();
    await checkA11y(office, 'attendance not submitted, period 1 listed', visited);

    // The teacher, on a phone without JavaScript, takes period 1: the student absent.
    await teacher.goto('/staff/attendance');
    await teacher.getByRole('heading', { level: 1, name: t('attendance-take.today.title') }).waitFor();
    await checkA11y(teacher, "teacher's sections of the day, phone, no JavaScript", visited, false);
    await teacher.getByRole('link', { name: 'Second grade, room 12 (2A-HR)' }).click();
    await teacher.getByRole('heading', { level: 1, name: t('attendance-take.roster.title', { section: 'Second grade, room 12', code: '2A-HR' }) }).waitFor();
    await checkA11y(teacher, 'roster form, phone, no JavaScript', visited, false);
    const lucia = teacher.getByRole('group', { name: 'Lucía López' });
    if (!(await lucia.getByRole('radio', { name: 'Present (P)' }).isChecked())) throw new Error('ATT-1: the student is not present by default on the roster');
    await lucia.locator('label.usa-radio__label', { hasText: 'Absent, not excused (A)' }).click();
    await teacher.getByRole('button', { name: t('attendance-take.roster.submit') }).click();
    await teacher.getByText(t('attendance-take.roster.done')).first().waitFor();
    if (!(await teacher.getByRole('group', { name: 'Lucía López' }).getByRole('radio', { name: 'Absent, not excused (A)' }).isChecked())) throw new Error('ATT-1: the absence is not kept on the submitted roster');
    await checkA11y(teacher, 'roster submitted, phone, no JavaScript', visited, false);

    // The report no longer lists the period.
    await office.reload();
    await office.getByText(t('attendance-take.not-submitted.none')).waitFor();
    if (await office.getByRole('link', { name: 'Second grade, room 12 (2A-HR)' }).count()) throw new Error('ATT-1: the submitted period is still on the "not submitted" report');
    await checkA11y(office, 'attendance not submitted, none', visited);

    // ATT-2: the mother, on her phone in Spanish, sees the absence and explains it with a photo of a note.
    await parent.goto(`/students/${studentId}`);
    const absences = parent.getByRole('table', { name: es('attendance-explanations.parent.unexplainedCaption', { name: 'Lucía' }) });
    await absences.waitFor();
    await checkA11y(parent, "parent's student page with an unexplained absence, Spanish, phone", visited, false);
    await absences.getByRole('link').first().click();
    await parent.getByRole('heading', { level: 1, name: es('attendance-explanations.form.title', { name: 'Lucía López' }) }).waitFor();
    if ((await parent.getByLabel(labelled(es('attendance-explanations.form.fromDate'))).inputValue()) !== today) throw new Error("ATT-2: the explanation form does not start at the absence's day");
    await checkA11y(parent, 'explanation form, Spanish, phone', visited, false);
    await parent.getByLabel(labelled(es('attendance-explanations.form.reason'))).selectOption('illness');
    await parent.getByLabel(labelled(es('attendance-explanations.form.note'))).fill('Lucía tuvo fiebre toda la noche y se quedó en casa.');
    await parent.locator('input[name="document"]').setInputFiles({ name: 'nota-del-medico.png', mimeType: 'image/png', buffer: samplePng() });
    await parent.getByRole('button', { name: es('attendance-explanations.form.submit') }).click();
    await parent.getByText(es('attendance-explanations.parent.sent')).first().waitFor();
    await parent.getByRole('table', { name: es('attendance-explanations.parent.explanationsCaption', { name: 'Lucía' }) }).getByText(es('attendance-explanations.status.pending')).waitFor();
    await checkA11y(parent, "parent's student page with the explanation sent, Spanish, phone", visited, false);

    // The office accepts it: the absence becomes an excused one (illness).
    await office.goto(`/staff/attendance/explanations?school=${encodeURIComponent(SCHOOL)}`);
    await checkA11y(office, 'explanations to decide', visited);
    await office.getByRole('link', { name: 'López, Lucía' }).first().click();
    await office.getByRole('heading', { level: 1, name: t('attendance-explanations.decide.title', { name: 'Lucía López' }) }).waitFor();
    await office.getByRole('link', { name: t('attendance-explanations.decide.download', { name: 'nota-del-medico.png' }) }).waitFor();
    await checkA11y(office, 'one explanation, with its photo', visited);
    if ((await office.getByLabel(labelled(t('attendance-explanations.decide.codeLabel'))).inputValue()) !== 'IL') throw new Error("ATT-2: the illness code is not the one chosen for an illness's explanation");
    await office.getByRole('button', { name: t('attendance-explanations.decide.accept') }).click();
    await office.getByText(t('attendance-explanations.decide.accepted')).first().waitFor();
    await office.getByText(t('attendance-explanations.decide.acceptedWith', { code: 'IL', count: 1 })).waitFor();
    await checkA11y(office, 'explanation accepted', visited);

    // ATT-7: three earlier days absent without excuse, entered after the fact from the paper roll.
    for (const [n, day] of PAST_DAYS.entries()) {
      await office.goto(`/staff/attendance/students/${studentId}/marks/${sectionId}/${day}`);
      await office.getByRole('heading', { level: 1, name: t('attendance-take.mark.title', { student: 'Lucía López' }) }).waitFor();
      if (n === 0) {
        // First without the paper record a later entry must rest on: refused beside the field.
        await office.getByLabel(labelled(t('attendance-take.mark.code'))).selectOption('A');
        await office.getByLabel(labelled(t('attendance-take.mark.reason'))).fill('Entered late from the paper roll.');
        await office.getByRole('button', { name: t('attendance-take.mark.submit') }).click();
        await office.getByText(t('attendance-take.errors.paper-record-required')).first().waitFor();
        await checkA11y(office, 'change of a mark with an error', visited);
      }
      await office.getByLabel(labelled(t('attendance-take.mark.code'))).selectOption('A');
      await office.getByLabel(labelled(t('attendance-take.mark.reason'))).fill('Entered late from the paper roll.');
      await office.getByLabel(labelled(t('attendance-take.paper-record.label'))).fill(`Paper roll of room 12 for ${day}, signed by the teacher`);
      await office.getByRole('button', { name: t('attendance-take.mark.submit') }).click();
      await office.getByText(t('attendance-take.mark.done')).first().waitFor();
      await office.getByRole('table', { name: t('attendance-take.changes.caption-mark', { student: 'Lucía López' }) }).getByText(`Paper roll of room 12 for ${day}`).waitFor();
      if (n === PAST_DAYS.length - 1) await checkA11y(office, 'a mark changed after the fact, with its history', visited);
    }

    // ATT-5, ATT-8: the third unexcused day made the student truant; the first notification went out by itself, in Spanish.
    const mail = await readMail(dataDir, parentEmail, /\/attendance\/letters\//);
    if (!mail.includes('Código de Educación 48260')) throw new Error('ATT-5: the first truancy notification email is not in Spanish or does not cite EC 48260');
    const sent = fs.readdirSync(path.join(dataDir, 'mail')).filter((f) => f.endsWith('.eml')).map((f) => fs.readFileSync(path.join(dataDir, 'mail', f), 'utf8'));
    const notices = sent.filter((raw) => raw.includes(`To: ${parentEmail}`) && /attendance\/letters\//.test(raw.replace(/=\r?\n/g, '')));
    if (notices.length !== 1) throw new Error(`ATT-5: ${notices.length} truancy emails to the family, not one`);
    await parent.goto(`/students/${studentId}`);
    await parent.getByRole('heading', { level: 2, name: es('attendance-truancy.parent.heading') }).waitFor();
    // The explained day stays excused: the school's answer in Spanish beside the explanation.
    await parent.getByRole('table', { name: es('attendance-explanations.parent.explanationsCaption', { name: 'Lucía' }) }).getByText(es('attendance-explanations.status.accepted')).waitFor();
    await checkA11y(parent, "parent's student page with the first truancy notification, Spanish, phone", visited, false);
    const letterLink = parent.getByRole('link', { name: new RegExp(`^${esc(es('attendance-truancy.parent.letter'))}`) });
    if ((await letterLink.count()) !== 1) throw new Error(`ATT-5: the parent sees ${await letterLink.count()} truancy letters, not one`);
    const letterHref = (await letterLink.getAttribute('href'))!;
    if (letterHref !== new URL(firstLink(mail, '/attendance/letters/')).pathname) throw new Error("ATT-5: the email's letter is not the one in the account");
    const letter = await parent.context().request.get(letterHref);
    if (letter.status() !== 200 || letter.headers()['content-type'] !== 'application/pdf') throw new Error(`the letter did not download as a PDF (${letter.status()} ${letter.headers()['content-type']})`);
    const text = await pdfText(await letter.body());
    // In the family's language, with what EC 48260.5 requires it to say.
    for (const expected of ['Lucía López', es('attendance-truancy.letter.title', { number: 1 }), '48260.5']) {
      if (!text.replace(/\s+/g, ' ').includes(expected)) throw new Error(`the truancy letter lacks "${expected}"`);
    }

    // The office's truancy worklist lists her among those notified: three truant days, emailed.
    await office.goto(`/staff/attendance/truancy?school=${encodeURIComponent(SCHOOL)}`);
    const notified = office.getByRole('table', { name: t('attendance-truancy.worklist.notifiedCaption', { count: 1 }) }).locator('tr', { hasText: 'Lucía López' });
    await notified.getByRole('cell', { name: '3', exact: true }).waitFor();
    await notified.getByText(t('attendance-truancy.worklist.account')).waitFor();
    await checkA11y(office, 'truancy worklist', visited);
    return visited;
  } catch (e) {
    for (const [name, page] of [['office', office], ['teacher', teacher], ['parent', parent]] as const) {
      await page.screenshot({ path: `test-results/attendance-${name}.png`, fullPage: true }).catch(() => {});
    }
    throw e;
  } finally {
    for (const c of contexts) await c.close();
  }
}
