import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../platform/http/guards.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { combineSections, type Pages } from '../../platform/modules.js';
import type { RecordSection, RollContext } from './context.js';
import { parseRollFilter, rollParams, RollPages } from './roll-pages.js';
import { RollPage } from './views/roll-page.js';
import { StudentPage, type StudentPageForms } from './views/student-page.js';

const rollQuery = queryOf({ school: queryValue, year: queryValue, grade: queryValue, status: queryValue, population: queryValue, noContacts: queryValue, conditionalEnding: queryValue, after: queryValue });

/**
 * Shows the office's page of one student (404 outside the reader's scope, audited either way,
 * PRV-1 and PRV-2), e.g. again with a refused first day beside its field (`forms`, `status`).
 */
export type ShowRollStudentPage = (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, studentId: string, opts?: { forms?: StudentPageForms; status?: number }) => Promise<unknown>;

/** The office's page of one student, built once with the record sections other parts of the roll hand it. */
export function rollStudentPage(ctx: RollContext, recordSections: RecordSection[], moreSections?: Pages['rollStudentSections']): ShowRollStudentPage {
  const pages = new RollPages(ctx);
  return async (req, reply, staff, studentId, opts = {}) => {
    const r = await pages.student(staff, studentId);
    if (!r.ok) {
      await ctx.audit.refused(staff, 'roll.student.view', { type: 'student', id: studentId }, req.ip, r.problem.code);
      return reply.callNotFound();
    }
    await ctx.audit.record(staff, 'roll.student.view', { type: 'student', id: studentId }, req.ip, { enrollments: r.value.enrollments.length });
    const shown = [];
    for (const section of recordSections) shown.push(await section(req, staff, studentId));
    // The modules above the roll's (attendance) add theirs below, handed in at the top.
    if (moreSections) shown.push(await moreSections(req, staff, studentId));
    const sections = combineSections(...shown);
    return reply.page((pc) => StudentPage({ ctx: pc, view: r.value, districts: ctx.deps.districts, sections, forms: opts.forms }), { status: opts.status ?? 200 });
  };
}

/**
 * The office's read side of the roll (issue 15, points 10–11): a school's roll with its filters,
 * and one student's page. Who may read is checked by RollPages (canReadRoll, RollScope); every
 * read is audited, and every refusal, filed under the district whose record was tried (PRV-2).
 */
export async function rollRoutes(app: FastifyInstance, ctx: RollContext, showStudent: ShowRollStudentPage): Promise<void> {
  const pages = new RollPages(ctx);
  const route = typed(app);

  route.get('/staff/roll', { schema: { querystring: rollQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const filter = parseRollFilter(req.query);
    const r = await pages.roll(staff, filter);
    if (!r.ok) {
      await ctx.audit.refused(staff, 'roll.view', { type: 'school', id: filter.school ?? null }, req.ip, r.problem.code);
      return reply.callNotFound();
    }
    const view = r.value;
    await ctx.audit.record(staff, 'roll.view', { type: 'school', id: view.schoolId }, req.ip, { ...rollParams(view.filter), after: filter.after ?? null, students: view.rows.length });
    return reply.page((pc) => RollPage({ ctx: pc, view }));
  });

  route.get('/staff/roll/students/:studentId', { schema: { params: paramsOf('studentId') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    return showStudent(req, reply, staff, req.params.studentId);
  });
}
