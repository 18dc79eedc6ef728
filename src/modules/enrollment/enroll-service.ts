import { localDate } from '../../platform/clock.js';
import { refusable, refuse } from '../../platform/db/refuse.js';
import type { EnrollmentsTable, StudentsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, type Err, type Result } from '../../platform/result.js';
import { canKeepRoll } from '../access/roles.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { insertRollStudent, type RollStudentInput } from '../students/roll-student.js';
import { ageOn } from '../students/validation.js';
import { expectedFirstDay } from './expected-day.js';
import type { RollContext } from './context.js';
import { checkFacts, factsProblem, readRollFacts, writeRollFactsIn, type RollFacts } from './roll-facts.js';
import { enrollIn, SECOND_ACTIVE_PRIMARY, startIn, transferIn } from './roll.js';

/**
 * The office's enrollment at the counter (issue 15, points 1, 4, 6): a student already on a roll
 * the staff member sees, or a new one with no family account yet (PRV-1), enrolled at once with
 * the roll's facts (ENR-1, ENR-2, ENR-5) — the student, the enrollment, its facts and the audit
 * entry in one transaction, nothing half-saved. Also the first day in the seat (ENR-3) and a
 * transfer between two schools of the district.
 *
 * Authorization is checked here, not only by the routes: the roll's keepers (canKeepRoll), and
 * only into the schools of their scope (RollScope.hasSchool). Outside the scope a record is not
 * found; a school not theirs is refused on the school field. Each refusal is audited (PRV-2).
 */

export interface EnrollRequest {
  /** A student already on a roll the staff member sees; otherwise `newStudent`. */
  studentId?: string;
  newStudent?: Omit<RollStudentInput, 'grade'>;
  schoolId: string;
  schoolYear: string;
  grade: string;
  entryType: string;
  /** ENR-3: the first day in the seat; without it the student is pre-enrolled. */
  entryDate?: string;
  /** ENR-1: a special population staying at its school of origin (said in the enrollment's note). */
  schoolOfOrigin?: boolean;
  note?: string;
  /** The roll's facts; for a student already on a roll, kept as they are when not given. */
  facts?: RollFacts;
}

export interface Enrolled {
  enrollment: EnrollmentsTable;
  studentId: string;
}

/** ENR-5: a comprehensive high school keeps a student through age 21; from 22, adult education. */
export const OLDEST_AGE = 21;

const notFound = (): Err => err('not-found', 'common.notFound.message');

/** The pre-enrollment's first expected day in the school year enrolled into (none for a year not configured or over). */
function expectedOn(district: DistrictConfig, schoolYear: string, today: string): string | undefined {
  const year = district.schoolYears.find((y) => y.year === schoolYear);
  return (year && expectedFirstDay(district, year, today)) ?? undefined;
}

export class EnrollService {
  constructor(private ctx: RollContext) {}

  /** The district's day today, in its time zone. */
  today(district: DistrictConfig): string {
    return localDate(this.ctx.deps.clock.now(), district.timeZone);
  }

  /** Whether the staff member keeps the roll of this school (their district's, and one of theirs). */
  async keepsSchool(staff: SessionStaff, schoolId: string): Promise<boolean> {
    return canKeepRoll(staff) && Boolean(this.ctx.deps.districts.schoolById(schoolId)) && (await this.ctx.scope.hasSchool(staff, schoolId));
  }

  /** The schools the staff member may enroll into, in the district's order. */
  async schoolsKept(staff: SessionStaff): Promise<DistrictConfig['schools']> {
    const district = this.ctx.deps.districts.get(staff.districtId);
    if (!district || !canKeepRoll(staff)) return [];
    const mine = await this.ctx.scope.schools(staff);
    return district.schools.filter((s) => mine === null || mine.includes(`${district.slug}:${s.code}`));
  }

