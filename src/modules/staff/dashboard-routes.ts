import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { AuditLog } from '../access/audit-log.js';
import { DashboardService } from './dashboard.js';
import { requirePermitOffice } from '../access/permit-office.js';
import { queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import { DashboardPage } from './views/dashboard-page.js';

/** The permit office dashboard: every permit role, scoped as the queue is (site administrators: their schools); not a school's roles (PRV-1). */
export async function dashboardRoutes(app: FastifyInstance, deps: Deps, audit: AuditLog): Promise<void> {
  const dashboard = new DashboardService(deps);

  typed(app).get('/staff/dashboard', { schema: { querystring: queryOf({ year: queryValue }) } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const data = await dashboard.build(staff, req.query.year?.slice(0, 20));
    await audit.record(staff, 'dashboard.view', { type: 'dashboard' }, req.ip, { year: data.year });
    const district = deps.districts.get(staff.districtId)!;
    return reply.page((ctx) => DashboardPage({ ctx, district, data }));
  });
}
