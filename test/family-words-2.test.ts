import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { wire } from '../src/wire.js';
import { buildApp } from '../src/app.js';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { ALPHABET, formatConfirmationNumber, generateConfirmationNumber } from '../src/modules/applications/confirmation-number.js';

/**
 * Issue "Found in use (2)", point 8: the words a family meets — windows in the tense of the day,
 * the school of residence named, the decision due date, each request's kind, the confirmation
 * number's typo, the CLI's links — in English and in Spanish.
 */

const L = 'lausd-sample';
const LIVES_IN_LAUSD = { address_line1: '1200 Elm Street', city: 'Los Angeles', zip: '90011', current_grade: '2' };

/** The message beside a form field (USWDS error message), without its "Error:" prefix. */
function fieldError(html: string, name: string): string | null {
  const m = new RegExp(`id="field-${name}-error">([\\s\\S]*?)</span>\\s*(<|$)`).exec(html);
  return m ? textOf(m[1]).replace(/^(Error|Error):\s*/, '') : null;
}
const keyOf = (html: string) => /name="submission_key" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function family(t: TestApp, home: Record<string, unknown> = {}, language = 'en') {
  const parent = await signedInParent(t, { language });
  if (language !== 'en') await parent.client.get(`/language?to=${language}&next=/`);
  const student = await buildStudent(t, parent.user.id, { last_name: `Ruiz${Math.random().toString(36).slice(2, 8)}`, ...home });
  return { ...parent, student };
}

/** An incoming request to LAUSD made through its pages (agreement, then the form); returns its id. */
async function applyIncoming(t: TestApp, f: Awaited<ReturnType<typeof family>>) {
  expect((await f.client.post(`/apply/${L}`, { student: f.student.id, agree: 'yes' })).status).toBe(303);
  const form = await f.client.get(`/apply/${L}/form?student=${f.student.id}`);
  const res = await f.client.post(`/apply/${L}/form`, {
    student: f.student.id, submission_key: keyOf(form.html), school_year: '2026-2027', grade_requested: '3', current_grade: '2', reason: 'parent-employment',
    school: '1001', relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email,
  });
  expect(res.status).toBe(303);
  return /\/applications\/([^/]+)\/confirmation/.exec(res.location!)![1];
}

