import { PostgresAdapter, sql, type Transaction } from 'kysely';
import { localDate } from '../../platform/clock.js';
import { isUniqueViolation, type Db } from '../../platform/db/kysely.js';
import type { AttendanceMode, BellPeriodsTable, Database, SectionsTable, SectionStudentsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Problem, type Result } from '../../platform/result.js';
import { canKeepAttendance } from '../access/roles.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { importDate } from '../enrollment/roll-import.js';
import type { AttendanceContext } from './context.js';

/**
 * Issue 16 point 1: a school's class sections, their students (from a day to a day), its bell
 * schedule and its mode — the ONE writer of `sections`, `section_students`, `bell_periods` and
 * `attendance_schools`. The school office keeps them for its schools, a district administrator for
 * every school (canKeepAttendance within RollScope); a school outside the scope is "not found", a
 * teacher (who reads the roll) "your role cannot". Every read and change is audited (PRV-2).
 *
 * Rules kept here:
 * - a section's code is unique at its school in a year; its period is one of the school's bell
 *   schedule that year; its teacher, if any, a teacher given that school;
 * - in daily mode a teacher has one homeroom: a second section of the same teacher at the school
 *   that year is refused, and so is turning daily mode on while a teacher has two;
 * - a student joins a section from a day of the school year, enrolled at the school that year and
 *   not exited before that day; a membership ends on a day on or after its first, and is never
 *   deleted (the roster of a past day stays what it was);
 * - a bell schedule's periods each start before they end, do not overlap, and are kept in the
 *   order they start; a period a section uses is not removed.
 */

export type FieldErrors = Record<string, { key: string; params?: Record<string, string | number> }>;
/** A refusal: the problem, and every field that is wrong when it is the input. */
export type Refusal = { ok: false; problem: Problem; errors?: FieldErrors };
export type Outcome<T> = { ok: true; value: T } | Refusal;

const invalid = (errors: FieldErrors): Refusal => {
  const first = Object.entries(errors)[0];
  return { ok: false, problem: { code: 'invalid', messageKey: first[1].key, params: first[1].params, field: first[0] }, errors };
};

export const NS = 'attendance-sections';
export const CODE_MAX = 30;
export const NAME_MAX = 100;
export const LABEL_MAX = 40;
export const PERIODS_MAX = 20;
const CODE = /^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/;
const TEXT = /^[^<>{}\\`\r\n\t]*$/u;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
export const MODES: readonly AttendanceMode[] = ['daily', 'period'];

/** "8:05" or "08:05" (or "08:05:00", as some browsers send a time field) as "08:05"; undefined when not a time. */
export function clockTime(text: string): string | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::00)?$/.exec(text.trim());
  if (!m) return undefined;
  const t = `${m[1].padStart(2, '0')}:${m[2]}`;
  return HHMM.test(t) ? t : undefined;
}

type SchoolYear = DistrictConfig['schoolYears'][number];

/** The school year a day is in; between years the next one (the office sets up the coming year in summer); after the last, the last. */
export function yearOn(district: DistrictConfig, date: string): SchoolYear {
  const years = [...district.schoolYears].sort((a, b) => a.firstDay.localeCompare(b.firstDay));
  return years.find((y) => date <= y.lastDay) ?? years[years.length - 1];
}

/** A code's problem (section or period), or undefined. */
export function codeProblem(v: string, column = 'code'): { key: string; params?: Record<string, string | number> } | undefined {
  if (!v) return { key: `${NS}.errors.${column}Required` };
  if (v.length > CODE_MAX || !CODE.test(v)) return { key: `${NS}.errors.codeFormat`, params: { max: CODE_MAX } };
  return undefined;
}

export function nameProblem(v: string): { key: string; params?: Record<string, string | number> } | undefined {
  if (!v) return { key: `${NS}.errors.nameRequired` };
  if (v.length > NAME_MAX || !TEXT.test(v)) return { key: `${NS}.errors.nameFormat`, params: { max: NAME_MAX } };
  return undefined;
}

/** A teacher who may teach at a school: a staff member of its district with role teacher, given that school. */
export interface Teacher {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

/** A section as the school's list shows it. */
export interface SectionRow extends SectionsTable {
  teacherName: string | null;
  /** Students in it today (from/to dates). */
  studentsToday: number;
}

/** One membership of a section, with the student's name. */
export interface MemberRow extends SectionStudentsTable {
  firstName: string;
  lastName: string;
}

export interface SectionView {
  section: SectionsTable;
  district: DistrictConfig;
  year: SchoolYear;
  teacherName: string | null;
  members: MemberRow[];
  periods: BellPeriodsTable[];
  teachers: Teacher[];
  mode: AttendanceMode;
}

/** A student the office may add to a section: enrolled at the school that year and not exited. */
export interface Candidate {
  studentId: string;
  firstName: string;
  lastName: string;
  grade: string;
}

type Trx = Transaction<Database>;

/**
 * A school's section writes take turns on PostgreSQL (two offices at once would each find the
 * other's section, membership or homeroom absent); SQLite has one writer anyway.
 */
async function lockSchool(trx: Db, schoolId: string): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(hashtext(${`sections:${schoolId}`}))`.execute(trx);
}

