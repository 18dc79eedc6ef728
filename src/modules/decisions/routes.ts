import { sendRateLimited } from '../../platform/http/web.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { checkedValues } from '../../platform/http/forms.js';
import { answered, checkedBySubmit, handleForm, refuseProblem, refuseWhole } from '../../platform/http/form-cycle.js';
import { requireParent } from '../../platform/http/guards.js';
import { requirePermitOffice } from '../access/permit-office.js';
import { idParams, paramsOf, queryOf, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { translator } from '../../platform/i18n/translator.js';
import type { Result } from '../../platform/result.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import { schoolId } from '../districts/catalog.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RequestScope } from '../access/request-scope.js';
import type { ShowStaffRequestPage } from '../../platform/modules.js';
import { bothDistricts, letterPdf } from './letters.js';
import type { DecisionService } from './service.js';
import type { SchoolApprovals } from './school-approvals.js';
import { formatVerificationCode, normalizeVerificationCode, permitStanding, schoolYearEnd } from './rules.js';
import { localDate } from '../../platform/clock.js';
import type { DecisionForm } from './views/decision-panel.js';
import { VerifyPage } from './views/verify-page.js';

/** Staff actions on a request, the letters as PDFs (staff and parent), and the public permit check. */
export async function decisionRoutes(
  app: FastifyInstance,
  deps: Deps,
  built: { service: DecisionService; schools: SchoolApprovals; audit: AuditLog; scope: RequestScope; showRequestPage: ShowStaffRequestPage },
): Promise<void> {
  const { service, schools, audit, scope, showRequestPage } = built;
  const route = typed(app);
  const letterRoute = { schema: { params: paramsOf('id', 'decisionId') } };

  /**
   * One shape for every action: run it, audit it, and either go back to the request (303, so a
   * reload never posts twice) or show the page again with the form's problem and what was typed.
   */
  const act = (path: string, form: DecisionForm, action: string, run: (staff: SessionStaff, id: string, values: Record<string, string>) => Promise<Result<unknown>>) =>
    route.post(`/staff/requests/:id/${path}`, { schema: { params: idParams } }, async (req, reply) => {
      const staff = await requirePermitOffice(req, reply, audit);
      if (!staff) return;
      const { id } = req.params;
      return handleForm(reply, req.body, {
        parse: checkedBySubmit,
        submit: async (values) => {
          const r = await run(staff, id, values);
          if (r.ok) {
            await audit.record(staff, action, { type: 'application', id }, req.ip, { result: r.value as Record<string, unknown> });
            return r;
          }
          const p = r.problem;
          // PRV-2: not theirs to see, or not theirs to do: refused as before, and now on the record.
          await audit.refusedIf(p.code, staff, action, { type: 'application', id }, req.ip);
          if (p.code === 'not-found') return answered(reply.callNotFound());
          if (p.code === 'forbidden') return answered(reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('decisions.errors.forbidden'), message: ctx.t('decisions.errors.forbidden') }), { status: 403 }));
          // Refused as a whole (already decided, protected permit, late appeal…): say why, change nothing.
          return p.field ? refuseProblem(p) : refuseWhole(p);
        },
        render: (shown, status, refused) => showRequestPage(req, reply, staff, id, refused?.alert ? { alert: refused.alert, status } : { forms: { decisions: { [form]: shown } }, status }),
        redirectTo: () => `/staff/requests/${id}#decision-heading`,
      });
    });

  act('approve', 'approve', 'application.approve', (s, id, v) => service.approve(s, id, { school: v.school ?? '', years: v.years ?? '', renew: checkedValues(v, 'conditions').includes('renew') }));
  act('deny', 'deny', 'application.deny', (s, id, v) => service.deny(s, id, { reasons: checkedValues(v, 'deny_reasons'), note: v.deny_note ?? '', appealRight: v.appeal_right ?? '' }));
  act('request-info', 'info', 'application.request-info', (s, id, v) => service.requestInfo(s, id, { message: v.info_message ?? '', docCodes: checkedValues(v, 'info_docs'), dueOn: v.info_due ?? '' }));
  act('revoke', 'revoke', 'application.revoke', (s, id, v) => service.revoke(s, id, { reasons: checkedValues(v, 'revoke_reasons'), note: v.revoke_note ?? '' }));
  act('appeal', 'appeal', 'application.appeal', (s, id, v) => service.recordAppeal(s, id, { filedOn: v.appeal_filed_on ?? '' }));
  act('appeal-outcome', 'outcome', 'application.appeal-outcome', (s, id, v) => service.recordOutcome(s, id, { outcome: v.outcome ?? '', outcomeOn: v.outcome_on ?? '', note: v.outcome_note ?? '' }));

  // Intra-district: each school's decision (APP-1); the role comes with the form.
  for (const role of ['residence', 'requested'] as const) {
    act(`school-decision/${role}`, `school-${role}`, 'application.school-decision', (s, id, v) =>
      schools.decide(s, id, { role, decision: v[`school_decision_${role}`] ?? '', note: v[`school_note_${role}`] ?? '' }));
  }

  /** The letter as the parent received it: in the application's language. */
  const sendLetter = async (reply: FastifyReply, applicationId: string, decisionId: string) => {
    const application = await service.repo.letterRequest(applicationId);
    const decision = await service.repo.decision(deps.db, applicationId, decisionId);
    if (!decision) return reply.callNotFound();
    const district = deps.districts.get(application.district_id)!;
    const permit = decision.kind === 'approved' ? await service.repo.permit(deps.db, applicationId) : undefined;
    const school = permit ? district.schools.find((s) => schoolId(district.slug, s.code) === permit.school_id) : undefined;
    const i18n = translator(deps.catalogs, decision.language, district.timeZone);
    const pdf = await letterPdf(i18n, { district, application, decision, permit, schoolName: school?.name, schoolAddress: school?.address, verifyUrl: `${deps.config.publicUrl}/permits/verify`, ...(await bothDistricts(deps, { repo: service.repo, scope }, application, i18n.lang as 'en' | 'es')) });
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `inline; filename="${decision.kind}-${application.confirmation_number}.pdf"`)
      .header('Cache-Control', 'private, no-store')
      .send(pdf);
  };

  route.get('/staff/requests/:id/letters/:decisionId.pdf', letterRoute, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const { id, decisionId } = req.params;
    const visible = await scope.request(staff, id);
    // A letter id tried under a request of their own is as much a probe as another district's request.
    const found = visible && (await service.repo.decision(deps.db, id, decisionId));
    if (!found) {
      await audit.refused(staff, 'letter.view', { type: 'decision', id: decisionId }, req.ip, 'not-found', { application: id });
      return reply.callNotFound();
    }
    await audit.record(staff, 'letter.view', { type: 'decision', id: decisionId }, req.ip, { application: id });
    return sendLetter(reply, id, decisionId);
  });

  route.get('/applications/:id/letters/:decisionId.pdf', letterRoute, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const { id, decisionId } = req.params;
    if (!(await service.repo.isParents(id, user.id))) return reply.callNotFound();
    return sendLetter(reply, id, decisionId);
  });

  // Anyone holding a printed permit (a school office, the other district) can check it is real and still valid,
  // by typing the code or by scanning the letter's QR code, whose link carries it: a plain GET that changes nothing.
  // The code as it came, whatever its shape: what is shown back is what was typed.
  route.get('/permits/verify', { schema: { querystring: queryOf({ code: z.unknown().optional() }) } }, async (req, reply) => verify(req, reply, req.query.code));

  async function verify(req: FastifyRequest, reply: FastifyReply, asked: unknown) {
    const raw = String(asked ?? '').slice(0, 40);
    if (!raw) return reply.page((ctx) => VerifyPage({ ctx, code: '' }));
    const limit = await deps.rateLimiter.take('permit-verify.ip', req.ip);
    if (!limit.allowed) return sendRateLimited(req, reply, limit.retryAfterSeconds);
    const code = normalizeVerificationCode(raw);
    const found = /^[0-9A-Z]{10}$/.test(code) ? await service.repo.permitByCode(code) : undefined;
    const district = found ? deps.districts.get(found.district_id) : undefined;
    // A link with a code in it is no page for a search engine to keep.
    reply.header('X-Robots-Tag', 'noindex');
    return reply.page((ctx) =>
      VerifyPage({
        ctx,
        code: raw,
        result: found && district
          ? {
              // A permit whose school years have all ended is no longer valid, though never revoked.
              status: permitStanding(found, localDate(deps.clock.now(), district.timeZone)),
              code: formatVerificationCode(code),
              // Initials only: the code proves the permit, not who the student is to a stranger.
              initials: `${found.student_first_name.slice(0, 1)}. ${found.student_last_name.slice(0, 1)}.`,
              school: found.school_name ?? '—', // a release to a district not hosted here names no school of ours
              district: district.name[ctx.lang as 'en' | 'es'] ?? district.name.en,
              first: found.first_year,
              last: found.last_year,
              revokedOn: found.revoked_at ? localDate(new Date(found.revoked_at), district.timeZone) : null,
              endedOn: schoolYearEnd(found.last_year),
            }
          : null,
      }),
    );
  }
}
