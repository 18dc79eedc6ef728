import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import { applicationRoutes } from './routes.js';
import type { WithdrawnRecords } from './withdraw.js';
import type { Handoff } from './handoff.js';

/**
 * Requests of the three kinds: the forms, the application page (with the sections the other
 * modules registered for it), the student's story, withdrawals. `withdrawn`: what a withdrawal
 * ends of the decisions' records, supplied at the top by the decisions module; `handoff`: a release
 * handed to the receiving district with the documents it carries, built once at the top.
 */
export const applicationsModule = (deps: Deps, built: { withdrawn: WithdrawnRecords; handoff: Handoff }): ModuleDeclaration => ({
  name: 'applications',
  routes: (app, pages) => applicationRoutes(app, deps, { sections: pages, withdrawn: built.withdrawn, handoff: built.handoff }),
});
