import type { Db } from '../../platform/db/kysely.js';
import type { AttendanceMarksTable, AttendanceMode, BellPeriodsTable, SectionsTable } from '../../platform/db/schema.js';

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

  section(id: string): Promise<SectionsTable | undefined> {
    return this.db.selectFrom('sections').selectAll().where('id', '=', id).executeTakeFirst();
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
    return this.seatsOn(section, date)
      .innerJoin('students as s', 's.id', 'ss.student_id')
      .select(['ss.student_id as studentId', 's.first_name as firstName', 's.last_name as lastName'])
      .orderBy('s.last_name')
      .orderBy('s.first_name')
      .orderBy('ss.student_id')
      .execute();
  }

  /** The ids of the students on a section's roster on a day (rosterOn's students), without their names: a roster's submit. */
  async rosterIdsOn(section: Pick<SectionsTable, 'id' | 'school_id'>, date: string): Promise<Set<string>> {
    return new Set((await this.seatsOn(section, date).select('ss.student_id').execute()).map((r) => r.student_id));
  }

  /** Names of students, by id. */
  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.db.selectFrom('students').select(['id', 'first_name', 'last_name']).where('id', 'in', [...ids]).execute();
    return new Map(rows.map((r) => [r.id, `${r.first_name} ${r.last_name}`]));
  }

  private seatsOn(section: Pick<SectionsTable, 'id' | 'school_id'>, date: string) {
    return this.db
      .selectFrom('section_students as ss')
      .where('ss.section_id', '=', section.id)
      .where('ss.from_date', '<=', date)
      .where((eb) => eb.or([eb('ss.to_date', 'is', null), eb('ss.to_date', '>=', date)]))
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('enrollments as e')
            .select('e.id')
            .whereRef('e.student_id', '=', 'ss.student_id')
            .where('e.school_id', '=', section.school_id)
            .where('e.entry_date', '<=', date)
            .where((w) => w.or([w('e.exit_date', 'is', null), w('e.exit_date', '>=', date)])),
        ),
      );
  }

  /** The marks of a section on a day (only marks that are not "present by default"), by student. */
  async marksOn(sectionId: string, date: string): Promise<Map<string, AttendanceMarksTable>> {
    const rows = await this.db.selectFrom('attendance_marks').selectAll().where('section_id', '=', sectionId).where('date', '=', date).execute();
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
