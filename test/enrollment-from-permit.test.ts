import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf, type TestClient } from './support/client.js';
import { buildParent, buildStudent, signedInParent } from './support/parents.js';
import { completeRequest, staffMember, withRequiredDocuments } from './support/staff.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { parseDistrictConfig } from '../src/modules/districts/loader.js';
import fs from 'node:fs';
import path from 'node:path';

/**
 * ENR-7: an approved incoming or intra-district permit becomes a pre-enrollment at its school,
 * with the CALPADS transfer code and the district of geographic residence, in the approval's
 * transaction and once per request; DEC-12's provisional enrollment reads its first day from the
 * enrollment; a revoked permit (DEC-10) tells the school office through a notice and never exits
 * the student. Through the pages the permit office and the school office use.
 */
const L = 'lausd-sample';
const P = 'paramount-sample';
/** Sunday, November 22, 2026, 10:00 in Los Angeles: the 2026-2027 year is under way. */
const NOV_22 = '2026-11-22T18:00:00Z';

async function act(c: TestClient, id: string, path: string, form: Record<string, string>) {
  await c.get(`/staff/requests/${id}`);
  return c.post(`/staff/requests/${id}/${path}`, form);
}
const approve = (c: TestClient, id: string, over: Record<string, string> = {}) => act(c, id, 'approve', { school: '1001', years: '1', ...over });

