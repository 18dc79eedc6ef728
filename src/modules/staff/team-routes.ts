import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { answered, handleForm, refuseProblem } from '../../platform/http/form-cycle.js';
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
      await audit.refused(staff, 'staff.team', { type: 'staff' }, req.ip, 'not-found'); // PRV-2
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
    return handleForm(reply, req.body, {
      parse: inviteSchema(invitations.district(admin)),
      submit: async (data) => {
        const r = await invitations.invite(admin, data, req.i18n.lang);
        if (!r.ok) return r.problem.field ? refuseProblem(r.problem) : answered(reply.callNotFound());
        await audit.record(admin, 'staff.invite', { type: 'staff', id: r.value.id }, req.ip, { email: data.email, role: data.role, schools: data.schools });
        return { ok: true, value: data.email };
      },
      render: (form, status) => teamPage(reply, admin, form, status),
      redirectTo: async (email) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'team.invited', params: { email } });
        return '/staff/team';
      },
    });
  });

  typed(app).post('/staff/team/:id/resend', { schema: { params: idParams } }, async (req, reply) => {
    const admin = await requireAdmin(req, reply);
    if (!admin) return;
    const { id } = req.params;
    const r = await invitations.resend(admin, id, req.i18n.lang);
    if (!r.ok) {
      if (r.problem.code !== 'already-active') {
        await audit.refused(admin, 'staff.resend', { type: 'staff', id }, req.ip, 'not-found'); // PRV-2
        return reply.callNotFound();
      }
      await setFlash(req, deps.sessions, { type: 'info', messageKey: r.problem.messageKey, params: { email: String(r.problem.params?.email ?? '') } });
      return reply.redirect('/staff/team', 303);
    }
    await audit.record(admin, 'staff.resend', { type: 'staff', id }, req.ip, { email: r.value.email });
    await setFlash(req, deps.sessions, { type: 'success', messageKey: 'team.resent', params: { email: r.value.email } });
    return reply.redirect('/staff/team', 303);
  });
}
