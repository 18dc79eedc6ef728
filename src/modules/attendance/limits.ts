import { z } from 'zod';
import { localDate } from '../../platform/clock.js';
import type { AttendanceLimitsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import { canKeepAttendance } from '../access/roles.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { parentExcusedDates } from './caps.js';
import type { AttendanceContext } from './context.js';
import { yearOf, yearDays, type YearDays } from './school-days.js';

export const LIMIT_MAX_DAYS = 60;
export const LIMIT_REASON_MAX = 500;

/** The limit form's fields; messages are catalog keys. */
export const LimitSchema = z.object({
  maxDays: z
    .string()
    .trim()
    .regex(/^\d{1,2}$/, 'attendance-caps.limit.errors.maxDays')
    .transform(Number)
    .refine((n) => n <= LIMIT_MAX_DAYS, 'attendance-caps.limit.errors.maxDays'),
  reason: z.string().trim().min(1, 'attendance-caps.limit.errors.reasonRequired').max(LIMIT_REASON_MAX, 'attendance-caps.limit.errors.reasonTooLong'),
});
export type LimitInput = z.infer<typeof LimitSchema>;

/** What the limit page shows for one student at one school in the current school year. */
export interface LimitTarget {
  district: DistrictConfig;
  student: { id: string; name: string };
  schoolId: string;
  schoolYear: string;
  /** The other schools of the staff member's where the student is enrolled this year (the page may switch to them). */
  schools: string[];
  limit: AttendanceLimitsTable | null;
  /** ATT-6: the distinct days excused through a parent's explanation from the account so far this year. */
  parentExcused: number;
}

/**
 * ATT-6: a school's lower limit of parent-excused absences for a student with a history of
 * excessive absences (attendance_limits), set, changed and removed by the school's attendance
 * office; caps.ts refuses the parent-excused days beyond it. Authorization here, not only in the
 * route: outside the staff member's schools the student is not found (PRV-1), a role that does
 * not keep attendance (a teacher) is forbidden; every read and change is audited (PRV-2), and
 * the routes audit the refusals.
 */
export class ParentExcusedLimits {
  constructor(private ctx: AttendanceContext) {}

  /** The current school year (the next one in a summer break). */
  private currentYear(district: DistrictConfig): YearDays | undefined {
    const today = localDate(this.ctx.deps.clock.now(), district.timeZone);
    const y = yearOf(district, today);
    if (y) return y;
    const next = district.schoolYears.filter((s) => s.firstDay > today).sort((a, b) => (a.firstDay < b.firstDay ? -1 : 1))[0];
    return next ? yearDays(district, next) : undefined;
  }

  /** Who may, and the student's school this year: the page's facts, or not-found / forbidden. */
  async target(staff: SessionStaff, studentId: string, school?: string): Promise<Result<LimitTarget>> {
    const { deps, scope } = this.ctx;
    const district = deps.districts.get(staff.districtId);
    if (!district || !(await scope.student(staff, studentId))) return err('not-found', 'common.errors.notFound');
    if (!canKeepAttendance(staff)) return err('forbidden', 'attendance-caps.limit.errors.forbidden');
    const year = this.currentYear(district);
    if (!year) return err('not-found', 'common.errors.notFound');
    const mine = await scope.schools(staff);
    let q = deps.db
      .selectFrom('enrollments')
      .select('school_id')
      .where('student_id', '=', studentId)
      .where('district_id', '=', district.slug)
      .where('school_year', '=', year.year.year)
      .orderBy('entry_date', 'desc');
    if (mine !== null) q = q.where('school_id', 'in', mine.length ? mine : ['']);
    const schools = [...new Set((await q.execute()).map((r) => r.school_id))];
    const schoolId = school && schools.includes(school) ? school : schools[0];
    if (!schoolId) return err('not-found', 'attendance-caps.limit.errors.noSchool');
    const s = await deps.db.selectFrom('students').select(['id', 'first_name', 'last_name']).where('id', '=', studentId).executeTakeFirstOrThrow();
    const limit = await deps.db
      .selectFrom('attendance_limits')
      .selectAll()
      .where('student_id', '=', studentId)
      .where('school_id', '=', schoolId)
      .where('school_year', '=', year.year.year)
      .executeTakeFirst();
    const parentExcused = (await parentExcusedDates(deps.db, studentId, schoolId, year)).length;
    return ok({ district, student: { id: s.id, name: `${s.first_name} ${s.last_name}` }, schoolId, schoolYear: year.year.year, schools, limit: limit ?? null, parentExcused });
  }

  /** The page read, audited (PRV-2). */
  async view(staff: SessionStaff, studentId: string, school: string | undefined, ip: string): Promise<Result<LimitTarget>> {
    const r = await this.target(staff, studentId, school);
    if (r.ok) await this.ctx.audit.record(staff, 'attendance.limit.view', { type: 'student', id: studentId }, ip, { school: r.value.schoolId, year: r.value.schoolYear });
    return r;
  }

  /** Sets or changes the limit; the same values again change nothing (a retried POST is the same limit). */
  async set(staff: SessionStaff, studentId: string, school: string | undefined, input: LimitInput, ip: string): Promise<Result<LimitTarget>> {
    const r = await this.target(staff, studentId, school);
    if (!r.ok) return r;
    const { schoolId, schoolYear } = r.value;
    const at = this.ctx.deps.clock.now().toISOString();
    const row = { max_parent_excused: input.maxDays, reason: input.reason, set_by: `staff:${staff.id}`, set_at: at };
    await this.ctx.deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('attendance_limits')
        .values({ student_id: studentId, school_id: schoolId, school_year: schoolYear, ...row })
        .onConflict((oc) => oc.columns(['student_id', 'school_id', 'school_year']).doUpdateSet(row))
        .execute();
    });
    await this.ctx.audit.record(staff, 'attendance.limit.set', { type: 'student', id: studentId }, ip, { school: schoolId, year: schoolYear, maxDays: input.maxDays, before: r.value.limit?.max_parent_excused ?? null });
    return r;
  }

  /** Removes the limit (nothing to remove is no change). */
  async remove(staff: SessionStaff, studentId: string, school: string | undefined, ip: string): Promise<Result<LimitTarget>> {
    const r = await this.target(staff, studentId, school);
    if (!r.ok) return r;
    const { schoolId, schoolYear } = r.value;
    await this.ctx.deps.db.deleteFrom('attendance_limits').where('student_id', '=', studentId).where('school_id', '=', schoolId).where('school_year', '=', schoolYear).execute();
    await this.ctx.audit.record(staff, 'attendance.limit.remove', { type: 'student', id: studentId }, ip, { school: schoolId, year: schoolYear, before: r.value.limit?.max_parent_excused ?? null });
    return r;
  }
}
