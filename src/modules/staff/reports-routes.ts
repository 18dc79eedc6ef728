import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../platform/http/guards.js';
import type { ReportDeclaration } from '../../platform/modules.js';
import { ReportsPage } from './views/reports-page.js';

/**
 * The list of reports (every module's, assembled at the top) this staff member may open. The
 * list shows no student's record, so it is not audited; each report's own route checks and
 * audits its reader (PRV-1, PRV-2).
 */
export async function reportsRoutes(app: FastifyInstance, reports: ReportDeclaration[]): Promise<void> {
  app.get('/staff/reports', async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const mine = reports.filter((r) => r.openedBy(staff));
    return reply.page((ctx) => ReportsPage({ ctx, reports: mine }));
  });
}
