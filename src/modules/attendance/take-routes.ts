import type { PageContext } from '../../platform/views/context.js';
import { pickLanguage } from '../../platform/http/web.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answered, checkedBySubmit, handleForm, type Refused, type Submitted } from '../../platform/http/form-cycle.js';
import { requireStaff } from '../../platform/http/guards.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { setFlash } from '../../platform/http/web.js';
import type { FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import { presentCode } from './codes.js';
import type { AttendanceContext } from './context.js';
import { notSubmitted } from './not-submitted.js';
import { PAPER_RECORD_MAX, REASON_MAX, type MarkInput, type MarkView, type RosterInput, type RosterView, type Submit, type Taking } from './take.js';
import { MarkChangePage, markHref, markValues } from './views/mark-change.js';
import { NotSubmittedPage } from './views/not-submitted.js';
import { RosterPage, rosterValues } from './views/roster-form.js';
import { rosterHref, TodayPage } from './views/today.js';

const forbidden = (reply: FastifyReply) =>
  reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('attendance-take.errors.forbidden'), message: ctx.t('attendance-take.errors.forbidden') }), { status: 403 });

/** What a roster form sent: each student's mark by id (`mark-<id>`, `minutes-<id>`) and the form's own fields. */
function rosterInput(values: Record<string, string>): RosterInput {
  const marks = new Map<string, { code: string; minutes: string }>();
  for (const [k, v] of Object.entries(values)) {
    if (!k.startsWith('mark-')) continue;
    const id = k.slice(5);
    if (!id || id.length > 64 || marks.size >= 500) continue;
    marks.set(id, { code: v.slice(0, 20), minutes: (values[`minutes-${id}`] ?? '').slice(0, 10) });
  }
  return { marks, seen: (values.seen ?? '').slice(0, 40), reason: (values.reason ?? '').slice(0, REASON_MAX + 100), paperRecord: (values.paperRecord ?? '').slice(0, PAPER_RECORD_MAX + 100) };
}

/** What is shown again after a refusal: the marks as they were chosen, and the form's fields. */
const keepRoster = (values: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('mark-') || k.startsWith('minutes-') || k === 'seen' || k === 'reason' || k === 'paperRecord').slice(0, 1100).map(([k, v]) => [k, v.slice(0, 600)]));

/**
 * ATT-1, ATT-7: taking attendance — the day's sections (GET /staff/attendance), a section's roster
 * on a day (GET and POST /staff/attendance/sections/:sectionId/days/:date), the office's change
 * of one mark (GET and POST /staff/attendance/students/:studentId/marks/:sectionId/:date) and the
 * "attendance not submitted" report. Every read and change audited (PRV-2), every refusal too;
 * outside the reader's sections or schools, "not found" (PRV-1).
 */
