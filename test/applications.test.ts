import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { isValidConfirmationNumber } from '../src/modules/applications/confirmation-number.js';

const LAUSD = 'lausd-sample';

/** A signed-in parent with one student who lives outside both sample districts. */
async function parentWithStudent(t: TestApp, studentOverrides: Record<string, unknown> = {}) {
  const { client, user } = await signedInParent(t);
  const student = await buildStudent(t, user.id, { last_name: 'Lopez', ...studentOverrides });
  return { client, userId: user.id, email: user.email, studentId: student.id };
}

function lausdSchools(t: TestApp) {
  const d = t.deps.districts.get(LAUSD)!;
  const regular = d.schools.find((s) => !s.magnet && ['K', 'TK'].includes(s.lowestGrade))!;
  const magnet = d.schools.find((s) => s.magnet)!;
  const high = d.schools.find((s) => s.lowestGrade === '9' && !s.magnet)!;
  return { d, regular, magnet, high };
}

async function startForm(client: TestClient, studentId: string) {
  await client.get(`/apply/${LAUSD}`);
  const agreed = await client.post(`/apply/${LAUSD}`, { student: studentId, agree: 'yes' });
  expect(agreed.status).toBe(303);
  const form = await client.get(agreed.location!);
  expect(form.status).toBe(200);
  const key = /name="submission_key" value="([^"]+)"/.exec(form.html)![1];
  return { form, key };
}

function validAnswers(t: TestApp, key: string, email: string) {
  const { regular } = lausdSchools(t);
  return {
    submission_key: key,
    school_year: '2026-2027',
    grade_requested: '3',
    current_grade: '2',
    reason: 'parent-employment',
    school: regular.code,
    relationship: 'parent',
    decision_email: email,
    decision_email_confirm: email,
  };
}