  /** A student on a roll the staff member keeps, or undefined (not found: PRV-1). */
  async student(staff: SessionStaff, studentId: string): Promise<StudentsTable | undefined> {
    if (!canKeepRoll(staff) || !(await this.ctx.scope.student(staff, studentId))) return undefined;
    return this.ctx.deps.db.selectFrom('students').selectAll().where('id', '=', studentId).executeTakeFirst();
  }

  async enroll(staff: SessionStaff, ip: string, input: EnrollRequest): Promise<Result<Enrolled>> {
    const { deps, audit } = this.ctx;
    const entity = { type: 'student', id: input.studentId ?? null };
    if (!canKeepRoll(staff)) {
      await audit.refused(staff, 'roll.enroll', entity, ip, 'forbidden');
      return notFound();
    }
    if (input.studentId && !(await this.ctx.scope.student(staff, input.studentId))) {
      await audit.refused(staff, 'roll.enroll', entity, ip, 'not-found');
      return notFound();
    }
    const district = deps.districts.get(staff.districtId);
    if (!district) return notFound();
    // An office of school A enrolling into school B: refused on the school field, and on the record.
    if (input.schoolId && deps.districts.schoolById(input.schoolId) && !(await this.ctx.scope.hasSchool(staff, input.schoolId))) {
      await audit.refused(staff, 'roll.enroll', entity, ip, 'forbidden', { schoolId: input.schoolId });
      return factsProblem('school-not-yours', 'schoolId');
    }
    const actor = `staff:${staff.id}`;
    const today = this.today(district);
    return refusable(
      () =>
        deps.writer.run(async (trx) => {
          const at = deps.clock.now().toISOString();
          let dob: string;
          let studentId: string;
          if (input.studentId) {
            const s = await trx.selectFrom('students').select(['id', 'date_of_birth']).where('id', '=', input.studentId).executeTakeFirst();
            if (!s) refuse(notFound());
            dob = s.date_of_birth;
            studentId = s.id;
          } else {
            if (!input.newStudent) refuse(notFound());
            dob = input.newStudent.dateOfBirth;
            studentId = '';
          }
          // ENR-5: 18 or older is no reason to refuse; from 22 the K–12 roll is not the place.
          const onDay = input.entryDate ?? today;
          if (ageOn(dob, onDay) > OLDEST_AGE) refuse(factsProblem('over-21', input.studentId ? 'student' : 'dob', { age: OLDEST_AGE }));
          const facts = input.facts ? checkFacts(input.facts, today) : undefined;
          if (facts?.emancipated && ageOn(dob, today) >= 18) refuse(factsProblem('emancipated-adult', 'emancipated'));
          if (!input.studentId) studentId = (await insertRollStudent(trx, { ...input.newStudent!, grade: input.grade }, at)).id;
          const note = [input.schoolOfOrigin ? 'ENR-1: stays at the school of origin' : '', input.note?.trim() ?? ''].filter(Boolean).join(' — ') || undefined;
          const enrollment = await enrollIn(trx, deps, actor, {
            studentId,
            schoolId: input.schoolId,
            schoolYear: input.schoolYear,
            grade: input.grade,
            entryType: input.entryType,
            // WDR-3: a pre-enrollment is expected the next school day (the no-show step looks at its evening).
            ...(input.entryDate ? { entryDate: input.entryDate } : { expectedFirstDay: expectedOn(district, input.schoolYear, today) }),
            note,
          });
          if (facts) await writeRollFactsIn(trx, studentId, district.slug, facts, actor, at);
          await audit.in(trx).record(staff, 'roll.enroll', { type: 'enrollment', id: enrollment.id }, ip, {
            student: studentId, school: input.schoolId, status: enrollment.status, newStudent: !input.studentId, populations: facts?.populations ?? [],
          });
          return { enrollment, studentId };
        }),
      { onUnique: SECOND_ACTIVE_PRIMARY() },
    );
  }

