import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RequestScope } from '../access/request-scope.js';
import type { RequestViews } from './request-view.js';
import { staffRoutes } from './routes.js';

/** The staff office's own pages: sign-in, queue, request page, dashboard, team, documents, audit. */
export const staffModule = (deps: Deps, built: { audit: AuditLog; scope: RequestScope; views: RequestViews }): ModuleDeclaration => ({
  name: 'staff',
  routes: (app, pages) => staffRoutes(app, deps, { ...built, showRequestPage: pages.staffRequest }),
});