for (const db of databases) {
  describe(`words a family met (2) on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2026-11-22T18:00:00Z'));

    describe('windows in the tense of the day', () => {
      it('APP-2 DEC-17 the release form: a window that closed is "closed on", the next one "open on", and a window open now "open until"', async () => {
        const f = await family(t, LIVES_IN_LAUSD);
        const text = textOf((await f.client.get(`/apply/${L}/outgoing?student=${f.student.id}`)).html);
        expect(text).toContain('Requests for 2026–2027 closed on Thursday, April 30, 2026. Until Thursday, June 10, 2027, only these reasons are still taken: Parent employment.');
        expect(text).toContain('Requests for 2027–2028 open on Monday, February 1, 2027 and close on Friday, April 30, 2027.');
        // Never a closing date in the past told as if still to come.
        expect(text).not.toMatch(/close on Thursday, April 30, 2026/);

        t.clock.set('2027-03-01T18:00:00Z');
        const g = await family(t, LIVES_IN_LAUSD);
        const open = textOf((await g.client.get(`/apply/${L}/outgoing?student=${g.student.id}`)).html);
        expect(open).toContain('Requests for 2027–2028 are open until Friday, April 30, 2027. After that date, and until Friday, June 9, 2028, only these reasons are taken: Parent employment.');
      });

      it('APP-2 DEC-17 LNG-1 the release form in Spanish, dates written out in Spanish', async () => {
        const f = await family(t, LIVES_IN_LAUSD, 'es');
        const text = textOf((await f.client.get(`/apply/${L}/outgoing?student=${f.student.id}`)).html);
        expect(text).toContain('Las solicitudes para 2026–2027 se cerraron el jueves, 30 de abril de 2026. Hasta el jueves, 10 de junio de 2027, solo se siguen aceptando estos motivos: Empleo del padre o la madre.');
        expect(text).toContain('Las solicitudes para 2027–2028 se abren el lunes, 1 de febrero de 2027 y se cierran el viernes, 30 de abril de 2027.');
      });

      it('APP-2 a release refused outside its window gives both its opening and its closing date (English and Spanish)', async () => {
        for (const [lang, expected] of [
          ['en', 'Requests for 2027-2028 are not open yet: they open on Monday, February 1, 2027 and close on Friday, April 30, 2027. Choose one of the school years shown'],
          ['es', 'Las solicitudes para 2027-2028 todavía no están abiertas: se abren el lunes, 1 de febrero de 2027 y se cierran el viernes, 30 de abril de 2027. Elija uno de los años escolares que se muestran'],
        ] as const) {
          const f = await family(t, LIVES_IN_LAUSD, lang);
          const form = await f.client.get(`/apply/${L}/outgoing?student=${f.student.id}`);
          const res = await f.client.post(`/apply/${L}/outgoing`, {
            agree: 'yes', student: f.student.id, submission_key: keyOf(form.html), school_year: '2027-2028', grade_requested: '3', current_grade: '2',
            reason: 'parent-employment', target_district: 'paramount-sample', target_district_name: '', target_school: '', target_school_name: '',
            relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email,
          });
          expect(res.status).toBe(400);
          expect(fieldError(res.html, 'school_year')).toBe(expected);
          expect(await t.deps.db.selectFrom('applications').select('id').where('student_id', '=', f.student.id).execute()).toHaveLength(0);
        }
      });

      it('APP-2 DEC-17 a late reason refused after the release window closed names the day it opened and the day it closed', async () => {
        t.clock.set('2027-05-01T18:00:00Z');
        const f = await family(t, LIVES_IN_LAUSD);
        const form = await f.client.get(`/apply/${L}/outgoing?student=${f.student.id}`);
        const res = await f.client.post(`/apply/${L}/outgoing`, {
          agree: 'yes', student: f.student.id, submission_key: keyOf(form.html), school_year: '2027-2028', grade_requested: '3', current_grade: '2',
          reason: 'sibling', target_district: 'paramount-sample', target_district_name: '', target_school: '', target_school_name: '',
          relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email,
        });
        expect(fieldError(res.html, 'reason')).toBe('Release requests for 2027-2028 closed on Friday, April 30, 2027 (they opened on Monday, February 1, 2027). After that date only these reasons are taken: Parent employment');
      });

      it('APP-2 the incoming request: the apply page says the open window is "open until" and the next "open on"; a year not yet open is refused with both dates', async () => {
        const f = await family(t);
        const start = textOf((await f.client.get(`/apply/${L}`)).html);
        expect(start).toContain('Requests for 2026–2027 are open until Thursday, June 10, 2027.');
        expect(start).toContain('Requests for 2027–2028 open on Monday, February 1, 2027 and close on Friday, June 9, 2028.');

        expect((await f.client.post(`/apply/${L}`, { student: f.student.id, agree: 'yes' })).status).toBe(303);
        const form = await f.client.get(`/apply/${L}/form?student=${f.student.id}`);
        const res = await f.client.post(`/apply/${L}/form`, {
          student: f.student.id, submission_key: keyOf(form.html), school_year: '2027-2028', grade_requested: '3', current_grade: '2', reason: 'parent-employment',
          school: '1001', relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email,
        });
        expect(res.status).toBe(400);
        expect(fieldError(res.html, 'school_year')).toBe('Requests for 2027-2028 are not open yet: they open on Monday, February 1, 2027 and close on Friday, June 9, 2028. Choose one of the school years shown');
      });

      it('APP-2 DEC-20 LNG-1 the district page tells each window in its tense, in English and Spanish', async () => {
        const c = new TestClient(t.app);
        const en = textOf((await c.get(`/districts/${L}`)).html);
        expect(en).toContain('Incoming inter-district permit, school year 2026–2027: open now, until Thursday, June 10, 2027.');
        expect(en).toContain('Incoming inter-district permit, school year 2027–2028: requests open on Monday, February 1, 2027 and close on Friday, June 9, 2028.');
        expect(en).toContain('Outgoing inter-district permit (release), school year 2026–2027: closed on Thursday, April 30, 2026. Until Thursday, June 10, 2027, only these reasons are still accepted: Parent employment.');
        expect(en).toContain('Outgoing inter-district permit (release), school year 2027–2028: requests open on Monday, February 1, 2027 and close on Friday, April 30, 2027. After that date, only these reasons are accepted: Parent employment.');

        await c.get('/language?to=es&next=/');
        const es = textOf((await c.get(`/districts/${L}`)).html);
        expect(es).toContain('año escolar 2026–2027: se reciben solicitudes ahora, hasta el jueves, 10 de junio de 2027.');
        expect(es).toContain('año escolar 2026–2027: el plazo se cerró el jueves, 30 de abril de 2026. Hasta el jueves, 10 de junio de 2027, solo se siguen aceptando estos motivos: Empleo del padre o la madre.');
        expect(es).toContain('año escolar 2027–2028: las solicitudes se abren el lunes, 1 de febrero de 2027 y se cierran el viernes, 30 de abril de 2027.');

        // After the school year: the window is over, told in the past.
        t.clock.set('2027-07-01T18:00:00Z');
        const later = textOf((await new TestClient(t.app).get(`/districts/${L}`)).html);
        expect(later).toContain('Incoming inter-district permit, school year 2026–2027: closed; requests were taken from Sunday, February 1, 2026 to Thursday, June 10, 2027.');
      });
    });

    describe('the address and its school', () => {
      /** Agrees to LAUSD's guidelines for the student and opens the incoming form, as a parent would. */
      const incomingForm = async (f: Awaited<ReturnType<typeof family>>) => {
        await f.client.get(`/apply/${L}`);
        await f.client.post(`/apply/${L}`, { student: f.student.id, agree: 'yes' });
        return f.client.get(`/apply/${L}/form?student=${f.student.id}`);
      };

      it('STU-2 STU-3 LNG-1 an address inside the district names its school of residence, with the school\'s address and telephone', async () => {
        const f = await family(t, LIVES_IN_LAUSD);
        const page = await incomingForm(f);
        const text = textOf(page.html);
        expect(text).toContain('This address is inside the district');
        expect(text).toContain("The school of residence for this address, for the student's current grade (Grade 2), is Elm Street Elementary.");
        expect(text).toContain('To enroll the student, contact the school: Elm Street Elementary 1200 Elm Street, Los Angeles, CA 90011 Phone: (213) 555-0161');
        expect(page.html).toContain('href="tel:2135550161"');
        expect(page.html).not.toContain('name="reason"');

        const es = await family(t, { ...LIVES_IN_LAUSD, current_grade: '7' }, 'es');
        const esText = textOf((await incomingForm(es)).html);
        expect(esText).toContain('La escuela de residencia para esta dirección, en el grado actual del estudiante (7.º grado), es Mission Hills Middle School.');
        expect(esText).toContain('Para inscribir al estudiante, comuníquese con la escuela: Mission Hills Middle School 310 Mission Road, Los Angeles, CA 90031 Teléfono: (323) 555-0164');
      });

      it('STU-3 inside the district without a current grade, the parent is told to call the district for the school, with its number', async () => {
        const f = await family(t, { ...LIVES_IN_LAUSD, current_grade: null });
        const text = textOf((await incomingForm(f)).html);
        expect(text).toContain('This address is inside the district');
        expect(text).toContain('To learn the school for this address and how to enroll, call Los Angeles Unified (sample): (213) 555-0140');
      });

      it('STU-2 STU-3 an address the ranges cannot place is not told it has a school "for your address"', async () => {
        const f = await family(t, { address_line1: '100 Nowhere St', city: 'Los Angeles', zip: '90011', current_grade: '2' });
        const text = textOf((await incomingForm(f)).html);
        expect(text).toContain('We could not place the student\'s address');
        expect(text).toContain("We could not find the student's home address in LAUSD's address list");
        expect(text).not.toContain('This address is inside the district');
        expect(text).not.toMatch(/school (of residence )?for (this|your) address/i);
        expect(text).not.toContain('To enroll the student');
        expect(text).toContain('Correct the student\'s address');
      });
    });

    describe('a mistyped confirmation number', () => {
      const n = generateConfirmationNumber();
      const typo = n.slice(0, 5) + ALPHABET[(ALPHABET.indexOf(n[5]) + 7) % ALPHABET.length] + n.slice(6);
      const details = (confirmation: string) => ({ first_name: 'Mateo', last_name: 'López', dob_month: '4', dob_day: '9', dob_year: '2018', confirmation });

      for (const path of ['/upload', '/status']) {
        it(`DOC-1 LNG-1 ${path}: one wrong character is told so, not the number's length; a wrong length still is`, async () => {
          const c = new TestClient(t.app, '10.77.0.1');
          await c.get(path);
          const wrong = await c.post(path, details(formatConfirmationNumber(typo)));
          expect(wrong.status).toBe(400);
          expect(fieldError(wrong.html, 'confirmation')).toBe('One of the characters in the confirmation number is wrong. Check it against your email');
          expect(textOf(wrong.html)).not.toContain('it has 9 letters and numbers');
          // What was typed stays in the field.
          expect(wrong.html).toContain(`value="${formatConfirmationNumber(typo)}"`);

          const stranger = await c.post(path, details(`${n.slice(0, 4)}-U${n.slice(5)}`));
          expect(fieldError(stranger.html, 'confirmation')).toBe('A confirmation number never has "U" in it. Check the number against your email');

          const short = await c.post(path, details(n.slice(0, 7)));
          expect(fieldError(short.html, 'confirmation')).toBe('Check the confirmation number: it has 9 letters and numbers, like 7KQ3-M9X2-H');

          await c.get('/language?to=es&next=/');
          await c.get(path);
          const es = await c.post(path, details(formatConfirmationNumber(typo)));
          expect(fieldError(es.html, 'confirmation')).toBe('Uno de los caracteres del número de confirmación no es correcto. Compárelo con el de su correo electrónico');
        });
      }
    });

    describe('the request page and the account', () => {
      it('DEC-3 DEC-15 LNG-1 the parent reads the decision due date on the request page and the student page, written out, with what it means', async () => {
        const f = await family(t);
        const id = await applyIncoming(t, f);
        // Received on Sunday, November 22, 2026, after the first day of school: 30 days.
        expect((await t.deps.db.selectFrom('applications').select('decision_due_on').where('id', '=', id).executeTakeFirstOrThrow()).decision_due_on).toBe('2026-12-22');
        const page = textOf((await f.client.get(`/applications/${id}`)).html);
        expect(page).toContain('Decision due Tuesday, December 22, 2026');
        expect(page).toContain('The district must decide by Tuesday, December 22, 2026. If it has not sent you a written decision by then, the law treats the request as denied, and you may appeal to the county office of education.');
        const story = textOf((await f.client.get(`/students/${f.student.id}`)).html);
        expect(story).toContain('The district must decide by Tuesday, December 22, 2026.');
        // Once complete, the next step says to wait, without repeating the date given above.
        await t.deps.db.updateTable('applications').set({ status: 'submitted' }).where('id', '=', id).execute();
        const waiting = textOf((await f.client.get(`/students/${f.student.id}`)).html);
        expect(waiting).toContain("Next: Nothing to do now: wait for the district's decision.");
        expect(waiting.split('Tuesday, December 22, 2026').length - 1).toBe(1);

        await f.client.get('/language?to=es&next=/');
        const es = textOf((await f.client.get(`/applications/${id}`)).html);
        expect(es).toContain('Fecha límite de la decisión martes, 22 de diciembre de 2026');
        expect(es).toContain('El distrito debe decidir a más tardar el martes, 22 de diciembre de 2026. Si para entonces no le ha enviado una decisión por escrito, la ley considera negada la solicitud');
      });

      it('DOC-1 the public status page labels its summary without trailing colons', async () => {
        const f = await family(t);
        const id = await applyIncoming(t, f);
        const row = await t.deps.db.selectFrom('applications').select('confirmation_number').where('id', '=', id).executeTakeFirstOrThrow();
        const c = new TestClient(t.app, '10.77.0.9');
        await c.get('/status');
        const found = await c.post('/status', { first_name: f.student.first_name, last_name: f.student.last_name, dob_month: '4', dob_day: '9', dob_year: '2018', confirmation: formatConfirmationNumber(row.confirmation_number) });
        expect(found.status).toBe(303);
        const page = await c.follow(found);
        const labels = [...page.html.matchAll(/<dt[^>]*>([\s\S]*?)<\/dt>/g)].map((m) => textOf(m[1]));
        expect(labels).toContain('Status');
        expect(labels.filter((l) => l.endsWith(':'))).toEqual([]);
      });

      it('DEC-3 a decided request no longer shows a decision due date', async () => {
        const f = await family(t);
        const id = await applyIncoming(t, f);
        await t.deps.db.updateTable('applications').set({ status: 'withdrawn' }).where('id', '=', id).execute();
        const page = textOf((await f.client.get(`/applications/${id}`)).html);
        expect(page).not.toContain('Decision due');
        expect(page).not.toContain('The district must decide by');
      });

      it('ACC-6 LNG-1 the account lists each request with its kind, and its table headers carry no trailing colon', async () => {
        const f = await family(t);
        await applyIncoming(t, f);
        const home = await family(t, LIVES_IN_LAUSD);
        const form = await home.client.get(`/apply/${L}/intra?student=${home.student.id}`);
        const intra = await home.client.post(`/apply/${L}/intra`, {
          agree: 'yes', student: home.student.id, submission_key: keyOf(form.html), school_year: '2026-2027', grade_requested: '3', current_grade: '2',
          reason: 'sibling', school: '1002', relationship: 'parent', decision_email: home.user.email, decision_email_confirm: home.user.email,
        });
        expect(intra.status).toBe(303);

        const account = await f.client.get('/account');
        const headers = [...account.html.matchAll(/<th scope="col"[^>]*>([\s\S]*?)<\/th>/g)].map((m) => textOf(m[1]));
        expect(headers).toEqual(['Student', 'Type of request', 'District', 'School year', 'Confirmation number', 'Status']);
        expect(textOf(account.html)).toContain('Coming from another district');
        expect(account.html).toContain('data-label="Type of request"');
        expect(textOf((await home.client.get('/account')).html)).toContain('Another school of the district');

        await f.client.get('/language?to=es&next=/');
        const es = await f.client.get('/account');
        const esHeaders = [...es.html.matchAll(/<th scope="col"[^>]*>([\s\S]*?)<\/th>/g)].map((m) => textOf(m[1]));
        expect(esHeaders).toContain('Tipo de solicitud');
        expect(esHeaders).toContain('Estado');
        expect(esHeaders.filter((h) => h.endsWith(':'))).toEqual([]);
        expect(textOf(es.html)).toContain('Desde otro distrito');
      });
    });
  });
}