  /** The roll's facts of a student changed from the office's page (items collected, a new status). */
  async updateFacts(staff: SessionStaff, ip: string, studentId: string, facts: RollFacts): Promise<Result<void>> {
    const { deps, audit } = this.ctx;
    const entity = { type: 'student', id: studentId };
    if (!canKeepRoll(staff) || !(await this.ctx.scope.student(staff, studentId))) {
      await audit.refused(staff, 'roll.facts', entity, ip, 'not-found');
      return notFound();
    }
    const district = deps.districts.get(staff.districtId)!;
    const today = this.today(district);
    return refusable(() =>
      deps.writer.run(async (trx) => {
        const s = await trx.selectFrom('students').select('date_of_birth').where('id', '=', studentId).executeTakeFirstOrThrow();
        const checked = checkFacts(facts, today);
        if (checked.emancipated && ageOn(s.date_of_birth, today) >= 18) refuse(factsProblem('emancipated-adult', 'emancipated'));
        const before = await readRollFacts(trx, studentId);
        await writeRollFactsIn(trx, studentId, district.slug, checked, `staff:${staff.id}`, deps.clock.now().toISOString());
        const collected = before ? before.toCollect.filter((i) => !checked.toCollect.includes(i)) : [];
        await audit.in(trx).record(staff, 'roll.facts', entity, ip, { populations: checked.populations, immunization: checked.immunization, collected, emancipated: checked.emancipated });
      }),
    );
  }

  /** An enrollment the staff member keeps, or undefined (not found, audited). */
  async enrollment(staff: SessionStaff, ip: string, action: string, id: string): Promise<EnrollmentsTable | undefined> {
    const e = canKeepRoll(staff) ? await this.ctx.scope.enrollment(staff, id) : undefined;
    if (!e) await this.ctx.audit.refused(staff, action, { type: 'enrollment', id }, ip, 'not-found');
    return e;
  }

  /** ENR-3: the first day in the seat of a pre-enrolled student. */
  async start(staff: SessionStaff, ip: string, enrollmentId: string, firstDay: string): Promise<Result<EnrollmentsTable>> {
    const { deps, audit } = this.ctx;
    if (!(await this.enrollment(staff, ip, 'roll.start', enrollmentId))) return notFound();
    return refusable(
      () =>
        deps.writer.run(async (trx) => {
          const e = await startIn(trx, deps, `staff:${staff.id}`, enrollmentId, firstDay);
          await audit.in(trx).record(staff, 'roll.start', { type: 'enrollment', id: e.id }, ip, { student: e.student_id, entryDate: firstDay });
          return e;
        }),
      { onUnique: SECOND_ACTIVE_PRIMARY() },
    );
  }

  /** Between two schools of the district, both kept by the staff member: exits one, enters the other the next day. */
  async transfer(staff: SessionStaff, ip: string, input: { enrollmentId: string; toSchoolId: string; firstDay: string; exitCode: string; entryType: string; grade?: string; note?: string }): Promise<Result<{ exited: EnrollmentsTable; entered: EnrollmentsTable }>> {
    const { deps, audit } = this.ctx;
    if (!(await this.enrollment(staff, ip, 'roll.transfer', input.enrollmentId))) return notFound();
    if (input.toSchoolId && deps.districts.schoolById(input.toSchoolId) && input.toSchoolId.startsWith(`${staff.districtId}:`) && !(await this.ctx.scope.hasSchool(staff, input.toSchoolId))) {
      await audit.refused(staff, 'roll.transfer', { type: 'enrollment', id: input.enrollmentId }, ip, 'forbidden', { toSchoolId: input.toSchoolId });
      return factsProblem('school-not-yours', 'toSchoolId');
    }
    return refusable(
      () =>
        deps.writer.run(async (trx) => {
          const r = await transferIn(trx, deps, `staff:${staff.id}`, input);
          await audit.in(trx).record(staff, 'roll.transfer', { type: 'enrollment', id: r.entered.id }, ip, { student: r.entered.student_id, from: r.exited.school_id, to: r.entered.school_id, exited: r.exited.id });
          return r;
        }),
      { onUnique: SECOND_ACTIVE_PRIMARY() },
    );
  }
}
