import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

/** One school's year of attendance as it stood when a decision was made (issue 16 point 10). */
export interface SchoolAttendance {
  schoolId: string;
  schoolYear: string;
  daysEnrolled: number;
  daysAbsent: number;
  daysExcused: number;
  /** Days with a tardy. */
  tardyDays: number;
  /** ATT-8: days that count toward truancy. */
  truantDays: number;
  /** ATT-4: days attended ÷ days enrolled, as a percentage with one decimal. */
  attendanceRate: number;
  /** ATT-4: chronically absent by the state (10% of days enrolled) and by the district's line (null: the district has none). */
  chronicState: boolean;
  chronicDistrict: boolean | null;
  /** ATT-5: truancy notifications sent this year. */
  truancyNotices: number;
}

/** A student's attendance record in the hosted districts on a day: each school they were enrolled at that year, with what was counted. */
export interface AttendanceSnapshot {
  asOf: string;
  schools: SchoolAttendance[];
}

/**
 * Issue 16 point 10: a denial or revocation for attendance (a reason the district marks
 * `attendance: true`) keeps the record behind it with the decision. The attendance module,
 * above decisions, reads the record; the top hands its function in (modules/index.ts), so
 * decisions never imports attendance. Null when no hosted district keeps the student's attendance.
 */
export type AttendanceRecordOf = (q: Kysely<Database> | Transaction<Database>, at: { studentId: string; asOf: string }) => Promise<AttendanceSnapshot | null>;
