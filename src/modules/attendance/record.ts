import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { DistrictCatalog } from '../districts/catalog.js';
import type { AttendanceSnapshot, SchoolAttendance } from '../decisions/attendance-hooks.js';
import { daysEnrolled, ordinalOnOrAfter, yearOf } from './school-days.js';

/**
 * Issue 16 point 10: a student's attendance record in the hosted districts as of a day — each
 * school the student was enrolled at in the school year containing that day, with days
 * enrolled (from the entry date, or the first day counted, to the day or the exit), days
 * absent, excused, tardy and truant, the attendance rate, the chronic-absence flags (ATT-4) and
 * the truancy notifications sent (ATT-5). Read from the kept totals, never from a year of
 * marks. Null when no hosted district has the student on a roll that year.
 */
export async function attendanceRecordOf(q: Kysely<Database> | Transaction<Database>, districts: DistrictCatalog, at: { studentId: string; asOf: string }): Promise<AttendanceSnapshot | null> {
  const enrollments = await q
    .selectFrom('enrollments')
    .select(['district_id', 'school_id', 'school_year', 'entry_date', 'exit_date'])
    .where('student_id', '=', at.studentId)
    .where('entry_date', 'is not', null)
    .where('entry_date', '<=', at.asOf)
    .orderBy('entry_date')
    .execute();
  const totals = await q.selectFrom('attendance_totals').selectAll().where('student_id', '=', at.studentId).execute();
  const notices = await q.selectFrom('truancy_notices').select(['school_id', 'school_year']).where('student_id', '=', at.studentId).where('status', '=', 'sent').execute();
  const schools: SchoolAttendance[] = [];
  for (const e of enrollments) {
    const district = districts.get(e.district_id);
    const y = district ? yearOf(district, at.asOf) : undefined;
    if (!district || !y || e.school_year !== y.year.year || schools.some((s) => s.schoolId === e.school_id)) continue;
    const t = totals.find((r) => r.school_id === e.school_id && r.school_year === e.school_year);
    const until = e.exit_date && e.exit_date < at.asOf ? e.exit_date : at.asOf;
    const enrolled = daysEnrolled(y, t?.first_ordinal ?? ordinalOnOrAfter(y, e.entry_date!), until);
    const absent = t?.days_absent ?? 0;
    const line = district.attendance.chronicRateAtOrBelow;
    schools.push({
      schoolId: e.school_id,
      schoolYear: e.school_year,
      daysEnrolled: enrolled,
      daysAbsent: absent,
      daysExcused: t?.days_excused ?? 0,
      tardyDays: t?.tardies ?? 0,
      truantDays: t?.truant_days ?? 0,
      attendanceRate: enrolled > 0 ? Math.round(((enrolled - absent) / enrolled) * 1000) / 10 : 100,
      // ATT-4 in integers, exact at the edges: absent on 10% or more of days enrolled; a rate at or below the district's line.
      chronicState: enrolled > 0 && absent * 10 >= enrolled,
      chronicDistrict: line === undefined ? null : enrolled > 0 && (enrolled - absent) * 100 <= line * enrolled,
      truancyNotices: notices.filter((n) => n.school_id === e.school_id && n.school_year === e.school_year).length,
    });
  }
  return schools.length ? { asOf: at.asOf, schools } : null;
}
