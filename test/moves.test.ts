import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { completeRequest, request, staffMember } from './support/staff.js';
import { newId } from '../src/platform/ids.js';
import { MovesService } from '../src/modules/students/moves.js';

const P = 'paramount-sample';
const L = 'lausd-sample';
const OUTSIDE = { address_line1: '100 Main St', address_line2: null, city: 'Downey', state: 'CA', zip: '90241' };
const GARFIELD = { address_line1: '8312 Garfield Ave', address_line2: '', city: 'Paramount', state: 'CA', zip: '90723' }; // Paramount, K-5 school 102
const ORCHARD = { address_line1: '7450 Orchard Lane', address_line2: '', city: 'Paramount', state: 'CA', zip: '90723' }; // Paramount, K-5 school 101
const ELM = { address_line1: '1200 Elm Street', address_line2: '', city: 'Los Angeles', state: 'CA', zip: '90011' }; // LAUSD, school 1001
const moved = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return { moved_month: String(Number(m)), moved_day: String(Number(d)), moved_year: y };
};
const from = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return { from_month: String(Number(m)), from_day: String(Number(d)), from_year: y };
};

type Owner = { id: string; email: string };

for (const db of databases) {
  describe(`moves and changes of school on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2026-11-22T18:00:00Z'));

    const changesOf = (studentId: string) => t.deps.db.selectFrom('address_changes').selectAll().where('student_id', '=', studentId).orderBy('created_at').execute();
    const mailsOf = (accountId: string, template: string) => t.deps.db.selectFrom('outbox').selectAll().where('account_id', '=', accountId).where('template', '=', template).orderBy('created_at').execute();
    const studentRow = (id: string) => t.deps.db.selectFrom('students').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    /** An approved request with its decision and active permit, written straight to the database. */
    async function permitFor(owner: Owner, studentId: string, kind: 'incoming' | 'intra' | 'outgoing', district: string, school: string, over: Record<string, unknown> = {}) {
      const app = await request(t, district, { student_id: studentId, kind, status: 'approved', requested_school_id: `${district}:${school}`, ...over }, owner);
      const now = t.clock.now().toISOString();
      const decisionId = newId();
      await t.deps.db.insertInto('decisions').values({
        id: decisionId, application_id: app.id, kind: 'approved', reasons: '[]', note: null, decided_on: '2026-11-01', decided_at: now, decided_by: null, appeal_until: null, no_appeal_reason: null, language: 'en',
      }).execute();
      await t.deps.db.insertInto('permits').values({
        id: newId(), application_id: app.id, decision_id: decisionId, verification_code: randomBytes(5).toString('hex').toUpperCase(), school_id: `${district}:${school}`,
        grade: '3', first_year: '2026-2027', last_year: '2027-2028', renew_yearly: 0, status: 'active', issued_at: now, revoked_at: null,
      }).execute();
      return app;
    }

    async function reportMove(client: TestClient, studentId: string, form: Record<string, string>) {
      await client.get(`/students/${studentId}/move`);
      return client.post(`/students/${studentId}/move`, form);
    }

    it('DEC-13 a move reported more than 30 days late is recorded as late, and the parent is told the Continuing Enrollment right is forfeited', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      const res = await reportMove(client, s.id, { ...GARFIELD, ...moved('2026-10-22') }); // 31 days before Nov 22
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/students/${s.id}`);
      const [change] = await changesOf(s.id);
      expect(change).toMatchObject({ moved_on: '2026-10-22', reported_on: '2026-11-22', late: 1, old_address: '100 Main St, Downey, CA 90241', new_address: '8312 Garfield Ave, Paramount, CA 90723', advice: 'moves.advice.noPermit' });
      expect(await studentRow(s.id)).toMatchObject({ address_line1: '8312 Garfield Ave', address_line2: null, city: 'Paramount', zip: '90723' });
      const [mail] = await mailsOf(user.id, 'moves.emails.moved');
      expect(mail.subject).toBe('Move recorded for Mateo López: what it means for the permits');
      expect(mail.text_body).toContain('We recorded that Mateo López moved to 8312 Garfield Ave, Paramount, CA 90723 on Thursday, October 22, 2026.');
      expect(mail.text_body).toContain('No permit is affected');
      expect(mail.text_body).toContain('the school of residence is Garfield Park Elementary, in Paramount Unified (sample)');
      expect(mail.text_body).toContain('reported 31 days after it happened');
      expect(mail.text_body).toContain('no longer has the right to a Continuing Enrollment permit');
      // The move page lists it, late, and says what it meant.
      const page = textOf((await client.get(`/students/${s.id}/move`)).html);
      expect(page).toContain('What the move means');
      expect(page).toContain('no longer has the right to a Continuing Enrollment permit');
      expect(page).toContain('Thursday, October 22, 2026');
      expect(page).toContain('No, late: the right to a Continuing Enrollment permit is forfeited');
      expect(page).toContain('No permit affected');
      expect(await new MovesService(t.deps).movesSummary(s.id)).toEqual([expect.objectContaining({ movedOn: '2026-10-22', reportedOn: '2026-11-22', late: true, advice: 'moves.advice.noPermit' })]);
      // The permit office sees it on the student's next request: no Continuing Enrollment right.
      const later = await request(t, 'lausd-sample', { student_id: s.id, reason_code: 'continuing-enrollment' }, user);
      const { client: clerk } = await staffMember(t, 'lausd-sample');
      expect(textOf((await clerk.get(`/staff/requests/${later.id}`)).html)).toContain('The parent reported a change of address late: moved on Thursday, October 22, 2026');
    });

    it('DEC-13 a move reported within 30 days (30 days exactly) is on time, with no forfeiture', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      expect((await reportMove(client, s.id, { ...ORCHARD, ...moved('2026-10-23') })).status).toBe(303);
      const [change] = await changesOf(s.id);
      expect(change).toMatchObject({ late: 0, moved_on: '2026-10-23' });
      const [mail] = await mailsOf(user.id, 'moves.emails.moved');
      expect(mail.text_body).not.toContain('Continuing Enrollment');
      expect(mail.text_body).toContain('the school of residence is Orchard Lane Elementary');
      const page = textOf((await client.get(`/students/${s.id}/move`)).html);
      expect(page).toContain('Friday, October 23, 2026');
      expect(page).not.toContain('No, late');
      expect((await new MovesService(t.deps).movesSummary(s.id))[0].late).toBe(false);
    });

    it('DEC-13 LNG-1 "today" is the district\'s: 23:30 in Los Angeles is still the same day, and the email goes in the parent\'s language', async () => {
      t.clock.set('2026-11-23T07:30:00Z'); // Nov 22, 23:30 in Los Angeles
      const { client, user } = await signedInParent(t, { language: 'es' });
      const s = await buildStudent(t, user.id);
      expect((await reportMove(client, s.id, { ...GARFIELD, ...moved('2026-10-23') })).status).toBe(303);
      const [change] = await changesOf(s.id);
      expect(change).toMatchObject({ reported_on: '2026-11-22', late: 0 });
      const [mail] = await mailsOf(user.id, 'moves.emails.moved');
      expect(mail.language).toBe('es');
      expect(mail.subject).toBe('Mudanza registrada de Mateo López: lo que significa para los permisos');
      expect(mail.text_body).toContain('Ningún permiso se ve afectado');
    });

    it('DEC-11 an incoming permit holder who moves into the district of enrollment is told the permit is no longer needed', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      await permitFor(user, s.id, 'incoming', P, '101');
      expect((await reportMove(client, s.id, { ...GARFIELD, ...moved('2026-11-20') })).status).toBe(303);
      const [change] = await changesOf(s.id);
      expect(change.advice).toBe('moves.advice.incomingResident');
      const [mail] = await mailsOf(user.id, 'moves.emails.moved');
      expect(mail.text_body).toContain('Mateo now lives in Paramount Unified (sample), the district of the permit. The permit is no longer needed');
      const page = textOf((await client.get(`/students/${s.id}/move`)).html);
      expect(page).toContain('The permit is no longer needed: enroll Mateo in Paramount Unified (sample) as a resident.');
      expect(page).toContain('Now a resident: the permit is no longer needed');
    });

    it('DEC-11 an incoming permit holder who moves to the other hosted district is told that district must release the student, with the link', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      // Approved by LAUSD staff through the decision page.
      const { client: clerk } = await staffMember(t, L);
      const app = await completeRequest(t, L, { student_id: s.id }, user);
      await clerk.get(`/staff/requests/${app.id}`);
      expect((await clerk.post(`/staff/requests/${app.id}/approve`, { school: '1001', years: '1' })).status).toBe(303);
      expect((await reportMove(client, s.id, { ...GARFIELD, ...moved('2026-11-15') })).status).toBe(303);
      const [change] = await changesOf(s.id);
      expect(change.advice).toBe('moves.advice.incomingRelease');
      const link = `/apply/${P}/outgoing?student=${s.id}`;
      const [mail] = await mailsOf(user.id, 'moves.emails.moved');
      expect(mail.text_body).toContain('Mateo now lives in Paramount Unified (sample). To keep the permit to attend Los Angeles Unified (sample), the new district of residence, Paramount Unified (sample), must release Mateo.');
      expect(mail.text_body).toContain(`${t.config.publicUrl}${link}`);
      const page = await client.get(`/students/${s.id}/move`);
      expect(page.html).toContain(`href="${link}"`);
      expect(textOf(page.html)).toContain('Ask Paramount Unified (sample) for a release');
    });

    it('DEC-11 an incoming permit holder who moves outside every hosted district is told to ask the new district for a release', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id, GARFIELD);
      await permitFor(user, s.id, 'incoming', L, '1001');
      expect((await reportMove(client, s.id, { ...OUTSIDE, address_line2: '', ...moved('2026-11-15') })).status).toBe(303);
      expect((await changesOf(s.id))[0].advice).toBe('moves.advice.incomingReleaseUnknown');
      const [mail] = await mailsOf(user.id, 'moves.emails.moved');
      expect(mail.text_body).toContain('Ask the school district where you now live for a release');
    });

    it('DEC-11 STU-2 an intra-district permit holder moving within the district is told the new school of residence', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id, GARFIELD); // school of residence 102
      await permitFor(user, s.id, 'intra', P, '103', { residence_school_id: `${P}:102` });
      expect((await reportMove(client, s.id, { ...ORCHARD, ...moved('2026-11-15') })).status).toBe(303);
      expect((await changesOf(s.id))[0].advice).toBe('moves.advice.intraNewResidenceSchool');
      const page = textOf((await client.get(`/students/${s.id}/move`)).html);
      expect(page).toContain('The school of residence at the new address is now Orchard Lane Elementary. Ask Paramount Unified (sample) whether the permit to attend Rosecrans Elementary still applies.');
      // Moving out of the district: an inter-district permit is needed, starting with a release.
      t.clock.advance(60_000);
      expect((await reportMove(client, s.id, { ...ELM, ...moved('2026-11-21') })).status).toBe(303);
      const changes = await changesOf(s.id);
      expect(changes).toHaveLength(2);
      expect(changes[1].advice).toBe('moves.advice.intraMovedOut');
      const again = await client.get(`/students/${s.id}/move`);
      expect(textOf(again.html)).toContain('needs an inter-district permit');
      expect(again.html).toContain(`/apply/${L}/outgoing?student=${s.id}`);
    });

    it('DEC-13 an address we cannot place is still recorded, with the district\'s telephone', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      await permitFor(user, s.id, 'incoming', P, '101');
      expect((await reportMove(client, s.id, { ...GARFIELD, address_line1: '9100 Garfield Ave', ...moved('2026-11-15') })).status).toBe(303);
      expect((await changesOf(s.id))[0].advice).toBe('moves.advice.unplaced');
      const [mail] = await mailsOf(user.id, 'moves.emails.moved');
      expect(mail.text_body).toContain('Call Paramount Unified (sample) at (562) 555-0160');
    });

    it('DEC-13 bad input is shown beside each field, keeps what was typed, and saves nothing', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      const cases: [Record<string, string>, string][] = [
        [{ ...GARFIELD, ...moved('2026-12-01') }, 'Enter a date of the move that is today or in the past'],
        [{ ...GARFIELD, moved_month: '2', moved_day: '31', moved_year: '2026' }, 'Enter a real date: check the day and the month'],
        [{ ...GARFIELD, ...moved('2024-11-21') }, 'Enter a date of the move within the last 2 years'],
        [{ ...GARFIELD, moved_month: '', moved_day: '', moved_year: '' }, 'Enter the date of the move'],
        [{ ...GARFIELD, address_line1: '  ', ...moved('2026-11-15') }, 'Enter the street address'],
        [{ ...OUTSIDE, address_line1: '100 MAIN STREET', address_line2: '', ...moved('2026-11-15') }, 'This is the address we already have'],
      ];
      for (const [form, message] of cases) {
        const res = await reportMove(client, s.id, form);
        expect(res.status, message).toBe(400);
        expect(res.html).toContain('There is a problem');
        expect(textOf(res.html)).toContain(message);
        expect(res.html).toContain(`value="${form.city}"`);
        if (form.moved_day) expect(res.html).toContain(`value="${form.moved_day}"`);
      }
      // Everything typed comes back, even with several errors at once.
      const many = await reportMove(client, s.id, { address_line1: '', address_line2: 'Apt 7', city: 'Paramount', state: 'CA', zip: '9072', moved_month: '2', moved_day: '31', moved_year: '2026' });
      expect(many.status).toBe(400);
      for (const m of ['Enter the street address', 'Enter a ZIP code of 5 digits', 'Enter a real date']) expect(textOf(many.html)).toContain(m);
      expect(many.html).toContain('value="Apt 7"');
      expect(many.html).toContain('value="9072"');
      expect(many.html).toMatch(/<option value="2" selected/);
      // Junk never makes a 500.
      const junk = await client.post(`/students/${s.id}/move`, { address_line1: ['a', 'b'], state: 'XX', moved_year: '9999999999' });
      expect(junk.status).toBe(400);
      expect(await changesOf(s.id)).toHaveLength(0);
      expect(await studentRow(s.id)).toMatchObject({ address_line1: '100 Main St', zip: '90241' });
      expect(await mailsOf(user.id, 'moves.emails.moved')).toHaveLength(0);
    });

    it('DEC-13 PRV-3 a retried submit, or the same report twice the same day, records the move once and sends one email', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      await client.get(`/students/${s.id}/move`);
      const form = { ...GARFIELD, ...moved('2026-11-10'), _idem: 'retry-key-0123456789abcdef' };
      const first = await client.post(`/students/${s.id}/move`, form);
      const retry = await client.post(`/students/${s.id}/move`, form);
      expect([first.status, retry.status]).toEqual([303, 303]);
      expect(retry.location).toBe(first.location);
      // The same report again, from a fresh form (another key), the same day: the same record.
      const second = await reportMove(client, s.id, { ...GARFIELD, ...moved('2026-11-10') });
      expect(second.status).toBe(303);
      expect(await changesOf(s.id)).toHaveLength(1);
      expect(await mailsOf(user.id, 'moves.emails.moved')).toHaveLength(1);
      // Two at once: still one.
      const other = await buildStudent(t, user.id);
      await client.get(`/students/${other.id}/move`);
      const both = await Promise.all([1, 2].map(() => client.post(`/students/${other.id}/move`, { ...ORCHARD, ...moved('2026-11-10') })));
      expect(both.map((r) => r.status)).toEqual([303, 303]);
      expect(await changesOf(other.id)).toHaveLength(1);
    });

    it('PRV-1 another parent\'s student is not found, for reading and for reporting', async () => {
      const { user: owner } = await signedInParent(t);
      const s = await buildStudent(t, owner.id);
      const { client: stranger } = await signedInParent(t);
      await stranger.get('/students');
      expect((await stranger.get(`/students/${s.id}/move`)).status).toBe(404);
      expect((await stranger.post(`/students/${s.id}/move`, { ...GARFIELD, ...moved('2026-11-10') })).status).toBe(404);
      expect((await stranger.get(`/students/${s.id}/school-change`)).status).toBe(404);
      expect((await stranger.post(`/students/${s.id}/school-change`, { district: P, school: '102', ...from('2027-08-11') })).status).toBe(404);
      expect(await changesOf(s.id)).toHaveLength(0);
      // Signed out: to the sign-in page.
      const anon = new TestClient(t.app);
      expect((await anon.get(`/students/${s.id}/move`)).location).toMatch(/^\/sign-in\?next=/);
    });

    it('CSRF: a report without the form\'s token is refused and changes nothing', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      await client.get(`/students/${s.id}/move`);
      const res = await client.post(`/students/${s.id}/move`, { ...GARFIELD, ...moved('2026-11-10'), _csrf: 'forged' });
      expect(res.status).toBe(403);
      const sc = await client.post(`/students/${s.id}/school-change`, { district: P, school: '102', ...from('2027-08-11'), _csrf: '' });
      expect(sc.status).toBe(403);
      expect(await changesOf(s.id)).toHaveLength(0);
      expect((await studentRow(s.id)).address_line1).toBe('100 Main St');
    });

    it('DEC-11 a change of school within the district of enrollment needs a new permit, with the link to apply; the same school changes nothing', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      const app = await permitFor(user, s.id, 'incoming', P, '101');
      const form = await client.get(`/students/${s.id}/school-change`);
      expect(textOf(form.html)).toContain('Orchard Lane Elementary, Paramount Unified (sample): school years 2026-2027 to 2027-2028');
      const res = await client.post(`/students/${s.id}/school-change`, { district: P, school: '202', ...from('2027-08-11') });
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/students/${s.id}`);
      const events = await t.deps.db.selectFrom('application_events').selectAll().where('application_id', '=', app.id).where('actor', '=', `parent:${user.id}`).execute();
      expect(events).toEqual([expect.objectContaining({ from_status: 'approved', to_status: 'approved', note: 'school change reported: 202 from 2027-08-11' })]);
      const [mail] = await mailsOf(user.id, 'moves.emails.schoolChange');
      expect(mail.application_id).toBe(app.id);
      expect(mail.text_body).toContain('A new permit is needed for Jackson Middle School: apply to Paramount Unified (sample).');
      expect(mail.text_body).toContain(`${t.config.publicUrl}/apply/${P}?student=${s.id}`);
      const page = await client.get(`/students/${s.id}/school-change`);
      expect(textOf(page.html)).toContain('A new permit is needed for Jackson Middle School');
      expect(page.html).toContain(`href="/apply/${P}?student=${s.id}"`);
      expect(textOf(page.html)).toContain('A new permit is needed');
      // The same report again the same day: recorded once.
      expect((await client.post(`/students/${s.id}/school-change`, { district: P, school: '202', ...from('2027-08-11') })).status).toBe(303);
      expect(await mailsOf(user.id, 'moves.emails.schoolChange')).toHaveLength(1);
      // The permit's own school: nothing changes.
      await client.get(`/students/${s.id}/school-change`);
      expect((await client.post(`/students/${s.id}/school-change`, { district: P, school: '101', ...from('2027-01-04') })).status).toBe(303);
      const mails = await mailsOf(user.id, 'moves.emails.schoolChange');
      expect(mails).toHaveLength(2);
      expect(mails[1].text_body).toContain('Orchard Lane Elementary is the school of the permit: nothing changes.');
      expect(textOf((await client.get(`/students/${s.id}/school-change`)).html)).toContain('Same school as the permit: nothing changes');
    });

    it('DEC-11 an intra-district permit\'s change of school links to the intra-district request', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id, GARFIELD);
      await permitFor(user, s.id, 'intra', P, '103');
      await client.get(`/students/${s.id}/school-change`);
      expect((await client.post(`/students/${s.id}/school-change`, { district: P, school: '101', ...from('2027-01-04') })).status).toBe(303);
      const [mail] = await mailsOf(user.id, 'moves.emails.schoolChange');
      expect(mail.text_body).toContain(`/apply/${P}/intra?student=${s.id}`);
    });

    it('DEC-11 a school of another district, a district without a permit, or no permit at all is refused, keeping the values', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      const app = await permitFor(user, s.id, 'incoming', P, '101');
      await client.get(`/students/${s.id}/school-change`);
      const wrong = await client.post(`/students/${s.id}/school-change`, { district: P, school: '1001', ...from('2027-08-11') });
      expect(wrong.status).toBe(400);
      expect(textOf(wrong.html)).toContain('Choose a school of the district of the permit');
      expect(wrong.html).toContain('value="11"');
      const elsewhere = await client.post(`/students/${s.id}/school-change`, { district: L, school: '1001', ...from('2027-08-11') });
      expect(elsewhere.status).toBe(400);
      expect(textOf(elsewhere.html)).toContain('The student has no permit in force in this district');
      const bad = await client.post(`/students/${s.id}/school-change`, { district: P, school: '', from_month: '2', from_day: '30', from_year: '2027' });
      expect(bad.status).toBe(400);
      expect(textOf(bad.html)).toContain('Choose the new school');
      expect(textOf(bad.html)).toContain('Enter a real date');
      const events = await t.deps.db.selectFrom('application_events').selectAll().where('application_id', '=', app.id).where('actor', '=', `parent:${user.id}`).execute();
      expect(events).toHaveLength(0);
      // A student with no permit: nothing to report, and a post is refused.
      const none = await buildStudent(t, user.id);
      expect(textOf((await client.get(`/students/${none.id}/school-change`)).html)).toContain('has no permit in force that a change of school affects');
      expect((await client.post(`/students/${none.id}/school-change`, { district: P, school: '101', ...from('2027-08-11') })).status).toBe(400);
      expect(await mailsOf(user.id, 'moves.emails.schoolChange')).toHaveLength(0);
    });
  });
}
