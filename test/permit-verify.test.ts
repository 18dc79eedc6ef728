import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { completeRequest, staffMember } from './support/staff.js';
import { formatVerificationCode } from '../src/modules/decisions/rules.js';

/**
 * The public permit check a school office opens from the QR code on a permit, on a phone (DEC-6:
 * the permit states its school and years; DEC-18: its first and last school year). The answer
 * comes first, in words, in the page's language; then the details; then the form.
 */
const D = 'lausd-sample';

async function act(c: TestClient, id: string, path: string, form: Record<string, string>) {
  await c.get(`/staff/requests/${id}`);
  const res = await c.post(`/staff/requests/${id}/${path}`, form);
  if (res.status !== 303) throw new Error(`${path} answered ${res.status}`);
}

/** An approved permit: its printed code, and the student's last name (never shown whole). */
async function permit(t: TestApp, over: { grade: string; school: string; years: string }) {
  const { client: clerk } = await staffMember(t, D);
  const app = await completeRequest(t, D, { grade_requested: over.grade });
  await act(clerk, app.id, 'approve', { school: over.school, years: over.years });
  const row = await t.deps.db.selectFrom('permits').select('verification_code').where('application_id', '=', app.id).executeTakeFirstOrThrow();
  return { clerk, app, code: row.verification_code };
}

let ip = 0;
/** The check page, as a phone opens it from the QR code (a fresh visitor each time). */
async function check(t: TestApp, code: string, lang?: 'es') {
  const page = await new TestClient(t.app, `10.70.0.${++ip}`).get(`/permits/verify?code=${encodeURIComponent(code)}${lang ? `&lang=${lang}` : ''}`);
  expect(page.status).toBe(200);
  const alert = /<div class="usa-alert (usa-alert--\w+)" role="status">([\s\S]*?)<\/dl>|<div class="usa-alert (usa-alert--\w+)" role="status">([\s\S]*?)<\/div>\s*<\/div>/.exec(page.html);
  return {
    page,
    text: textOf(page.html),
    /** The alert's colour and words: the answer itself. */
    kind: alert?.[1] ?? alert?.[3],
    answer: textOf(alert?.[2] ?? alert?.[4] ?? ''),
    /** The answer stands before the form to check another code. */
    answerFirst: page.html.indexOf('usa-alert') >= 0 && page.html.indexOf('role="status"') < page.html.indexOf('<form method="get" action="/permits/verify"'),
  };
}

