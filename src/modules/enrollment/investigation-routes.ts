import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answered, checkedBySubmit, handleForm, refuseProblem, refuseWhole, type Refused } from '../../platform/http/form-cycle.js';
import { requireStaff } from '../../platform/http/guards.js';
import { idParams, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { Problem } from '../../platform/result.js';
import type { RollContext } from './context.js';
import { Investigations, REASON_MAX } from './investigations.js';
import { InvestigationOpenPage } from './views/investigation-open-page.js';
import { InvestigationPage, type InvestigationForms } from './views/investigation-page.js';
import { InvestigationsPage } from './views/investigations-page.js';

const forbiddenPage = (reply: FastifyReply) =>
  reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('investigations.errors.forbidden'), message: ctx.t('investigations.errors.forbidden') }), { status: 403 });

/** The log form's fields as the contact log names them. */
const STEP_FIELDS: Record<string, string> = { contactedAt: 'step_when', method: 'step_method', reached: 'step_reached', outcome: 'step_outcome', note: 'step_note' };

/**
 * ENR-6: the office's pages of address investigations — open one on an active enrollment, the
 * school's open investigations, one investigation with its log of due diligence and its closing
 * form. Every read and change is audited (PRV-2), every refusal too; outside the office's schools
 * an investigation is "not found".
 */
