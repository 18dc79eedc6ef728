import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { parseForm } from '../../platform/http/forms.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { idParams, typed } from '../../platform/http/route-schemas.js';
import { setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import type { AuditLog } from '../access/audit-log.js';
import { StaffInvitations, inviteSchema } from './invitations.js';
import { requireStaff } from '../../platform/http/guards.js';
import { TeamPage } from './views/team-page.js';

/** District administrators see their district's staff and invite more by email; everyone else finds nothing. */
export async function teamRoutes(app: FastifyInstance, deps: Deps, audit: AuditLog): Promise<void> {
  const invitations = new StaffInvitations(deps);

  /** The signed-in district administrator, or null once the visitor was redirected or shown "not found". */
  const requireAdmin = async (req: FastifyRequest, reply: FastifyReply): Promise<SessionStaff | null> => {
    const staff = await requireStaff(req, reply);
    if (!staff) return null;
    if (!invitations.canManage(staff)) {
      await reply.callNotFound();
      return null;
    }
    return staff;
  };

  const teamPage = async (reply: FastifyReply, admin: SessionStaff, form: FormState, status = 200) => {
    const members = await invitations.list(admin);
    if (!members.ok) return reply.callNotFound();
    const district = invitations.district(admin);
    return reply.page((ctx) => TeamPage({ ctx, district, members: members.value, form }), { status });
  };

  app.get('/staff/team', async (req, reply) => {
    const admin = await requireAdmin(req, reply);
    if (!admin) return;
    return teamPage(reply, admin, emptyForm());
  });

  app.post('/staff/team/invite', async (req, reply) => {
    const admin = await requireAdmin(req, reply);
    if (!admin) return;
    const parsed = parseForm(inviteSchema(invitations.district(admin)), req.body);
    if (!parsed.ok) return teamPage(reply, admin, parsed.form, 400);
    const r = await invitations.invite(admin, parsed.data, req.i18n.lang);
    if (!r.ok) {
      if (!r.problem.field) return reply.callNotFound();
      return teamPage(reply, admin, { values: parsed.values, errors: { [r.problem.field]: { key: r.problem.messageKey, params: r.problem.params } } }, 400);
    }
    await audit.record(admin, 'staff.invite', { type: 'staff', id: r.value.id }, req.ip, { email: parsed.data.email, role: parsed.data.role, schools: parsed.data.schools });
    await setFlash(req, deps.sessions, { type: 'success', messageKey: 'team.invited', params: { email: parsed.data.email } });
    return reply.redirect('/staff/team', 303);
  });

  typed(app).post('/staff/team/:id/resend', { schema: { params: idParams } }, async (req, reply) => {
    const admin = await requireAdmin(req, reply);
    if (!admin) return;
    const { id } = req.params;
    const r = await invitations.resend(admin, id, req.i18n.lang);
    if (!r.ok) {
      if (r.problem.code !== 'already-active') return reply.callNotFound();
      await setFlash(req, deps.sessions, { type: 'info', messageKey: r.problem.messageKey, params: { email: String(r.problem.params?.email ?? '') } });
      return reply.redirect('/staff/team', 303);
    }
    await audit.record(admin, 'staff.resend', { type: 'staff', id }, req.ip, { email: r.value.email });
    await setFlash(req, deps.sessions, { type: 'success', messageKey: 'team.resent', params: { email: r.value.email } });
    return reply.redirect('/staff/team', 303);
  });
}