for (const db of databases) {
  describe(`permit check on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2026-11-22T18:00:00Z'));

    it('DEC-6 DEC-18 a valid permit: the answer first, then the student\'s initials, the school, the district and the school years, in English and in Spanish', async () => {
      const { app, code } = await permit(t, { grade: '4', school: '1002', years: '2' });
      // Typed as a person may type it: lower case, with its dash.
      const en = await check(t, formatVerificationCode(code).toLowerCase());
      expect(en.kind).toBe('usa-alert--success');
      expect(en.answerFirst).toBe(true);
      expect(en.answer).toContain('Valid permit');
      expect(en.answer).toContain('This permit is real and has not been revoked.');
      expect(en.answer).toContain('Student (initials) M. S.');
      expect(en.answer).toContain('School Sunrise Avenue Elementary');
      expect(en.answer).toContain('District Los Angeles Unified (sample)');
      expect(en.answer).toContain('School years 2026-2027 through 2027-2028');
      expect(en.answer).toContain(`Verification code ${formatVerificationCode(code)}`);
      // Initials only: the code proves the permit, not who the student is to a stranger.
      expect(en.text).not.toContain(app.student_last_name);
      expect(en.text).not.toContain('Mateo');
      expect(en.page.headers['x-robots-tag']).toBe('noindex');

      const es = await check(t, code, 'es');
      expect(es.page.html).toContain('<html lang="es"');
      expect(es.kind).toBe('usa-alert--success');
      expect(es.answerFirst).toBe(true);
      expect(es.answer).toContain('Permiso vigente');
      expect(es.answer).toContain('Este permiso es auténtico y no ha sido revocado.');
      expect(es.answer).toContain('Estudiante (iniciales) M. S.');
      expect(es.answer).toContain('Escuela Sunrise Avenue Elementary');
      expect(es.answer).toContain('Distrito Distrito Unificado de Los Ángeles (ejemplo)');
      expect(es.answer).toContain('Ciclos escolares 2026-2027 a 2027-2028');
      expect(es.text).not.toContain('Valid permit');
    });

    it('DEC-6 DEC-10 a revoked permit says so first, with the day written out, in English and in Spanish, and never "valid"', async () => {
      const { clerk, app, code } = await permit(t, { grade: '6', school: '2001', years: '2' });
      await act(clerk, app.id, 'revoke', { revoke_reasons__attendance: 'yes', revoke_note: 'Forty absences.' });
      const en = await check(t, code);
      expect(en.kind).toBe('usa-alert--error');
      expect(en.answerFirst).toBe(true);
      expect(en.answer).toContain('This permit was revoked');
      expect(en.answer).toContain('It was revoked on Sunday, November 22, 2026. It is no longer valid.');
      expect(en.answer).toContain('Student (initials) M. S.');
      expect(en.answer).toContain('School years 2026-2027 through 2027-2028');
      expect(en.text).not.toContain('Valid permit');
      expect(en.text).not.toContain('2026-11-22');
      // What the clerk wrote stays between the district and the family.
      expect(en.text).not.toContain('Forty absences');

      const es = await check(t, code, 'es');
      expect(es.kind).toBe('usa-alert--error');
      expect(es.answer).toContain('Este permiso fue revocado');
      expect(es.answer).toContain('Fue revocado el domingo, 22 de noviembre de 2026. Ya no es válido.');
      expect(es.text).not.toContain('Permiso vigente');
    });

    it('DEC-6 an unknown code, or one that cannot be a code, is told plainly that no permit has it, in English and in Spanish', async () => {
      await permit(t, { grade: '3', school: '1001', years: '1' });
      for (const code of ['0000000000', 'ZZZZZ-ZZZZZ', 'not a code']) {
        const en = await check(t, code);
        expect(en.kind, code).toBe('usa-alert--error');
        expect(en.answerFirst, code).toBe(true);
        expect(en.answer, code).toContain('No permit has this code');
        expect(en.answer, code).toContain('Check the code and try again. If it is right, call the district named on the permit.');
        expect(en.text, code).not.toContain('Valid permit');
        // What was typed stays in the field, to be corrected.
        expect(en.page.html, code).toContain(`value="${code}"`);
        const es = await check(t, code, 'es');
        expect(es.answer, code).toContain('Ningún permiso tiene este código');
        expect(es.answer, code).toContain('Revise el código e inténtelo de nuevo.');
      }
      // Without a code: the form alone, no answer.
      const blank = await new TestClient(t.app).get('/permits/verify');
      expect(blank.status).toBe(200);
      expect(blank.html).not.toContain('role="status"');
      expect(textOf(blank.html)).toContain('Enter the verification code printed on an inter-district permit');
    });

    it('DEC-18 a permit whose school years have all passed does not read "Valid permit": it says it has expired and when, in English and in Spanish', async () => {
      // One school year: 2026-2027, which ends on June 30, 2027 (school years run July to June).
      const { code } = await permit(t, { grade: '3', school: '1001', years: '1' });
      // The last evening of June in Los Angeles (07:00 UTC on July 1 is 11 pm on June 30 there): still valid.
      t.clock.set('2027-07-01T06:59:00Z');
      const lastDay = await check(t, code);
      expect(lastDay.kind).toBe('usa-alert--success');
      expect(lastDay.answer).toContain('Valid permit');
      expect(lastDay.answer).toContain('School years 2026-2027 through 2026-2027');

      // An hour later it is July 1 in Los Angeles: the next school year has begun.
      t.clock.set('2027-07-01T08:00:00Z');
      const en = await check(t, code);
      expect(en.kind).toBe('usa-alert--warning');
      expect(en.answerFirst).toBe(true);
      expect(en.answer).toContain('This permit has expired');
      expect(en.answer).toContain('It was valid through the 2026-2027 school year, which ended on Wednesday, June 30, 2027. It is no longer valid.');
      expect(en.answer).toContain('Student (initials) M. S.');
      expect(en.answer).toContain('School Elm Street Elementary');
      expect(en.answer).toContain('District Los Angeles Unified (sample)');
      expect(en.text).not.toContain('Valid permit');
      expect(en.text).not.toContain('has not been revoked');

      const es = await check(t, code, 'es');
      expect(es.kind).toBe('usa-alert--warning');
      expect(es.answer).toContain('Este permiso ya venció');
      expect(es.answer).toContain('Era válido hasta el ciclo escolar 2026-2027, que terminó el miércoles, 30 de junio de 2027. Ya no es válido.');
      expect(es.text).not.toContain('Permiso vigente');
    });
  });
}
