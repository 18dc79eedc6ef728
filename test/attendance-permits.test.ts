import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import type { TestClient } from './support/client.js';
import { buildParent } from './support/parents.js';
import { completeRequest, staffMember } from './support/staff.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { bellSchedule, section } from './support/attendance.js';
import { AttendanceMarks } from '../src/modules/attendance/marks.js';

/**
 * Issue 16 point 10, the ties between attendance and permits: DEC-12's provisional enrollment
 * starts on the student's first present mark at the school, before the roll's entry date.
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
  });
}