for (const db of databases) {
  describe(`ENR-7 a permit becomes an enrollment (${db.name})`, () => {
    let t: TestApp;
    let clerk: TestClient;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: NOV_22 });
      clerk = (await staffMember(t, L)).client;
    });
    afterAll(() => t.close());

    const enrollmentsOf = (studentId: string) => t.deps.db.selectFrom('enrollments').selectAll().where('student_id', '=', studentId).orderBy('created_at').execute();
    const noticesOf = (studentId: string) => t.deps.db.selectFrom('roll_notices').selectAll().where('student_id', '=', studentId).execute();
    const statusOf = async (id: string) => (await t.deps.db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    it('ENR-7 an approved incoming permit is a pre-enrollment at its school: entry type of transfer code "1", the district of residence from the request, the next school day expected', async () => {
      const app = await completeRequest(t, L, { grade_requested: '3' });
      await t.deps.db.updateTable('students').set({ current_district: 'Downey Unified' }).where('id', '=', app.student_id).execute();
      expect((await approve(clerk, app.id)).status).toBe(303);
      const rows = await enrollmentsOf(app.student_id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        status: 'pre_enrolled', district_id: L, school_id: `${L}:1001`, school_year: '2026-2027', grade: '3', entry_type: 'inter-district-permit',
        transfer_code: '1', residence_district: 'Downey Unified', application_id: app.id, entry_date: null, is_primary: 1,
        // The year is under way: the next school day after Sunday's approval.
        expected_first_day: '2026-11-23',
      });
      // Its history names who approved, the same transaction as the decision.
      const events = await t.deps.db.selectFrom('enrollment_events').selectAll().where('enrollment_id', '=', rows[0].id).execute();
      expect(events).toEqual([expect.objectContaining({ what: 'enrolled', from_status: null, to_status: 'pre_enrolled', actor: expect.stringMatching(/^staff:/) })]);
      // The approval's audit entry names the enrollment it made (PRV-2).
      const audit = await t.deps.db.selectFrom('audit_log').select('detail').where('action', '=', 'application.approve').where('entity_id', '=', app.id).executeTakeFirstOrThrow();
      expect(JSON.parse(audit.detail!).result).toMatchObject({ enrollmentId: rows[0].id });
    });

    it('ENR-7 a permit for next year is expected on that year\'s first day', async () => {
      const app = await completeRequest(t, L, { school_year: '2027-2028', grade_requested: '4', decision_due_on: '2027-08-26' });
      expect((await approve(clerk, app.id)).status).toBe(303);
      expect(await enrollmentsOf(app.student_id)).toMatchObject([{ school_year: '2027-2028', grade: '4', status: 'pre_enrolled', expected_first_day: '2027-08-12', transfer_code: '1' }]);
    });

    it('ENR-7 a permit for a year the district\'s calendar does not have yet is approved all the same, with nothing on the roll', async () => {
      const app = await completeRequest(t, L, { school_year: '2028-2029', grade_requested: '4', decision_due_on: '2028-08-26' });
      expect((await approve(clerk, app.id)).status).toBe(303);
      expect(await statusOf(app.id)).toBe('approved');
      expect(await enrollmentsOf(app.student_id)).toEqual([]);
    });

    it('ENR-7 DEC-5 across the hand-off: a release Paramount approves becomes LAUSD\'s request; LAUSD\'s approval pre-enrolls with Paramount as the district of residence', async () => {
      const paramountClerk = (await staffMember(t, P)).client;
      const release = await completeRequest(t, P, {
        kind: 'outgoing', requested_school_id: null, target_district_slug: L, target_district_name: 'Los Angeles Unified (sample)', target_school: '1002', grade_requested: '3',
      });
      expect((await act(paramountClerk, release.id, 'approve', { years: '1' })).status).toBe(303);
      // The release itself places nobody on a roll: it is Paramount letting the student go.
      expect(await enrollmentsOf(release.student_id)).toEqual([]);
      const incoming = await t.deps.db.selectFrom('applications').selectAll().where('linked_application_id', '=', release.id).where('kind', '=', 'incoming').executeTakeFirstOrThrow();
      await withRequiredDocuments(t, incoming);
      // As the parent's last upload leaves it: complete, in the queue.
      await t.deps.db.updateTable('applications').set({ status: 'submitted' }).where('id', '=', incoming.id).execute();
      expect((await approve(clerk, incoming.id, { school: '1002' })).status).toBe(303);
      expect(await enrollmentsOf(release.student_id)).toMatchObject([
        { school_id: `${L}:1002`, application_id: incoming.id, entry_type: 'inter-district-permit', transfer_code: '1', residence_district: P, status: 'pre_enrolled' },
      ]);
    });

    it('ENR-7 an approved intra-district permit is a pre-enrollment at the requested school, with the district\'s intra-district entry type and the district itself as residence', async () => {
      const app = await completeRequest(t, L, { kind: 'intra', residence_school_id: `${L}:1002`, requested_school_id: `${L}:1001`, grade_requested: '2' });
      expect((await act(clerk, app.id, 'school-decision/residence', { school_decision_residence: 'approved', school_note_residence: '' })).status).toBe(303);
      // One school's yes is not a permit: nothing on the roll yet.
      expect(await enrollmentsOf(app.student_id)).toEqual([]);
      expect((await act(clerk, app.id, 'school-decision/requested', { school_decision_requested: 'approved', school_note_requested: '' })).status).toBe(303);
      expect(await statusOf(app.id)).toBe('approved');
      expect(await enrollmentsOf(app.student_id)).toMatchObject([
        { school_id: `${L}:1001`, entry_type: 'intra-district-permit', transfer_code: '6', residence_district: L, status: 'pre_enrolled', application_id: app.id, expected_first_day: '2026-11-23' },
      ]);
    });

    it('ENR-7 a retried approval and an approval after a granted appeal each leave one enrollment', async () => {
      const app = await completeRequest(t, L, { grade_requested: '1' });
      expect((await approve(clerk, app.id)).status).toBe(303);
      expect((await approve(clerk, app.id)).status).toBe(409);
      expect(await enrollmentsOf(app.student_id)).toHaveLength(1);

      // DEC-8: denied, appealed, the county grants it, the district approves.
      const appealed = await completeRequest(t, L, { grade_requested: '1' });
      expect((await act(clerk, appealed.id, 'deny', { 'deny_reasons__no-space-grade': 'yes', deny_note: '', appeal_right: 'yes' })).status).toBe(303);
      expect(await enrollmentsOf(appealed.student_id)).toEqual([]);
      expect((await act(clerk, appealed.id, 'appeal', { appeal_filed_on: '2026-11-22' })).status).toBe(303);
      expect((await act(clerk, appealed.id, 'appeal-outcome', { outcome: 'overturned', outcome_on: '2026-11-22' })).status).toBe(303);
      expect((await approve(clerk, appealed.id)).status).toBe(303);
      expect((await approve(clerk, appealed.id)).status).toBe(409);
      expect(await enrollmentsOf(appealed.student_id)).toMatchObject([{ application_id: appealed.id, status: 'pre_enrolled' }]);
    });

    it('ENR-7 a student already enrolled at that school is not pre-enrolled again', async () => {
      const parent = await buildParent(t);
      const { student, enrollment } = await enrolledStudent(t, { accountId: parent.id, grade: '3' });
      const app = await completeRequest(t, L, { grade_requested: '3', student_id: student.id }, parent);
      expect((await approve(clerk, app.id)).status).toBe(303);
      expect((await enrollmentsOf(student.id)).map((e) => e.id)).toEqual([enrollment.id]);
    });

    it('ENR-7 DEC-10 a revocation leaves the office a notice; the enrollment is untouched; the office marks it done, once', async () => {
      const app = await completeRequest(t, L, { grade_requested: '5' });
      await t.deps.db.updateTable('students').set({ first_name: 'Ana', last_name: 'Revocada' }).where('id', '=', app.student_id).execute();
      expect((await approve(clerk, app.id)).status).toBe(303);
      const [pre] = await enrollmentsOf(app.student_id);
      const office = await staffMember(t, L, 'school_office', ['1001']);
      const elsewhere = await staffMember(t, L, 'school_office', ['1002']);

      expect((await act(clerk, app.id, 'revoke', { revoke_reasons__attendance: 'yes', revoke_note: 'Forty absences.' })).status).toBe(303);
      expect(await statusOf(app.id)).toBe('revoked');
      const after = await enrollmentsOf(app.student_id);
      expect(after).toEqual([{ ...pre }]);
      const notices = await noticesOf(app.student_id);
      expect(notices).toMatchObject([{ enrollment_id: pre.id, school_id: `${L}:1001`, kind: 'permit-revoked', application_id: app.id, resolved_at: null }]);

      // The school's office reads it, in English and in Spanish.
      const page = await office.client.get(`/staff/roll/notices?school=${L}:1001`);
      expect(page.status).toBe(200);
      const text = textOf(page.html);
      expect(text).toContain('Permits revoked or ended by a move');
      expect(text).toContain('Ana Revocada');
      expect(text).toContain('The permit was revoked');
      expect(text).toContain('The student stays enrolled until you act.');
      const es = await office.client.get(`/staff/roll/notices?school=${L}:1001&lang=es`);
      expect(textOf(es.html)).toContain('Se revocó el permiso');
      // The student's page says so too, linking to the list.
      const studentPage = await office.client.get(`/staff/roll/students/${app.student_id}`);
      expect(textOf(studentPage.html)).toContain('Avisos de permiso pendientes');
      expect(studentPage.html).toContain(`#notice-${notices[0].id}`);
      const viewed = await t.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'roll.notices.view').where('staff_id', '=', office.id).execute();
      expect(viewed.length).toBeGreaterThan(0);

      // PRV-1: another school's office finds neither the list nor the notice; each refusal is audited.
      expect((await elsewhere.client.get(`/staff/roll/notices?school=${L}:1001`)).status).toBe(404);
      await elsewhere.client.get('/staff/roll/notices');
      expect((await elsewhere.client.post(`/staff/roll/notices/${notices[0].id}/done`, {})).status).toBe(404);
      const refused = await t.deps.db.selectFrom('audit_log').select(['action', 'outcome']).where('staff_id', '=', elsewhere.id).where('outcome', '=', 'refused').execute();
      expect(refused.map((r) => r.action).sort()).toEqual(['roll.notice.done', 'roll.notices.view']);
      // The permit office keeps requests, not the roll.
      expect((await clerk.get(`/staff/roll/notices?school=${L}:1001`)).status).toBe(404);

      const done = await office.client.post(`/staff/roll/notices/${notices[0].id}/done`, {});
      expect(done.status).toBe(303);
      expect(done.location).toBe(`/staff/roll/notices?school=${encodeURIComponent(`${L}:1001`)}`);
      const shown = textOf((await office.client.follow(done)).html);
      // The office chose Spanish above: the page stays in it.
      expect(shown).toContain('El aviso quedó marcado como resuelto.');
      expect(shown).not.toContain('Ana Revocada');
      // A retried POST changes nothing more.
      expect((await office.client.post(`/staff/roll/notices/${notices[0].id}/done`, {})).status).toBe(303);
      const [resolved] = await noticesOf(app.student_id);
      expect(resolved).toMatchObject({ resolved_by: `staff:${office.id}` });
      expect(resolved.resolved_at).not.toBeNull();
      expect(await t.deps.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'roll.notice.done').where('outcome', '=', 'allowed').execute()).toEqual([{ entity_id: pre.id }]);
      // Still enrolled: the office decides when and how the student leaves.
      expect((await enrollmentsOf(app.student_id))[0]).toMatchObject({ status: 'pre_enrolled', exit_code: null, exit_date: null });
    });

    it('ENR-7 DEC-13 a reported move that ends an incoming permit leaves the school office a notice, once; the student stays enrolled', async () => {
      const { client: family, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id, { first_name: 'Ana', last_name: 'Mudanza' });
      const app = await completeRequest(t, L, { grade_requested: '4', student_id: s.id }, user);
      expect((await approve(clerk, app.id)).status).toBe(303);
      const [pre] = await enrollmentsOf(s.id);
      // The family now lives in Paramount: Paramount must release the student (DEC-11).
      const move = { address_line1: '8312 Garfield Ave', address_line2: '', city: 'Paramount', state: 'CA', zip: '90723', moved_month: '11', moved_day: '15', moved_year: '2026' };
      await family.get(`/students/${s.id}/move`);
      expect((await family.post(`/students/${s.id}/move`, move)).status).toBe(303);
      // The same report again (a second click) is the same move.
      await family.get(`/students/${s.id}/move`);
      await family.post(`/students/${s.id}/move`, move);
      expect(await noticesOf(s.id)).toMatchObject([{ enrollment_id: pre.id, kind: 'permit-ended-by-move', application_id: app.id, detail: 'moves.advice.incomingRelease', resolved_at: null }]);
      expect(await enrollmentsOf(s.id)).toEqual([pre]);
      const office = await staffMember(t, L, 'school_office', ['1001']);
      const text = textOf((await office.client.get(`/staff/roll/notices?school=${L}:1001`)).html);
      expect(text).toContain('Ana Mudanza');
      expect(text).toContain('The family reported a move that ends the permit');
      expect(text).toContain('A release from the new district is needed');
    });

    it('DEC-12 the provisional enrollment reads its first day from the enrollment, not from a typed day', async () => {
      const parent = await buildParent(t);
      const { student, enrollment } = await enrolledStudent(t, { accountId: parent.id, grade: '3', entryDate: '2026-11-16', entryType: 'transfer' });
      // The incoming request is still pending; the office enrolled the student at the counter on November 16.
      const app = await completeRequest(t, L, { grade_requested: '3', student_id: student.id }, parent);
      const page = textOf((await clerk.get(`/staff/requests/${app.id}`)).html);
      expect(page).toContain("The school's roll has the student's first day: Monday, November 16, 2026.");
      const res = await act(clerk, app.id, 'provisional', { first_day: '2026-11-20' });
      expect(res.status).toBe(303);
      const pe = await t.deps.db.selectFrom('provisional_enrollments').selectAll().where('application_id', '=', app.id).executeTakeFirstOrThrow();
      expect(pe.first_day).toBe(enrollment.entry_date);
      expect(pe.first_day).toBe('2026-11-16');

      // With nobody on the roll, the typed day is the first day, as before.
      const typed = await completeRequest(t, L, { grade_requested: '3' });
      expect((await act(clerk, typed.id, 'provisional', { first_day: '2026-11-20' })).status).toBe(303);
      expect((await t.deps.db.selectFrom('provisional_enrollments').select('first_day').where('application_id', '=', typed.id).executeTakeFirstOrThrow()).first_day).toBe('2026-11-20');
    });
  });
}

