import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { completeRequest, request, staffMember } from './support/staff.js';
import { backgroundRunner } from '../src/modules/index.js';

const D = 'lausd-sample';
type Client = TestClient;

/** Tuesday, December 1, 2026, 10:00 in Los Angeles. */
const DEC_1 = '2026-12-01T18:00:00Z';
/** A decision due date far enough away that no sweep in these tests deems the request denied. */
const LATE_DUE = '2027-03-31';

const provisionalOf = (t: TestApp, id: string) => t.deps.db.selectFrom('provisional_enrollments').selectAll().where('application_id', '=', id).executeTakeFirst();
const mailsOf = (t: TestApp, id: string, template?: string) => {
  let q = t.deps.db.selectFrom('outbox').selectAll().where('application_id', '=', id);
  if (template) q = q.where('template', '=', template);
  return q.orderBy('created_at').orderBy('id').execute();
};
const staffMails = (t: TestApp, prefix: string) => t.deps.db.selectFrom('outbox').selectAll().where('dedupe_key', 'like', `${prefix}:staff:%`).execute();
const permitOf = async (t: TestApp, id: string) => t.deps.db.selectFrom('permits').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();

/** Posts the first day of attendance from the request's page, as a browser does. */
async function recordFirstDay(c: Client, id: string, firstDay: string) {
  await c.get(`/staff/requests/${id}`);
  return c.post(`/staff/requests/${id}/provisional`, { first_day: firstDay });
}
async function approve(c: Client, id: string, form: Record<string, string>) {
  await c.get(`/staff/requests/${id}`);
  const res = await c.post(`/staff/requests/${id}/approve`, { years: '1', ...form });
  expect(res.status, textOf(res.html).slice(0, 400)).toBe(303);
}
async function review(c: Client, permitId: string, form: Record<string, string>) {
  await c.get('/staff/reviews');
  return c.post(`/staff/reviews/${permitId}`, form);
}

