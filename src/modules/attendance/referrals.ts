import type { AttendanceReferralsTable, ReferralKind } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { localDate } from '../../platform/clock.js';
import { isCalendarDay } from '../../platform/i18n/translator.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Err, type Problem, type Result } from '../../platform/result.js';
import { canKeepAttendance } from '../access/roles.js';
import type { AttendanceContext } from './context.js';
import { yearOf } from './school-days.js';

/**
 * ATT-5 (EC 48262): a conference with the family, and the referrals that follow truancy — SART
 * (the school's attendance review team), the Resource Panel and SARB (the district's school
 * attendance review board) — each recorded with its date, who took part and the outcome. A
 * conference in the year is what makes three notifications a habitual truancy (truancy.ts).
 */

export const REFERRAL_KINDS: readonly ReferralKind[] = ['conference', 'sart', 'resource-panel', 'sarb'];
export const PARTICIPANTS_MAX = 1000;
export const OUTCOME_MAX = 4000;

export interface ReferralInput {
  kind: string;
  heldOn: string;
  participants: string;
  outcome: string;
}

export interface StudentReferrals {
  student: { id: string; first_name: string; last_name: string };
  /** The school the staff member keeps the student's attendance at (a referral is filed under it). */
  schoolId: string;
  referrals: AttendanceReferralsTable[];
  today: string;
}

const notFound = (): Err => err('not-found', 'common.notFound.message');
const forbidden = (): Err => err('forbidden', 'attendance-truancy.errors.forbidden');
/** A refused referral: the first problem, and every field's problem to show beside it. */
export type Invalid = { ok: false; problem: Problem; errors: Record<string, { key: string }> };

export class Referrals {
  constructor(private ctx: AttendanceContext) {}

  /**
   * The student's referrals as one who keeps attendance reads them: not found unless the student
   * is enrolled at one of the staff member's schools (PRV-1), forbidden to another role.
   */
  async forStudent(staff: SessionStaff, studentId: string): Promise<Result<StudentReferrals>> {
    const { db } = this.ctx.deps;
    const schools = await this.ctx.scope.schools(staff);
    if (schools !== null && schools.length === 0) return notFound();
    let q = db.selectFrom('enrollments').select('school_id').where('student_id', '=', studentId).where('district_id', '=', staff.districtId);
    if (schools !== null) q = q.where('school_id', 'in', schools);
    const enrollment = await q.orderBy('is_primary', 'desc').orderBy('created_at', 'desc').orderBy('id').executeTakeFirst();
    if (!enrollment) return notFound();
    if (!canKeepAttendance(staff)) return forbidden();
    const student = await db.selectFrom('students').select(['id', 'first_name', 'last_name']).where('id', '=', studentId).executeTakeFirstOrThrow();
    const referrals = await db.selectFrom('attendance_referrals').selectAll().where('student_id', '=', studentId).where('district_id', '=', staff.districtId).orderBy('held_on', 'desc').orderBy('recorded_at', 'desc').execute();
    const district = this.ctx.deps.districts.get(staff.districtId)!;
    return ok({ student, schoolId: enrollment.school_id, referrals, today: localDate(this.ctx.deps.clock.now(), district.timeZone) });
  }

  /** Records one conference or referral; each field's problem beside it; audited (PRV-2). */
  async record(staff: SessionStaff, studentId: string, input: ReferralInput, ip: string): Promise<Result<AttendanceReferralsTable> | Invalid> {
    const found = await this.forStudent(staff, studentId);
    if (!found.ok) return found;
    const district = this.ctx.deps.districts.get(staff.districtId)!;
    const errors: Record<string, { key: string }> = {};
    const wrong = (field: string, code: string) => void (errors[field] ??= { key: `attendance-truancy.referrals.errors.${code}` });
    const kind = input.kind as ReferralKind;
    if (!REFERRAL_KINDS.includes(kind)) wrong('kind', 'kind');
    const heldOn = input.heldOn.trim();
    if (!heldOn) wrong('held_on', 'dateMissing');
    else if (!isCalendarDay(heldOn)) wrong('held_on', 'dateInvalid');
    else if (heldOn > found.value.today) wrong('held_on', 'dateFuture');
    const year = errors.held_on ? undefined : (yearOf(district, heldOn)?.year.year ?? district.schoolYears.filter((y) => y.firstDay <= heldOn).sort((a, b) => (a.firstDay < b.firstDay ? 1 : -1))[0]?.year);
    if (!errors.held_on && !year) wrong('held_on', 'dateNoYear');
    const participants = input.participants.trim();
    if (!participants) wrong('participants', 'participantsMissing');
    else if (participants.length > PARTICIPANTS_MAX) wrong('participants', 'tooLong');
    const outcome = input.outcome.trim();
    if (!outcome) wrong('outcome', 'outcomeMissing');
    else if (outcome.length > OUTCOME_MAX) wrong('outcome', 'tooLong');
    const first = Object.entries(errors)[0];
    if (first || !year) return { ok: false, problem: { code: 'invalid', messageKey: first?.[1].key ?? '', field: first?.[0] }, errors };
    const row: AttendanceReferralsTable = {
      id: newId(), district_id: district.slug, school_id: found.value.schoolId, student_id: studentId, school_year: year, kind, held_on: heldOn,
      participants, outcome, recorded_by: `staff:${staff.id}`, recorded_at: this.ctx.deps.clock.now().toISOString(),
    };
    await this.ctx.deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('attendance_referrals').values(row).execute();
      await this.ctx.audit.in(trx).record(staff, 'attendance.referral.record', { type: 'student', id: studentId }, ip, { referral: row.id, kind, heldOn });
    });
    return ok(row);
  }
}