export async function takeRoutes(app: FastifyInstance, ctx: AttendanceContext, taking: Taking): Promise<void> {
  const { audit, deps } = ctx;
  const route = typed(app);

  const notFound = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, action: string, entity: { type: string; id: string | null }, detail: Record<string, unknown> = {}) => {
    await audit.refused(staff, action, entity, req.ip, 'not-found', detail);
    return reply.callNotFound();
  };

  /** The answer to a submit refused for access: audited, then "not found" or "your role cannot". */
  const refusedAccess = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, access: 'not-found' | 'forbidden', action: string, entity: { type: string; id: string }, detail: Record<string, unknown>) => {
    await audit.refused(staff, action, entity, req.ip, access, detail);
    return access === 'forbidden' ? forbidden(reply) : reply.callNotFound();
  };

  /** A service's answer as the form cycle takes it. */
  const asSubmitted = async <T>(req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, r: Submit<T>, action: string, entity: { type: string; id: string }, detail: Record<string, unknown>): Promise<Submitted<T>> => {
    if (r.ok) return r;
    if (r.access) return answered(refusedAccess(req, reply, staff, r.access, action, entity, detail));
    const refused: Refused = { ok: false, errors: r.errors, status: r.status, alert: r.alert };
    return refused;
  };

  // --- The day's sections (ATT-1) ---
  route.get('/staff/attendance', { schema: { querystring: queryOf({ school: queryValue, date: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const r = await taking.today(staff, { school: req.query.school, date: req.query.date });
    if (!r.ok) return notFound(req, reply, staff, 'attendance.today', { type: 'school', id: req.query.school ?? null });
    await audit.record(staff, 'attendance.today', { type: 'school', id: r.value.schoolId }, req.ip, { date: r.value.date, sections: r.value.rows.length }); // PRV-2
    return reply.page((c) => TodayPage({ ctx: c, view: r.value }));
  });

  // --- "Attendance not submitted" (ATT-1) ---
  route.get('/staff/attendance/not-submitted', { schema: { querystring: queryOf({ school: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const asked = req.query.school || undefined;
    const r = await notSubmitted(ctx, staff, asked);
    if (!r.ok) {
      await audit.refused(staff, 'attendance.not-submitted', { type: 'school', id: asked ?? null }, req.ip, r.problem.code);
      return r.problem.code === 'forbidden' ? forbidden(reply) : reply.callNotFound();
    }
    await audit.record(staff, 'attendance.not-submitted', { type: 'school', id: r.value.schoolId }, req.ip, { date: r.value.date, sections: r.value.rows.length }); // PRV-2
    return reply.page((c) => NotSubmittedPage({ ctx: c, view: r.value }));
  });

  // --- A section's roster on a day (ATT-1, ATT-7) ---
  const dayParams = paramsOf('sectionId', 'date');
  const rosterPage = async (reply: FastifyReply, staff: SessionStaff, sectionId: string, date: string, shown?: { form?: FormState; status: number; alert?: Refused['alert'] }, read?: RosterView, done?: PageContext['flash']) => {
    const r = read ? { ok: true as const, value: read } : await taking.roster(staff, sectionId, date);
    if (!r.ok) return reply.callNotFound();
    const view = r.value;
    const form = shown?.form ?? { values: rosterValues(view, presentCode(view.district).code), errors: {} };
    return reply.page((c) => RosterPage({ ctx: done ? { ...c, flash: done } : c, view, form, allCodes: view.district.attendanceCodes.codes, alert: shown?.alert }), { status: shown?.status ?? 200 });
  };

  route.get('/staff/attendance/sections/:sectionId/days/:date', { schema: { params: dayParams, querystring: queryOf({ done: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { sectionId, date } = req.params;
    const r = await taking.roster(staff, sectionId, date);
    if (!r.ok) return notFound(req, reply, staff, 'attendance.roster', { type: 'section', id: sectionId }, { date: date.slice(0, 20) });
    await audit.record(staff, 'attendance.roster', { type: 'section', id: sectionId }, req.ip, { date, read: true, students: r.value.students.length }); // PRV-2
    // Back from a submit (?done=<marks changed>): said only when the roster is submitted indeed.
    const changed = Number.parseInt(req.query.done ?? '', 10);
    const done = r.value.submission && Number.isInteger(changed) && changed >= 0 ? { type: 'success' as const, messageKey: changed > 0 ? 'attendance-take.roster.done-changed' : 'attendance-take.roster.done', params: { count: String(changed) } } : null;
    return rosterPage(reply, staff, sectionId, date, undefined, r.value, done);
  });

  route.post('/staff/attendance/sections/:sectionId/days/:date', { schema: { params: dayParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { sectionId, date } = req.params;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: keepRoster,
      submit: async (values) =>
        asSubmitted(req, reply, staff, await taking.submit(staff, sectionId, date, rosterInput(values), req.ip), 'attendance.roster', { type: 'section', id: sectionId }, { date: date.slice(0, 20) }),
      // A refusal of the day as a whole shows the roster as it is now, with why.
      render: async (form, status, refused) => rosterPage(reply, staff, sectionId, date, refused?.alert ? { status, alert: refused.alert } : { form, status }),
      // The confirmation rides on the address, not on the session: a roster is the product's busiest
      // write, and a session write would be a second commit of its own, outside the group commit.
      redirectTo: async (r) => `${rosterHref(sectionId, date)}?done=${r.changed}`,
    });
  });

  // --- The office changes one mark later (ATT-7) ---
  const markParams = paramsOf('studentId', 'sectionId', 'date');
  const markPage = async (reply: FastifyReply, staff: SessionStaff, p: { studentId: string; sectionId: string; date: string }, shown?: { form: FormState; status: number }, read?: MarkView) => {
    const r = read ? { ok: true as const, value: read } : await taking.mark(staff, p.studentId, p.sectionId, p.date);
    if (!r.ok) return r.problem.code === 'forbidden' ? forbidden(reply) : reply.callNotFound();
    const view = r.value;
    return reply.page((c) => MarkChangePage({ ctx: c, view, form: shown?.form ?? { values: markValues(view), errors: {} }, allCodes: view.district.attendanceCodes.codes }), { status: shown?.status ?? 200 });
  };

  route.get('/staff/attendance/students/:studentId/marks/:sectionId/:date', { schema: { params: markParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId, sectionId, date } = req.params;
    const r = await taking.mark(staff, studentId, sectionId, date);
    if (!r.ok) return refusedAccess(req, reply, staff, r.problem.code === 'forbidden' ? 'forbidden' : 'not-found', 'attendance.mark', { type: 'student', id: studentId }, { section: sectionId, date: date.slice(0, 20) });
    await audit.record(staff, 'attendance.mark', { type: 'student', id: studentId }, req.ip, { section: sectionId, date, read: true }); // PRV-2
    return markPage(reply, staff, req.params, undefined, r.value);
  });

  route.post('/staff/attendance/students/:studentId/marks/:sectionId/:date', { schema: { params: markParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId, sectionId, date } = req.params;
    const keep = (v: Record<string, string>) => ({
      code: (v.code ?? '').slice(0, 20),
      minutes: (v.minutes ?? '').slice(0, 10),
      reason: (v.reason ?? '').slice(0, REASON_MAX + 100),
      paperRecord: (v.paperRecord ?? '').slice(0, PAPER_RECORD_MAX + 100),
    });
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep,
      submit: async (values) => {
        const input: MarkInput = keep(values);
        return asSubmitted(req, reply, staff, await taking.changeMark(staff, studentId, sectionId, date, input, req.ip, pickLanguage(deps.catalogs, req)), 'attendance.mark', { type: 'student', id: studentId }, { section: sectionId, date: date.slice(0, 20) });
      },
      render: async (form, status) => markPage(reply, staff, req.params, { form, status }),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'attendance-take.mark.done' });
        return markHref(studentId, sectionId, date);
      },
    });
  });
}
