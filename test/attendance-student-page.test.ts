import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { staffMember } from './support/staff.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { bellSchedule, section } from './support/attendance.js';
import { attendanceContext } from '../src/modules/attendance/context.js';
import type { AttendanceMarks } from '../src/modules/attendance/marks.js';
import { ratesOf } from '../src/modules/attendance/student-attendance.js';
import { daysEnrolled, ordinalOnOrAfter, yearOf } from '../src/modules/attendance/school-days.js';
import { RollScope } from '../src/modules/access/roll-scope.js';
import { newId } from '../src/platform/ids.js';
import type { SectionsTable } from '../src/platform/db/schema.js';
import type { DistrictConfig } from '../src/modules/districts/config-schema.js';

/**
 * A student's attendance page (issue 16 point 9): the office's calendar, totals, both rates and
 * every change with its original and who made it; the parent's version in their language without
 * staff names, paper records or the office's reasons; not found outside the reader's scope, every
 * staff read and refusal audited (PRV-1, PRV-2).
 */
describe.each(databases)('a student\'s attendance page ($name)', ({ url }) => {
  let t: TestApp;
  let marks: AttendanceMarks;
  let district: DistrictConfig;
  let office: Awaited<ReturnType<typeof staffMember>>;
  let teacher: Awaited<ReturnType<typeof staffMember>>;
  let otherTeacher: Awaited<ReturnType<typeof staffMember>>;
  let parent: Awaited<ReturnType<typeof signedInParent>>;
  let studentId: string;
  let p1: SectionsTable;
  const at = '2026-12-07T22:05:00.000Z'; // Monday, December 7, 2026, 14:05 in Los Angeles

  const roster = (s: SectionsTable, date: string, code: string, minutes: number | null = null) =>
    t.deps.db.transaction().execute((trx) => marks.writeRoster(trx, { district, section: s, date, by: `staff:${teacher.id}`, at, entries: [{ studentId, code, minutes }], reason: null }));

  beforeAll(async () => {
    t = await makeTestApp({ dbUrl: url, now: at });
    district = t.deps.districts.get(ROLL.district)!;
    marks = attendanceContext(t.deps, undefined as never, new RollScope(t.deps.db), []).marks;
    await bellSchedule(t);
    office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    await t.deps.db.updateTable('staff').set({ first_name: 'María', last_name: 'Quintero' }).where('id', '=', office.id).execute();
    teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
    otherTeacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
    parent = await signedInParent(t, { language: 'es', first_name: 'Ana', last_name: 'López' });
    const { student } = await enrolledStudent(t, { accountId: parent.user.id, student: { first_name: 'Lucía', last_name: 'López' } });
    studentId = student.id;
    p1 = await section(t, { students: [studentId], teacherId: teacher.id, period: '1', code: 'ENG2-01' });
    const p2 = await section(t, { students: [studentId], teacherId: teacher.id, period: '2', code: 'MATH2-01' });
    // Tuesday, December 1: absent from both periods; Wednesday, December 2: 10 minutes late to period 1.
    await roster(p1, '2026-12-01', 'A');
    await roster(p2, '2026-12-01', 'A');
    await roster(p1, '2026-12-02', 'T', 10);
    await roster(p2, '2026-12-02', 'P');
    // The office excuses period 1 of December 1 after the fact, on a doctor's note (ATT-7).
    await t.deps.db.transaction().execute((trx) =>
      marks.changeMark(trx, { district, section: p1, studentId, date: '2026-12-01', code: 'IL', minutes: null, by: `staff:${office.id}`, at, reason: 'Doctor\'s note brought by the mother', paperRecord: 'Note 2026-118' }),
    );
    // What other parts write: a sent first notification and a proposed second, an explanation refused.
    await t.deps.db.insertInto('truancy_notices').values([
      { id: newId(), district_id: ROLL.district, school_id: ROLL.elm, student_id: studentId, school_year: ROLL.year, number: 1, status: 'sent', truant_days: 3, language: 'es', proposed_at: at, sent_at: at, sent_by: null },
      { id: newId(), district_id: ROLL.district, school_id: ROLL.elm, student_id: studentId, school_year: ROLL.year, number: 2, status: 'proposed', truant_days: 4, language: 'es', proposed_at: at, sent_at: null, sent_by: null },
    ]).execute();
    await t.deps.db.insertInto('absence_explanations').values({
      id: newId(), district_id: ROLL.district, school_id: ROLL.elm, student_id: studentId, account_id: parent.user.id, channel: 'account', from_date: '2026-12-02', to_date: '2026-12-02', part: 'part',
      reason: 'medical', note: 'Cita con el dentista', document_key: 'explanations/note-photo', document_name: 'nota.jpg', document_type: 'image/jpeg', language: 'es', status: 'refused', code: null,
      refusal: 'La nota no tiene la fecha de la cita', created_by: `account:${parent.user.id}`, created_at: at, decided_by: `staff:${office.id}`, decided_at: at, removed_at: null,
    }).execute();
  });
  afterAll(async () => t?.close());

  const audited = (outcome: 'allowed' | 'refused') => t.deps.db.selectFrom('audit_log').select(['staff_id', 'detail']).where('action', '=', 'attendance.student.view').where('entity_id', '=', studentId).where('outcome', '=', outcome).execute();

  it('ATT-4 ATT-7 the office sees the calendar, the totals, both rates and a change with its original and who made it; the read is audited', async () => {
    const res = await office.client.get(`/staff/attendance/students/${studentId}`);
    expect(res.status).toBe(200);
    const text = textOf(res.html);
    expect(text).toContain('Attendance: Lucía López');
    expect(text).toContain('At Elm Street Elementary in the 2026-2027 school year.');
    // The calendar: December's table, December 1 absent (not excused: period 2 still is), December 2 tardy, a school day without a mark present.
    expect(res.html).toContain('<caption id="att-month-2026-12-caption">December 2026</caption>');
    expect(text).toContain('Tuesday, December 1, 2026: Absent, not excused');
    expect(text).toContain('Wednesday, December 2, 2026: Tardy');
    expect(text).toContain('Thursday, December 3, 2026: Present');
    expect(text).toContain('Friday, December 11, 2026: Not yet');
    expect(res.html).toMatch(/<td class="app-att-day app-att-day--unexcused"[^>]*><a class="usa-link" href="#day-2026-12-01">/);
    // The day's detail, each period with its mark, and the office's link to change it.
    expect(text).toContain('Tuesday, December 1, 2026: Absent, not excused');
    expect(text).toContain('Illness');
    expect(text).toContain('Tardy (10 minutes)');
    expect(res.html).toContain(`href="/staff/attendance/students/${studentId}/marks/${p1.id}/2026-12-01"`);
    // Totals: one day absent, not excused; one day late.
    expect(text).toMatch(/Absent the whole day\s*1/);
    expect(text).toMatch(/Absent, not excused\s*1/);
    expect(text).toMatch(/Late at least once\s*1/);
    // Both rates against the days enrolled since September 8.
    const y = yearOf(district, '2026-12-07')!;
    const enrolled = daysEnrolled(y, ordinalOnOrAfter(y, '2026-09-08'), '2026-12-07');
    const pct = (f: number) => new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(f);
    expect(text).toMatch(new RegExp(`Days enrolled so far\\s*${enrolled} days`));
    expect(text).toContain(pct(1 / enrolled));
    expect(text).toContain(pct((enrolled - 1) / enrolled));
    expect(text).toContain('at an attendance rate of 91% or below');
    // ATT-7: the change, before and after, who, why and on what paper.
    const changes = textOf(res.html.slice(res.html.indexOf('id="att-changes-heading"')));
    expect(changes).toContain('Absent, not excused');
    expect(changes).toContain('Illness');
    expect(changes).toContain('María Quintero');
    expect(changes).toContain('Doctor\'s note brought by the mother');
    expect(changes).toContain('Note 2026-118');
    // The notifications, proposed included; the refused explanation with who refused it.
    expect(text).toContain('Proposed, not sent');
    expect(text).toContain('The school says: La nota no tiene la fecha de la cita');
    expect(text).toContain('Decided by María Quintero');
    expect(text).toContain('Cita con el dentista');
    expect(res.html).toMatch(/href="\/staff\/attendance\/explanations\/[^"]+\/document">Photo of the note</);
    expect(res.html).toContain(`href="/staff/roll/students/${studentId}"`);
    const reads = await audited('allowed');
    expect(reads.map((r) => r.staff_id)).toContain(office.id);
    expect(JSON.parse(reads.find((r) => r.staff_id === office.id)!.detail!)).toMatchObject({ school: ROLL.elm, year: ROLL.year });
  });

  it('ATT-4 both definitions at their edges: 17 absences in 180 days enrolled are chronic by a 91% rate, not by the 10% rule', () => {
    expect(ratesOf(district, 17, 180)).toMatchObject({ stateChronic: false, districtChronic: true, atRisk: false });
    expect(ratesOf(district, 18, 180)).toMatchObject({ stateChronic: true, districtChronic: true });
    // 93% exactly is two points above LAUSD's line: at risk; 14 of 180 (92.2%) too; 12 of 180 (93.3%) is not.
    expect(ratesOf(district, 14, 180)).toMatchObject({ stateChronic: false, districtChronic: false, atRisk: true });
    expect(ratesOf(district, 12, 180)).toMatchObject({ stateChronic: false, districtChronic: false, atRisk: false });
    expect(ratesOf(district, 0, 0)).toBeNull();
  });

  it('ATT-4 the page flags a student absent on 1 of 5 days enrolled as chronically absent by both lines, in words', async () => {
    const { student } = await enrolledStudent(t, { entryDate: '2026-12-01', student: { first_name: 'Mateo', last_name: 'López' } });
    const s = await section(t, { students: [student.id], teacherId: teacher.id, period: '3', from: '2026-12-01' });
    await t.deps.db.transaction().execute((trx) => marks.writeRoster(trx, { district, section: s, date: '2026-12-03', by: `staff:${teacher.id}`, at, entries: [{ studentId: student.id, code: 'A', minutes: null }], reason: null }));
    const text = textOf((await office.client.get(`/staff/attendance/students/${student.id}`)).html);
    expect(text).toMatch(/Days enrolled so far\s*5 days/);
    expect(text).toContain('20.0%');
    expect(text).toContain('Chronically absent (state)');
    expect(text).toContain('80.0%');
    expect(text).toContain('Chronically absent (district)');
    // Before the first day at the school: not enrolled, not counted.
    expect(text).toContain('Monday, November 30, 2026: Not enrolled at this school');
  });

  it('ATT-2 ATT-7 the parent sees their child\'s page in Spanish: no staff names, reasons or paper records; letters sent only', async () => {
    await parent.client.get(`/language?to=es&next=/students/${studentId}/attendance`);
    const res = await parent.client.get(`/students/${studentId}/attendance`);
    expect(res.status).toBe(200);
    const text = textOf(res.html);
    expect(text).toContain('Asistencia: Lucía López');
    expect(text).toContain('martes, 1 de diciembre de 2026: Ausente, sin justificar');
    expect(text).toContain('Enfermedad');
    expect(text).toContain('Llegada tarde (10 minutos)');
    // The change: before and after, by "the school office", without the name, the reason or the paper record.
    expect(text).toContain('La oficina de la escuela');
    expect(res.html).not.toContain('Foto de la nota');
    expect(text).not.toContain('María Quintero');
    expect(text).not.toContain('Doctor\'s note');
    expect(text).not.toContain('Note 2026-118');
    expect(res.html).not.toContain('/staff/');
    // The first notification, sent, with its letter; the second, only proposed, is the office's.
    expect(text).toContain('Notificación 1');
    expect(text).not.toContain('Notificación 2');
    expect(res.html).toContain(`/students/${studentId}/attendance/letters/`);
    // ATT-2: the explanation refused, with the reason the parent reads.
    expect(text).toContain('No aceptada');
    expect(text).toContain('La escuela dice: La nota no tiene la fecha de la cita');
    expect(res.html).toContain(`href="/students/${studentId}/attendance/explain"`);
    // The student page: this year's summary and the way here.
    const page = textOf((await parent.client.get(`/students/${studentId}`)).html);
    expect(page).toContain('Ver la asistencia de Lucía, día por día');
    expect(page).toMatch(/Días ausente\s*1 día/);
  });

  it('PRV-1 another parent\'s child is not found', async () => {
    const other = await signedInParent(t);
    expect((await other.client.get(`/students/${studentId}/attendance`)).status).toBe(404);
    const { student } = await enrolledStudent(t, { accountId: other.user.id });
    expect((await other.client.get(`/students/${student.id}/attendance`)).status).toBe(200);
    expect((await parent.client.get(`/students/${student.id}/attendance`)).status).toBe(404);
  });

  it('PRV-1 PRV-2 a teacher sees a student of their own sections only; refusals are audited', async () => {
    expect((await teacher.client.get(`/staff/attendance/students/${studentId}`)).status).toBe(200);
    const res = await teacher.client.get(`/staff/attendance/students/${studentId}`);
    expect(res.html).not.toContain('/marks/');
    expect((await otherTeacher.client.get(`/staff/attendance/students/${studentId}`)).status).toBe(404);
    const sunrise = await staffMember(t, ROLL.district, 'school_office', ['1002']);
    expect((await sunrise.client.get(`/staff/attendance/students/${studentId}`)).status).toBe(404);
    const refused = (await audited('refused')).map((r) => r.staff_id);
    expect(refused).toEqual(expect.arrayContaining([otherTeacher.id, sunrise.id]));
    expect((await audited('allowed')).map((r) => r.staff_id)).toContain(teacher.id);
  });
});
