import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import { applicationRoutes } from './routes.js';
import type { WithdrawnRecords } from './withdraw.js';
import type { CarriedDocuments } from './handoff.js';

/**
 * Requests of the three kinds: the forms, the application page (with the sections the other
 * modules registered for it), the student's story, withdrawals. `withdrawn`: what a withdrawal
 * ends of the decisions' records, supplied at the top by the decisions module; `carried`: the
 * documents a release takes to the receiving district, supplied by the documents module.
 */
export const applicationsModule = (deps: Deps, built: { withdrawn: WithdrawnRecords; carried: CarriedDocuments }): ModuleDeclaration => ({
  name: 'applications',
  routes: (app, pages) => applicationRoutes(app, deps, { sections: pages, withdrawn: built.withdrawn, carried: built.carried }),
});
