import type { Deps } from '../../deps.js';
import type { ModuleDeclaration, ReportDeclaration } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RequestScope } from '../access/request-scope.js';
import { canSearchAudit, canSeeRequests } from '../access/roles.js';
import type { RequestViews } from './request-view.js';
import { reportsRoutes } from './reports-routes.js';
import { staffRoutes } from './routes.js';

/**
 * The staff office's reports: the queue as a spreadsheet and the dashboard, for every role of the
 * permit office, each scoped as the queue is (not a school's roles, PRV-1); the audit log (PRV-2).
 */
export const staffReports: ReportDeclaration[] = [
  { id: 'queue-csv', titleKey: 'reports.staff.queueCsv.title', descriptionKey: 'reports.staff.queueCsv.description', path: '/staff/queue.csv', format: 'csv', openedBy: canSeeRequests },
  { id: 'dashboard', titleKey: 'reports.staff.dashboard.title', descriptionKey: 'reports.staff.dashboard.description', path: '/staff/dashboard', format: 'page', openedBy: canSeeRequests },
  { id: 'audit-log', titleKey: 'reports.staff.audit.title', descriptionKey: 'reports.staff.audit.description', path: '/staff/audit', format: 'page', openedBy: canSearchAudit },
];

/** The staff office's own pages: sign-in, queue, request page, dashboard, team, documents, audit, reports. */
export const staffModule = (deps: Deps, built: { audit: AuditLog; scope: RequestScope; views: RequestViews }): ModuleDeclaration => ({
  name: 'staff',
  routes: async (app, pages) => {
    await staffRoutes(app, deps, { ...built, showRequestPage: pages.staffRequest });
    await reportsRoutes(app, pages.reports);
  },
  reports: staffReports,
});