describe('ENR-7 the entry type of a permit is district configuration', () => {
  const sample = fs.readFileSync(path.resolve('config/districts/lausd-sample.yaml'), 'utf8');
  const line = '  fromPermit: { incoming: inter-district-permit, intra: intra-district-permit }';

  it('ENR-7 each sample district names its entry type for incoming and intra-district permits', () => {
    for (const file of ['lausd-sample.yaml', 'paramount-sample.yaml']) {
      const d = parseDistrictConfig(fs.readFileSync(path.resolve('config/districts', file), 'utf8'), file);
      expect(d.enrollmentCodes.fromPermit).toEqual({ incoming: 'inter-district-permit', intra: 'intra-district-permit' });
    }
  });

  it('ENR-7 a wrong one stops start-up naming the file, the field and the problem', () => {
    expect(sample).toContain(line);
    const wrong = (to: string) => () => parseDistrictConfig(sample.replace(line, to), 'x.yaml');
    expect(wrong('  fromPermit: { incoming: inter-district, intra: intra-district-permit }')).toThrow(/x\.yaml: enrollmentCodes\.fromPermit\.incoming: names entry type "inter-district", which is not in entryTypes/);
    expect(wrong('  fromPermit: { incoming: public-school-choice, intra: intra-district-permit }')).toThrow(/x\.yaml: enrollmentCodes\.fromPermit\.incoming: names entry type "public-school-choice", whose CALPADS transfer code is not "1"/);
    expect(wrong('  fromPermit: { incoming: inter-district-permit }')).toThrow(/x\.yaml: enrollmentCodes\.fromPermit\.intra:/);
  });
});
