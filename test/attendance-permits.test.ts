import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import type { TestClient } from './support/client.js';
import { buildParent, signedInParent } from './support/parents.js';
import { textOf } from './support/client.js';
import { completeRequest, staffMember } from './support/staff.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { bellSchedule, section } from './support/attendance.js';
import { AttendanceMarks } from '../src/modules/attendance/marks.js';

/**
 * Issue 16 point 10, the ties between attendance and permits: DEC-12's provisional enrollment
 * starts on the student's first present mark at the school, before the roll's entry date; a
 * denial or revocation for attendance (DEC-7, DEC-10) keeps the record behind it with the
 * decision, and the permit office and the parent read it.
 */
const L = 'lausd-sample';
/** Monday, November 30, 2026, 10:00 in Los Angeles. */
const NOV_30 = '2026-11-30T18:00:00Z';

for (const db of databases) {
  describe(`attendance and permits (${db.name})`, () => {
    let t: TestApp;
    let clerk: TestClient;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: NOV_30 });
      clerk = (await staffMember(t, L)).client;
      await bellSchedule(t);
    });
    afterAll(() => t.close());

    const roster = (s: Awaited<ReturnType<typeof section>>, date: string, entries: { studentId: string; code: string }[]) =>
      t.deps.db.transaction().execute((trx) =>
        new AttendanceMarks(t.deps.dialect).writeRoster(trx, { district: t.deps.districts.get(L)!, section: s, date, by: 'staff:teacher', at: NOV_30, entries: entries.map((e) => ({ ...e, minutes: null })), reason: null }),
      );
    const provisional = async (appId: string) => {
      await clerk.get(`/staff/requests/${appId}`);
      expect((await clerk.post(`/staff/requests/${appId}/provisional`, { first_day: '2026-11-20' })).status).toBe(303);
      return (await t.deps.db.selectFrom('provisional_enrollments').select('first_day').where('application_id', '=', appId).executeTakeFirstOrThrow()).first_day;
    };

    it('DEC-12 the provisional enrollment starts on the first present mark: absent on the entry day, present the next school day', async () => {
      const parent = await buildParent(t);
      const { student } = await enrolledStudent(t, { accountId: parent.id, grade: '3', entryDate: '2026-11-16', entryType: 'transfer' });
      const s = await section(t, { students: [student.id], from: '2026-11-16' });
      // Absent on Monday the 16th, present (by default) on Tuesday the 17th.
      await roster(s, '2026-11-16', [{ studentId: student.id, code: 'A' }]);
      await roster(s, '2026-11-17', [{ studentId: student.id, code: 'P' }]);
      const app = await completeRequest(t, L, { grade_requested: '3', student_id: student.id }, parent);
      expect(await provisional(app.id)).toBe('2026-11-17');
    });

    it('DEC-12 a tardy is present; with no roster taken, the roll\'s entry date stands', async () => {
      const parent = await buildParent(t);
      const { student } = await enrolledStudent(t, { accountId: parent.id, grade: '3', entryDate: '2026-11-18', entryType: 'transfer' });
      const s = await section(t, { students: [student.id], from: '2026-11-18' });
      await t.deps.db.transaction().execute((trx) =>
        new AttendanceMarks(t.deps.dialect).writeRoster(trx, { district: t.deps.districts.get(L)!, section: s, date: '2026-11-19', by: 'staff:teacher', at: NOV_30, entries: [{ studentId: student.id, code: 'T', minutes: 5 }], reason: null }),
      );
      const app = await completeRequest(t, L, { grade_requested: '3', student_id: student.id }, parent);
      expect(await provisional(app.id)).toBe('2026-11-19');

      const other = await buildParent(t);
      const untaken = await enrolledStudent(t, { accountId: other.id, grade: '3', entryDate: '2026-11-18', entryType: 'transfer', schoolId: ROLL.elm });
      const app2 = await completeRequest(t, L, { grade_requested: '3', student_id: untaken.student.id }, other);
      expect(await provisional(app2.id)).toBe('2026-11-18');
    });
    it('DEC-7 a denial for the student\'s record keeps the attendance record the district of residence holds, shown to the permit office and to the parent in Spanish', async () => {
      const { user, client: parentClient } = await signedInParent(t, { language: 'es' });
      const { student } = await enrolledStudent(t, { accountId: user.id, grade: '3', entryDate: '2026-09-08' });
      const s = await section(t, { students: [student.id], from: '2026-09-08' });
      // Six unexcused days absent at Elm Street (Los Angeles), the district of residence, which keeps attendance here.
      for (const d of ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-09']) await roster(s, d, [{ studentId: student.id, code: 'A' }]);
      const app = await completeRequest(t, 'paramount-sample', { grade_requested: '3', student_id: student.id, language: 'es' }, user);
      const pClerk = (await staffMember(t, 'paramount-sample')).client;
      // The permit office reads the record beside the request before it decides.
      const before = textOf((await pClerk.get(`/staff/requests/${app.id}`)).html);
      expect(before).toContain('Attendance record');
      expect(before).toContain('Elm Street Elementary (2026-2027)');
      expect(before).toContain('Chronically absent: 10% or more of days enrolled (state)');

      expect((await pClerk.post(`/staff/requests/${app.id}/deny`, { deny_reasons__record: 'yes', deny_note: '', appeal_right: 'yes' })).status).toBe(303);
      const decision = await t.deps.db.selectFrom('decisions').select('id').where('application_id', '=', app.id).executeTakeFirstOrThrow();
      const kept = await t.deps.db.selectFrom('decision_attendance').selectAll().where('decision_id', '=', decision.id).executeTakeFirstOrThrow();
      // Enrolled Tuesday, September 8 to Monday, November 30: 57 school days (Labor Day, Veterans Day and Thanksgiving out).
      expect(JSON.parse(kept.record)).toEqual({
        asOf: '2026-11-30',
        schools: [{
          schoolId: ROLL.elm, schoolYear: '2026-2027', daysEnrolled: 57, daysAbsent: 6, daysExcused: 0, tardyDays: 0, truantDays: 6,
          attendanceRate: 89.5, chronicState: true, chronicDistrict: true, truancyNotices: expect.any(Number),
        }],
      });
      const after = textOf((await pClerk.get(`/staff/requests/${app.id}`)).html);
      expect(after).toContain('Record kept with the decision of');
      const parentPage = textOf((await parentClient.get(`/applications/${app.id}`)).html);
      expect(parentPage).toContain('El registro de asistencia detrás de esta decisión');
      expect(parentPage).toContain('89.5 %');
    });

    it('DEC-10 a denial for a reason that is not attendance keeps no record; a revocation for attendance does', async () => {
      const parent = await buildParent(t);
      const { student } = await enrolledStudent(t, { accountId: parent.id, grade: '3', entryDate: '2026-09-08' });
      const app = await completeRequest(t, 'paramount-sample', { grade_requested: '3', student_id: student.id }, parent);
      const pClerk = (await staffMember(t, 'paramount-sample')).client;
      await pClerk.get(`/staff/requests/${app.id}`);
      expect((await pClerk.post(`/staff/requests/${app.id}/deny`, { 'deny_reasons__no-space-grade': 'yes', deny_note: '', appeal_right: 'yes' })).status).toBe(303);
      const kept = await t.deps.db.selectFrom('decision_attendance as da').innerJoin('decisions as d', 'd.id', 'da.decision_id').select('da.decision_id').where('d.application_id', '=', app.id).execute();
      expect(kept).toEqual([]);

      const other = await buildParent(t);
      const enrolled = await enrolledStudent(t, { accountId: other.id, grade: '3', entryDate: '2026-09-08' });
      const permitted = await completeRequest(t, 'paramount-sample', { grade_requested: '3', student_id: enrolled.student.id }, other);
      await pClerk.get(`/staff/requests/${permitted.id}`);
      expect((await pClerk.post(`/staff/requests/${permitted.id}/approve`, { school: '101', years: '1' })).status).toBe(303);
      expect((await pClerk.post(`/staff/requests/${permitted.id}/revoke`, { revoke_reasons__attendance: 'yes', revoke_note: '' })).status).toBe(303);
      const revoked = await t.deps.db.selectFrom('decision_attendance as da').innerJoin('decisions as d', 'd.id', 'da.decision_id').select(['d.kind', 'da.record']).where('d.application_id', '=', permitted.id).execute();
      expect(revoked.map((r) => r.kind)).toEqual(['revoked']);
      expect(JSON.parse(revoked[0].record).schools[0]).toMatchObject({ schoolId: ROLL.elm, daysAbsent: 0, attendanceRate: 100, chronicState: false });
    });
  });
}
