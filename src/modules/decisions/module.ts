import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RequestScope } from '../access/request-scope.js';
import type { Handoff } from '../applications/handoff.js';
import type { PermitRoll } from './permit-hooks.js';
import type { AttendanceRecordOf } from './attendance-hooks.js';
import { decisionRoutes } from './routes.js';
import { SchoolApprovals } from './school-approvals.js';
import { decisionSections } from './sections.js';
import { DecisionService } from './service.js';
import { DecisionDeadlines } from './sweeper.js';

/**
 * Decisions (DEC-*): the staff actions, letters and permit check; the decision parts of the
 * parent's application and student pages and of the staff request page (the two schools' panel,
 * then the permit office's); the deadlines step (DEC-4, DEC-15, DEC-17, DEC-8). Built once.
 */
export function decisionsModule(deps: Deps, built: { audit: AuditLog; scope: RequestScope; handoff: Handoff; roll: PermitRoll; attendanceRecord?: AttendanceRecordOf }): ModuleDeclaration {
  const service = new DecisionService(deps, built);
  const schools = new SchoolApprovals(deps, { repo: service.repo, readiness: service.readiness, scope: built.scope, roll: built.roll });
  const sections = decisionSections(deps, { repo: service.repo, scope: built.scope, readiness: service.readiness, schools });
  const deadlines = new DecisionDeadlines(deps, service.repo);
  return {
    name: 'decisions',
    routes: (app, pages) => decisionRoutes(app, deps, { service, schools, audit: built.audit, scope: built.scope, showRequestPage: pages.staffRequest }),
    sections: {
      applicationPage: [{ place: 'decision', load: (_req, application) => sections.applicationPage(application) }],
      studentStory: [sections.studentStory],
      staffRequestPage: [sections.schoolApprovals, sections.decisionPanel],
    },
    steps: [{ name: 'decision-deadlines', run: 'deadlines', step: async (now) => ({ ...(await deadlines.run(now)) }) }],
  };
}