describe('the CLI speaks with the deployment\'s address', () => {
  it('create-staff prints an activation link on PUBLIC_URL, from the same configuration the server reads, and the server opens it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-cli-url-'));
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, DISTRICTS_DIR: path.resolve('config/districts'), PUBLIC_URL: 'https://permits.example.org' };
    for (const k of ['DATABASE_URL', 'STORAGE_URL', 'CLOCK_START', 'CLOCK_SPEED', 'PORT']) delete env[k];
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'create-staff', '--district', L, '--email', 'clerk.url@example.org', '--first', 'Ana', '--last', 'Clerk', '--role', 'permit_staff'], { env });
      const link = /^https?:\/\/\S+$/m.exec(stdout)?.[0];
      expect(link, stdout).toMatch(/^https:\/\/permits\.example\.org\/staff\/activate\/[\w-]+/);
      expect(stdout).not.toContain('localhost');

      // The server, built from the same settings, answers that link's path with the activation form.
      const deps = await wire(loadConfig(env));
      const app = await buildApp(deps);
      try {
        expect(deps.config.publicUrl).toBe('https://permits.example.org');
        const res = await app.inject({ method: 'GET', url: new URL(link!).pathname + new URL(link!).search });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('name="password"');
      } finally {
        await app.close();
        await deps.handle.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
