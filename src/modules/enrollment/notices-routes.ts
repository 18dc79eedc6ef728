import type { FastifyInstance, FastifyReply } from 'fastify';
import { requireStaff } from '../../platform/http/guards.js';
import { idParams, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import { setFlash } from '../../platform/http/web.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { RollContext } from './context.js';
import type { RollNotices } from './notices.js';
import { NoticesPage } from './views/notices-page.js';

const forbiddenPage = (reply: FastifyReply) =>
  reply.page((c) => ErrorPage({ ctx: c, title: c.t('roll-notices.errors.forbidden'), message: c.t('roll-notices.errors.forbidden') }), { status: 403 });

/**
 * ENR-7, DEC-10, DEC-13: `/staff/roll/notices?school=` (a school's open notices, the oldest
 * first) and the office marking one done. Every read and change is audited, every refusal too
 * (PRV-2); outside the staff member's schools a notice is "not found" (PRV-1).
 */
export async function noticesRoutes(app: FastifyInstance, ctx: RollContext, notices: RollNotices): Promise<void> {
  const { audit, deps } = ctx;
  const route = typed(app);

  route.get('/staff/roll/notices', { schema: { querystring: queryOf({ school: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const district = deps.districts.get(staff.districtId)!;
    const schools = await ctx.scope.schoolIdsIn(staff, district);
    const schoolId = req.query.school ?? schools[0] ?? '';
    const r = await notices.openAt(staff, schoolId);
    if (!r.ok) {
      await audit.refused(staff, 'roll.notices.view', { type: 'school', id: schoolId }, req.ip, r.problem.code);
      return r.problem.code === 'forbidden' ? forbiddenPage(reply) : reply.callNotFound();
    }
    // PRV-2: the list is a read of every student on it.
    await audit.record(staff, 'roll.notices.view', { type: 'school', id: schoolId }, req.ip, { notices: r.value.length });
    const options = schools.map((id) => [id, deps.districts.schoolById(id)!.name] as [string, string]);
    return reply.page((c) => NoticesPage({ ctx: c, rows: r.value, schoolId, schools: options }));
  });

  // Marking a notice done: a button, no fields; POST–redirect–GET, and a retried POST answers the same.
  route.post('/staff/roll/notices/:id/done', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { id } = req.params;
    const r = await notices.resolve(staff, id, req.ip);
    if (!r.ok) {
      await audit.refused(staff, 'roll.notice.done', { type: 'roll_notice', id }, req.ip, r.problem.code);
      return r.problem.code === 'forbidden' ? forbiddenPage(reply) : reply.callNotFound();
    }
    await setFlash(req, deps.sessions, { type: 'success', messageKey: 'roll-notices.marked' });
    return reply.redirect(`/staff/roll/notices?school=${encodeURIComponent(r.value.schoolId)}`, 303);
  });
}
