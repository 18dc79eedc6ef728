import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { requireParent } from '../../platform/http/guards.js';
import { idParams, queryOf, queryValue, slugParams, typed } from '../../platform/http/route-schemas.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import type { Result } from '../../platform/result.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import type { ApplicationsService, StudentForApplication } from './service.js';
import { OutgoingRequests } from './outgoing.js';
import { IntraRequests } from './intra.js';
import type { Withdrawals } from './withdraw.js';
import type { Handoff } from './handoff.js';
import { IntraApplicationSchema, OutgoingApplicationSchema } from './validation.js';
import { ReleaseFormPage } from './views/release-form-page.js';
import { TransferFormPage } from './views/transfer-form-page.js';
import { firstValues, handleRequestForm, requestFormContext } from './request-form.js';
import type { Submitted } from './submit-pipeline.js';

/** A kind's form: the district in the path, the student in the link (`?student=`) or the form. */
const formRoute = { schema: { params: slugParams, querystring: queryOf({ student: queryValue }) } };

/**
 * The forms of the other two kinds (APP-1): a release asked of the district of residence, and
 * another school of that district. Each is one page — guidelines, agreement and fields — for
 * one student, named in the link and carried by the form.
 */
export async function kindRoutes(app: FastifyInstance, deps: Deps, service: ApplicationsService, withdrawals: Withdrawals, handoff: Handoff): Promise<void> {
  const outgoing = new OutgoingRequests(deps, service, handoff);
  const intra = new IntraRequests(deps, service);
  const route = typed(app);

  const context = (req: FastifyRequest, reply: FastifyReply, slug: string, studentInQuery: string | undefined) =>
    requestFormContext(req, reply, service, slug, studentInQuery, async (userId, named) => (named ? service.student(userId, named) : undefined), () => '/students');

  /** A kind's page: shown with its first values; its POST through the one request-form cycle. */
  const kindPage = <D>(kind: 'outgoing' | 'intra', page: {
    years: (district: DistrictConfig) => string[];
    schema: z.ZodType<D>;
    submit: (account: { id: string; email: string }, districtSlug: string, studentId: string, data: D, language: string) => Promise<Result<Submitted>>;
    show: (reply: FastifyReply, district: DistrictConfig, student: StudentForApplication, form: FormState, status?: number) => unknown;
  }) => {
    route.get(`/apply/:slug/${kind}`, formRoute, async (req, reply) => {
      const c = await context(req, reply, req.params.slug, req.query.student);
      if (!c) return;
      return page.show(reply, c.district, c.student, emptyForm(firstValues(page.years(c.district), c.student, c.user.email)));
    });
    route.post(`/apply/:slug/${kind}`, formRoute, async (req, reply) => {
      const c = await context(req, reply, req.params.slug, req.query.student);
      if (!c) return;
      return handleRequestForm(
        reply,
        req.body,
        page.schema,
        (data) => page.submit(c.user, c.district.slug, c.student.id, data, req.i18n.lang),
        (form, status) => page.show(reply, c.district, c.student, form, status),
      );
    });
  };

  // Outgoing: a release from the district of residence (DEC-5, DEC-17).
  kindPage('outgoing', {
    years: (district) => outgoing.formYears(district),
    schema: OutgoingApplicationSchema,
    submit: (...args) => outgoing.submit(...args),
    show: (reply, district, student, form, status = 200) =>
      reply.page((ctx) => ReleaseFormPage({ ctx, district, student, openYears: outgoing.formYears(district), today: service.today(district), receiving: outgoing.receivingDistricts(district), form }), { status }),
  });

  // Intra-district: another school of the district of residence.
  kindPage('intra', {
    years: (district) => intra.openYears(district),
    schema: IntraApplicationSchema,
    submit: (...args) => intra.submit(...args),
    show: async (reply, district, student, form, status = 200) => {
      const home = await service.residence(student, district, form.values.grade_requested || student.current_grade);
      const residence = home.ok ? district.schools.find((s) => s.code === home.value.schoolCode) : undefined;
      return reply.page((ctx) => TransferFormPage({ ctx, district, student, openYears: intra.openYears(district), today: service.today(district), residence, form }), { status });
    },
  });

  // A parent withdraws a request (and with a release, the request it became elsewhere).
  route.post('/applications/:id/withdraw', { schema: { params: idParams } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const { id } = req.params;
    const r = await withdrawals.withdraw(user.id, id);
    if (!r.ok && r.problem.code === 'not-found') return reply.callNotFound();
    const flash = r.ok ? 'withdrawn' : 'notWithdrawable';
    return reply.redirect(`/applications/${id}?notice=${flash}`, 303);
  });
}
