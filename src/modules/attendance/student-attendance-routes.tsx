import type { FastifyInstance } from 'fastify';
import { requireParent, requireStaff } from '../../platform/http/guards.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { StudentPageSection } from '../../platform/modules.js';
import type { AttendanceContext } from './context.js';
import type { StudentAttendance } from './student-attendance.js';
import { StudentAttendancePage } from './views/student-attendance.js';
import { ParentAttendanceSummary } from './views/student-attendance-summary.js';

const pageQuery = queryOf({ school: queryValue, year: queryValue });

/**
 * A student's attendance page (issue 16 point 9): the office's, a teacher's and a district
 * administrator's (not found outside their scope — a teacher: students of their own sections —,
 * every read and refusal audited, PRV-1, PRV-2), and the parent's version of it for their own
 * child only (another child: not found).
 */
export async function studentAttendanceRoutes(app: FastifyInstance, ctx: AttendanceContext, pages: StudentAttendance): Promise<void> {
  const route = typed(app);

  route.get('/staff/attendance/students/:studentId', { schema: { params: paramsOf('studentId'), querystring: pageQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId } = req.params;
    const r = await pages.forStaff(staff, studentId, { school: req.query.school, year: req.query.year });
    if (!r.ok) {
      await ctx.audit.refused(staff, 'attendance.student.view', { type: 'student', id: studentId }, req.ip, r.problem.code);
      return reply.callNotFound();
    }
    const view = r.value;
    await ctx.audit.record(staff, 'attendance.student.view', { type: 'student', id: studentId }, req.ip, { school: view.schoolId, year: view.year });
    return reply.page((c) => StudentAttendancePage({ ctx: c, view }));
  });

  route.get('/students/:id/attendance', { schema: { params: paramsOf('id'), querystring: pageQuery } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    // PRV-1: another family's child, or one with no enrollment in a hosted district, is not found.
    const view = await pages.forParent(user.id, req.params.id, { school: req.query.school, year: req.query.year });
    if (!view) return reply.callNotFound();
    return reply.page((c) => StudentAttendancePage({ ctx: c, view }));
  });
}

/** The parent's student page: this year's days absent, attendance rate and unexplained absences, with a link to the page (the page has checked the child is theirs). */
export const parentAttendanceSection =
  (pages: StudentAttendance): StudentPageSection =>
  async (_req, student) => {
    const summary = await pages.summary(student.id);
    if (!summary) return null;
    return (c) => <ParentAttendanceSummary ctx={c} summary={summary} firstName={student.first_name} />;
  };