/** What a checked import changes (sections-import.ts): written by Sections.applyImport in the import's transaction. */
export interface ImportPlan {
  created: SectionsTable[];
  changed: { id: string; name: string; period: string; teacherId: string | null }[];
  added: SectionStudentsTable[];
  /** A membership's last day from the file (the student left the section). */
  ended: { id: string; to: string }[];
}
const BATCH = 500;

export class Sections {
  constructor(private ctx: AttendanceContext) {}

  /** What it was built with (the import is built with the same). */
  get context(): AttendanceContext {
    return this.ctx;
  }

  private get db(): Db {
    return this.ctx.deps.db;
  }

  today(district: DistrictConfig): string {
    return localDate(this.ctx.deps.clock.now(), district.timeZone);
  }

  /** The staff member's schools in the district's order (every school for a district administrator). */
  async schoolsOf(staff: SessionStaff): Promise<string[]> {
    const district = this.ctx.deps.districts.get(staff.districtId);
    return district ? this.ctx.scope.schoolIdsIn(staff, district) : [];
  }

  /**
   * PRV-1: a school of the staff member's scope (else not found), kept by their role (else
   * forbidden: a teacher reads the roll but keeps no section). The school's district and the year.
   */
  async school(staff: SessionStaff, schoolId: string, yearName?: string): Promise<Result<{ district: DistrictConfig; schoolId: string; year: SchoolYear }>> {
    const district = this.ctx.deps.districts.get(staff.districtId);
    if (!district || !this.ctx.deps.districts.schoolById(schoolId) || !(await this.ctx.scope.hasSchool(staff, schoolId))) return err('not-found', `${NS}.errors.notFound`);
    if (!canKeepAttendance(staff)) return err('forbidden', `${NS}.errors.forbidden`);
    const year = (yearName ? district.schoolYears.find((y) => y.year === yearName) : undefined) ?? yearOn(district, this.today(district));
    return ok({ district, schoolId, year });
  }

  /** A section of a school in the staff member's scope (else not found), kept by their role (else forbidden). */
  async section(staff: SessionStaff, sectionId: string): Promise<Result<{ section: SectionsTable; district: DistrictConfig; year: SchoolYear }>> {
    const section = await this.ctx.repo.section(sectionId);
    if (!section || section.district_id !== staff.districtId) return err('not-found', `${NS}.errors.notFound`);
    const r = await this.school(staff, section.school_id, section.school_year);
    if (!r.ok) return r;
    return ok({ section, district: r.value.district, year: r.value.year });
  }

