import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { completeRequest, request, staffMember } from './support/staff.js';
import { pdfText } from './support/pdf.js';
import { samplePdf } from './support/files.js';
import { backgroundRunner } from '../src/modules/index.js';
import { formatVerificationCode } from '../src/modules/decisions/rules.js';

const D = 'lausd-sample';
type Client = TestClient;

const statusOf = async (t: TestApp, id: string) => (await t.deps.db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const decisionsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('decisions').selectAll().where('application_id', '=', id).orderBy('decided_at').execute();
const mailsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('outbox').selectAll().where('application_id', '=', id).orderBy('created_at').execute();
const seatsUsed = async (t: TestApp, school: string, year: string, grade: string) =>
  (await t.deps.db.selectFrom('seat_counts').select('used').where('school_id', '=', `${D}:${school}`).where('school_year', '=', year).where('grade', '=', grade).executeTakeFirst())?.used ?? 0;

/** Posts a decision form the way a browser does: read the request's page (for its CSRF token), then submit. */
async function act(c: Client, id: string, path: string, form: Record<string, string>) {
  await c.get(`/staff/requests/${id}`);
  return c.post(`/staff/requests/${id}/${path}`, form);
}
const approve = (c: Client, id: string, over: Record<string, string> = {}) => act(c, id, 'approve', { school: '1001', years: '1', ...over });
const deny = (c: Client, id: string, over: Record<string, string> = {}) => act(c, id, 'deny', { 'deny_reasons__no-space-grade': 'yes', deny_note: '', appeal_right: 'yes', ...over });

for (const db of databases) {
  describe(`decisions on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2026-11-22T18:00:00Z'));

    it('DEC-6 DEC-18 DEC-2 approval assigns a school with seats and issues a printable permit with its years, conditions and verification code', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await completeRequest(t, D, { grade_requested: '4' });
      const res = await approve(clerk, app.id, { school: '1002', years: '2', conditions__renew: 'yes' });
      expect(res.status).toBe(303);
      expect(await statusOf(t, app.id)).toBe('approved');
      const permit = await t.deps.db.selectFrom('permits').selectAll().where('application_id', '=', app.id).executeTakeFirstOrThrow();
      expect(permit).toMatchObject({ school_id: `${D}:1002`, first_year: '2026-2027', last_year: '2027-2028', renew_yearly: 1, status: 'active', grade: '4' });
      expect(await seatsUsed(t, '1002', '2026-2027', '4')).toBe(1);
      expect(await seatsUsed(t, '1002', '2027-2028', '5')).toBe(1);
      const mails = await mailsOf(t, app.id);
      expect(mails.map((m) => m.subject)).toEqual([`Permit approved for Mateo ${app.student_last_name}`]);
      expect(mails[0].to_address).toBe(app.decision_email);
      const [decision] = await decisionsOf(t, app.id);
      const pdf = await clerk.get(`/staff/requests/${app.id}/letters/${decision.id}.pdf`);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const text = await pdfText(pdf.body);
      expect(text).toContain('Inter-district attendance permit');
      expect(text).toContain('Sunrise Avenue Elementary');
      expect(text).toContain('School years 2026-2027 through 2027-2028');
      expect(text).toContain('This permit must be renewed each school year.');
      expect(text).toContain(formatVerificationCode(permit.verification_code));
      // Anyone can check the paper: valid, with initials only.
      const check = await new TestClient(t.app).get(`/permits/verify?code=${permit.verification_code.toLowerCase()}`);
      expect(textOf(check.html)).toContain('Valid permit');
      expect(textOf(check.html)).toContain(`M. S.`);
      expect(textOf(check.html)).not.toContain(app.student_last_name);
      expect(textOf((await new TestClient(t.app).get('/permits/verify?code=0000000000')).html)).toContain('No permit has this code');
    });

    it('DEC-6 approving into a full school is refused with the reason, and changes nothing', async () => {
      const { client: clerk } = await staffMember(t, D);
      // Elm Street (1001) has 2 permit seats in grade 3.
      for (let i = 0; i < 2; i++) expect((await approve(clerk, (await completeRequest(t, D)).id)).status).toBe(303);
      const third = await completeRequest(t, D);
      const res = await approve(clerk, third.id);
      expect(res.status).toBe(400);
      expect(textOf(res.html)).toContain('Elm Street Elementary has no permit seats left in grade 3 for 2026-2027');
      expect(await statusOf(t, third.id)).toBe('submitted');
      expect(await decisionsOf(t, third.id)).toHaveLength(0);
      expect(await mailsOf(t, third.id)).toHaveLength(0);
      expect(await seatsUsed(t, '1001', '2026-2027', '3')).toBe(2);
      // The panel says so before anyone tries.
      expect(textOf((await clerk.get(`/staff/requests/${third.id}`)).html)).toContain('0 of 2 permit seats left');
    });

    it('DEC-18 a permit covers one to five years, and never past the school\'s last grade', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await completeRequest(t, D, { grade_requested: '4' });
      expect(textOf((await approve(clerk, app.id, { school: '1002', years: '6' })).html)).toContain('Choose from 1 to 5 school years');
      expect(textOf((await approve(clerk, app.id, { school: '1002', years: '3' })).html)).toContain('does not teach the student\'s grade in every year chosen');
      expect(textOf((await approve(clerk, app.id, { school: '1003', years: '1' })).html)).toContain('Choose a school that teaches the grade requested'); // magnet
      expect(await statusOf(t, app.id)).toBe('submitted');
    });

    it('APP-11 an incomplete request is not decided', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await request(t, D, { status: 'incomplete' });
      const res = await approve(clerk, app.id);
      expect(res.status).toBe(409);
      expect(textOf(res.html)).toContain('still missing required documents');
      expect(await statusOf(t, app.id)).toBe('incomplete');
    });

    it('two staff deciding the same request at once: exactly one decision wins, one letter goes out', async () => {
      const { client: a } = await staffMember(t, D);
      const { client: b } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      await a.get(`/staff/requests/${app.id}`);
      await b.get(`/staff/requests/${app.id}`);
      const results = await Promise.all([
        a.post(`/staff/requests/${app.id}/approve`, { school: '1002', years: '1' }),
        b.post(`/staff/requests/${app.id}/deny`, { 'deny_reasons__no-space-grade': 'yes', appeal_right: 'yes' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
      expect(await decisionsOf(t, app.id)).toHaveLength(1);
      expect(await mailsOf(t, app.id)).toHaveLength(1);
      const loser = results.find((r) => r.status === 409)!;
      expect(textOf(loser.html)).toContain('already decided or changed by someone else');
      // A double click: the second post of the same form is refused and changes nothing.
      const again = await a.post(`/staff/requests/${app.id}/approve`, { school: '1002', years: '1' });
      expect(again.status).toBe(409);
      expect(await decisionsOf(t, app.id)).toHaveLength(1);
      expect(await seatsUsed(t, '1002', '2026-2027', '3')).toBe((await statusOf(t, app.id)) === 'approved' ? 1 : 0);
    });

    it('DEC-7 DEC-8 LNG-1 a denial letter states the reasons, the county office and the exact last day to appeal, in the parent\'s language', async () => {
      const { client: clerk } = await staffMember(t, D);
      const { client: parent, user } = await signedInParent(t, { language: 'es' });
      const app = await completeRequest(t, D, { language: 'es' }, user);
      const res = await deny(clerk, app.id, { deny_reasons__overcrowding: 'yes', deny_note: 'Clases llenas en tercer grado.' });
      expect(res.status).toBe(303);
      const [d] = await decisionsOf(t, app.id);
      expect(d).toMatchObject({ kind: 'denied', appeal_until: '2026-12-22', no_appeal_reason: null, language: 'es' });
      expect(JSON.parse(d.reasons)).toEqual(['no-space-grade', 'overcrowding']);
      const [mail] = await mailsOf(t, app.id);
      expect(mail.subject).toBe(`Decisión sobre la solicitud de Mateo ${app.student_last_name}`);
      expect(mail.text_body).toContain('martes, 22 de diciembre de 2026');
      expect(mail.text_body).toContain('Falta de cupo en el grado');
      // The parent reads it in the account, in Spanish, and prints the letter.
      const page = await parent.get(`/applications/${app.id}?lang=es`);
      expect(textOf(page.html)).toContain('El último día para apelar es el martes, 22 de diciembre de 2026');
      const letter = await pdfText((await parent.get(`/applications/${app.id}/letters/${d.id}.pdf`)).body);
      expect(letter).toContain('Aviso de negación');
      expect(letter).toContain('Sobrecupo: límites de alumnos por clase');
      expect(letter).toContain('Clases llenas en tercer grado.');
      expect(letter).toContain('Oficina de Educación del Condado de Los Ángeles (LACOE)');
      expect(letter).toContain('martes, 22 de diciembre de 2026');
    });

    it('DEC-9 DEC-16 a denial without a right to appeal says why, and no appeal can be recorded', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      expect((await deny(clerk, app.id, { appeal_right: 'expulsion' })).status).toBe(303);
      const [d] = await decisionsOf(t, app.id);
      expect(d).toMatchObject({ appeal_until: null, no_appeal_reason: 'expulsion' });
      expect(await pdfText((await clerk.get(`/staff/requests/${app.id}/letters/${d.id}.pdf`)).body)).toContain('There is no right to appeal this denial: the student is under consideration for expulsion');
      const res = await act(clerk, app.id, 'appeal', { appeal_filed_on: '2026-11-22' });
      expect(res.status).toBe(409);
      expect(textOf(res.html)).toContain('no right to appeal');
      expect(await t.deps.db.selectFrom('appeals').select('id').where('application_id', '=', app.id).execute()).toHaveLength(0);
    });

    it('a denial without a reason is refused beside the field, keeping the note typed, and nothing changes', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      const res = await act(clerk, app.id, 'deny', { deny_note: 'Nota que no se pierde', appeal_right: 'yes' });
      expect(res.status).toBe(400);
      expect(res.html).toContain('Error:');
      expect(textOf(res.html)).toContain('Choose at least one reason');
      expect(res.html).toContain('Nota que no se pierde');
      expect(await statusOf(t, app.id)).toBe('submitted');
      expect(await decisionsOf(t, app.id)).toHaveLength(0);
    });

    it('DOC-4 a request for missing items goes by email and to the account; the parent\'s upload puts the request back in its place', async () => {
      const { client: clerk } = await staffMember(t, D);
      const { client: parent, user } = await signedInParent(t);
      const first = await request(t, D, {}, user);
      // It was complete when it arrived: every required document but the pay stub is in.
      const district = t.deps.districts.get(D)!;
      for (const c of t.deps.districts.checklist(district, 'incoming', 'parent-employment').filter((c) => c.required && c.code !== 'pay-stub')) {
        await t.deps.db.insertInto('documents').values({
          id: `${first.id}-${c.code}`, application_id: first.id, doc_type: c.code, original_name: `${c.code}.pdf`, content_type: 'application/pdf', size_bytes: 10, sha256: 'x', storage_key: 'x',
          status: 'received', uploaded_via: 'account', uploaded_at: t.clock.now().toISOString(), review_reason: null, review_note: null, reviewed_by: null, reviewed_at: null,
        }).execute();
      }
      t.clock.advance(60_000);
      const later = await request(t, D);
      const res = await act(clerk, first.id, 'request-info', { info_message: 'Send a pay stub from the last 30 days.', 'info_docs__pay-stub': 'yes', info_due: '2026-12-01' });
      expect(res.status).toBe(303);
      expect(await statusOf(t, first.id)).toBe('info_requested');
      const [mail] = await mailsOf(t, first.id);
      expect(mail.subject).toBe(`Action needed by Tuesday, December 1, 2026: request for Mateo ${first.student_last_name}`);
      expect(mail.text_body).toContain('Send a pay stub from the last 30 days.');
      const page = textOf((await parent.get(`/applications/${first.id}`)).html);
      expect(page).toContain('The district needs more from you by Tuesday, December 1, 2026');
      expect(page).toContain('Send a pay stub from the last 30 days.');
      await parent.get(`/applications/${first.id}`);
      const up = await parent.postMultipart(`/applications/${first.id}/documents`, {}, [{ field: 'file_pay-stub', filename: 'stub.pdf', contentType: 'application/pdf', data: samplePdf('stub') }]);
      expect(up.status).toBe(303);
      expect(await statusOf(t, first.id)).toBe('submitted');
      const ir = await t.deps.db.selectFrom('info_requests').selectAll().where('application_id', '=', first.id).executeTakeFirstOrThrow();
      expect(ir.answered_at).not.toBeNull();
      // DEC-1: back in its original place, ahead of the later request.
      const queue = (await clerk.get('/staff/queue')).html;
      expect(queue.indexOf(first.student_last_name)).toBeGreaterThan(-1);
      expect(queue.indexOf(first.student_last_name)).toBeLessThan(queue.indexOf(later.student_last_name));
    });

    it('DOC-4 a due date must be a real date after today, at most 60 days away; the message is required', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await request(t, D);
      expect(textOf((await act(clerk, app.id, 'request-info', { info_message: '', info_due: '2026-12-01' })).html)).toContain('Write what the parent must send or answer');
      expect(textOf((await act(clerk, app.id, 'request-info', { info_message: 'x', info_due: '2026-11-22' })).html)).toContain('The due date must be after today');
      expect(textOf((await act(clerk, app.id, 'request-info', { info_message: 'x', info_due: '2026-02-30' })).html)).toContain('Enter the due date as a real date');
      expect(await statusOf(t, app.id)).toBe('submitted');
    });

    it('DEC-4 DEC-16 a request for missing items that lapses closes as abandoned, with notice and no appeal; sweeping again changes nothing', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await request(t, D);
      await act(clerk, app.id, 'request-info', { info_message: 'Send the release.', info_due: '2026-12-01' });
      const sweeper = backgroundRunner(t.deps, 'deadlines');
      t.clock.set('2026-12-02T07:30:00Z'); // 23:30 on December 1 in Los Angeles: still the due date
      await sweeper.runOnce();
      expect(await statusOf(t, app.id)).toBe('info_requested');
      t.clock.set('2026-12-02T08:30:00Z'); // 00:30 on December 2
      await sweeper.runOnce();
      expect(await statusOf(t, app.id)).toBe('abandoned');
      const [d] = (await decisionsOf(t, app.id)).filter((x) => x.kind === 'abandoned');
      expect(d).toMatchObject({ decided_by: null, appeal_until: null });
      expect((await mailsOf(t, app.id)).map((m) => m.subject)).toContain(`Request closed: Mateo ${app.student_last_name}`);
      await sweeper.runOnce();
      expect((await decisionsOf(t, app.id)).filter((x) => x.kind === 'abandoned')).toHaveLength(1);
    });

    it('a decided request takes no more documents: the parent is told why and nothing is stored', async () => {
      const { client: clerk } = await staffMember(t, D);
      const { client: parent, user } = await signedInParent(t);
      const app = await completeRequest(t, D, {}, user);
      await deny(clerk, app.id);
      const docs = () => t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).execute();
      const before = (await docs()).length; // the required documents it was decided with (APP-11)
      await parent.get(`/applications/${app.id}`);
      const res = await parent.postMultipart(`/applications/${app.id}/documents`, {}, [{ field: 'file_pay-stub', filename: 'late.pdf', contentType: 'application/pdf', data: samplePdf('late') }]);
      const page = textOf((await parent.follow(res)).html);
      expect(page).toContain('This request is closed, so it takes no more documents');
      expect((await parent.get(`/applications/${app.id}`)).html).not.toContain(`action="/applications/${app.id}/documents"`);
      expect(await docs()).toHaveLength(before);
    });

    it('DEC-17 an application still incomplete 30 days after it was received is abandoned', async () => {
      const app = await request(t, D, { status: 'incomplete', received_at: '2026-11-22T18:00:00.000Z', decision_due_on: '2027-01-30' });
      const sweeper = backgroundRunner(t.deps, 'deadlines');
      t.clock.set('2026-12-23T07:59:00Z'); // December 22 in Los Angeles: the 30th day
      await sweeper.runOnce();
      expect(await statusOf(t, app.id)).toBe('incomplete');
      t.clock.set('2026-12-23T08:01:00Z');
      await sweeper.runOnce();
      expect(await statusOf(t, app.id)).toBe('abandoned');
    });

    it('DEC-15 no written decision by the deadline: deemed denied on the day after, with the appeal date, told to the parent once', async () => {
      const { user } = await signedInParent(t);
      const app = await request(t, D, { decision_due_on: '2026-12-22' }, user);
      const sweeper = backgroundRunner(t.deps, 'deadlines');
      t.clock.set('2026-12-23T07:59:00Z'); // still December 22 in Los Angeles
      expect((await sweeper.runOnce()).deemedDenied).toBe(0);
      expect(await statusOf(t, app.id)).toBe('submitted');
      t.clock.set('2026-12-23T08:00:00Z'); // midnight: December 23
      await sweeper.runOnce();
      expect(await statusOf(t, app.id)).toBe('deemed_denied');
      const [d] = await decisionsOf(t, app.id);
      expect(d).toMatchObject({ kind: 'deemed_denied', decided_on: '2026-12-23', appeal_until: '2027-01-22', decided_by: null });
      const mails = await mailsOf(t, app.id);
      expect(mails).toHaveLength(1);
      expect(mails[0].text_body).toContain('Friday, January 22, 2027');
      expect(mails[0].account_id).toBe(user.id);
      await sweeper.runOnce();
      expect(await mailsOf(t, app.id)).toHaveLength(1);
    });

    it('DEC-15 two instances sweeping at once deem a request denied once, with one notice', async () => {
      const app = await request(t, D, { decision_due_on: '2026-12-22' });
      t.clock.set('2026-12-23T09:00:00Z');
      const reports = await Promise.all([backgroundRunner(t.deps, 'deadlines').runOnce(), backgroundRunner(t.deps, 'deadlines').runOnce(), backgroundRunner(t.deps, 'deadlines').runOnce()]);
      expect(reports.reduce((n, r) => n + (r.deemedDenied > 0 ? 1 : 0), 0)).toBeGreaterThanOrEqual(1);
      expect((await decisionsOf(t, app.id)).filter((d) => d.kind === 'deemed_denied')).toHaveLength(1);
      expect(await mailsOf(t, app.id)).toHaveLength(1);
    });

    it('DEC-15 staff get one reminder a day listing decisions due within 3 days', async () => {
      const own = await t.deps.db.selectFrom('staff').select('id').where('district_id', '=', 'paramount-sample').execute();
      await staffMember(t, 'paramount-sample');
      await request(t, 'paramount-sample', { decision_due_on: '2026-11-24' });
      const sweeper = backgroundRunner(t.deps, 'deadlines');
      await sweeper.runOnce();
      const reminders = await t.deps.db.selectFrom('outbox').selectAll().where('template', '=', 'decisions.email.staffReminder').execute();
      const paramount = reminders.filter((r) => r.to_address.includes('paramount-sample'));
      expect(paramount.length).toBe(own.length + 1);
      // Dates in messages are written out (LNG-1), the due dates of the list included.
      expect(paramount[0].text_body).toContain('Tuesday, November 24, 2026');
      expect(paramount[0].text_body).not.toContain('2026-11-24');
      expect(paramount[0].text_body).toContain("sent automatically to the district's permit office");
      await sweeper.runOnce();
      expect((await t.deps.db.selectFrom('outbox').select('id').where('template', '=', 'decisions.email.staffReminder').execute()).length).toBe(reminders.length);
    });

    it('DEC-8 an appeal after the 30th day is refused as late; one in time is recorded, and a granted appeal lets staff approve', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await completeRequest(t, D, { grade_requested: '2' });
      await deny(clerk, app.id);
      t.clock.set('2027-01-05T18:00:00Z');
      const { client: later } = await staffMember(t, D);
      const late = await act(later, app.id, 'appeal', { appeal_filed_on: '2026-12-23' });
      expect(late.status).toBe(400);
      // The last day is written out, as the letter writes it (DEC-8, LNG-1).
      expect(textOf(late.html)).toContain('Refused as late: the last day to appeal was Tuesday, December 22, 2026.');
      expect((await act(later, app.id, 'appeal', { appeal_filed_on: '2026-12-22' })).status).toBe(303);
      expect((await act(later, app.id, 'appeal-outcome', { outcome: 'overturned', outcome_on: '2027-01-04' })).status).toBe(303);
      expect((await mailsOf(t, app.id)).map((m) => m.subject)).toContain(`Appeal granted: Mateo ${app.student_last_name}`);
      expect(textOf((await later.get(`/staff/requests/${app.id}`)).html)).toContain('Approve: the county office granted the appeal');
      expect((await approve(later, app.id, { school: '1002' })).status).toBe(303);
      expect(await statusOf(t, app.id)).toBe('approved');
    });

    it('DEC-8 without a granted appeal, the district cannot approve a request it denied', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await completeRequest(t, D, { grade_requested: '1' });
      await deny(clerk, app.id);
      expect((await approve(clerk, app.id, { school: '1002' })).status).toBe(409);
      expect(await statusOf(t, app.id)).toBe('denied');
    });

    it('DEC-10 revocation: refused for a student in grade 10 or later, allowed below; no appeal; seats of later years freed', async () => {
      const { client: clerk } = await staffMember(t, D);
      const high = await completeRequest(t, D, { grade_requested: '10' });
      expect((await approve(clerk, high.id, { school: '3001', years: '2' })).status).toBe(303);
      const refused = await act(clerk, high.id, 'revoke', { revoke_reasons__attendance: 'yes' });
      expect(refused.status).toBe(409);
      expect(textOf(refused.html)).toContain('This permit cannot be revoked: the student is in grade 10.');
      expect(await statusOf(t, high.id)).toBe('approved');

      const young = await completeRequest(t, D, { grade_requested: '6' });
      await approve(clerk, young.id, { school: '2001', years: '2' });
      expect(await seatsUsed(t, '2001', '2027-2028', '7')).toBe(1);
      expect((await act(clerk, young.id, 'revoke', { revoke_note: 'x' })).status).toBe(400);
      const res = await act(clerk, young.id, 'revoke', { revoke_reasons__attendance: 'yes', revoke_note: 'Forty absences.' });
      expect(res.status).toBe(303);
      expect(await statusOf(t, young.id)).toBe('revoked');
      expect(await seatsUsed(t, '2001', '2027-2028', '7')).toBe(0);
      expect(await seatsUsed(t, '2001', '2026-2027', '6')).toBe(1); // the year under way stays counted
      const d = (await decisionsOf(t, young.id)).find((x) => x.kind === 'revoked')!;
      const letter = await pdfText((await clerk.get(`/staff/requests/${young.id}/letters/${d.id}.pdf`)).body);
      expect(letter).toContain('Notice of revocation');
      expect(letter).toContain('Repeated failure to follow attendance policies');
      expect(letter).toContain('A revocation cannot be appealed.');
      const permit = await t.deps.db.selectFrom('permits').select('verification_code').where('application_id', '=', young.id).executeTakeFirstOrThrow();
      expect(textOf((await new TestClient(t.app).get(`/permits/verify?code=${permit.verification_code}`)).html)).toContain('This permit was revoked');
    });

    it('DOC-3 staff record the district\'s student ID; the queue finds the request by it; an auditor cannot change it', async () => {
      const { client: clerk } = await staffMember(t, D);
      const app = await request(t, D);
      await clerk.get(`/staff/requests/${app.id}`);
      const bad = await clerk.post(`/staff/requests/${app.id}/student-number`, { student_number: 'no spaces allowed!' });
      expect(bad.status).toBe(400);
      expect(textOf(bad.html)).toContain('Use up to 20 letters, digits and dashes');
      expect(bad.html).toContain('no spaces allowed!');
      expect((await clerk.post(`/staff/requests/${app.id}/student-number`, { student_number: 'la-4471' })).status).toBe(303);
      const queue = textOf((await clerk.get('/staff/queue?q=LA-4471')).html);
      expect(queue).toContain(app.student_last_name);
      const { client: auditor } = await staffMember(t, D, 'auditor');
      await auditor.get(`/staff/requests/${app.id}`);
      expect((await auditor.post(`/staff/requests/${app.id}/student-number`, { student_number: 'X1' })).status).toBe(403);
      expect((await t.deps.db.selectFrom('applications').select('student_number').where('id', '=', app.id).executeTakeFirstOrThrow()).student_number).toBe('LA-4471');
    });

    describe('authorization (PRV-1)', () => {
      const actions: [string, Record<string, string>][] = [
        ['approve', { school: '1002', years: '1' }],
        ['deny', { 'deny_reasons__no-space-grade': 'yes', appeal_right: 'yes' }],
        ['request-info', { info_message: 'x', info_due: '2026-12-01' }],
        ['revoke', { revoke_reasons__attendance: 'yes' }],
        ['appeal', { appeal_filed_on: '2026-11-22' }],
        ['appeal-outcome', { outcome: 'upheld', outcome_on: '2026-11-22' }],
      ];

      it('read-only roles are refused every action in the service; nothing changes', async () => {
        for (const role of ['auditor', 'site_admin'] as const) {
          const { client } = await staffMember(t, D, role, role === 'site_admin' ? ['1001'] : []);
          const app = await request(t, D);
          const page = await client.get(`/staff/requests/${app.id}`);
          expect(page.status).toBe(200);
          expect(page.html).not.toContain(`/staff/requests/${app.id}/approve`);
          for (const [path, form] of actions) {
            const res = await client.post(`/staff/requests/${app.id}/${path}`, form);
            expect(res.status, `${role} ${path}`).toBe(403);
          }
          expect(await statusOf(t, app.id)).toBe('submitted');
        }
      });

      it('another district\'s staff, even an administrator, finds nothing: pages, actions and letters are 404', async () => {
        const { client: clerk } = await staffMember(t, D);
        const app = await completeRequest(t, D);
        await deny(clerk, app.id);
        const [d] = await decisionsOf(t, app.id);
        const { client: foreign } = await staffMember(t, 'paramount-sample', 'district_admin');
        expect((await foreign.get(`/staff/requests/${app.id}`)).status).toBe(404);
        expect((await foreign.get(`/staff/requests/${app.id}/letters/${d.id}.pdf`)).status).toBe(404);
        await foreign.get('/staff/queue');
        for (const [path, form] of actions) expect((await foreign.post(`/staff/requests/${app.id}/${path}`, form)).status, path).toBe(404);
        expect(await decisionsOf(t, app.id)).toHaveLength(1);
      });

      it('parents and visitors never reach staff actions; another parent cannot read the letter', async () => {
        const { client: clerk } = await staffMember(t, D);
        const { client: parent, user } = await signedInParent(t);
        const app = await completeRequest(t, D, {}, user);
        await deny(clerk, app.id);
        const [d] = await decisionsOf(t, app.id);
        const res = await parent.post(`/staff/requests/${app.id}/approve`, { school: '1002', years: '1' });
        expect(res.status).toBe(303);
        expect(res.location).toMatch(/^\/staff\/sign-in/);
        expect((await parent.get(`/applications/${app.id}/letters/${d.id}.pdf`)).status).toBe(200);
        const { client: other } = await signedInParent(t);
        expect((await other.get(`/applications/${app.id}/letters/${d.id}.pdf`)).status).toBe(404);
        expect((await new TestClient(t.app).get(`/applications/${app.id}/letters/${d.id}.pdf`)).status).toBe(303);
      });

      it('a forged form post (no CSRF token) is refused and changes nothing', async () => {
        const { client: clerk } = await staffMember(t, D);
        const app = await request(t, D);
        await clerk.get(`/staff/requests/${app.id}`);
        const res = await clerk.post(`/staff/requests/${app.id}/approve`, { school: '1002', years: '1', _csrf: 'forged' });
        expect(res.status).toBe(403);
        expect(await statusOf(t, app.id)).toBe('submitted');
      });

      it('PRV-2 each decision is in the audit log', async () => {
        const { client: clerk, id: staffId } = await staffMember(t, D);
        const app = await completeRequest(t, D);
        await deny(clerk, app.id);
        const rows = await t.deps.db.selectFrom('audit_log').select(['action', 'entity_id']).where('staff_id', '=', staffId).execute();
        expect(rows).toContainEqual({ action: 'application.deny', entity_id: app.id });
      });
    });
  });
}