for (const db of databases) {
  describe(`incoming application on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2026-11-22T18:00:00Z'));

    it('APP-3 a parent applying for two children at once: each form is for the child it was opened for', async () => {
      const { client, userId, email, studentId: first } = await parentWithStudent(t);
      const second = (await buildStudent(t, userId, { first_name: 'Lucía', last_name: 'Lopez' })).id;
      const a = await startForm(client, first);
      await startForm(client, second); // the later agreement is the session's "last" one
      const res = await client.post(`/apply/${LAUSD}/form`, { ...validAnswers(t, a.key, email), student: first });
      expect(res.status).toBe(303);
      const rows = await t.deps.db.selectFrom('applications').select('student_id').where('account_id', '=', userId).execute();
      expect(rows.map((r) => r.student_id)).toEqual([first]);
      // A student the parent never agreed for goes back to step 1.
      const other = (await buildStudent(t, userId)).id;
      const back = await client.post(`/apply/${LAUSD}/form`, { ...validAnswers(t, 'another-key-123456', email), student: other });
      expect(back.location).toBe(`/apply/${LAUSD}`);
    });

    it('sends a parent who is not signed in to the sign-in page and back', async () => {
      const c = new TestClient(t.app);
      const res = await c.get(`/apply/${LAUSD}`);
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/sign-in?next=${encodeURIComponent(`/apply/${LAUSD}`)}`);
    });

    it('APP-3 shows the guidelines and refuses to go on without the agreement ticked', async () => {
      const p = await parentWithStudent(t);
      const page = await p.client.get(`/apply/${LAUSD}`);
      const d = t.deps.districts.get(LAUSD)!;
      expect(textOf(page.html)).toContain(d.guidelines.en.split('\n')[0].trim().slice(0, 40));
      const res = await p.client.post(`/apply/${LAUSD}`, { student: p.studentId });
      expect(res.status).toBe(400);
      expect(textOf(res.html)).toContain('Tick the box to show that you have read and agree to the terms');
      expect(res.html).toContain(`value="${p.studentId}" checked`);
    });

    it('APP-3 the form cannot be reached before agreeing', async () => {
      const p = await parentWithStudent(t);
      const res = await p.client.get(`/apply/${LAUSD}/form`);
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/apply/${LAUSD}`);
    });

    it('STU-3 explains why an incoming permit is not offered for an address inside the district', async () => {
      const { d } = lausdSchools(t);
      const p = await parentWithStudent(t, { address_line1: '1200 Elm Street', zip: '90011' }); // inside LAUSD's sample ranges (STU-2)
      await p.client.get(`/apply/${LAUSD}`);
      const agreed = await p.client.post(`/apply/${LAUSD}`, { student: p.studentId, agree: 'yes' });
      const page = await p.client.get(agreed.location!);
      const text = textOf(page.html);
      expect(text).toContain('This address is inside the district');
      expect(text).toContain('Ask the student\'s current school to check the address');
      expect(page.html).not.toContain('name="reason"');
    });

    it('APP-4 APP-8 APP-10 submits, shows a confirmation number and emails it, in the outbox in the same transaction', async () => {
      const p = await parentWithStudent(t);
      const { key } = await startForm(p.client, p.studentId);
      const res = await p.client.post(`/apply/${LAUSD}/form`, validAnswers(t, key, p.email));
      expect(res.status).toBe(303);
      const page = await p.client.follow(res);
      const shown = /data-testid="confirmation-number">([^<]+)</.exec(page.html)![1];
      expect(isValidConfirmationNumber(shown)).toBe(true);
      const row = await t.deps.db.selectFrom('applications').selectAll().where('account_id', '=', p.userId).executeTakeFirstOrThrow();
      expect(row.status).toBe('incomplete');
      expect(row.language).toBe('en');
      expect(row.requested_school_id).toBe(`${LAUSD}:${lausdSchools(t).regular.code}`);
      // DEC-3: received after the first day of school (August 13), so due 30 days after receipt.
      expect(row.decision_due_on).toBe('2026-12-22');
      expect(row.priority).toBe(0);
      const mail = await t.deps.db.selectFrom('outbox').selectAll().where('application_id', '=', row.id).execute();
      expect(mail).toHaveLength(1);
      expect(mail[0].to_address).toBe(p.email);
      expect(mail[0].subject).toContain(shown);
      const events = await t.deps.db.selectFrom('application_events').selectAll().where('application_id', '=', row.id).execute();
      expect(events.map((e) => e.to_status)).toEqual(['incomplete']);
    });

    it('APP-8 a repeated submit (double click, retry, back button) returns the first application', async () => {
      const p = await parentWithStudent(t);
      const { key } = await startForm(p.client, p.studentId);
      const answers = validAnswers(t, key, p.email);
      const [a, b] = await Promise.all([p.client.post(`/apply/${LAUSD}/form`, answers), p.client.post(`/apply/${LAUSD}/form`, answers)]);
      const c = await p.client.post(`/apply/${LAUSD}/form`, answers);
      const ids = [a, b, c].map((r) => /\/applications\/([^/]+)\/confirmation/.exec(r.location!)![1]);
      expect(new Set(ids).size).toBe(1);
      const rows = await t.deps.db.selectFrom('applications').select('id').where('account_id', '=', p.userId).execute();
      expect(rows).toHaveLength(1);
      const mails = await t.deps.db.selectFrom('outbox').select('id').where('account_id', '=', p.userId).execute();
      expect(mails).toHaveLength(1);
      const again = await p.client.follow(c);
      expect(textOf(again.html)).toContain('We did not create a second request');
    });

    it('APP-8 a fresh form for the same student, district and year gets the first number, not a second request', async () => {
      const p = await parentWithStudent(t);
      const first = await startForm(p.client, p.studentId);
      const r1 = await p.client.post(`/apply/${LAUSD}/form`, validAnswers(t, first.key, p.email));
      const second = await startForm(p.client, p.studentId);
      const r2 = await p.client.post(`/apply/${LAUSD}/form`, validAnswers(t, second.key, p.email));
      expect(r2.location!.split('?')[0]).toBe(r1.location);
    });

    it('APP-6 refuses a magnet school on an incoming permit', async () => {
      const p = await parentWithStudent(t);
      const { key, form } = await startForm(p.client, p.studentId);
      const { magnet } = lausdSchools(t);
      expect(form.html).not.toContain(`<option value="${magnet.code}"`);
      expect(textOf(form.html)).toContain('are for residents of the district only');
      const res = await p.client.post(`/apply/${LAUSD}/form`, { ...validAnswers(t, key, p.email), school: magnet.code, grade_requested: magnet.lowestGrade === 'TK' ? 'K' : magnet.lowestGrade });
      expect(res.status).toBe(400);
      expect(textOf(res.html)).toContain(`${magnet.name} is a magnet school for district residents only`);
      expect(await t.deps.db.selectFrom('applications').select('id').where('account_id', '=', p.userId).execute()).toHaveLength(0);
    });

    it('APP-4 APP-10 shows every problem, in an error summary and beside each field, and keeps what was typed', async () => {
      const p = await parentWithStudent(t);
      const { key } = await startForm(p.client, p.studentId);
      const res = await p.client.post(`/apply/${LAUSD}/form`, {
        submission_key: key,
        school_year: '',
        grade_requested: '',
        reason: '',
        school: '',
        relationship: '',
        decision_email: 'Ana@Example.org',
        decision_email_confirm: 'ana@example.com',
      });
      expect(res.status).toBe(400);
      const text = textOf(res.html);
      expect(res.html).toContain('<title>Error:');
      expect(res.html).toContain('There is a problem');
      for (const msg of ['Choose the school year', 'Choose the grade requested', 'Choose the reason for the request', 'Choose a school from the list', 'Choose your relationship to the student', 'The two email addresses do not match']) {
        expect(text).toContain(msg);
      }
      expect(res.html).toContain('value="Ana@Example.org"');
      expect(res.html).toContain('value="ana@example.com"');
      expect(res.html).toContain(`value="${key}"`);
    });

    it('APP-10 refuses a badly formed decision email, and one too long', async () => {
      const p = await parentWithStudent(t);
      const { key } = await startForm(p.client, p.studentId);
      const bad = await p.client.post(`/apply/${LAUSD}/form`, { ...validAnswers(t, key, p.email), decision_email: 'not-an-email', decision_email_confirm: 'not-an-email' });
      expect(textOf(bad.html)).toContain('Enter an email address like name@example.com');
      const long = `${'a'.repeat(250)}@example.org`;
      const tooLong = await p.client.post(`/apply/${LAUSD}/form`, { ...validAnswers(t, key, p.email), decision_email: long, decision_email_confirm: long });
      expect(textOf(tooLong.html)).toContain('Enter an email of 254 characters or fewer');
    });

    it('APP-2 refuses a school year whose window is not open, with a clear message', async () => {
      const p = await parentWithStudent(t);
      const { key, form } = await startForm(p.client, p.studentId);
      expect(form.html).not.toContain('value="2027-2028"');
      const res = await p.client.post(`/apply/${LAUSD}/form`, { ...validAnswers(t, key, p.email), school_year: '2027-2028' });
      expect(res.status).toBe(400);
      expect(textOf(res.html)).toContain('Requests for 2027-2028 are not open yet: they open on Monday, February 1, 2027 and close on Friday, June 9, 2028');
    });

    it('APP-2 offers the next school year once its window opens on February 1', async () => {
      t.clock.set('2027-02-01T18:00:00Z');
      const p = await parentWithStudent(t);
      const { form } = await startForm(p.client, p.studentId);
      expect(form.html).toContain('value="2027-2028"');
      expect(form.html).toContain('value="2026-2027"');
    });

    it('refuses a school that does not teach the grade requested', async () => {
      const p = await parentWithStudent(t);
      const { key } = await startForm(p.client, p.studentId);
      const { high } = lausdSchools(t);
      const res = await p.client.post(`/apply/${LAUSD}/form`, { ...validAnswers(t, key, p.email), school: high.code });
      expect(textOf(res.html)).toContain(`${high.name} does not teach that grade`);
    });

    it('ACC-6 APP-10 lists the request and its email in the account; another parent cannot open them', async () => {
      const p = await parentWithStudent(t);
      const { key } = await startForm(p.client, p.studentId);
      const res = await p.client.post(`/apply/${LAUSD}/form`, validAnswers(t, key, p.email));
      const id = /\/applications\/([^/]+)\/confirmation/.exec(res.location!)![1];
      const account = await p.client.get('/account');
      expect(account.html).toContain(`/applications/${id}`);
      expect(textOf(account.html)).toContain('Request received: confirmation number');
      const messageId = /\/account\/messages\/([^"]+)"/.exec(account.html)![1];
      const message = await p.client.get(`/account/messages/${messageId}`);
      expect(textOf(message.html)).toContain('Your confirmation number is');
      const page = await p.client.get(`/applications/${id}`);
      expect(textOf(page.html)).toContain('Incomplete');

      const other = await parentWithStudent(t);
      expect((await other.client.get(`/applications/${id}`)).status).toBe(404);
      expect((await other.client.get(`/applications/${id}/confirmation`)).status).toBe(404);
      expect((await other.client.get(`/account/messages/${messageId}`)).status).toBe(404);
    });

    it('LNG-1 the application remembers its language: a request made in Spanish gets its email in Spanish', async () => {
      const p = await parentWithStudent(t);
      await p.client.get('/language?to=es&next=/');
      const { key, form } = await startForm(p.client, p.studentId);
      expect(textOf(form.html)).toContain('Motivo de la solicitud');
      const res = await p.client.post(`/apply/${LAUSD}/form`, validAnswers(t, key, p.email));
      const page = await p.client.follow(res);
      expect(textOf(page.html)).toContain('Su número de confirmación');
      const row = await t.deps.db.selectFrom('applications').selectAll().where('account_id', '=', p.userId).executeTakeFirstOrThrow();
      expect(row.language).toBe('es');
      const mail = await t.deps.db.selectFrom('outbox').selectAll().where('application_id', '=', row.id).executeTakeFirstOrThrow();
      expect(mail.subject).toContain('Solicitud recibida');
      expect(mail.language).toBe('es');
    });

    it('LNG-1 errors read in Spanish for a Spanish-speaking parent', async () => {
      const p = await parentWithStudent(t);
      await p.client.get('/language?to=es&next=/');
      const { key } = await startForm(p.client, p.studentId);
      const res = await p.client.post(`/apply/${LAUSD}/form`, { ...validAnswers(t, key, p.email), decision_email_confirm: 'x@example.org' });
      expect(textOf(res.html)).toContain('Los dos correos electrónicos no coinciden');
    });

    it('refuses a form posted without its CSRF token, and records nothing', async () => {
      const p = await parentWithStudent(t);
      const { key } = await startForm(p.client, p.studentId);
      const res = await p.client.post(`/apply/${LAUSD}/form`, { ...validAnswers(t, key, p.email), _csrf: 'forged' });
      expect(res.status).toBe(403);
      expect(await t.deps.db.selectFrom('applications').select('id').where('account_id', '=', p.userId).execute()).toHaveLength(0);
    });
  });
}
