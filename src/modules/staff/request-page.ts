import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { FormState } from '../../platform/views/context.js';
import type { Section, ShowStaffRequestPage, StaffRequestPageOptions, StaffRequestSection } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import { canChangeRecords } from '../access/roles.js';
import type { RequestViews } from './request-view.js';
import { RequestPage } from './views/request-page.js';

/**
 * The staff request page, built once at the top from the sections the modules registered
 * (decisions' school approvals and decision panel, then the permit's life). Shown on GET, and
 * again (status 400 or 409) when a form on it has something wrong, keeping what was typed: its
 * module reads its own form from `forms` (this module's student ID form is `forms.staff`).
 * Another district's request, or one outside a site administrator's schools, is a 404 (PRV-1).
 * Every showing is audited, and so is every refusal (PRV-2).
 */
export function staffRequestPage(deps: Deps, built: { audit: AuditLog; views: RequestViews }, sections: readonly StaffRequestSection[]): ShowStaffRequestPage {
  const { audit, views } = built;
  return async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, id: string, opts: StaffRequestPageOptions = {}) => {
    const r = await views.view(staff, id);
    if (!r.ok) {
      await audit.refused(staff, 'application.view', { type: 'application', id }, req.ip, r.problem.code); // PRV-2: the probe leaves a trace
      return reply.callNotFound();
    }
    await audit.record(staff, 'application.view', { type: 'application', id }, req.ip);
    const district = deps.districts.get(staff.districtId)!;
    const forms = opts.forms ?? {};
    const shown: Section[] = [];
    for (const section of sections) shown.push(await section(staff, r.value.application, forms));
    return reply.page(
      (ctx) => RequestPage({ ctx, district, view: r.value, alert: opts.alert, studentNumberForm: forms.staff as FormState | undefined, canEdit: canChangeRecords(staff), panel: shown.map((s) => s?.(ctx)) }),
      { status: opts.status ?? 200 },
    );
  };
}
