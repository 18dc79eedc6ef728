import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answered, checkedBySubmit, handleForm, refuseProblem, refuseWhole, type Submitted } from '../../platform/http/form-cycle.js';
import { requireStaff } from '../../platform/http/guards.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { setFlash } from '../../platform/http/web.js';
import type { Result } from '../../platform/result.js';
import type { FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { RollContext } from './context.js';
import { noShowExitCode, noShowsAt, type NoShows } from './no-shows.js';
import { NoShowsPage } from './views/no-shows-page.js';

const forbidden = (reply: FastifyReply) =>
  reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('no-shows.errors.forbidden'), message: ctx.t('no-shows.errors.forbidden') }), { status: 403 });

/** WDR-3: the school's no-show list (GET /staff/roll/no-shows?school=) and its two forms per student. */
export async function noShowRoutes(app: FastifyInstance, ctx: RollContext, noShows: NoShows): Promise<void> {
  const route = typed(app);

  type Shown = { forms?: Record<string, FormState>; alert?: { key: string; params?: Record<string, string | number> }; status?: number };

  /** The list of one school (the one asked for, else the staff member's first), or the answer that says why not. */
  const listPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, asked: string | undefined, shown: Shown = {}) => {
    if (!noShows.mayOpen(staff)) {
      await ctx.audit.refused(staff, 'roll.no-shows.view', { type: 'school', id: asked ?? null }, req.ip, 'forbidden');
      return forbidden(reply);
    }
    const district = ctx.deps.districts.get(staff.districtId);
    const schools = await noShows.schools(staff);
    if (!district || schools.length === 0) return reply.callNotFound();
    const schoolId = asked ?? `${district.slug}:${schools[0].code}`;
    const r = await noShows.list(staff, schoolId, req.ip);
    if (!r.ok) return r.problem.code === 'forbidden' ? forbidden(reply) : reply.callNotFound();
    return reply.page(
      (page) => NoShowsPage({ ctx: page, district, schools, schoolId, rows: r.value, at: noShowsAt(district), exitCode: noShowExitCode(district), forms: shown.forms, alert: shown.alert }),
      { status: shown.status ?? 200 },
    );
  };

  route.get('/staff/roll/no-shows', { schema: { querystring: queryOf({ school: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    return listPage(req, reply, staff, req.query.school);
  });

  /** The school a form's enrollment belongs to, for showing its list again (its own scope is checked by the service). */
  const schoolOf = async (enrollmentId: string): Promise<string | undefined> =>
    (await ctx.deps.db.selectFrom('no_shows').select('school_id').where('enrollment_id', '=', enrollmentId).executeTakeFirst())?.school_id;

  /** A service's answer as the form cycle takes it: not found and forbidden answered here; anything else beside its field. */
  const outcome = async (reply: FastifyReply, r: Result<{ schoolId: string }>): Promise<Submitted<{ schoolId: string }>> => {
    if (r.ok) return r;
    const p = r.problem;
    if (p.code === 'not-found') return answered(reply.callNotFound());
    if (p.code === 'forbidden') return answered(forbidden(reply));
    return p.field ? refuseProblem(p) : refuseWhole(p);
  };

  // The student came after all: the first day in the seat (ENR-3) takes the student off the list.
  route.post('/staff/roll/no-shows/:enrollmentId/came', { schema: { params: paramsOf('enrollmentId') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { enrollmentId } = req.params;
    const keep = (v: Record<string, string>) => ({ entry_date: (v.entry_date ?? '').slice(0, 40) });
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep,
      submit: async (values) => outcome(reply, await noShows.came(staff, enrollmentId, keep(values).entry_date, req.ip)),
      render: async (form, status, refused) => listPage(req, reply, staff, await schoolOf(enrollmentId), refused?.alert ? { alert: refused.alert, status } : { forms: { [`${enrollmentId}:came`]: form }, status }),
      redirectTo: async ({ schoolId }) => {
        await setFlash(req, ctx.deps.sessions, { type: 'success', messageKey: 'no-shows.came.done' });
        return `/staff/roll/no-shows?school=${encodeURIComponent(schoolId)}`;
      },
    });
  });

  // WDR-3: one contact attempt of the no-show's follow-up, in the contact log.
  route.post('/staff/roll/no-shows/:enrollmentId/contacts', { schema: { params: paramsOf('enrollmentId') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { enrollmentId } = req.params;
    const keep = (v: Record<string, string>) => ({
      contacted_at: (v.contacted_at ?? '').slice(0, 40),
      method: (v.method ?? '').slice(0, 40),
      reached: (v.reached ?? '').slice(0, 400),
      outcome: (v.outcome ?? '').slice(0, 40),
      note: (v.note ?? '').slice(0, 4000),
    });
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep,
      submit: async (values) => {
        const v = keep(values);
        return outcome(reply, await noShows.logContact(staff, enrollmentId, { contactedAt: v.contacted_at, method: v.method, reached: v.reached, outcome: v.outcome, note: v.note }, req.ip));
      },
      render: async (form, status, refused) => listPage(req, reply, staff, await schoolOf(enrollmentId), refused?.alert ? { alert: refused.alert, status } : { forms: { [`${enrollmentId}:contact`]: form }, status }),
      redirectTo: async ({ schoolId }) => {
        await setFlash(req, ctx.deps.sessions, { type: 'success', messageKey: 'no-shows.contact.done' });
        return `/staff/roll/no-shows?school=${encodeURIComponent(schoolId)}#no-show-${enrollmentId}`;
      },
    });
  });
}
