import type { Deps } from '../../deps.js';
import type { ApplicationsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { PageContext } from '../../platform/views/context.js';
import { SchoolApprovals } from './school-approvals.js';
import { decisionReadiness } from './readiness.js';
import type { DecisionForms } from './views/decision-panel.js';
import { SchoolApprovalsPanel } from './views/school-approvals-panel.js';

/** The two schools' part of an intra-district request's page, or nothing for the other kinds. */
export async function schoolApprovalsSection(deps: Deps, staff: SessionStaff, app: ApplicationsTable, forms: DecisionForms) {
  if (app.kind !== 'intra') return null;
  const service = new SchoolApprovals(deps);
  const [approvals, roles, notReady] = await Promise.all([service.list(app.id), service.rolesFor(staff, app), decisionReadiness(deps, app)]);
  const district = deps.districts.get(app.district_id)!;
  return (ctx: PageContext) => SchoolApprovalsPanel({ ctx, district, application: app, approvals, roles, notReady, forms: { 'school-residence': forms['school-residence'], 'school-requested': forms['school-requested'] } });
}