for (const db of databases) {
  describe(`a permit's life after approval on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1 });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set(DEC_1));

    describe('DEC-12 provisional enrollment', () => {
      it('DEC-12 a site administrator of the requested school records the first day; the end counts 40 school days across the winter break; the parent is told', async () => {
        const { client: site, id: siteId } = await staffMember(t, D, 'site_admin', ['1001']);
        const { client: parent, user } = await signedInParent(t, { language: 'es' });
        const app = await request(t, D, { language: 'es', decision_due_on: LATE_DUE }, user);
        const res = await recordFirstDay(site, app.id, '2026-11-30');
        expect(res.status).toBe(303);
        // Nov 30–Dec 18: 15 school days; Dec 21 – Jan 1 winter break; Jan 4–15: 25; Jan 18 (MLK) off;
        // Jan 19 – Feb 5: 39; Monday Feb 8 is the 40th. Warned ten school days before: Monday Jan 25.
        expect(await provisionalOf(t, app.id)).toMatchObject({ school_id: `${D}:1001`, first_day: '2026-11-30', ends_on: '2027-02-08', warn_on: '2027-01-25', warned_at: null, ended_at: null, recorded_by: siteId });
        const events = await t.deps.db.selectFrom('application_events').select(['actor', 'note']).where('application_id', '=', app.id).execute();
        expect(events).toContainEqual({ actor: `staff:${siteId}`, note: 'provisional 2026-11-30 – 2027-02-08' });
        const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'entity_id']).where('staff_id', '=', siteId).execute();
        expect(audit).toContainEqual({ action: 'application.provisional', entity_id: app.id });
        const [mail] = await mailsOf(t, app.id, 'permit-life.email.provisionalRecorded');
        expect(mail.subject).toBe(`Inscripción provisional de Mateo ${app.student_last_name} hasta el lunes, 8 de febrero de 2027`);
        expect(mail.account_id).toBe(user.id);
        expect(mail.text_body).toContain('Elm Street Elementary registró el lunes, 30 de noviembre de 2026');
        // The school's page: first day, end, school days left (Dec 1 through Feb 8: 39).
        const page = textOf((await site.get(`/staff/requests/${app.id}`)).html);
        expect(page).toContain('Last day of provisional enrollment Monday, February 8, 2027');
        expect(page).toContain('39 school days left, today included');
        expect(page).not.toContain('Record provisional enrollment');
        // The parent's page, in Spanish.
        const mine = textOf((await parent.get(`/applications/${app.id}?lang=es`)).html);
        expect(mine).toContain('El estudiante está inscrito provisionalmente');
        expect(mine).toContain('hasta el lunes, 8 de febrero de 2027');
        expect(mine).toContain('debe volver a una escuela del distrito de residencia');
      });

      it('DEC-12 PRV-1 another school\'s site administrator, another district and an auditor cannot record; the permit office can', async () => {
        const app = await request(t, D, { decision_due_on: LATE_DUE });
        const { client: otherSchool } = await staffMember(t, D, 'site_admin', ['1002']);
        expect((await otherSchool.get(`/staff/requests/${app.id}`)).status).toBe(404);
        expect((await otherSchool.post(`/staff/requests/${app.id}/provisional`, { first_day: '2026-11-30' })).status).toBe(404);
        const { client: foreign } = await staffMember(t, 'paramount-sample', 'district_admin');
        await foreign.get('/staff/queue');
        expect((await foreign.post(`/staff/requests/${app.id}/provisional`, { first_day: '2026-11-30' })).status).toBe(404);
        const { client: auditor } = await staffMember(t, D, 'auditor');
        const seen = await auditor.get(`/staff/requests/${app.id}`);
        expect(seen.status).toBe(200);
        expect(seen.html).not.toContain(`/staff/requests/${app.id}/provisional`);
        expect(textOf(seen.html)).toContain('No provisional enrollment is recorded');
        expect((await auditor.post(`/staff/requests/${app.id}/provisional`, { first_day: '2026-11-30' })).status).toBe(403);
        expect(await provisionalOf(t, app.id)).toBeUndefined();
        expect(await mailsOf(t, app.id)).toHaveLength(0);
        const { client: clerk } = await staffMember(t, D);
        expect((await recordFirstDay(clerk, app.id, '2026-11-30')).status).toBe(303);
        expect((await provisionalOf(t, app.id))?.ends_on).toBe('2027-02-08');
      });

      it('DEC-12 a bad first day is shown in place with what was typed; never twice, never on a decided request', async () => {
        const { client: site } = await staffMember(t, D, 'site_admin', ['1001']);
        const app = await request(t, D, { decision_due_on: LATE_DUE });
        const cases: [string, string][] = [
          ['30/11/2026', 'Enter the first day of attendance as a real date'],
          ['2026-02-30', 'Enter the first day of attendance as a real date'],
          ['2026-11-28', 'Saturday, November 28, 2026 is not a school day on the district\'s calendar'], // a Saturday (the day written out, LNG-1)
          ['2026-11-26', 'Thursday, November 26, 2026 is not a school day on the district\'s calendar'], // Thanksgiving
          ['2026-12-02', 'cannot be after today'],
          ['2026-07-20', 'must be in the school year requested, 2026-2027'],
          ['2027-08-16', 'must be in the school year requested, 2026-2027'],
        ];
        for (const [typed, message] of cases) {
          const res = await recordFirstDay(site, app.id, typed);
          expect(res.status, typed).toBe(400);
          expect(textOf(res.html), typed).toContain(message);
          expect(res.html, typed).toContain(`value="${typed}"`);
          expect(res.html).toContain('usa-error-message');
        }
        expect(await provisionalOf(t, app.id)).toBeUndefined();
        expect((await recordFirstDay(site, app.id, '2026-11-23')).status).toBe(303);
        // A second recording is refused as a whole, and changes nothing.
        const again = await site.post(`/staff/requests/${app.id}/provisional`, { first_day: '2026-11-30' });
        expect(again.status).toBe(409);
        expect(textOf(again.html)).toContain('A provisional enrollment is already recorded');
        expect((await provisionalOf(t, app.id))?.first_day).toBe('2026-11-23');
        expect(await mailsOf(t, app.id, 'permit-life.email.provisionalRecorded')).toHaveLength(1);
        // A decided request takes none.
        const { client: clerk } = await staffMember(t, D);
        const decided = await completeRequest(t, D, { grade_requested: 'K' });
        await approve(clerk, decided.id, { school: '1002' });
        const late = await recordFirstDay(clerk, decided.id, '2026-11-30');
        expect(late.status).toBe(409);
        expect(textOf(late.html)).toContain('This request is already decided');
        expect(await provisionalOf(t, decided.id)).toBeUndefined();
      });

      it('DEC-12 the end is announced once to the parent and the school\'s site administrators, even with two sweeps at once; then the end notice', async () => {
        const { client: site } = await staffMember(t, D, 'site_admin', ['1001']);
        const { user } = await signedInParent(t);
        const app = await request(t, D, { decision_due_on: LATE_DUE }, user);
        expect((await recordFirstDay(site, app.id, '2026-11-30')).status).toBe(303);
        const pe = (await provisionalOf(t, app.id))!;
        const admins = await t.deps.db.selectFrom('staff').innerJoin('staff_schools', 'staff_schools.staff_id', 'staff.id').select('staff.id').where('staff_schools.school_id', '=', `${D}:1001`).where('staff.role', '=', 'site_admin').execute();
        t.clock.set('2027-01-25T07:59:00Z'); // still Sunday, January 24 in Los Angeles
        await backgroundRunner(t.deps, 'deadlines').runOnce();
        expect((await provisionalOf(t, app.id))?.warned_at).toBeNull();
        expect(await mailsOf(t, app.id, 'permit-life.email.provisionalWarning')).toHaveLength(0);
        t.clock.set('2027-01-25T18:00:00Z'); // Monday, January 25: the warning day
        const reports = await Promise.all([backgroundRunner(t.deps, 'deadlines').runOnce(), backgroundRunner(t.deps, 'deadlines').runOnce()]);
        expect((await provisionalOf(t, app.id))?.warned_at).not.toBeNull();
        const warned = await mailsOf(t, app.id, 'permit-life.email.provisionalWarning');
        expect(warned).toHaveLength(1);
        expect(reports.reduce((n, r) => n + r.provisionalWarnings, 0)).toBeGreaterThanOrEqual(1);
        expect(warned[0].subject).toBe(`Provisional enrollment of Mateo ${app.student_last_name} ends on Monday, February 8, 2027`);
        expect(warned[0].text_body).toContain('must return to a school of the district of residence');
        expect(warned[0].account_id).toBe(user.id);
        const school = await staffMails(t, `provisional-warning:${pe.id}`);
        expect(school).toHaveLength(admins.length);
        expect(school[0].subject).toBe(`Provisional enrollment ends on Monday, February 8, 2027: Mateo ${app.student_last_name}`);
        expect(school[0].text_body).toContain("sent automatically to the school's site administrators");
        await backgroundRunner(t.deps, 'deadlines').runOnce();
        expect(await mailsOf(t, app.id, 'permit-life.email.provisionalWarning')).toHaveLength(1);
        expect(await staffMails(t, `provisional-warning:${pe.id}`)).toHaveLength(admins.length);

        // The last day itself is still provisional; the day after, it has ended.
        t.clock.set('2027-02-08T18:00:00Z');
        await backgroundRunner(t.deps, 'deadlines').runOnce();
        expect((await provisionalOf(t, app.id))?.ended_at).toBeNull();
        t.clock.set('2027-02-09T18:00:00Z');
        const ends = await Promise.all([backgroundRunner(t.deps, 'deadlines').runOnce(), backgroundRunner(t.deps, 'deadlines').runOnce()]);
        expect(ends.reduce((n, r) => n + r.provisionalEnded, 0)).toBeGreaterThanOrEqual(1);
        expect((await provisionalOf(t, app.id))?.ended_at).not.toBeNull();
        const ended = await mailsOf(t, app.id, 'permit-life.email.provisionalEnded');
        expect(ended).toHaveLength(1);
        expect(ended[0].text_body).toContain('ended on Monday, February 8, 2027');
        expect(ended[0].text_body).toContain('must now return to a school of the district of residence');
        expect(await staffMails(t, `provisional-ended:${pe.id}`)).toHaveLength(admins.length);
        await backgroundRunner(t.deps, 'deadlines').runOnce();
        expect(await mailsOf(t, app.id, 'permit-life.email.provisionalEnded')).toHaveLength(1);
        // Both pages say it ended.
        const { client: clerk } = await staffMember(t, D);
        expect(textOf((await clerk.get(`/staff/requests/${app.id}`)).html)).toContain('Ended on Monday, February 8, 2027');
        const parent = new TestClient(t.app, '10.77.0.1');
        await parent.get('/sign-in');
        await parent.post('/sign-in', { email: user.email, password: 'Tortuga7Verde' });
        expect(textOf((await parent.get(`/applications/${app.id}`)).html)).toContain('The provisional enrollment ended on Monday, February 8, 2027 without an approved permit');
      });

      it('DEC-12 an approval before the end: the provisional enrollment stops mattering, no warning or end notice', async () => {
        const { client: site } = await staffMember(t, D, 'site_admin', ['1001']);
        const { client: clerk } = await staffMember(t, D);
        const { client: parent, user } = await signedInParent(t);
        const app = await completeRequest(t, D, { grade_requested: '1', decision_due_on: LATE_DUE }, user);
        expect((await recordFirstDay(site, app.id, '2026-11-30')).status).toBe(303);
        await approve(clerk, app.id, { school: '1001' });
        for (const day of ['2027-01-25T18:00:00Z', '2027-02-09T18:00:00Z']) {
          t.clock.set(day);
          await backgroundRunner(t.deps, 'deadlines').runOnce();
        }
        const pe = (await provisionalOf(t, app.id))!;
        expect(pe.warned_at).toBeNull();
        expect(pe.ended_at).toBeNull();
        expect(await mailsOf(t, app.id, 'permit-life.email.provisionalWarning')).toHaveLength(0);
        expect(await mailsOf(t, app.id, 'permit-life.email.provisionalEnded')).toHaveLength(0);
        t.clock.set(DEC_1);
        expect(textOf((await site.get(`/staff/requests/${app.id}`)).html)).toContain('Permit approved: the provisional enrollment no longer applies.');
        expect(textOf((await parent.get(`/applications/${app.id}`)).html)).toContain('The permit was approved, so the provisional enrollment no longer applies.');
      });
    });

    describe('DEC-11 renewal', () => {
      it('DEC-11 a parent is reminded once, 30 days before requests open, to renew a permit that must be renewed each year; it shows in the account', async () => {
        const { client: clerk } = await staffMember(t, D);
        const { client: parent, user } = await signedInParent(t);
        const yearly = await completeRequest(t, D, { grade_requested: '2' }, user);
        await approve(clerk, yearly.id, { school: '1002', conditions__renew: 'yes' });
        const ending = await completeRequest(t, D, { grade_requested: '1' }, user);
        await approve(clerk, ending.id, { school: '1002' });
        const lasting = await completeRequest(t, D, { grade_requested: '4' }, user);
        await approve(clerk, lasting.id, { school: '1002', years: '2' });
        // The parent's page says when and how before any reminder.
        const page = textOf((await parent.get(`/applications/${yearly.id}`)).html);
        expect(page).toContain('This permit must be renewed each school year.');
        expect(page).toContain('To keep attending in 2027-2028, apply again from Monday, February 1, 2027.');
        expect(page).toContain('On the form, choose the reason "Continuing enrollment".');
        expect((await parent.get(`/applications/${yearly.id}`)).html).toContain('href="/apply/lausd-sample"');
        expect(textOf((await parent.get(`/applications/${lasting.id}`)).html)).toContain('This permit stays valid through 2027-2028 without applying again.');

        const renewals = (id: string) => mailsOf(t, id).then((m) => m.filter((x) => x.template.startsWith('permit-life.email.renewal')));
        t.clock.set('2027-01-02T07:59:00Z'); // January 1 in Los Angeles: 31 days before February 1
        await backgroundRunner(t.deps, 'deadlines').runOnce();
        expect(await renewals(yearly.id)).toHaveLength(0);
        t.clock.set('2027-01-02T18:00:00Z');
        const [a, b] = await Promise.all([backgroundRunner(t.deps, 'deadlines').runOnce(), backgroundRunner(t.deps, 'deadlines').runOnce()]);
        expect(a.renewalReminders + b.renewalReminders).toBeGreaterThanOrEqual(2);
        const [mail] = await renewals(yearly.id);
        const permit = await permitOf(t, yearly.id);
        expect(mail.dedupe_key).toBe(`renewal:${permit.id}:2027-2028`);
        expect(mail.account_id).toBe(user.id);
        expect(mail.subject).toBe(`Renew the permit of Mateo ${yearly.student_last_name} for 2027-2028`);
        expect(mail.text_body).toContain('apply again to Los Angeles Unified (sample) from Monday, February 1, 2027, choosing the reason "Continuing enrollment"');
        expect(mail.text_body).toContain('/apply/lausd-sample');
        const [end] = await renewals(ending.id);
        expect(end.subject).toBe(`The permit of Mateo ${ending.student_last_name} ends after 2026-2027`);
        expect(await renewals(lasting.id)).toHaveLength(0);
        // Once per permit and year, however often the sweep runs.
        t.clock.set('2027-03-01T18:00:00Z');
        await backgroundRunner(t.deps, 'deadlines').runOnce();
        expect(await renewals(yearly.id)).toHaveLength(1);
        expect(await renewals(ending.id)).toHaveLength(1);
        // It is in the account too.
        const account = new TestClient(t.app, '10.77.0.2');
        await account.get('/sign-in');
        expect((await account.post('/sign-in', { email: user.email, password: 'Tortuga7Verde' })).status).toBe(303);
        expect(textOf((await account.get('/account')).html)).toContain(`Renew the permit of Mateo ${yearly.student_last_name} for 2027-2028`);
      });
    });

    describe('DEC-14 periodic review', () => {
      it('DEC-14 site administrators see their schools\' permits due for review, record one, and it leaves the list; the request page keeps the history', async () => {
        const { client: clerk } = await staffMember(t, D);
        const elm = await completeRequest(t, D, { grade_requested: '2' });
        await approve(clerk, elm.id, { school: '1001' });
        t.clock.advance(60_000);
        const sunrise = await completeRequest(t, D, { grade_requested: '3' });
        await approve(clerk, sunrise.id, { school: '1002' });
        const elmPermit = await permitOf(t, elm.id);
        const sunrisePermit = await permitOf(t, sunrise.id);

        const { client: site, id: siteId } = await staffMember(t, D, 'site_admin', ['1001']);
        const list = await site.get('/staff/reviews');
        expect(list.status).toBe(200);
        expect(list.html).toContain('href="/staff/reviews"'); // in the staff navigation
        expect(textOf(list.html)).toContain(elm.student_last_name);
        expect(textOf(list.html)).not.toContain(sunrise.student_last_name);
        expect(textOf(list.html)).toContain('Elm Street Elementary');
        expect(textOf(list.html)).toContain('Never (permit issued Tuesday, December 1, 2026)');
        // The district sees both, longest unreviewed first.
        const all = textOf((await clerk.get('/staff/reviews')).html);
        expect(all.indexOf(elm.student_last_name)).toBeGreaterThan(-1);
        expect(all.indexOf(elm.student_last_name)).toBeLessThan(all.indexOf(sunrise.student_last_name));

        // Bad input is shown beside the permit's form, with what was typed.
        const none = await review(site, elmPermit.id, { note: 'Asistencia perfecta' });
        expect(none.status).toBe(400);
        expect(textOf(none.html)).toContain('Choose the outcome of the review');
        expect(none.html).toContain('Asistencia perfecta');
        const concern = await review(site, elmPermit.id, { outcome: 'concern', note: '  ' });
        expect(concern.status).toBe(400);
        expect(textOf(concern.html)).toContain('Write what the concern is');
        const long = await review(site, elmPermit.id, { outcome: 'continue', note: 'x'.repeat(2001) });
        expect(long.status).toBe(400);
        expect(textOf(long.html)).toContain('Write no more than 2000 characters');
        // Another school's permit does not exist for this site administrator.
        expect((await review(site, sunrisePermit.id, { outcome: 'continue' })).status).toBe(404);

        const ok = await review(site, elmPermit.id, { outcome: 'concern', note: 'Twelve absences since October.' });
        expect(ok.status).toBe(303);
        const after = await site.follow(ok);
        expect(textOf(after.html)).toContain('Review recorded.');
        expect(textOf(after.html)).not.toContain(elm.student_last_name);
        const rows = await t.deps.db.selectFrom('permit_reviews').selectAll().where('permit_id', '=', elmPermit.id).execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ outcome: 'concern', note: 'Twelve absences since October.', reviewed_by: siteId, reviewed_on: '2026-12-01' });
        const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'entity_id']).where('staff_id', '=', siteId).execute();
        expect(audit).toContainEqual({ action: 'permit.review', entity_id: elmPermit.id });
        expect(audit).toContainEqual({ action: 'permit.reviews.view', entity_id: null });
        // The request page shows the history.
        const history = textOf((await clerk.get(`/staff/requests/${elm.id}`)).html);
        expect(history).toContain('Permit reviews');
        expect(history).toContain('Tuesday, December 1, 2026 Concern: follow up Twelve absences since October.');
        // Due again once the last review is older than a year.
        await t.deps.db.updateTable('permit_reviews').set({ reviewed_on: '2025-12-01' }).where('permit_id', '=', elmPermit.id).execute();
        const due = textOf((await site.get('/staff/reviews')).html);
        expect(due).toContain(elm.student_last_name);
        expect(due).toContain('Monday, December 1, 2025 (Concern: follow up)');
      });

      it('DEC-14 PRV-1 auditors read the list only; another district\'s permit is not found', async () => {
        const { client: clerk } = await staffMember(t, D);
        const app = await completeRequest(t, D, { grade_requested: '5' });
        await approve(clerk, app.id, { school: '1001' });
        const permit = await permitOf(t, app.id);
        const { client: auditor } = await staffMember(t, D, 'auditor');
        const list = await auditor.get('/staff/reviews');
        expect(list.status).toBe(200);
        expect(textOf(list.html)).toContain(app.student_last_name);
        expect(textOf(list.html)).toContain('Your role can read this list but not record reviews.');
        expect(list.html).not.toContain(`action="/staff/reviews/${permit.id}"`);
        expect((await auditor.post(`/staff/reviews/${permit.id}`, { outcome: 'continue' })).status).toBe(403);
        const { client: foreign } = await staffMember(t, 'paramount-sample', 'district_admin');
        expect(textOf((await foreign.get('/staff/reviews')).html)).not.toContain(app.student_last_name);
        expect((await foreign.post(`/staff/reviews/${permit.id}`, { outcome: 'continue' })).status).toBe(404);
        expect((await foreign.post('/staff/reviews/no-such-permit', { outcome: 'continue' })).status).toBe(404);
        expect(await t.deps.db.selectFrom('permit_reviews').select('id').where('permit_id', '=', permit.id).execute()).toHaveLength(0);
        // Odd, huge or repeated values answer with a page, never a 500.
        const { client: site } = await staffMember(t, D, 'site_admin', ['1001']);
        const pending = await request(t, D, { decision_due_on: LATE_DUE });
        await site.get(`/staff/requests/${pending.id}`);
        for (const body of <Record<string, string | string[]>[]>[{}, { first_day: ['2026-11-30', '2026-11-23'] }, { first_day: '💥'.repeat(5000) }, { first_day: '9999-99-99' }, { first_day: '\u0000' }]) {
          expect((await site.post(`/staff/requests/${pending.id}/provisional`, body)).status, JSON.stringify(body).slice(0, 60)).toBeLessThan(500);
        }
        await site.get('/staff/reviews');
        for (const body of <Record<string, string | string[]>[]>[{}, { outcome: ['continue', 'concern'] }, { outcome: 'x'.repeat(100_000), note: 'y'.repeat(100_000) }, { outcome: '<script>', note: '\u0000' }]) {
          expect((await site.post(`/staff/reviews/${permit.id}`, body)).status, JSON.stringify(body).slice(0, 60)).toBeLessThan(500);
        }
        expect((await site.post(`/staff/reviews/${'x'.repeat(90)}`, { outcome: 'continue' })).status).toBe(404);
        // Visitors are sent to the staff sign-in.
        const visitor = new TestClient(t.app);
        expect((await visitor.get('/staff/reviews')).location).toMatch(/^\/staff\/sign-in/);
      });
    });
  });
}
