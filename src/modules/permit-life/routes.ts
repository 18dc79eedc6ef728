import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { answered, checkedBySubmit, handleForm, refuseProblem, refuseWhole } from '../../platform/http/form-cycle.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { setFlash } from '../../platform/http/web.js';
import type { FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { AuditLog } from '../access/audit-log.js';
import { requirePermitOffice } from '../access/permit-office.js';
import { idParams, paramsOf, typed } from '../../platform/http/route-schemas.js';
import type { ShowStaffRequestPage } from '../../platform/modules.js';
import type { PermitLifeService } from './service.js';
import { ReviewsPage } from './views/reviews-page.js';

const forbidden = (reply: FastifyReply) =>
  reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('permit-life.errors.forbidden'), message: ctx.t('permit-life.errors.forbidden') }), { status: 403 });

/** Staff actions of a permit's life: record a provisional enrollment, list and record reviews. */
export async function permitLifeRoutes(app: FastifyInstance, deps: Deps, built: { service: PermitLifeService; audit: AuditLog; showRequestPage: ShowStaffRequestPage }): Promise<void> {
  const { service, audit, showRequestPage } = built;
  const route = typed(app);

  // DEC-12: a school records the first day of attendance of a student whose incoming request is pending.
  route.post('/staff/requests/:id/provisional', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const { id } = req.params;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (values) => ({ first_day: (values.first_day ?? '').slice(0, 40) }),
      submit: async (values) => {
        const r = await service.recordProvisional(staff, id, { firstDay: (values.first_day ?? '').slice(0, 40) }, req.ip);
        if (r.ok) return r;
        const p = r.problem;
        await audit.refusedIf(p.code, staff, 'application.provisional', { type: 'application', id }, req.ip); // PRV-2
        if (p.code === 'not-found') return answered(reply.callNotFound());
        if (p.code === 'forbidden') return answered(forbidden(reply));
        return p.field ? refuseProblem(p) : refuseWhole(p);
      },
      render: (form, status, refused) => showRequestPage(req, reply, staff, id, refused?.alert ? { alert: refused.alert, status } : { forms: { 'permit-life': form }, status }),
      redirectTo: () => `/staff/requests/${id}#provisional-heading`,
    });
  });

  const reviewsPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, opts: { forms?: Record<string, FormState>; alert?: { key: string; params?: Record<string, string | number> }; status?: number } = {}) => {
    const rows = await service.dueForReview(staff);
    // PRV-2: the list is a read of every student on it.
    await audit.record(staff, 'permit.reviews.view', { type: 'permit_reviews' }, req.ip, { permits: rows.length });
    const district = deps.districts.get(staff.districtId)!;
    return reply.page(
      (ctx) => ReviewsPage({ ctx, district, rows, canRecord: service.canReview(staff), scope: staff.role === 'site_admin' ? 'schools' : 'district', forms: opts.forms, alert: opts.alert }),
      { status: opts.status ?? 200 },
    );
  };

  // DEC-14: the permits due for review; a site administrator sees their schools', everyone else the district's.
  app.get('/staff/reviews', async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    return reviewsPage(req, reply, staff);
  });

  route.post('/staff/reviews/:permitId', { schema: { params: paramsOf('permitId') } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const { permitId } = req.params;
    const reviewInput = (values: Record<string, string>) => ({ outcome: (values.outcome ?? '').slice(0, 20), note: (values.note ?? '').slice(0, 10_000) });
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: reviewInput,
      submit: async (values) => {
        const r = await service.recordReview(staff, permitId, reviewInput(values), req.ip);
        if (r.ok) return r;
        const p = r.problem;
        await audit.refusedIf(p.code, staff, 'permit.review', { type: 'permit', id: permitId }, req.ip); // PRV-2
        if (p.code === 'not-found') return answered(reply.callNotFound());
        if (p.code === 'forbidden') return answered(forbidden(reply));
        return p.field ? refuseProblem(p) : refuseWhole(p);
      },
      render: (form, status, refused) => reviewsPage(req, reply, staff, refused?.alert ? { alert: refused.alert, status } : { forms: { [permitId]: form }, status }),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'permit-life.reviews.recorded' });
        return '/staff/reviews';
      },
    });
  });
}
