import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answered, handleForm, type Parsed } from '../../platform/http/form-cycle.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { requireStaff } from '../../platform/http/guards.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { setFlash } from '../../platform/http/web.js';
import type { Problem } from '../../platform/result.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { AttendanceContext } from './context.js';
import { LimitSchema, type LimitInput, type LimitTarget, type ParentExcusedLimits } from './limits.js';
import { LimitPage, limitPath } from './views/limit-page.js';

const studentParams = paramsOf('studentId');

/** The form's values: the limit's fields, or a removal. */
type LimitForm = { action: 'remove' } | ({ action: 'set' } & LimitInput);

const parseLimit = (values: Record<string, string>): Parsed<LimitForm> => {
  if (values.action === 'remove') return { ok: true, data: { action: 'remove' } };
  const p = parseForm(LimitSchema, values);
  return p.ok ? { ok: true, data: { action: 'set', ...p.data } } : { ok: false, errors: p.form.errors };
};

/**
 * ATT-6: GET|POST /staff/attendance/students/:studentId/limit — the school's lower limit of
 * parent-excused absences for one student this school year. The attendance office (and the
 * district administrator) within their schools; a teacher is refused (403), anyone outside the
 * student's schools finds nothing (404); every refusal is audited, every read and change too.
 */
export async function limitRoutes(app: FastifyInstance, ctx: AttendanceContext, limits: ParentExcusedLimits): Promise<void> {
  const { deps, audit } = ctx;
  const route = typed(app);

  const refused = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, action: string, studentId: string, p: Problem) => {
    await audit.refused(staff, action, { type: 'student', id: studentId }, req.ip, p.code); // PRV-2
    if (p.code !== 'forbidden') return reply.callNotFound();
    return reply.page((c) => ErrorPage({ ctx: c, title: c.t('attendance-caps.limit.errors.forbidden'), message: c.t('attendance-caps.limit.errors.forbidden') }), { status: 403 });
  };

  const page = (reply: FastifyReply, target: LimitTarget, form: FormState, status = 200) =>
    reply.page(
      (c) =>
        LimitPage({
          ctx: c,
          form,
          data: { ...target, school: deps.districts.schoolById(target.schoolId)?.name ?? target.schoolId },
        }),
      { status },
    );

  const current = (t: LimitTarget): Record<string, string> => (t.limit ? { maxDays: String(t.limit.max_parent_excused), reason: t.limit.reason } : {});

  route.get('/staff/attendance/students/:studentId/limit', { schema: { params: studentParams, querystring: queryOf({ school: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId } = req.params;
    const r = await limits.view(staff, studentId, req.query.school, req.ip);
    if (!r.ok) return refused(req, reply, staff, 'attendance.limit.view', studentId, r.problem);
    return page(reply, r.value, emptyForm(current(r.value)));
  });

  route.post('/staff/attendance/students/:studentId/limit', { schema: { params: studentParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId } = req.params;
    const school = formValues(req.body).school?.slice(0, 80) || undefined;
    // Who may is decided before the form is read: a teacher's post is refused whole, whatever it holds.
    const may = await limits.target(staff, studentId, school);
    if (!may.ok) return refused(req, reply, staff, 'attendance.limit.update', studentId, may.problem);
    let removed = false;
    return handleForm(reply, req.body, {
      parse: parseLimit,
      keep: (v) => ({ maxDays: (v.maxDays ?? '').slice(0, 10), reason: (v.reason ?? '').slice(0, 600) }),
      submit: async (data) => {
        removed = data.action === 'remove';
        const r = data.action === 'remove' ? await limits.remove(staff, studentId, school, req.ip) : await limits.set(staff, studentId, school, data, req.ip);
        if (r.ok) return r;
        return answered(refused(req, reply, staff, 'attendance.limit.update', studentId, r.problem));
      },
      render: (form, status) => page(reply, may.value, form, status),
      redirectTo: async (t) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: removed ? 'attendance-caps.limit.removed' : 'attendance-caps.limit.saved' });
        return `${limitPath(studentId, t.schoolId)}`;
      },
    });
  });
}
