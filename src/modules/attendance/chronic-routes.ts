import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../platform/http/guards.js';
import { queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { T } from '../../platform/i18n/translator.js';
import type { Err } from '../../platform/result.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import { chronicParams, parseChronicFilter, type ChronicAbsence, type ChronicFilter, type ChronicRow, type ChronicView } from './chronic.js';
import type { AttendanceContext } from './context.js';
import { ChronicPage } from './views/chronic-page.js';

const chronicQuery = queryOf({ school: queryValue, year: queryValue, status: queryValue, grade: queryValue, minDays: queryValue, after: queryValue });

/**
 * A cell a spreadsheet will not run: names are typed by families and staff, and Excel or Sheets
 * treat a leading = + - @ (or a tab or carriage return, OWASP) as a formula.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
const csvLine = (values: string[]): string => `${values.map(csvField).join(',')}\r\n`;

const CSV_COLUMNS = ['lastName', 'firstName', 'studentId', 'school', 'grade', 'daysEnrolled', 'daysAbsent', 'absenceRate', 'attendanceRate', 'chronicState', 'chronicDistrict', 'atRisk'] as const;

/** The list as CSV: rates as numbers with two decimals (what a spreadsheet reads), flags as yes/no in the reader's language. */
function chronicCsv(view: ChronicView, rows: ChronicRow[], t: T): string {
  const school = (id: string) => view.schools.find((s) => s.id === id)?.school.name ?? id;
  const yes = (b: boolean) => t(b ? 'attendance-chronic.csv.yes' : 'attendance-chronic.csv.no');
  const lines = [csvLine(CSV_COLUMNS.map((c) => t(`attendance-chronic.csv.${c}`)))];
  for (const r of rows) {
    lines.push(csvLine([r.lastName, r.firstName, r.studentId, school(r.schoolId), r.grade, String(r.daysEnrolled), String(r.daysAbsent), (r.absenceBp / 100).toFixed(2), (r.attendanceBp / 100).toFixed(2), yes(r.chronicState), yes(r.chronicDistrict), yes(r.atRisk)]));
  }
  return lines.join('');
}

/**
 * ATT-4: the chronic-absence list (GET /staff/attendance/chronic?school=&year=&status=&grade=&minDays=&after=)
 * and its CSV (/staff/attendance/chronic.csv, every row of the same filters). Those who keep
 * attendance only (canKeepAttendance; anyone else "your role cannot", 403), within their schools
 * (RollScope; outside them "not found", 404); every read and refusal audited (PRV-2).
 */
export async function chronicRoutes(app: FastifyInstance, ctx: AttendanceContext, chronic: ChronicAbsence): Promise<void> {
  const route = typed(app);

  const forbidden = (reply: FastifyReply) =>
    reply.page((pc) => ErrorPage({ ctx: pc, title: pc.t('attendance-chronic.errors.forbidden'), message: pc.t('attendance-chronic.errors.forbidden') }), { status: 403 });

  /** The refusal of a list as its answer, audited against the school tried (filed under its district). */
  const refuse = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, action: string, filter: ChronicFilter, r: Err) => {
    await ctx.audit.refused(staff, action, { type: 'school', id: filter.school ?? null }, req.ip, r.problem.code, { list: 'attendance-chronic' });
    return r.problem.code === 'forbidden' ? forbidden(reply) : reply.callNotFound();
  };

  const entity = (view: ChronicView) => ({ type: 'attendance-chronic', id: view.schoolId === 'all' ? view.district.slug : view.schoolId });

  route.get('/staff/attendance/chronic', { schema: { querystring: chronicQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const filter = parseChronicFilter(req.query);
    const r = await chronic.list(staff, filter);
    if (!r.ok) return refuse(req, reply, staff, 'attendance.chronic.view', filter, r);
    const view = r.value;
    await ctx.audit.record(staff, 'attendance.chronic.view', entity(view), req.ip, { ...chronicParams(view.filter), after: filter.after ?? null, students: view.rows.map((row) => row.studentId) });
    return reply.page((pc) => ChronicPage({ ctx: pc, view }));
  });

  // Every row of the filtered list as a spreadsheet: the same checks and scope (PRV-1); an export is a read of every student in it (PRV-2).
  route.get('/staff/attendance/chronic.csv', { schema: { querystring: chronicQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const filter = { ...parseChronicFilter(req.query), after: undefined };
    const r = await chronic.all(staff, filter);
    if (!r.ok) return refuse(req, reply, staff, 'attendance.chronic.export', filter, r);
    const { view, rows } = r.value;
    await ctx.audit.record(staff, 'attendance.chronic.export', entity(view), req.ip, { ...chronicParams(view.filter), rows: rows.length });
    const where = view.schoolId === 'all' ? view.district.slug : view.schoolId.replace(':', '-');
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="chronic-absence-${where}-${view.today}.csv"`)
      // A byte-order mark first: without it Excel reads UTF-8 as Windows-1252 and "María" turns to "MarÃ­a".
      .send(`\uFEFF${chronicCsv(view, rows, req.i18n.t)}`);
  });
}
