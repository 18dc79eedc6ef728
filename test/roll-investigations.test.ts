import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { staffMember } from './support/staff.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { Investigations, allowedChoices } from '../src/modules/enrollment/investigations.js';
import { rollContext } from '../src/modules/enrollment/context.js';
import { AuditLog } from '../src/modules/access/audit-log.js';
import { RollScope } from '../src/modules/access/roll-scope.js';

/** Tuesday, December 1, 2026, 10:00 in Los Angeles: well after the first three weeks of 2026-2027 (first day August 13). */
const DEC_1 = '2026-12-01T18:00:00Z';

for (const db of databases) {
  describe(`roll: address investigations, ENR-6 (${db.name})`, () => {
    let t: TestApp;
    let office: Awaited<ReturnType<typeof staffMember>>;

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1 });
      office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    });
    afterAll(() => t.close());

    const investigationsOf = (enrollmentId: string) => t.deps.db.selectFrom('investigations').selectAll().where('enrollment_id', '=', enrollmentId).execute();
    const enrollmentRow = (id: string) => t.deps.db.selectFrom('enrollments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const eventsOf = (id: string) => t.deps.db.selectFrom('enrollment_events').selectAll().where('enrollment_id', '=', id).execute();
    const auditOf = (action: string, entityId: string) =>
      t.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('entity_id', '=', entityId).execute();

    /** Opens an investigation through the office's form; returns its id. */
    async function open(enrollmentId: string, form: Record<string, string> = { reason: 'Mail to the home address came back.' }): Promise<string> {
      await office.client.get(`/staff/roll/enrollments/${enrollmentId}/investigations`);
      const res = await office.client.post(`/staff/roll/enrollments/${enrollmentId}/investigations`, form);
      expect(res.status).toBe(303);
      const m = /^\/staff\/roll\/investigations\/([^/?#]+)$/.exec(res.location ?? '');
      expect(m).not.toBeNull();
      return m![1];
    }

    async function close(id: string, outcome: string, choice: string) {
      await office.client.get(`/staff/roll/investigations/${id}`);
      return office.client.post(`/staff/roll/investigations/${id}`, { outcome, choice, closing_note: 'Met with the parent.' });
    }

    it('ENR-6 opens an investigation on an active enrollment, logs every step of due diligence, and the student stays enrolled throughout', async () => {
      const { student, enrollment } = await enrolledStudent(t, { student: { first_name: 'Mateo', last_name: 'Investigado' } });
      const before = await enrollmentRow(enrollment.id);

      // No reason: refused beside the field, what was ticked kept, nothing saved.
      await office.client.get(`/staff/roll/enrollments/${enrollment.id}/investigations`);
      const empty = await office.client.post(`/staff/roll/enrollments/${enrollment.id}/investigations`, { reason: '  ', school_error: 'yes' });
      expect(empty.status).toBe(400);
      expect(empty.html).toContain('Enter why the school believes the address is wrong.');
      expect(empty.html).toMatch(/name="school_error" value="yes" checked/);
      expect(await investigationsOf(enrollment.id)).toHaveLength(0);

      // The office's page of the student offers to open one at the school.
      const record = await office.client.get(`/staff/roll/students/${student.id}`);
      expect(record.html).toContain('No address investigation.');
      expect(record.html).toContain(`/staff/roll/enrollments/${enrollment.id}/investigations`);

      const id = await open(enrollment.id);
      const [inv] = await investigationsOf(enrollment.id);
      expect(inv).toMatchObject({ id, status: 'open', student_id: student.id, school_id: ROLL.elm, school_error: 0, outcome: null, choice: null });

      // A second one on the same enrollment while the first is open: refused as a whole.
      await office.client.get(`/staff/roll/enrollments/${enrollment.id}/investigations`);
      const second = await office.client.post(`/staff/roll/enrollments/${enrollment.id}/investigations`, { reason: 'Again' });
      expect(second.status).toBe(409);
      expect(second.html).toContain('already has an open address investigation');

      // Steps of due diligence, in the contact log with the investigation's id.
      const page = await office.client.get(`/staff/roll/investigations/${id}`);
      expect(page.status).toBe(200);
      expect(page.html).toContain('Mail to the home address came back.');
      expect(page.html).toContain('No step has been logged yet.');
      const future = await office.client.post(`/staff/roll/investigations/${id}/contacts`, { step_when: '2026-12-02T09:00', step_method: 'phone', step_outcome: 'no_answer' });
      expect(future.status).toBe(400);
      expect(future.html).toContain('The contact cannot be in the future.');
      expect(future.html).toContain('value="2026-12-02T09:00"');
      for (const [when, method, outcome] of [['2026-11-30T09:15', 'phone', 'no_answer'], ['2026-11-30T15:00', 'home_visit', 'moved_away']]) {
        await office.client.get(`/staff/roll/investigations/${id}`);
        const logged = await office.client.post(`/staff/roll/investigations/${id}/contacts`, { step_when: when, step_method: method, step_reached: 'neighbor', step_outcome: outcome });
        expect(logged.status).toBe(303);
      }
      const steps = await t.deps.db.selectFrom('contact_attempts').selectAll().where('investigation_id', '=', id).orderBy('contacted_at').execute();
      expect(steps.map((s) => [s.purpose, s.method, s.outcome, s.enrollment_id, s.logged_by])).toEqual([
        ['investigation', 'phone', 'no_answer', enrollment.id, `staff:${office.id}`],
        ['investigation', 'home_visit', 'moved_away', enrollment.id, `staff:${office.id}`],
      ]);
      // 09:15 in Los Angeles.
      expect(steps[0].contacted_at).toBe('2026-11-30T17:15:00.000Z');
      const logPage = await office.client.get(`/staff/roll/investigations/${id}`);
      expect(logPage.html).toContain('Home visit');
      expect(logPage.html).toContain('2 steps of due diligence');

      // The school's list of open investigations shows it.
      const list = await office.client.get(`/staff/roll/investigations?school=${encodeURIComponent(ROLL.elm)}`);
      expect(list.status).toBe(200);
      expect(list.html).toContain('Mateo Investigado');
      expect(list.html).toContain(`/staff/roll/investigations/${id}`);

      expect((await office.client.get(`/staff/roll/students/${student.id}`)).html).toContain(`/staff/roll/investigations/${id}`);

      // The enrollment never changed: same row, no event.
      expect(await enrollmentRow(enrollment.id)).toEqual(before);
      expect((await eventsOf(enrollment.id)).map((e) => e.what)).toEqual(['enrolled']);

      // PRV-2: opening, each step and each read are in the audit log.
      expect(await auditOf('roll.investigation.open', enrollment.id)).toHaveLength(1);
      expect(await auditOf('roll.investigation.step', enrollment.id)).toHaveLength(2);
      expect((await auditOf('roll.investigation.view', enrollment.id)).length).toBeGreaterThanOrEqual(3);
      expect(await auditOf('roll.investigations.view', ROLL.elm)).toHaveLength(1);
      // The list is one of the office's reports.
      expect((await office.client.get('/staff/reports')).html).toContain('Open address investigations');
    });

    it('ENR-6 closes with the choices each finding allows and refuses a choice the finding does not allow; the student stays enrolled', async () => {
      const { enrollment } = await enrolledStudent(t);

      // Confirmed: the student stays; a transfer is refused beside the choice, with what was chosen kept.
      let id = await open(enrollment.id);
      const wrong = await close(id, 'confirmed', 'transfer_residence');
      expect(wrong.status).toBe(400);
      expect(wrong.html).toContain('When the address is confirmed, the student stays.');
      expect(wrong.html).toMatch(/value="transfer_residence" checked/);
      expect((await investigationsOf(enrollment.id))[0]).toMatchObject({ status: 'open', outcome: null });
      expect((await close(id, 'confirmed', 'stay')).status).toBe(303);
      // Closed: a second closing changes nothing.
      const again = await close(id, 'corrected', 'inter_district_permit');
      expect(again.status).toBe(409);
      expect(again.html).toContain('This investigation is closed.');
      expect((await investigationsOf(enrollment.id)).find((i) => i.id === id)).toMatchObject({ status: 'closed', outcome: 'confirmed', choice: 'stay', closed_by: office.id, note: 'Met with the parent.' });

      // Corrected: each of the four choices the bulletin names.
      for (const choice of ['stay', 'continuing_permit', 'transfer_residence', 'inter_district_permit']) {
        id = await open(enrollment.id);
        expect((await close(id, 'corrected', choice)).status).toBe(303);
      }

      // False: only the transfer to the school of residence.
      id = await open(enrollment.id);
      const stay = await close(id, 'false', 'stay');
      expect(stay.status).toBe(400);
      expect(stay.html).toContain('A false address leads to a transfer to the school of residence.');
      expect((await close(id, 'false', 'transfer_residence')).status).toBe(303);
      const closedPage = await office.client.get(`/staff/roll/investigations/${id}`);
      expect(closedPage.html).toContain(`/staff/roll/enrollments/${enrollment.id}/transfer`);

      // No finding, no choice: both named.
      id = await open(enrollment.id);
      const none = await close(id, '', '');
      expect(none.status).toBe(400);
      expect(none.html).toContain('Choose what the investigation found.');

      // Seven investigations closed, one open: the enrollment is what it was.
      expect(await enrollmentRow(enrollment.id)).toMatchObject({ status: 'active', exit_date: null, exit_code: null });
      expect((await eventsOf(enrollment.id)).map((e) => e.what)).toEqual(['enrolled']);
      expect(await auditOf('roll.investigation.close', enrollment.id)).toHaveLength(6);
    });

    it('ENR-6 a school error found after the first three weeks of the year gives the parent a transfer or a continuing enrollment permit', async () => {
      const { enrollment } = await enrolledStudent(t);
      const id = await open(enrollment.id, { reason: 'Residence was not verified at enrollment.', school_error: 'yes' });
      const page = await office.client.get(`/staff/roll/investigations/${id}`);
      expect(page.html).toContain('found after the first three weeks of the school year');
      for (const choice of ['stay', 'inter_district_permit']) {
        const refused = await close(id, 'corrected', choice);
        expect(refused.status).toBe(400);
        expect(refused.html).toContain('gives the parent two options');
      }
      expect((await close(id, 'corrected', 'continuing_permit')).status).toBe(303);

      // Within the first three weeks (August 20, the year began August 13): the usual choices of a corrected address.
      t.clock.set('2026-08-20T18:00:00Z');
      try {
        const early = await enrolledStudent(t, { entryDate: '2026-08-13' });
        const earlyId = await open(early.enrollment.id, { reason: 'Residence was not verified.', school_error: 'yes' });
        expect((await office.client.get(`/staff/roll/investigations/${earlyId}`)).html).toContain('found within the first three weeks');
        expect((await close(earlyId, 'corrected', 'stay')).status).toBe(303);
      } finally {
        t.clock.set(DEC_1);
      }
      // The rule as a table.
      expect(allowedChoices('confirmed', true)).toEqual(['transfer_residence', 'continuing_permit']);
      expect(allowedChoices('false', true)).toEqual(['transfer_residence']);
    });

    it('ENR-6 two clerks opening an investigation of the same enrollment at the same moment open one', async () => {
      const { enrollment } = await enrolledStudent(t);
      const service = new Investigations(rollContext(t.deps, new AuditLog(t.deps.db, t.clock), new RollScope(t.deps.db)));
      const staff = { id: office.id, districtId: ROLL.district, email: office.email, firstName: 'Permit', lastName: 'Clerk', role: 'school_office' as const };
      const both = await Promise.all([1, 2].map((n) => service.open(staff, enrollment.id, { reason: `Clerk ${n}`, schoolError: false }, '10.0.0.1')));
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      expect(both.find((r) => !r.ok)).toMatchObject({ ok: false, problem: { code: 'investigation.already-open' } });
      expect(await investigationsOf(enrollment.id)).toHaveLength(1);
    });

    it('ENR-6 only an active enrollment is investigated; a teacher cannot open one and another school\'s office finds nothing (PRV-1), each refusal audited', async () => {
      const pre = await enrolledStudent(t, { entryDate: null });
      await office.client.get(`/staff/roll/enrollments/${pre.enrollment.id}/investigations`);
      const notActive = await office.client.post(`/staff/roll/enrollments/${pre.enrollment.id}/investigations`, { reason: 'Suspicious address' });
      expect(notActive.status).toBe(409);
      expect(notActive.html).toContain('Only an active enrollment can be investigated.');

      const { enrollment } = await enrolledStudent(t);
      const id = await open(enrollment.id);
      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      await teacher.client.get('/staff/roll');
      expect((await teacher.client.get(`/staff/roll/investigations/${id}`)).status).toBe(403);
      expect((await teacher.client.get('/staff/reports')).html).not.toContain('Open address investigations');
      expect((await teacher.client.post(`/staff/roll/enrollments/${enrollment.id}/investigations`, { reason: 'x' })).status).toBe(403);

      const other = await staffMember(t, ROLL.district, 'school_office', ['1002']);
      await other.client.get('/staff/roll');
      expect((await other.client.get(`/staff/roll/investigations/${id}`)).status).toBe(404);
      expect((await other.client.post(`/staff/roll/investigations/${id}`, { outcome: 'confirmed', choice: 'stay' })).status).toBe(404);
      expect((await other.client.get(`/staff/roll/investigations?school=${encodeURIComponent(ROLL.elm)}`)).status).toBe(404);
      const paramount = await staffMember(t, 'paramount-sample', 'district_admin');
      expect((await paramount.client.get(`/staff/roll/investigations/${id}`)).status).toBe(404);

      expect((await investigationsOf(enrollment.id))[0]).toMatchObject({ status: 'open' });
      const refused = await t.deps.db.selectFrom('audit_log').selectAll().where('outcome', '=', 'refused').where('action', 'like', 'roll.investigation%').execute();
      expect(refused.map((r) => [r.staff_id, JSON.parse(r.detail!).refusal])).toEqual(expect.arrayContaining([
        [teacher.id, 'forbidden'], [other.id, 'not-found'], [paramount.id, 'not-found'],
      ]));
      // Another district's probe is filed under the district whose record was tried.
      expect(refused.find((r) => r.staff_id === paramount.id)).toMatchObject({ district_id: ROLL.district, actor_district_id: 'paramount-sample', entity_id: enrollment.id });
    });
  });
}
