import type { Deps } from '../../deps.js';
import type { ApplicationsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { RequestPageForms, Section, StoryRequestFacts } from '../../platform/modules.js';
import type { PageContext } from '../../platform/views/context.js';
import { schoolId } from '../districts/catalog.js';
import { formatVerificationCode } from './rules.js';
import type { SchoolApprovals } from './school-approvals.js';
import { decisionState, type DecisionReads } from './state.js';
import { DecisionPanel, type DecisionForms } from './views/decision-panel.js';
import { ParentDecisionSection } from './views/parent-decision.js';
import { SchoolApprovalsPanel } from './views/school-approvals-panel.js';
import { StoryDecisions } from './views/story-section.js';

/** The decisions' parts of pages other modules own, registered in the module's declaration (decisions/module.ts). */
export function decisionSections(deps: Deps, built: DecisionReads & { schools: SchoolApprovals }) {
  const { repo, schools, readiness } = built;
  /** The decision forms of the staff request page shown again, if any. */
  const formsOf = (forms: RequestPageForms): DecisionForms => (forms.decisions as DecisionForms | undefined) ?? {};
  return {
    /** The parent's application page: decisions, letters, open requests for missing items. */
    async applicationPage(application: ApplicationsTable): Promise<Section> {
      const [decisions, permit, infoRequests] = await Promise.all([repo.decisions(deps.db, application.id), repo.permit(deps.db, application.id), repo.infoRequests(deps.db, application.id)]);
      const district = deps.districts.get(application.district_id)!;
      const openInfoRequests = infoRequests.filter((r) => !r.answered_at && !r.closed_at);
      const schoolName = permit ? district.schools.find((s) => schoolId(district.slug, s.code) === permit.school_id)?.name : undefined;
      return (ctx: PageContext) => ParentDecisionSection({ ctx, applicationId: application.id, district, decisions, permit, schoolName, openInfoRequests });
    },

    /** DEC-11: the request's box on the student page: its permit (with its verification code) and its letters. */
    async studentStory({ application, decisions, permit }: StoryRequestFacts): Promise<Section> {
      const shown = permit ? { ...permit, schoolName: deps.districts.schoolById(permit.school_id)?.name ?? null, code: formatVerificationCode(permit.verification_code) } : null;
      return (ctx: PageContext) => StoryDecisions({ ctx, application, decisions, permit: shown });
    },

    /** APP-1: the two schools' part of an intra-district request's staff page, or nothing for the other kinds. */
    async schoolApprovals(staff: SessionStaff, app: ApplicationsTable, forms: RequestPageForms): Promise<Section> {
      if (app.kind !== 'intra') return null;
      const f = formsOf(forms);
      const [approvals, roles, notReady] = await Promise.all([schools.list(app.id), schools.rolesFor(staff, app), readiness.check(app)]);
      const district = deps.districts.get(app.district_id)!;
      return (ctx: PageContext) => SchoolApprovalsPanel({ ctx, district, application: app, approvals, roles, notReady, forms: { 'school-residence': f['school-residence'], 'school-requested': f['school-requested'] } });
    },

    /** The permit office's decision panel of the staff request page. */
    async decisionPanel(staff: SessionStaff, app: ApplicationsTable, forms: RequestPageForms): Promise<Section> {
      const state = await decisionState(deps, built, staff, app);
      const district = deps.districts.get(staff.districtId)!;
      return (ctx: PageContext) => DecisionPanel({ ctx, district, application: app, state, forms: forms.decisions as DecisionForms | undefined });
    },
  };
}
