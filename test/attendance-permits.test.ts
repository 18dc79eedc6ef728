import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { buildParent, signedInParent } from './support/parents.js';
import { TestClient, textOf } from './support/client.js';
import { pdfText } from './support/pdf.js';
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
      expect(parentPage).toContain('89.5%');
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
    it('a permit office issues the latest attendance record from the district of residence\'s roll: a PDF document of the request with a verification code anyone can check; once a day', async () => {
      const { user } = await signedInParent(t, { language: 'es' });
      const { student } = await enrolledStudent(t, { accountId: user.id, grade: '3', entryDate: '2026-09-08', student: { first_name: 'Lucía', last_name: 'Rivas' } });
      const s = await section(t, { students: [student.id], from: '2026-09-08' });
      await roster(s, '2026-11-02', [{ studentId: student.id, code: 'A' }]);
      const app = await completeRequest(t, 'paramount-sample', { grade_requested: '3', student_id: student.id, language: 'es', student_first_name: 'Lucía', student_last_name: 'Rivas' }, user);
      const pClerk = (await staffMember(t, 'paramount-sample')).client;
      const page = textOf((await pClerk.get(`/staff/requests/${app.id}`)).html);
      expect(page).toContain('Attach this record to the request as its latest attendance record');

      expect((await pClerk.post(`/staff/requests/${app.id}/attendance-record`, {})).status).toBe(303);
      const issued = await t.deps.db.selectFrom('attendance_records').selectAll().where('application_id', '=', app.id).execute();
      expect(issued).toHaveLength(1);
      const doc = await t.deps.db.selectFrom('documents').selectAll().where('id', '=', issued[0].document_id).executeTakeFirstOrThrow();
      expect(doc).toMatchObject({ application_id: app.id, doc_type: 'attendance', status: 'received', uploaded_via: 'system', content_type: 'application/pdf' });
      expect(doc.original_name).toBe('registro-de-asistencia-2026-11-30.pdf');
      // The PDF is in the request's language and carries the code.
      const chunks: Buffer[] = [];
      for await (const c of t.deps.storage.read(doc.storage_key)) chunks.push(c as Buffer);
      const pdf = await pdfText(Buffer.concat(chunks));
      expect(pdf).toContain('Registro de asistencia');
      const code = `${issued[0].verification_code.slice(0, 5)}-${issued[0].verification_code.slice(5)}`;
      expect(pdf).toContain(code);
      expect(textOf((await pClerk.get(`/staff/requests/${app.id}`)).html)).toContain(`verification code ${code}`);
      // The history of the request and the audit log say who issued it.
      const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'outcome']).where('entity_id', '=', app.id).where('action', '=', 'attendance.record.issue').execute();
      expect(audit).toEqual([{ action: 'attendance.record.issue', outcome: 'allowed' }]);

      // Again the same day: the same document, not a second one.
      expect((await pClerk.post(`/staff/requests/${app.id}/attendance-record`, {})).status).toBe(303);
      expect(await t.deps.db.selectFrom('attendance_records').select('id').where('application_id', '=', app.id).execute()).toHaveLength(1);
      expect(await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).where('doc_type', '=', 'attendance').where('uploaded_via', '=', 'system').execute()).toHaveLength(1);

      // Anyone holding the paper checks it: initials only, the record as issued; a wrong code is not found.
      const anyone = new TestClient(t.app, '10.77.0.1');
      const checked = textOf((await anyone.get(`/attendance-records/verify?code=${code.toLowerCase()}`)).html);
      expect(checked).toContain('This attendance record was issued by the district');
      expect(checked).toContain('L. R.');
      expect(checked).not.toContain('Rivas');
      expect(checked).toContain('Elm Street Elementary (2026-2027)');
      expect(textOf((await anyone.get('/attendance-records/verify?code=ZZZZZ-ZZZZZ')).html)).toContain('No attendance record has this code');
    });

    it('no record to issue for a student on no roll here (409, nothing stored); an auditor may not issue one', async () => {
      const parent = await buildParent(t);
      const app = await completeRequest(t, 'paramount-sample', { grade_requested: '3' }, parent);
      const pClerk = (await staffMember(t, 'paramount-sample')).client;
      const page = textOf((await pClerk.get(`/staff/requests/${app.id}`)).html);
      expect(page).not.toContain('Attach this record');
      const res = await pClerk.post(`/staff/requests/${app.id}/attendance-record`, {});
      expect(res.status).toBe(409);
      expect(textOf(res.html)).toContain("No district that uses this system has the student on a school's roll this school year.");
      expect(await t.deps.db.selectFrom('attendance_records').select('id').where('application_id', '=', app.id).execute()).toEqual([]);
      const auditor = (await staffMember(t, 'paramount-sample', 'auditor')).client;
      await auditor.get(`/staff/requests/${app.id}`);
      expect((await auditor.post(`/staff/requests/${app.id}/attendance-record`, {})).status).toBe(403);
    });
  });
}
