import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { FormState } from '../../platform/views/context.js';
import { decisionState } from '../decisions/state.js';
import { DecisionPanel, type DecisionForms } from '../decisions/views/decision-panel.js';
import { AuditLog } from '../access/audit-log.js';
import { RequestViews } from './request-view.js';
import { RequestPage } from './views/request-page.js';
import { permitLifeStaffSection } from '../permit-life/sections.js';
import { schoolApprovalsSection } from '../decisions/school-approvals-section.js';

/**
 * A request's page, with its decision panel. Shown on GET, and again (status 400 or 409) when a
 * decision form has something wrong, keeping what was typed. Another district's request, or one
 * outside a site administrator's schools, is a 404 (PRV-1). Every showing is audited, and so is
 * every refusal (PRV-2).
 */
export async function showRequest(deps: Deps, req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, id: string, opts: { forms?: DecisionForms; studentNumberForm?: FormState; permitLifeForm?: FormState; status?: number; alert?: { key: string; params?: Record<string, string | number> } } = {}) {
  const r = await new RequestViews(deps).view(staff, id);
  const audit = new AuditLog(deps.db, deps.clock, deps.writer);
  if (!r.ok) {
    await audit.refused(staff, 'application.view', { type: 'application', id }, req.ip, r.problem.code); // PRV-2: the probe leaves a trace
    return reply.callNotFound();
  }
  await audit.record(staff, 'application.view', { type: 'application', id }, req.ip);
  const district = deps.districts.get(staff.districtId)!;
  const state = await decisionState(deps, staff, r.value.application);
  const life = await permitLifeStaffSection(deps, staff, r.value.application, opts.permitLifeForm); // DEC-12, DEC-14
  const schools = await schoolApprovalsSection(deps, staff, r.value.application, opts.forms ?? {});
  return reply.page(
    (ctx) => RequestPage({ ctx, district, view: r.value, alert: opts.alert, studentNumberForm: opts.studentNumberForm, canEdit: state.canDecide, panel: [schools?.(ctx), DecisionPanel({ ctx, district, application: r.value.application, state, forms: opts.forms }), life?.(ctx)] }),
    { status: opts.status ?? 200 },
  );
}
