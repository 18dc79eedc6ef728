import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

/**
 * Issue 16 point 10, DEC-12: the first day a student was present at a school in a school year —
 * the earliest school day a roster of one of the student's sections there was submitted with
 * the student on it (in the section that day) and not marked absent. A tardy or an early
 * departure is present. Undefined before any such roster.
 *
 * The provisional enrollment of a pending incoming request starts on this day when there is
 * one; the top (modules/index.ts) puts it before the roll's entry date in what it hands
 * permit-life, which never imports attendance.
 */
export async function firstPresentDay(q: Kysely<Database> | Transaction<Database>, at: { studentId: string; schoolId: string; schoolYear: string }): Promise<string | undefined> {
  const row = await q
    .selectFrom('section_students as ss')
    .innerJoin('sections as s', 's.id', 'ss.section_id')
    .innerJoin('roster_submissions as rs', 'rs.section_id', 'ss.section_id')
    .select((eb) => eb.fn.min<string>('rs.date').as('day'))
    .where('ss.student_id', '=', at.studentId)
    .where('s.school_id', '=', at.schoolId)
    .where('s.school_year', '=', at.schoolYear)
    .whereRef('rs.date', '>=', 'ss.from_date')
    .where((eb) => eb.or([eb('ss.to_date', 'is', null), eb('ss.to_date', '>=', eb.ref('rs.date'))]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('attendance_marks as m')
            .select('m.id')
            .whereRef('m.section_id', '=', 'rs.section_id')
            .whereRef('m.date', '=', 'rs.date')
            .whereRef('m.student_id', '=', 'ss.student_id')
            .where('m.category', 'in', ['excused', 'unexcused']),
        ),
      ),
    )
    .executeTakeFirst();
  return row?.day ?? undefined;
}
