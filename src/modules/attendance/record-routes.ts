import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams, queryOf, typed } from '../../platform/http/route-schemas.js';
import { sendRateLimited, setFlash } from '../../platform/http/web.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import { requirePermitOffice } from '../access/permit-office.js';
import type { AttendanceContext } from './context.js';
import type { AttendanceRecordDocuments } from './record-document.js';
import { RecordVerifyPage } from './views/record-verify.js';

/**
 * Issue 16 point 10: the permit office issues a request's attendance record from this system
 * (a POST from the request's page, then back to it), and anyone holding the paper checks its
 * code (a plain GET that changes nothing, rate-limited like a permit's check).
 */
export async function recordRoutes(app: FastifyInstance, ctx: AttendanceContext, records: AttendanceRecordDocuments): Promise<void> {
  const { deps, audit } = ctx;
  const route = typed(app);

  route.post('/staff/requests/:id/attendance-record', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const { id } = req.params;
    const r = await records.issue(staff, id, req.ip);
    if (!r.ok) {
      const p = r.problem;
      await audit.refusedIf(p.code, staff, 'attendance.record.issue', { type: 'application', id }, req.ip);
      if (p.code === 'not-found') return reply.callNotFound();
      const status = p.code === 'forbidden' ? 403 : 409;
      return reply.page((c) => ErrorPage({ ctx: c, title: c.t('attendance-record.errors.title'), message: c.t(p.messageKey) }), { status });
    }
    await setFlash(req, deps.sessions, { type: 'success', messageKey: r.value.again ? 'attendance-record.issuedAgain' : 'attendance-record.issued' });
    return reply.redirect(`/staff/requests/${encodeURIComponent(id)}#attendance-record-heading`, 303);
  });

  route.get('/attendance-records/verify', { schema: { querystring: queryOf({ code: z.unknown().optional() }) } }, async (req, reply) => {
    const raw = String(req.query.code ?? '').slice(0, 40);
    const schoolName = (sid: string) => deps.districts.schoolById(sid)?.name ?? sid;
    if (!raw) return reply.page((c) => RecordVerifyPage({ ctx: c, code: '', schoolName }));
    const limit = await deps.rateLimiter.take('attendance-record-verify.ip', req.ip);
    if (!limit.allowed) return sendRateLimited(req, reply, limit.retryAfterSeconds);
    const found = await records.verify(raw);
    reply.header('X-Robots-Tag', 'noindex');
    return reply.page((c) => RecordVerifyPage({ ctx: c, code: raw, result: found ?? null, schoolName }));
  });
}