  /** The teachers given a school, by name. */
  teachersAt(schoolId: string, db: Db = this.db): Promise<Teacher[]> {
    return db
      .selectFrom('staff')
      .innerJoin('staff_schools', 'staff_schools.staff_id', 'staff.id')
      .select(['staff.id as id', 'staff.first_name as firstName', 'staff.last_name as lastName', 'staff.email as email'])
      .where('staff_schools.school_id', '=', schoolId)
      .where('staff.role', '=', 'teacher')
      .where('staff.district_id', '=', schoolId.split(':')[0])
      .orderBy('staff.last_name')
      .orderBy('staff.first_name')
      .orderBy('staff.id')
      .execute();
  }

  /** A school's sections in a year with their teacher and how many students are in each today. */
  async list(staff: SessionStaff, schoolId: string, yearName?: string): Promise<Result<{ rows: SectionRow[]; year: SchoolYear; district: DistrictConfig; periods: BellPeriodsTable[]; mode: AttendanceMode }>> {
    const r = await this.school(staff, schoolId, yearName);
    if (!r.ok) return r;
    const { district, year } = r.value;
    const today = this.today(district);
    const sections = await this.db
      .selectFrom('sections')
      .leftJoin('staff', 'staff.id', 'sections.teacher_id')
      .selectAll('sections')
      .select(['staff.first_name as teacherFirst', 'staff.last_name as teacherLast'])
      .where('sections.school_id', '=', schoolId)
      .where('sections.school_year', '=', year.year)
      .orderBy('sections.period_code')
      .orderBy('sections.code')
      .execute();
    const counts = new Map(
      (
        await this.db
          .selectFrom('section_students')
          .innerJoin('sections', 'sections.id', 'section_students.section_id')
          .select(['section_students.section_id as id', (eb) => eb.fn.countAll<string | number>().as('n')])
          .where('sections.school_id', '=', schoolId)
          .where('sections.school_year', '=', year.year)
          .where('section_students.from_date', '<=', today)
          .where((eb) => eb.or([eb('section_students.to_date', 'is', null), eb('section_students.to_date', '>=', today)]))
          .groupBy('section_students.section_id')
          .execute()
      ).map((c) => [c.id, Number(c.n)]),
    );
    const periods = await this.ctx.repo.bellSchedule(schoolId, year.year);
    const order = new Map(periods.map((p) => [p.code, p.position]));
    const rows = sections
      .map(({ teacherFirst, teacherLast, ...s }) => ({ ...s, teacherName: teacherFirst ? `${teacherFirst} ${teacherLast}` : null, studentsToday: counts.get(s.id) ?? 0 }))
      .sort((a, b) => (order.get(a.period_code) ?? 999) - (order.get(b.period_code) ?? 999) || a.code.localeCompare(b.code));
    return ok({ rows, year, district, periods, mode: await this.ctx.repo.modeOf(schoolId, year.year) });
  }

  /** One section with its students (every membership, the ended ones too) and what its form offers. */
  async view(staff: SessionStaff, sectionId: string): Promise<Result<SectionView>> {
    const r = await this.section(staff, sectionId);
    if (!r.ok) return r;
    const { section, district, year } = r.value;
    const members = await this.db
      .selectFrom('section_students as ss')
      .innerJoin('students as s', 's.id', 'ss.student_id')
      .selectAll('ss')
      .select(['s.first_name as firstName', 's.last_name as lastName'])
      .where('ss.section_id', '=', section.id)
      .orderBy('s.last_name')
      .orderBy('s.first_name')
      .orderBy('ss.from_date')
      .execute();
    const teachers = await this.teachersAt(section.school_id);
    let teacherName: string | null = null;
    if (section.teacher_id) {
      const t = await this.db.selectFrom('staff').select(['first_name', 'last_name']).where('id', '=', section.teacher_id).executeTakeFirst();
      teacherName = t ? `${t.first_name} ${t.last_name}` : null;
    }
    return ok({
      section, district, year, teacherName, members, teachers,
      periods: await this.ctx.repo.bellSchedule(section.school_id, year.year),
      mode: await this.ctx.repo.modeOf(section.school_id, year.year),
    });
  }

