import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD, answerHumanQuestion, buildStudent, signedInParent } from './support/parents.js';
import { translator } from '../src/platform/i18n/translator.js';
import { formatConfirmationNumber } from '../src/modules/applications/confirmation-number.js';
import { createApplication } from './support/applications.js';
import { completeRequest, staffMember, withRequiredDocuments } from './support/staff.js';

/**
 * LNG-1: every parent-facing page, email and PDF exists in English and Spanish, chosen on every
 * page and remembered. These tests follow the language across what links pages together (the
 * links in emails), into the staff's pages (the district's own labels), and into the words of
 * messages (dates written out).
 */
const D = 'lausd-sample';
let ip = 0;
const freshClient = (t: TestApp) => new TestClient(t.app, `10.88.${Math.floor(++ip / 250)}.${ip % 250}`);
const ADDRESSES = /https?:\/\/[^\s<>"]+/g;
/** Every address of our site in an email's text and HTML parts (the HTML's are escaped). */
const ourLinks = (t: TestApp, mail: { text_body: string; html_body: string }) =>
  [...mail.text_body.matchAll(ADDRESSES), ...mail.html_body.replace(/&amp;/g, '&').matchAll(ADDRESSES)]
    .map((m) => m[0].replace(/[.,;:!?)\]']+$/, ''))
    .filter((u) => u.startsWith(t.config.publicUrl));
const mailTo = async (t: TestApp, to: string, template: string) =>
  t.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', to).where('template', '=', template).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

async function act(c: TestClient, id: string, path: string, form: Record<string, string>) {
  await c.get(`/staff/requests/${id}`);
  return c.post(`/staff/requests/${id}/${path}`, form);
}

for (const db of databases) {
  describe(`languages on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2026-11-22T18:00:00Z'));

    describe('links in emails carry the email\'s language', () => {
      for (const lang of ['en', 'es'] as const) {
        const other = lang === 'en' ? 'es' : 'en';
        it(`LNG-1 ACC-2 ACC-5 the ${lang} activation and reset emails link with ?lang=${lang}, and the link opens its page in ${lang} in a browser set to ${other}`, async () => {
          const c = freshClient(t);
          const page = await c.get(`/register?lang=${lang}`);
          const email = `links.${lang}.${db.name}@example.org`;
          const res = await c.post('/register', { first_name: 'Lucía', middle_name: '', last_name: 'Ramos', email, email_confirm: email, answer: answerHumanQuestion(page.html, lang) });
          expect(res.status).toBe(303);
          const activation = await mailTo(t, email, 'accounts.emails.activation');
          expect(activation.language).toBe(lang);
          const links = ourLinks(t, activation);
          expect(links.length).toBeGreaterThan(0);
          for (const link of links) expect(new URL(link).searchParams.getAll('lang'), link).toEqual([lang]);

          // A browser that speaks the other language, with no cookie of ours: the link decides.
          const reader = freshClient(t);
          const opened = await reader.get(pathOf(links[0]), { 'accept-language': other });
          expect(opened.status).toBe(200);
          expect(opened.html).toContain(`<html lang="${lang}"`);
          expect(textOf(opened.html)).toContain(lang === 'es' ? 'Cree su contraseña' : 'Create your password');
          // ...and stays for the next pages of that browser.
          expect((await reader.get('/sign-in', { 'accept-language': other })).html).toContain(`<html lang="${lang}"`);

          // Activated, the parent forgets the password: the reset email is in the account's language.
          const done = await reader.post(new URL(links[0]).pathname, { password: PASSWORD, password_confirm: PASSWORD });
          expect(done.status).toBe(303);
          const forgot = freshClient(t);
          await forgot.get('/forgot-password');
          expect((await forgot.post('/forgot-password', { email })).status).toBeLessThan(400);
          const reset = await mailTo(t, email, 'accounts.emails.reset');
          const resetLinks = ourLinks(t, reset);
          expect(resetLinks.length).toBeGreaterThan(0);
          for (const link of resetLinks) expect(new URL(link).searchParams.getAll('lang'), link).toEqual([lang]);
          const resetPage = await freshClient(t).get(pathOf(resetLinks[0]), { 'accept-language': other });
          expect(resetPage.html).toContain(`<html lang="${lang}"`);
        });
      }

      it('LNG-1 APP-8 DOC-4 DEC-2 DEC-8 a Spanish family\'s confirmation, missing-items and decision emails all link with ?lang=es; signed out, the link opens sign-in in Spanish', async () => {
        const { client: parent, user } = await signedInParent(t, { language: 'es' });
        const student = await buildStudent(t, user.id, { last_name: 'Lopez' });
        await parent.get(`/apply/${D}?lang=es`);
        const agreed = await parent.post(`/apply/${D}`, { student: student.id, agree: 'yes' });
        const form = await parent.get(agreed.location!);
        const key = /name="submission_key" value="([^"]+)"/.exec(form.html)![1];
        const school = t.deps.districts.get(D)!.schools.find((s) => !s.magnet && ['K', 'TK'].includes(s.lowestGrade))!;
        const submitted = await parent.post(`/apply/${D}/form`, {
          submission_key: key, school_year: '2026-2027', grade_requested: '3', current_grade: '2', reason: 'parent-employment', school: school.code,
          relationship: 'parent', decision_email: user.email, decision_email_confirm: user.email,
        });
        expect(submitted.status).toBe(303);
        const app = await t.deps.db.selectFrom('applications').select(['id', 'language']).where('account_id', '=', user.id).executeTakeFirstOrThrow();
        expect(app.language).toBe('es');

        // The clerk asks for more, then decides (documents in, as the parent's uploads leave them).
        const { client: clerk } = await staffMember(t, D);
        expect((await act(clerk, app.id, 'request-info', { info_message: 'Envíe el talón de pago más reciente.', info_due: '2026-12-10' })).status).toBe(303);
        // The family answers (as its uploads leave the request: documents in, the request for more answered).
        await withRequiredDocuments(t, app);
        await t.deps.db.updateTable('info_requests').set({ answered_at: t.clock.now().toISOString() }).where('application_id', '=', app.id).execute();
        await t.deps.db.updateTable('applications').set({ status: 'submitted' }).where('id', '=', app.id).execute();
        expect((await act(clerk, app.id, 'deny', { 'deny_reasons__no-space-grade': 'yes', deny_note: '', appeal_right: 'yes' })).status).toBe(303);

        const mails = await t.deps.db.selectFrom('outbox').selectAll().where('application_id', '=', app.id).execute();
        const templates = mails.map((m) => m.template);
        expect(templates).toEqual(expect.arrayContaining(['applications.emails.submitted', 'decisions.email.infoRequested']));
        expect(templates.some((x) => x.startsWith('decisions.email.denied'))).toBe(true);
        for (const mail of mails) {
          expect(mail.language, mail.template).toBe('es');
          const links = ourLinks(t, mail);
          expect(links.length, mail.template).toBeGreaterThan(0);
          for (const link of links) expect(new URL(link).searchParams.getAll('lang'), `${mail.template} ${link}`).toEqual(['es']);
          // The due day of the missing items and the last day to appeal are written out, never as digits.
          expect(mail.text_body, mail.template).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
        }
        expect(mails.find((m) => m.template === 'decisions.email.infoRequested')!.text_body).toContain('jueves, 10 de diciembre de 2026');

        // Opened signed out, in a browser set to English: sign-in asks in Spanish, then the request opens in Spanish.
        const decision = mails.find((m) => m.template.startsWith('decisions.email.denied'))!;
        const requestLink = ourLinks(t, decision).find((u) => new URL(u).pathname === `/applications/${app.id}`)!;
        const reader = freshClient(t);
        const first = await reader.get(pathOf(requestLink), { 'accept-language': 'en' });
        expect(first.status).toBe(303);
        const signIn = await reader.follow(first);
        expect(signIn.html).toContain('<html lang="es"');
        const signedIn = await reader.post(first.location!, { email: user.email, password: PASSWORD });
        expect(signedIn.status).toBe(303);
        const page = await reader.follow(signedIn);
        expect(page.html).toContain('<html lang="es"');
      });
    });

    describe('the file field\'s own words', () => {
      /** The words USWDS's file-input script writes, as the page gives them to it (public/file-input-words.js puts them in place). */
      const wordsOf = (html: string) => {
        const input = /<input[^>]*type="file"[^>]*>/.exec(html)?.[0] ?? '';
        return Object.fromEntries([...input.matchAll(/ (data-[a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      };
      const SPANISH = {
        'data-file-words': 'es',
        'data-errormessage': 'Error: No se acepta este tipo de archivo.',
        'data-file-drag': 'Arrastre los archivos aquí o',
        'data-file-choose': 'elíjalos de una carpeta',
        'data-file-choose-alone': 'Elija los archivos de una carpeta',
        'data-file-none': 'No ha elegido ningún archivo.',
        'data-file-selected-one': 'Archivo elegido',
        'data-file-selected-other': '{count} archivos elegidos',
        'data-file-change-one': 'Cambiar el archivo',
        'data-file-change-other': 'Cambiar los archivos',
        'data-file-status-one': 'Eligió el archivo: {names}',
        'data-file-status-other': 'Eligió {count} archivos: {names}',
      };

      it('LNG-1 DOC-1 the Spanish upload pages (the account\'s request, and the public page with the four details) give the file field its words in Spanish; the English ones in English', async () => {
        const { client, user } = await signedInParent(t, { language: 'es' });
        const student = await buildStudent(t, user.id, { first_name: 'Mateo', last_name: 'Lopez', date_of_birth: '2018-04-09' });
        const app = await createApplication(t, user.id, student.id, { language: 'es' });

        const mine = await client.get(`/applications/${app.id}?lang=es`);
        expect(mine.status).toBe(200);
        expect(wordsOf(mine.html)).toEqual(SPANISH);
        // Every file field of the form has them, and the script that puts them in place comes once, from our origin.
        const fields = mine.html.match(/<input[^>]*type="file"[^>]*>/g)!;
        expect(fields.length).toBeGreaterThan(1);
        for (const field of fields) expect(field).toContain('data-file-drag="Arrastre los archivos aquí o"');
        expect(mine.html.match(/<script src="\/assets\/file-input-words\.[0-9a-f]{12}\.js" defer><\/script>/g)).toHaveLength(1);
        const script = await client.get('/assets/file-input-words.js');
        expect(script.status).toBe(200);
        expect(script.html).toContain('data-file-words');

        const english = await client.get(`/applications/${app.id}?lang=en`);
        expect(wordsOf(english.html)).toMatchObject({ 'data-file-words': 'en', 'data-errormessage': 'Error: This is not a valid file type.', 'data-file-drag': 'Drag files here or', 'data-file-none': 'No files selected.', 'data-file-selected-other': '{count} files selected' });

        const visitor = freshClient(t);
        await visitor.get('/upload?lang=es');
        const found = await visitor.post('/upload', {
          first_name: 'Mateo', last_name: 'Lopez', dob_month: '4', dob_day: '9', dob_year: '2018',
          confirmation: formatConfirmationNumber(app.confirmation_number),
        });
        expect(found.status).toBe(303);
        const upload = await visitor.follow(found);
        expect(upload.html).toContain('<html lang="es"');
        expect(wordsOf(upload.html)).toEqual(SPANISH);
      });
    });

    describe('staff who choose Spanish', () => {
      it('LNG-1 the queue\'s introduction, its reasons (table, filter and spreadsheet), statuses and kinds, and the request page\'s reason are in the staff member\'s language', async () => {
        const { client: clerk } = await staffMember(t, D);
        const row = await completeRequest(t, D, { reason_code: 'parent-employment', student_last_name: 'Idiomas' });
        const district = t.deps.districts.get(D)!;
        const label = district.reasons.find((r) => r.code === 'parent-employment')!.label;

        const english = await clerk.get('/staff/queue?q=Idiomas');
        expect(textOf(english.html)).toContain(label.en);
        expect(english.html).toContain(`<option value="parent-employment">${label.en}</option>`);

        // The language link of the page (or ?lang=) is the staff member's choice, remembered by the browser.
        await clerk.get(`/language?to=es&next=${encodeURIComponent('/staff/queue')}`);
        const queue = await clerk.get('/staff/queue?q=Idiomas');
        const text = textOf(queue.html);
        expect(queue.html).toContain('<html lang="es"');
        expect(text).toContain(`${district.name.es}: todas las solicitudes en el orden en que llegaron`);
        expect(text).toContain(label.es);
        expect(text).not.toContain(label.en);
        expect(queue.html).toContain(`<option value="parent-employment">${label.es}</option>`);
        // Statuses and kinds come from the catalogs, in Spanish too.
        const es = translator(t.deps.catalogs, 'es');
        expect(text).toContain(es.t(`applications.status.${row.status}`));
        expect(queue.html).toContain(`>${es.t('applications.kinds.incoming')}</option>`);

        // The other staff pages name the district as the configuration writes it in Spanish.
        for (const page of ['/staff/dashboard', '/staff/documents', '/staff/reviews']) {
          const other = textOf((await clerk.get(page)).html);
          expect(other, page).toContain(district.name.es);
          expect(other, page).not.toContain(district.name.en);
        }
        // The queue's spreadsheet too, with its words in the same language as its headers.
        const csv = (await clerk.get('/staff/queue.csv?q=Idiomas')).body.toString('utf8');
        expect(csv).toContain(label.es);
        expect(csv).not.toContain(label.en);

        const request = textOf((await clerk.get(`/staff/requests/${row.id}`)).html);
        expect(request).toContain(label.es);
        expect(request).toContain(es.t('applications.kinds.incoming'));
        // The denial reasons to tick are the district's, in Spanish.
        expect(request).toContain(district.denialReasons[0].label.es);
      });

      it('DEC-8 LNG-1 an appeal filed late is refused with the last day written out, in the staff member\'s language', async () => {
        const { client: clerk } = await staffMember(t, D);
        const row = await completeRequest(t, D, { grade_requested: '2' });
        expect((await act(clerk, row.id, 'deny', { 'deny_reasons__no-space-grade': 'yes', deny_note: '', appeal_right: 'yes' })).status).toBe(303);
        t.clock.set('2027-01-05T18:00:00Z');
        const { client: later } = await staffMember(t, D);
        await later.get('/staff/queue?lang=es');
        const late = await act(later, row.id, 'appeal', { appeal_filed_on: '2026-12-23' });
        expect(late.status).toBe(400);
        const text = textOf(late.html);
        expect(text).toContain('el último día para apelar era martes, 22 de diciembre de 2026.');
        expect(text).not.toContain('2026-12-22.');
      });
    });
  });
}
