import { sql } from 'kysely';
import type { Db } from '../../platform/db/kysely.js';
import { gradeIndex } from '../districts/config-schema.js';
import type { EnrollmentEventsTable, EnrollmentStatus, EnrollmentsTable } from '../../platform/db/schema.js';

/** One student on a school's roll page. */
export interface RollRow {
  id: string;
  studentId: string;
  firstName: string;
  lastName: string;
  grade: string;
  status: EnrollmentStatus;
  entryType: string;
  entryDate: string | null;
}

/** Where a roll page starts: after the last row of the page before (grade's rank, then enrollment id). */
export interface RollCursor {
  gradeRank: number;
  id: string;
}

export interface RollQuery {
  schoolId: string;
  schoolYear: string;
  status: EnrollmentStatus;
  grade?: string;
  after?: RollCursor;
  limit: number;
}

/** The reads of the roll (issue 15). Writes go through `roll.ts`, the one owner of these tables. */
export class EnrollmentRepository {
  constructor(private db: Db) {}

  /**
   * A student's enrollments, earliest entry first (pre-enrollments, with no entry yet, last), each
   * with its history; served by the index on (student_id, entry_date).
   */
  async history(studentId: string): Promise<(EnrollmentsTable & { events: EnrollmentEventsTable[] })[]> {
    const rows = await this.db
      .selectFrom('enrollments')
      .selectAll()
      .where('student_id', '=', studentId)
      // The same order on both databases: SQLite sorts nulls first, PostgreSQL last.
      .orderBy(sql`case when entry_date is null then 1 else 0 end`)
      .orderBy('entry_date')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    if (!rows.length) return [];
    const events = await this.db
      .selectFrom('enrollment_events')
      .selectAll()
      .where(
        'enrollment_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, events: events.filter((e) => e.enrollment_id === r.id) }));
  }

  /**
   * One page of a school's roll for a year and a status (optionally one grade), in order of grade
   * (TK, K, 1 … 12) and id, starting after `after`: a keyset read of the index on (school_id, school_year, status,
   * grade_rank, id), as fast on the last page as on the first (no OFFSET). `next` is the cursor of the
   * page after, if there is one.
   */
  async rollPage(q: RollQuery): Promise<{ rows: RollRow[]; next?: RollCursor }> {
    let query = this.db
      .selectFrom('enrollments')
      .innerJoin('students', 'students.id', 'enrollments.student_id')
      .select([
        'enrollments.id',
        'enrollments.student_id as studentId',
        'students.first_name as firstName',
        'students.last_name as lastName',
        'enrollments.grade',
        'enrollments.status',
        'enrollments.entry_type as entryType',
        'enrollments.entry_date as entryDate',
      ])
      .where('enrollments.school_id', '=', q.schoolId)
      .where('enrollments.school_year', '=', q.schoolYear)
      .where('enrollments.status', '=', q.status);
    if (q.grade !== undefined) query = query.where('enrollments.grade_rank', '=', gradeIndex(q.grade));
    const after = q.after;
    if (after) query = query.where((eb) => eb.or([eb('enrollments.grade_rank', '>', after.gradeRank), eb.and([eb('enrollments.grade_rank', '=', after.gradeRank), eb('enrollments.id', '>', after.id)])]));
    const rows = await query
      .orderBy('enrollments.grade_rank')
      .orderBy('enrollments.id')
      .limit(q.limit + 1)
      .execute();
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { rows: page, next: rows.length > q.limit ? { gradeRank: gradeIndex(last.grade), id: last.id } : undefined };
  }
}
