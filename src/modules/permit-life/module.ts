import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RequestScope } from '../access/request-scope.js';
import type { RollFirstDay } from './roll-first-day.js';
import { permitLifeRoutes } from './routes.js';
import { permitLifeSections } from './sections.js';
import { PermitLifeService } from './service.js';
import { PermitLifeSweep } from './sweep.js';

/**
 * A permit's life (DEC-11, DEC-12, DEC-14): its staff routes, its sections of the parent's
 * application and student pages and of the staff request page, and its daily step (provisional
 * enrollments ending, renewals coming). Built once.
 */
export function permitLifeModule(deps: Deps, built: { audit: AuditLog; scope: RequestScope; firstDay: RollFirstDay }): ModuleDeclaration {
  const service = new PermitLifeService(deps, built);
  const sections = permitLifeSections(service);
  const sweep = new PermitLifeSweep(deps, service.repo);
  return {
    name: 'permit-life',
    routes: (app, pages) => permitLifeRoutes(app, deps, { service, audit: built.audit, showRequestPage: pages.staffRequest }),
    sections: {
      applicationPage: [{ place: 'decision', load: (_req, application) => sections.applicationPage(application) }],
      studentStory: [({ application }) => sections.studentStory(application)],
      staffRequestPage: [sections.staffRequestPage],
    },
    steps: [{ name: 'permit-life', run: 'deadlines', step: async (now) => ({ ...(await sweep.runAll(now)) }) }],
  };
}
