import type { SessionStaff } from '../../platform/http/sessions.js';
import type { RollNoticeKind } from '../../platform/db/schema.js';
import { err, ok, type Result } from '../../platform/result.js';
import { canKeepRoll } from '../access/roles.js';
import { adviceSummaryKey } from '../students/move-advice.js';
import type { RollContext } from './context.js';

/** One open notice on a school's roll, as the office's list shows it. */
export interface NoticeRow {
  id: string;
  enrollmentId: string;
  studentId: string;
  firstName: string;
  lastName: string;
  grade: string;
  status: string;
  kind: RollNoticeKind;
  /** The catalog key of what the parent was told of the move (DEC-13), when the notice is a move's. */
  detailKey: string | null;
  /** The permit's request confirmation number, when known. */
  confirmation: string | null;
  createdAt: string;
}

const notFound = () => err('not-found', 'common.notFound.message');
const forbidden = () => err('forbidden', 'roll-notices.errors.forbidden');

/** The most notices one page lists: a school's open notices are few; past this many the oldest come first. */
export const NOTICES_PAGE = 500;

/**
 * DEC-10, DEC-11, DEC-13 on the roll (ENR-7): what a revoked permit or a move that ended one
 * tells the school office. The office reads its schools' open notices and marks each done once
 * it has acted; the notice itself never exits a student. Who may: those who keep the roll
 * (canKeepRoll), within their schools (RollScope; outside them a notice is "not found").
 */
export class RollNotices {
  constructor(private ctx: RollContext) {}

  /** A school's open notices, the oldest first. */
  async openAt(staff: SessionStaff, schoolId: string): Promise<Result<NoticeRow[]>> {
    if (!(await this.ctx.scope.hasSchool(staff, schoolId))) return notFound();
    if (!canKeepRoll(staff)) return forbidden();
    const rows = await this.ctx.deps.db
      .selectFrom('roll_notices as n')
      .innerJoin('students as s', 's.id', 'n.student_id')
      .innerJoin('enrollments as e', 'e.id', 'n.enrollment_id')
      .leftJoin('applications as a', 'a.id', 'n.application_id')
      .select(['n.id', 'n.enrollment_id', 'n.student_id', 's.first_name', 's.last_name', 'e.grade', 'e.status', 'n.kind', 'n.detail', 'a.confirmation_number', 'n.created_at'])
      .where('n.school_id', '=', schoolId)
      .where('n.resolved_at', 'is', null)
      .orderBy('n.created_at')
      .orderBy('n.id')
      .limit(NOTICES_PAGE)
      .execute();
    return ok(rows.map((r) => ({
      id: r.id, enrollmentId: r.enrollment_id, studentId: r.student_id, firstName: r.first_name, lastName: r.last_name, grade: r.grade, status: r.status,
      kind: r.kind, detailKey: r.detail ? adviceSummaryKey(r.detail) : null, confirmation: r.confirmation_number ?? null, createdAt: r.created_at,
    })));
  }

  /** A student's open notices at the staff member's schools, the oldest first (the office's page of the student); none for a teacher. */
  async ofStudent(staff: SessionStaff, studentId: string): Promise<{ id: string; schoolId: string; kind: RollNoticeKind; detailKey: string | null; createdAt: string }[]> {
    if (!canKeepRoll(staff)) return [];
    const schools = await this.ctx.scope.schools(staff);
    if (schools !== null && schools.length === 0) return [];
    let q = this.ctx.deps.db
      .selectFrom('roll_notices')
      .select(['id', 'school_id', 'kind', 'detail', 'created_at'])
      .where('student_id', '=', studentId)
      .where('district_id', '=', staff.districtId)
      .where('resolved_at', 'is', null);
    if (schools !== null) q = q.where('school_id', 'in', schools);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, schoolId: r.school_id, kind: r.kind, detailKey: r.detail ? adviceSummaryKey(r.detail) : null, createdAt: r.created_at }));
  }

  /**
   * The office marks a notice done (it has acted on the enrollment, or decided nothing is to be
   * done). Once: a notice already done stays as it was, and a retried form answers the same.
   * Audited with the change, in its transaction (PRV-2).
   */
  async resolve(staff: SessionStaff, id: string, ip: string): Promise<Result<{ schoolId: string; already: boolean }>> {
    const n = await this.ctx.deps.db.selectFrom('roll_notices').selectAll().where('id', '=', id).where('district_id', '=', staff.districtId).executeTakeFirst();
    if (!n || !(await this.ctx.scope.hasSchool(staff, n.school_id))) return notFound();
    if (!canKeepRoll(staff)) return forbidden();
    if (n.resolved_at) return ok({ schoolId: n.school_id, already: true });
    const done = await this.ctx.deps.writer.run(async (trx) => {
      const at = this.ctx.deps.clock.now().toISOString();
      const r = await trx.updateTable('roll_notices').set({ resolved_at: at, resolved_by: `staff:${staff.id}` }).where('id', '=', id).where('resolved_at', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await this.ctx.audit.in(trx).record(staff, 'roll.notice.done', { type: 'enrollment', id: n.enrollment_id }, ip, { notice: id, kind: n.kind });
      return true;
    });
    return ok({ schoolId: n.school_id, already: !done });
  }
}