export async function investigationRoutes(app: FastifyInstance, ctx: RollContext, service: Investigations): Promise<void> {
  const { audit, deps } = ctx;
  const route = typed(app);

  /** Answers an access refusal (audited) and returns true; false for a problem of the input. */
  const refusedAccess = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, p: Problem, action: string, entity: { type: string; id: string }) => {
    if (p.code !== 'not-found' && p.code !== 'forbidden') return false;
    await audit.refused(staff, action, entity, req.ip, p.code);
    if (p.code === 'not-found') await reply.callNotFound();
    else await forbiddenPage(reply);
    return true;
  };

  /** What a refusal on an investigation is about: its enrollment (so the audit files it under the record's district), else the id tried. */
  const aboutInvestigation = async (id: string) => {
    const row = await deps.db.selectFrom('investigations').select('enrollment_id').where('id', '=', id).executeTakeFirst();
    return row ? { type: 'enrollment', id: row.enrollment_id } : { type: 'investigation', id };
  };

  // --- Open an investigation on an active enrollment ---
  const openPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, enrollmentId: string, form: FormState, status = 200, alert?: Refused['alert']) => {
    const e = await ctx.scope.enrollment(staff, enrollmentId);
    if (!e || !(await ctx.scope.hasSchool(staff, e.school_id))) {
      await audit.refused(staff, 'roll.investigation.open', { type: 'enrollment', id: enrollmentId }, req.ip, 'not-found');
      return reply.callNotFound();
    }
    const s = await deps.db.selectFrom('students').select(['id', 'first_name', 'last_name']).where('id', '=', e.student_id).executeTakeFirstOrThrow();
    const school = deps.districts.schoolById(e.school_id)?.name ?? e.school_id;
    return reply.page((c) => InvestigationOpenPage({ ctx: c, form, enrollment: e, student: { id: s.id, name: `${s.first_name} ${s.last_name}` }, school, reasonMax: REASON_MAX, alert }), { status });
  };

  route.get('/staff/roll/enrollments/:id/investigations', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    if (!(await ctx.scope.enrollment(staff, req.params.id))) {
      await audit.refused(staff, 'roll.investigation.open', { type: 'enrollment', id: req.params.id }, req.ip, 'not-found');
      return reply.callNotFound();
    }
    if (!service.canInvestigate(staff)) {
      await audit.refused(staff, 'roll.investigation.open', { type: 'enrollment', id: req.params.id }, req.ip, 'forbidden');
      return forbiddenPage(reply);
    }
    return openPage(req, reply, staff, req.params.id, emptyForm());
  });

  route.post('/staff/roll/enrollments/:id/investigations', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { id } = req.params;
    const keep = (v: Record<string, string>) => ({ reason: (v.reason ?? '').slice(0, REASON_MAX + 100), school_error: v.school_error === 'yes' ? 'yes' : '' });
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep,
      submit: async (values) => {
        const r = await service.open(staff, id, { reason: values.reason ?? '', schoolError: values.school_error === 'yes' }, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'roll.investigation.open', { type: 'enrollment', id })) return answered(reply);
        return r.problem.field ? refuseProblem(r.problem) : refuseWhole(r.problem);
      },
      render: (form, status, refused) => openPage(req, reply, staff, id, form, status, refused?.alert),
      redirectTo: async (inv) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'investigations.flash.opened' });
        return `/staff/roll/investigations/${inv.id}`;
      },
    });
  });

  // --- A school's open investigations (the report) ---
  route.get('/staff/roll/investigations', { schema: { querystring: queryOf({ school: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const district = deps.districts.get(staff.districtId)!;
    const schools = await ctx.scope.schoolIdsIn(staff, district);
    const schoolId = req.query.school ?? schools[0] ?? '';
    const r = await service.openAt(staff, schoolId);
    if (!r.ok) {
      await refusedAccess(req, reply, staff, r.problem, 'roll.investigations.view', { type: 'school', id: schoolId });
      return reply;
    }
    // PRV-2: the list is a read of every student on it.
    await audit.record(staff, 'roll.investigations.view', { type: 'school', id: schoolId }, req.ip, { investigations: r.value.length });
    const options = schools.map((id) => [id, deps.districts.schoolById(id)!.name] as [string, string]);
    return reply.page((c) => InvestigationsPage({ ctx: c, rows: r.value, schoolId, schools: options }));
  });

  // --- One investigation: its log and its closing ---
  const investigationPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, id: string, forms: InvestigationForms = {}, status = 200, alert?: Refused['alert']) => {
    const r = await service.get(staff, id);
    if (!r.ok) {
      await refusedAccess(req, reply, staff, r.problem, 'roll.investigation.view', await aboutInvestigation(id));
      return reply;
    }
    const v = r.value;
    await audit.record(staff, 'roll.investigation.view', { type: 'enrollment', id: v.enrollment.id }, req.ip, { investigation: id });
    const district = deps.districts.get(v.investigation.district_id)!;
    const school = deps.districts.schoolById(v.investigation.school_id)?.name ?? v.investigation.school_id;
    return reply.page((c) => InvestigationPage({ ctx: c, view: v, school, timeZone: district.timeZone, now: deps.clock.now(), forms, alert }), { status });
  };

  route.get('/staff/roll/investigations/:id', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    return investigationPage(req, reply, staff, req.params.id);
  });

  // Closing: the finding and the choice it allows.
  route.post('/staff/roll/investigations/:id', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { id } = req.params;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (v) => ({ outcome: (v.outcome ?? '').slice(0, 40), choice: (v.choice ?? '').slice(0, 40), closing_note: (v.closing_note ?? '').slice(0, 2100) }),
      submit: async (values) => {
        const r = await service.close(staff, id, { outcome: values.outcome ?? '', choice: values.choice ?? '', note: values.closing_note }, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'roll.investigation.close', await aboutInvestigation(id))) return answered(reply);
        return r.problem.field ? refuseProblem(r.problem) : refuseWhole(r.problem);
      },
      render: (form, status, refused) => investigationPage(req, reply, staff, id, refused?.alert ? {} : { close: form }, status, refused?.alert),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'investigations.flash.closed' });
        return `/staff/roll/investigations/${id}`;
      },
    });
  });

  // A due-diligence step, in the contact log.
  route.post('/staff/roll/investigations/:id/contacts', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { id } = req.params;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (v) => Object.fromEntries(Object.values(STEP_FIELDS).map((f) => [f, (v[f] ?? '').slice(0, 2100)])),
      submit: async (values) => {
        const r = await service.logStep(staff, id, {
          contactedAt: values.step_when ?? '',
          method: values.step_method ?? '',
          reached: values.step_reached,
          outcome: values.step_outcome ?? '',
          note: values.step_note,
        }, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'roll.investigation.step', await aboutInvestigation(id))) return answered(reply);
        const p = r.problem;
        return p.field ? refuseProblem(p, STEP_FIELDS[p.field] ?? 'step_when') : refuseWhole(p);
      },
      render: (form, status, refused) => investigationPage(req, reply, staff, id, refused?.alert ? {} : { log: form }, status, refused?.alert),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'investigations.flash.stepLogged' });
        return `/staff/roll/investigations/${id}#steps-heading`;
      },
    });
  });
}
