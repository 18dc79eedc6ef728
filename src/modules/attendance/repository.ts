import type { Db } from '../../platform/db/kysely.js';
import { prepared } from '../../platform/db/prepared.js';
import type { AttendanceMarksTable, AttendanceMode, BellPeriodsTable, RosterSubmissionsTable, SectionsTable } from '../../platform/db/schema.js';

/** One student on a section's roster for a day, as the roster form and the pages list them. */
export interface RosterStudent {
  studentId: string;
  firstName: string;
  lastName: string;
}

/**
 * Reads of attendance shared by its parts (sections, taking attendance, the pages). Writes stay
 * with their owners: marks with marks.ts, sections with sections.ts.
 */
export class AttendanceRepository {
  constructor(private db: Db) {}

  async section(id: string): Promise<SectionsTable | undefined> {
    return (await q.section(this.db, { id })).rows[0];
  }

  /** A teacher's sections in a year, by period then code. */
  sectionsOfTeacher(staffId: string, schoolYear: string): Promise<SectionsTable[]> {
    return this.db.selectFrom('sections').selectAll().where('teacher_id', '=', staffId).where('school_year', '=', schoolYear).orderBy('period_code').orderBy('code').execute();
  }

  /** A school's sections in a year, by period then code. */
  sectionsAt(schoolId: string, schoolYear: string): Promise<SectionsTable[]> {
    return this.db.selectFrom('sections').selectAll().where('school_id', '=', schoolId).where('school_year', '=', schoolYear).orderBy('period_code').orderBy('code').execute();
  }

  /**
   * ATT-1: the students in a section on a day — in it that day (from/to dates) and enrolled at the
   * school that day (entered on or before it, not exited before it: an exit date is the last day
   * at the school) — by last name, then first name.
   */
  rosterOn(section: Pick<SectionsTable, 'id' | 'school_id'>, date: string): Promise<RosterStudent[]> {
    return seatsOn(this.db, section, date)
      .innerJoin('students as s', 's.id', 'ss.student_id')
      .select(['ss.student_id as studentId', 's.first_name as firstName', 's.last_name as lastName'])
      .orderBy('s.last_name')
      .orderBy('s.first_name')
      .orderBy('ss.student_id')
      .execute();
  }

  /** The ids of the students on a section's roster on a day (rosterOn's students), without their names: a roster's submit. */
  async rosterIdsOn(section: Pick<SectionsTable, 'id' | 'school_id'>, date: string): Promise<Set<string>> {
    return new Set((await q.rosterIds(this.db, { sectionId: section.id, schoolId: section.school_id, date })).rows.map((r) => r.student_id));
  }

  /** The section's submission that day, if it was submitted. */
  async submissionOn(sectionId: string, date: string): Promise<RosterSubmissionsTable | undefined> {
    return (await q.submission(this.db, { sectionId, date })).rows[0];
  }

  /** Names of students, by id. */
  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.db.selectFrom('students').select(['id', 'first_name', 'last_name']).where('id', 'in', [...ids]).execute();
    return new Map(rows.map((r) => [r.id, `${r.first_name} ${r.last_name}`]));
  }

  /** The marks of a section on a day (only marks that are not "present by default"), by student. */
  async marksOn(sectionId: string, date: string): Promise<Map<string, AttendanceMarksTable>> {
    const rows = await marksOfSection(this.db, sectionId, date);
    return new Map(rows.map((r) => [r.student_id, r]));
  }

  /** A school's bell schedule for a year, in order. */
  bellSchedule(schoolId: string, schoolYear: string): Promise<BellPeriodsTable[]> {
    return this.db.selectFrom('bell_periods').selectAll().where('school_id', '=', schoolId).where('school_year', '=', schoolYear).orderBy('position').execute();
  }

  /** Whether the school takes attendance daily or by period in a year: daily unless the office set it. */
  async modeOf(schoolId: string, schoolYear: string): Promise<AttendanceMode> {
    const r = await this.db.selectFrom('attendance_schools').select('mode').where('school_id', '=', schoolId).where('school_year', '=', schoolYear).executeTakeFirst();
    return r?.mode ?? 'daily';
  }
}

/** The seats of a section on a day whose student is enrolled at the school that day (rosterOn's rule). */
function seatsOn(db: Db, section: Pick<SectionsTable, 'id' | 'school_id'>, date: string) {
  return db
    .selectFrom('section_students as ss')
    .where('ss.section_id', '=', section.id)
    .where('ss.from_date', '<=', date)
    .where((eb) => eb.or([eb('ss.to_date', 'is', null), eb('ss.to_date', '>=', date)]))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('enrollments as e')
          .select((s) => s.lit(1).as('one'))
          .whereRef('e.student_id', '=', 'ss.student_id')
          .where('e.school_id', '=', section.school_id)
          .where('e.entry_date', '<=', date)
          .where((w) => w.or([w('e.exit_date', 'is', null), w('e.exit_date', '>=', date)])),
      ),
    );
}

/** The reads of a roster's submit, each built once (platform/db/prepared.ts): the product's busiest form. */
const q = {
  section: prepared((db, p: { id: string }) => db.selectFrom('sections').selectAll().where('id', '=', p.id)),
  rosterIds: prepared((db, p: { sectionId: string; schoolId: string; date: string }) => seatsOn(db, { id: p.sectionId, school_id: p.schoolId }, p.date).select('ss.student_id')),
  submission: prepared((db, p: { sectionId: string; date: string }) => db.selectFrom('roster_submissions').selectAll().where('section_id', '=', p.sectionId).where('date', '=', p.date)),
};

const sectionMarks = prepared((db, p: { sectionId: string; date: string }) => db.selectFrom('attendance_marks').selectAll().where('section_id', '=', p.sectionId).where('date', '=', p.date));

/** The marks of a section on a day, read by the roster's pages and by the writer inside its transaction (`db` a transaction there). */
export async function marksOfSection(db: Db, sectionId: string, date: string): Promise<AttendanceMarksTable[]> {
  return (await sectionMarks(db, { sectionId, date })).rows;
}