  /** Students enrolled at the section's school that year, not exited, not in the section today: the roll to pick from. */
  async candidates(section: SectionsTable, today: string, limit = 2000): Promise<Candidate[]> {
    return this.db
      .selectFrom('enrollments as e')
      .innerJoin('students as s', 's.id', 'e.student_id')
      .select(['s.id as studentId', 's.first_name as firstName', 's.last_name as lastName', 'e.grade as grade'])
      .where('e.school_id', '=', section.school_id)
      .where('e.school_year', '=', section.school_year)
      .where((eb) => eb.or([eb('e.exit_date', 'is', null), eb('e.exit_date', '>=', today)]))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('section_students as ss').select('ss.id').where('ss.section_id', '=', section.id).whereRef('ss.student_id', '=', 's.id')
              .where((w) => w.or([w('ss.to_date', 'is', null), w('ss.to_date', '>=', today)])),
          ),
        ),
      )
      .orderBy('s.last_name')
      .orderBy('s.first_name')
      .orderBy('s.id')
      .limit(limit)
      .execute();
  }

  /** A school's bell schedule and mode for the schedule page. */
  async schedule(staff: SessionStaff, schoolId: string, yearName?: string): Promise<Result<{ district: DistrictConfig; year: SchoolYear; periods: BellPeriodsTable[]; mode: AttendanceMode; sections: number }>> {
    const r = await this.school(staff, schoolId, yearName);
    if (!r.ok) return r;
    const { district, year } = r.value;
    const n = await this.db.selectFrom('sections').select((eb) => eb.fn.countAll<string | number>().as('n')).where('school_id', '=', schoolId).where('school_year', '=', year.year).executeTakeFirstOrThrow();
    return ok({ district, year, periods: await this.ctx.repo.bellSchedule(schoolId, year.year), mode: await this.ctx.repo.modeOf(schoolId, year.year), sections: Number(n.n) });
  }

  // --- Writes ---

  /** Checks a section's fields against the school's schedule, teachers and mode; the values to keep, or the errors. */
  private async checkSection(
    db: Db,
    schoolId: string,
    year: string,
    input: { code: string; name: string; period: string; teacher: string },
    current?: SectionsTable,
  ): Promise<Outcome<{ code: string; name: string; period: string; teacherId: string | null }>> {
    const errors: FieldErrors = {};
    const code = input.code.trim();
    const name = input.name.trim();
    const period = input.period.trim();
    const teacher = input.teacher.trim();
    const codeP = codeProblem(code);
    if (codeP) errors.code = codeP;
    const nameP = nameProblem(name);
    if (nameP) errors.name = nameP;
    if (!codeP && code !== current?.code) {
      const taken = await db.selectFrom('sections').select('id').where('school_id', '=', schoolId).where('school_year', '=', year).where('code', '=', code).executeTakeFirst();
      if (taken) errors.code = { key: `${NS}.errors.codeTaken`, params: { code } };
    }
    const periods = await db.selectFrom('bell_periods').select(['code', 'label']).where('school_id', '=', schoolId).where('school_year', '=', year).orderBy('position').execute();
    if (!period) errors.period = { key: `${NS}.errors.periodRequired` };
    else if (!periods.some((p) => p.code === period)) errors.period = periods.length ? { key: `${NS}.errors.periodUnknown`, params: { period, periods: periods.map((p) => p.code).join(', ') } } : { key: `${NS}.errors.noSchedule` };
    let teacherId: string | null = null;
    if (teacher) {
      const found = await db
        .selectFrom('staff')
        .innerJoin('staff_schools', 'staff_schools.staff_id', 'staff.id')
        .select(['staff.id'])
        .where('staff.id', '=', teacher)
        .where('staff.role', '=', 'teacher')
        .where('staff_schools.school_id', '=', schoolId)
        .executeTakeFirst();
      if (!found) errors.teacher = { key: `${NS}.errors.teacherNotHere` };
      else teacherId = found.id;
    }
    if (teacherId && !errors.teacher) {
      const mode = (await db.selectFrom('attendance_schools').select('mode').where('school_id', '=', schoolId).where('school_year', '=', year).executeTakeFirst())?.mode ?? 'daily';
      if (mode === 'daily') {
        let q = db.selectFrom('sections').select('code').where('school_id', '=', schoolId).where('school_year', '=', year).where('teacher_id', '=', teacherId);
        if (current) q = q.where('id', '!=', current.id);
        const other = await q.executeTakeFirst();
        if (other) errors.teacher = { key: `${NS}.errors.secondHomeroom`, params: { code: other.code } };
      }
    }
    if (Object.keys(errors).length) return invalid(errors);
    return ok({ code, name, period, teacherId });
  }

  /** A new section at a school for a year. */
  async create(staff: SessionStaff, schoolId: string, yearName: string, input: { code: string; name: string; period: string; teacher: string }, ip: string): Promise<Outcome<SectionsTable>> {
    const r = await this.school(staff, schoolId, yearName);
    if (!r.ok) return r;
    const year = r.value.year.year;
    try {
      return await this.db.transaction().execute(async (trx) => {
        await lockSchool(trx, schoolId);
        const checked = await this.checkSection(trx, schoolId, year, input);
        if (!checked.ok) return checked;
        const at = this.ctx.deps.clock.now().toISOString();
        const row: SectionsTable = {
          id: newId(), district_id: r.value.district.slug, school_id: schoolId, school_year: year, code: checked.value.code, name: checked.value.name,
          period_code: checked.value.period, teacher_id: checked.value.teacherId, created_at: at, updated_at: at,
        };
        await trx.insertInto('sections').values(row).execute();
        await this.ctx.audit.in(trx).record(staff, 'attendance.section.create', { type: 'section', id: row.id }, ip, { school: schoolId, year, code: row.code, period: row.period_code, teacher: row.teacher_id });
        return ok(row);
      });
    } catch (e) {
      // Two offices creating the same code at once: the second is told, as if it had been there before.
      if (isUniqueViolation(e)) return invalid({ code: { key: `${NS}.errors.codeTaken`, params: { code: input.code.trim() } } });
      throw e;
    }
  }

  /** A section's code, name, period and teacher changed; its students and past rosters stay. */
  async update(staff: SessionStaff, sectionId: string, input: { code: string; name: string; period: string; teacher: string }, ip: string): Promise<Outcome<SectionsTable>> {
    const r = await this.section(staff, sectionId);
    if (!r.ok) return r;
    const { section } = r.value;
    try {
      return await this.db.transaction().execute(async (trx) => {
        await lockSchool(trx, section.school_id);
        const checked = await this.checkSection(trx, section.school_id, section.school_year, input, section);
        if (!checked.ok) return checked;
        const at = this.ctx.deps.clock.now().toISOString();
        const next = { code: checked.value.code, name: checked.value.name, period_code: checked.value.period, teacher_id: checked.value.teacherId, updated_at: at };
        await trx.updateTable('sections').set(next).where('id', '=', section.id).execute();
        const before = { code: section.code, name: section.name, period: section.period_code, teacher: section.teacher_id };
        await this.ctx.audit.in(trx).record(staff, 'attendance.section.update', { type: 'section', id: section.id }, ip, { before, after: { code: next.code, name: next.name, period: next.period_code, teacher: next.teacher_id } });
        return ok({ ...section, ...next });
      });
    } catch (e) {
      if (isUniqueViolation(e)) return invalid({ code: { key: `${NS}.errors.codeTaken`, params: { code: input.code.trim() } } });
      throw e;
    }
  }

  /**
   * The student an office means by what it typed: the product's student id, or the student
   * information system's (student_sources, as the roll's import keeps it), in the district.
   */
  async findStudent(db: Db, districtId: string, typed: string): Promise<string | undefined> {
    const v = typed.trim();
    if (!v || v.length > 60) return undefined;
    const source = await db.selectFrom('student_sources').select('student_id').where('district_id', '=', districtId).where('source_id', '=', v).executeTakeFirst();
    if (source) return source.student_id;
    const direct = await db.selectFrom('students').select('id').where('id', '=', v).executeTakeFirst();
    return direct?.id;
  }

  /** A student into a section from a day: enrolled at the school that year and not exited before it, not already in it then. */
  async addStudent(staff: SessionStaff, sectionId: string, input: { student: string; from: string }, ip: string): Promise<Outcome<SectionStudentsTable>> {
    const r = await this.section(staff, sectionId);
    if (!r.ok) return r;
    const { section, year } = r.value;
    return this.db.transaction().execute(async (trx) => {
      await lockSchool(trx, section.school_id);
      const errors: FieldErrors = {};
      const typed = input.student.trim();
      const fromText = input.from.trim();
      const from = fromText ? importDate(fromText) : undefined;
      if (!fromText) errors.from = { key: `${NS}.errors.fromRequired` };
      else if (!from) errors.from = { key: `${NS}.errors.dateFormat` };
      else if (from < year.firstDay || from > year.lastDay) errors.from = { key: `${NS}.errors.outsideYear`, params: { year: year.year } };
      const studentId = typed ? await this.findStudent(trx, section.district_id, typed) : undefined;
      if (!typed) errors.student = { key: `${NS}.errors.studentRequired` };
      else if (!studentId) errors.student = { key: `${NS}.errors.studentUnknown` };
      else if (from && !errors.from) {
        const enrolled = await trx
          .selectFrom('enrollments').select('id')
          .where('student_id', '=', studentId).where('school_id', '=', section.school_id).where('school_year', '=', section.school_year)
          .where((eb) => eb.or([eb('exit_date', 'is', null), eb('exit_date', '>=', from)]))
          .executeTakeFirst();
        if (!enrolled) errors.student = { key: `${NS}.errors.notEnrolled` };
        else {
          const already = await trx.selectFrom('section_students').select('from_date').where('section_id', '=', section.id).where('student_id', '=', studentId)
            .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>=', from)])).executeTakeFirst();
          if (already) errors.student = { key: `${NS}.errors.alreadyIn`, params: { from: already.from_date } };
        }
      }
      if (Object.keys(errors).length) return invalid(errors);
      const row: SectionStudentsTable = { id: newId(), section_id: section.id, student_id: studentId!, school_id: section.school_id, from_date: from!, to_date: null };
      await trx.insertInto('section_students').values(row).execute();
      await trx.updateTable('sections').set({ updated_at: this.ctx.deps.clock.now().toISOString() }).where('id', '=', section.id).execute();
      await this.ctx.audit.in(trx).record(staff, 'attendance.section.student.add', { type: 'student', id: row.student_id }, ip, { section: section.id, from: row.from_date });
      return ok(row);
    });
  }

  /** A student's membership ended on a day (the last day in the section); the membership stays, with its dates. */
  async endMembership(staff: SessionStaff, sectionId: string, membershipId: string, input: { to: string }, ip: string): Promise<Outcome<SectionStudentsTable>> {
    const r = await this.section(staff, sectionId);
    if (!r.ok) return r;
    const { section, year } = r.value;
    return this.db.transaction().execute(async (trx) => {
      const m = await trx.selectFrom('section_students').selectAll().where('id', '=', membershipId).where('section_id', '=', section.id).executeTakeFirst();
      if (!m) return err('not-found', `${NS}.errors.notFound`);
      const field = `to_${m.id}`;
      const toText = input.to.trim();
      const to = toText ? importDate(toText) : undefined;
      if (m.to_date !== null) return invalid({ [field]: { key: `${NS}.errors.alreadyEnded`, params: { to: m.to_date } } });
      if (!toText) return invalid({ [field]: { key: `${NS}.errors.toRequired` } });
      if (!to) return invalid({ [field]: { key: `${NS}.errors.dateFormat` } });
      if (to < m.from_date) return invalid({ [field]: { key: `${NS}.errors.toBeforeFrom`, params: { from: m.from_date } } });
      if (to > year.lastDay) return invalid({ [field]: { key: `${NS}.errors.outsideYear`, params: { year: year.year } } });
      // Ended once: a second end (a retried form, two offices) changes nothing.
      const done = await trx.updateTable('section_students').set({ to_date: to }).where('id', '=', m.id).where('to_date', 'is', null).executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) return invalid({ [field]: { key: `${NS}.errors.alreadyEnded`, params: { to } } });
      await trx.updateTable('sections').set({ updated_at: this.ctx.deps.clock.now().toISOString() }).where('id', '=', section.id).execute();
      await this.ctx.audit.in(trx).record(staff, 'attendance.section.student.end', { type: 'student', id: m.student_id }, ip, { section: section.id, from: m.from_date, to });
      return ok({ ...m, to_date: to });
    });
  }

  /**
   * A school's bell schedule and mode for a year, set whole: the rows given (an empty row is
   * none), each checked; kept in the order they start. Field names: code_<n>, label_<n>,
   * start_<n>, end_<n> for the row n the form showed.
   */
  async setSchedule(
    staff: SessionStaff,
    schoolId: string,
    yearName: string,
    input: { mode: string; rows: { n: number; code: string; label: string; start: string; end: string }[] },
    ip: string,
  ): Promise<Outcome<{ periods: number; mode: AttendanceMode }>> {
    const r = await this.school(staff, schoolId, yearName);
    if (!r.ok) return r;
    const year = r.value.year.year;
    const errors: FieldErrors = {};
    const mode = (MODES as readonly string[]).includes(input.mode) ? (input.mode as AttendanceMode) : undefined;
    if (!mode) errors.mode = { key: `${NS}.errors.modeRequired` };
    const periods: { n: number; code: string; label: string; start: string; end: string }[] = [];
    const seen = new Map<string, number>();
    for (const row of input.rows) {
      const v = { n: row.n, code: row.code.trim(), label: row.label.trim(), start: row.start.trim(), end: row.end.trim() };
      if (!v.code && !v.label && !v.start && !v.end) continue;
      let good = true;
      const cp = codeProblem(v.code, 'periodCode');
      if (cp) { errors[`code_${v.n}`] = cp; good = false; }
      else if (seen.has(v.code)) { errors[`code_${v.n}`] = { key: `${NS}.errors.periodTwice`, params: { code: v.code } }; good = false; }
      else seen.set(v.code, v.n);
      if (!v.label) { errors[`label_${v.n}`] = { key: `${NS}.errors.labelRequired`, params: { row: v.n } }; good = false; }
      else if (v.label.length > LABEL_MAX || !TEXT.test(v.label)) { errors[`label_${v.n}`] = { key: `${NS}.errors.labelFormat`, params: { max: LABEL_MAX } }; good = false; }
      const start = clockTime(v.start);
      const end = clockTime(v.end);
      if (!start) { errors[`start_${v.n}`] = { key: `${NS}.errors.startFormat`, params: { row: v.n } }; good = false; }
      if (!end) { errors[`end_${v.n}`] = { key: `${NS}.errors.endFormat`, params: { row: v.n } }; good = false; }
      else if (start && end <= start) { errors[`end_${v.n}`] = { key: `${NS}.errors.endBeforeStart`, params: { row: v.n } }; good = false; }
      if (good) periods.push({ ...v, start: start!, end: end! });
    }
    periods.sort((a, b) => a.start.localeCompare(b.start) || a.n - b.n);
    for (let i = 1; i < periods.length; i++) {
      const prev = periods[i - 1];
      if (periods[i].start < prev.end) errors[`start_${periods[i].n}`] ??= { key: `${NS}.errors.overlap`, params: { code: periods[i].code, other: prev.code, end: prev.end } };
    }
    if (periods.length > PERIODS_MAX) errors.code_1 ??= { key: `${NS}.errors.tooManyPeriods`, params: { max: PERIODS_MAX } };
    if (!Object.keys(errors).length && periods.length === 0) errors.code_1 = { key: `${NS}.errors.periodsRequired` };
    if (Object.keys(errors).length) return invalid(errors);

    return this.db.transaction().execute(async (trx) => {
      await lockSchool(trx, schoolId);
      const at = this.ctx.deps.clock.now().toISOString();
      // A period a section uses stays: removing it would leave the section without a start.
      const used = await trx.selectFrom('sections').select(['period_code', 'code']).where('school_id', '=', schoolId).where('school_year', '=', year).execute();
      const gone = used.filter((s) => !periods.some((p) => p.code === s.period_code));
      if (gone.length) return invalid({ code_1: { key: `${NS}.errors.periodInUse`, params: { period: gone[0].period_code, section: gone[0].code } } });
      if (mode === 'daily') {
        const teachers = await trx.selectFrom('sections').select(['teacher_id', (eb) => eb.fn.countAll<string | number>().as('n')]).where('school_id', '=', schoolId).where('school_year', '=', year)
          .where('teacher_id', 'is not', null).groupBy('teacher_id').execute();
        const two = teachers.find((t) => Number(t.n) > 1);
        if (two) {
          const who = await trx.selectFrom('staff').select(['first_name', 'last_name']).where('id', '=', two.teacher_id!).executeTakeFirst();
          return invalid({ mode: { key: `${NS}.errors.dailyTwoSections`, params: { teacher: who ? `${who.first_name} ${who.last_name}` : '' } } });
        }
      }
      const before = await trx.selectFrom('bell_periods').selectAll().where('school_id', '=', schoolId).where('school_year', '=', year).execute();
      const kept = new Map(before.map((p) => [p.code, p]));
      // Positions are rewritten after the codes are settled: first out of the way of the new ones.
      for (const [i, p] of periods.entries()) {
        const old = kept.get(p.code);
        if (old) await trx.updateTable('bell_periods').set({ label: p.label, starts_at: p.start, ends_at: p.end, position: i + 1 }).where('id', '=', old.id).execute();
        else await trx.insertInto('bell_periods').values({ id: newId(), school_id: schoolId, school_year: year, code: p.code, label: p.label, starts_at: p.start, ends_at: p.end, position: i + 1 }).execute();
      }
      const removed = before.filter((p) => !periods.some((q) => q.code === p.code));
      if (removed.length) await trx.deleteFrom('bell_periods').where('id', 'in', removed.map((p) => p.id)).execute();
      const actor = `staff:${staff.id}`;
      const previousMode = (await trx.selectFrom('attendance_schools').select('mode').where('school_id', '=', schoolId).where('school_year', '=', year).executeTakeFirst())?.mode;
      if (previousMode === undefined) await trx.insertInto('attendance_schools').values({ school_id: schoolId, school_year: year, mode: mode!, updated_at: at, updated_by: actor }).execute();
      else await trx.updateTable('attendance_schools').set({ mode: mode!, updated_at: at, updated_by: actor }).where('school_id', '=', schoolId).where('school_year', '=', year).execute();
      await this.ctx.audit.in(trx).record(staff, 'attendance.schedule.set', { type: 'school', id: schoolId }, ip, {
        year, mode, previousMode: previousMode ?? null,
        periods: periods.map((p) => `${p.code} ${p.start}-${p.end}`),
        removed: removed.map((p) => p.code),
      });
      return ok({ periods: periods.length, mode: mode! });
    });
  }

  /** An import's plan, checked whole by sections-import.ts, written in its transaction. */
  async applyImport(trx: Trx, plan: ImportPlan, at: string): Promise<void> {
    for (let i = 0; i < plan.created.length; i += BATCH) await trx.insertInto('sections').values(plan.created.slice(i, i + BATCH)).execute();
    for (const c of plan.changed) await trx.updateTable('sections').set({ name: c.name, period_code: c.period, teacher_id: c.teacherId, updated_at: at }).where('id', '=', c.id).execute();
    for (let i = 0; i < plan.added.length; i += BATCH) await trx.insertInto('section_students').values(plan.added.slice(i, i + BATCH)).execute();
    for (const e of plan.ended) await trx.updateTable('section_students').set({ to_date: e.to }).where('id', '=', e.id).execute();
  }
}
