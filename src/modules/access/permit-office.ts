import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../platform/http/guards.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { AuditLog } from './audit-log.js';
import { canSeeRequests } from './roles.js';

/**
 * The guard of every permit-side staff page and action (PRV-1): the queue and its CSV, the
 * dashboard, a request's page and its documents, letters and decisions, document search, permit
 * reviews. A school's roles (its office, its teachers) see none of the permit office's work: they
 * get the "your role cannot" page (403), whatever record the address names, so the answer says
 * nothing of whether it exists, and the attempt is in the audit log as refused (PRV-2). Everyone
 * else goes on to the route's own checks (district, a site administrator's schools, the role's
 * actions). Returns the staff member, or null once the visitor was sent to the staff entrance or
 * refused.
 */
export async function requirePermitOffice(req: FastifyRequest, reply: FastifyReply, audit: AuditLog): Promise<SessionStaff | null> {
  const staff = await requireStaff(req, reply);
  if (!staff) return null;
  if (canSeeRequests(staff)) return staff;
  const route = req.routeOptions.url ?? '';
  // A request's id in the address files the attempt under that request's district (AuditLog.refused).
  const id = (req.params as Record<string, unknown> | undefined)?.id;
  const application = route.startsWith('/staff/requests/:id') && typeof id === 'string' ? id.slice(0, 64) : undefined;
  await audit.refused(staff, 'permit-office.open', { type: 'page', id: route }, req.ip, 'forbidden', { method: req.method, ...(application ? { application } : {}) });
  await reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('roll-roles.permitOffice.title'), message: ctx.t('roll-roles.permitOffice.message') }), { status: 403 });
  return null;
}
