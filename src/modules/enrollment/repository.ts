import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '../../platform/db/kysely.js';
import { gradeIndex } from '../districts/config-schema.js';
import type { Database, EnrollmentDocumentsTable, EnrollmentEventsTable, EnrollmentStatus, EnrollmentsTable, RollStudentsTable, StudentsTable } from '../../platform/db/schema.js';

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
  /** The student's special populations (roll_students.populations: codes separated by commas, '' for none). */
  populations: string | null;
  /** ENR-2: the immunization status and a conditional admission's date, if the roll has them. */
  immunization: string | null;
  immunizationUntil: string | null;
  /** ENR-4: whether the student has at least one emergency contact. */
  hasContacts: boolean;
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
  /** ENR-1: only students of this special population (a code of roll_students.populations). */
  population?: string;
  /** ENR-4, the report of students with none: only students without any emergency contact. */
  noContacts?: boolean;
  /** ENR-2: only conditional admissions ending on or before this day (YYYY-MM-DD), past ones included. */
  conditionalBy?: string;
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
   *
   * The filters never leave that one school's range: the student's name by the students' primary
   * key, the roll's facts (special populations, immunization) by roll_students' primary key, and
   * emergency contacts by `exists` on their index by student (emergency_contacts_student).
   */
  async rollPage(q: RollQuery): Promise<{ rows: RollRow[]; next?: RollCursor }> {
    let query = this.db
      .selectFrom('enrollments')
      .innerJoin('students', 'students.id', 'enrollments.student_id')
      .leftJoin('roll_students', 'roll_students.student_id', 'enrollments.student_id')
      .select((eb) => [
        'enrollments.id',
        'enrollments.student_id as studentId',
        'students.first_name as firstName',
        'students.last_name as lastName',
        'enrollments.grade',
        'enrollments.grade_rank as gradeRank',
        'enrollments.status',
        'enrollments.entry_type as entryType',
        'enrollments.entry_date as entryDate',
        'roll_students.populations',
        'roll_students.immunization',
        'roll_students.immunization_until as immunizationUntil',
        eb.exists(contactsOf(eb)).as('hasContacts'),
      ])
      .where('enrollments.school_id', '=', q.schoolId)
      .where('enrollments.school_year', '=', q.schoolYear)
      .where('enrollments.status', '=', q.status);
    if (q.grade !== undefined) query = query.where('enrollments.grade_rank', '=', gradeIndex(q.grade));
    if (q.population !== undefined) {
      // A whole code among the commas ('homeless,iep'); '_' in a code is a letter, not LIKE's wildcard.
      const pattern = `%,${q.population.replace(/[\\%_]/g, (c) => `\\${c}`)},%`;
      query = query.where(sql<boolean>`(',' || roll_students.populations || ',') like ${pattern} escape '\\'`);
    }
    if (q.noContacts) query = query.where((eb) => eb.not(eb.exists(contactsOf(eb))));
    if (q.conditionalBy !== undefined) query = query.where('roll_students.immunization', '=', 'conditional').where('roll_students.immunization_until', '<=', q.conditionalBy);
    const after = q.after;
    if (after) query = query.where((eb) => eb.or([eb('enrollments.grade_rank', '>', after.gradeRank), eb.and([eb('enrollments.grade_rank', '=', after.gradeRank), eb('enrollments.id', '>', after.id)])]));
    const rows = await query
      .orderBy('enrollments.grade_rank')
      .orderBy('enrollments.id')
      .limit(q.limit + 1)
      .execute();
    const page = rows.slice(0, q.limit).map(({ gradeRank: _rank, hasContacts, ...r }) => ({ ...r, hasContacts: Boolean(Number(hasContacts)) }));
    const last = rows[page.length - 1];
    return { rows: page, next: rows.length > q.limit ? { gradeRank: last.gradeRank, id: last.id } : undefined };
  }

  /** The student as the office's page of one student shows them: the students row and the roll's facts (ENR-1, ENR-2, ENR-5), if any. */
  async studentRecord(studentId: string): Promise<{ student: StudentsTable; facts: RollStudentsTable | undefined } | undefined> {
    const student = await this.db.selectFrom('students').selectAll().where('id', '=', studentId).executeTakeFirst();
    if (!student) return undefined;
    const facts = await this.db.selectFrom('roll_students').selectAll().where('student_id', '=', studentId).executeTakeFirst();
    return { student, facts };
  }

  /** WDR-1: the documents kept with exits, by id (enrollments.exit_document_id). */
  async documents(ids: string[]): Promise<EnrollmentDocumentsTable[]> {
    if (!ids.length) return [];
    return this.db.selectFrom('enrollment_documents').selectAll().where('id', 'in', ids).execute();
  }

  /** The staff members named by history lines (`staff:<id>`), for "who": their names by id. */
  async staffNames(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.db.selectFrom('staff').select(['id', 'first_name', 'last_name']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, `${r.first_name} ${r.last_name}`]));
  }
}

/** A student's emergency contacts (ENR-4), by the index on emergency_contacts (student_id, position). */
const contactsOf = (eb: ExpressionBuilder<Database, 'enrollments'>) =>
  eb.selectFrom('emergency_contacts').select(sql<number>`1`.as('one')).whereRef('emergency_contacts.student_id', '=', 'enrollments.student_id');
