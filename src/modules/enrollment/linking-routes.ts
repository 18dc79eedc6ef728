import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answered, checkedBySubmit, handleForm, refuseProblem, refuseWhole, type Refused } from '../../platform/http/form-cycle.js';
import { requireParent, requireStaff } from '../../platform/http/guards.js';
import { paramsOf, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { sendRateLimited, setFlash } from '../../platform/http/web.js';
import { translator } from '../../platform/i18n/translator.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { Problem } from '../../platform/result.js';
import type { RollContext } from './context.js';
import { linkAccountProblems, recordLinkAttempt, type LinkAttempt, type Linking } from './linking.js';
import { LinkCodePage, LinkPage } from './views/link-page.js';
import { ParentLinkPage } from './views/parent-link-page.js';

const studentParams = paramsOf('studentId');

const forbiddenPage = (reply: FastifyReply) =>
  reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('linking.errors.forbidden'), message: ctx.t('linking.errors.forbidden') }), { status: 403 });

/**
 * PRV-1: the office links a family to a student on the roll (a one-time code, or a guardian
 * verified in person) and unlinks it; the parent enters a code. Every office read, change and
 * refusal is in the audit log (PRV-2); every parent's try is written to the app's log.
 */
export async function linkingRoutes(app: FastifyInstance, ctx: RollContext, service: Linking): Promise<void> {
  const { audit, deps } = ctx;
  const route = typed(app);

  const refusedAccess = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, p: Problem, action: string, studentId: string) => {
    if (p.code !== 'not-found' && p.code !== 'forbidden') return false;
    await audit.refused(staff, action, { type: 'student', id: studentId }, req.ip, p.code);
    if (p.code === 'not-found') await reply.callNotFound();
    else await forbiddenPage(reply);
    return true;
  };

  // --- The office: the student's link, and its forms ---
  const linkPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, studentId: string, form: FormState = emptyForm(), status = 200, alert?: Refused['alert']) => {
    const r = await service.status(staff, studentId);
    if (!r.ok || !service.canLink(staff)) {
      await refusedAccess(req, reply, staff, r.ok ? { code: 'forbidden', messageKey: 'linking.errors.forbidden' } : r.problem, 'roll.link.view', studentId);
      return reply;
    }
    await audit.record(staff, 'roll.link.view', { type: 'student', id: studentId }, req.ip);
    return reply.page((c) => LinkPage({ ctx: c, status: r.value, form, alert }), { status });
  };

  route.get('/staff/roll/students/:studentId/link', { schema: { params: studentParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    return linkPage(req, reply, staff, req.params.studentId);
  });

  // A one-time code, shown on this answer only (never kept, so never shown again).
  route.post('/staff/roll/students/:studentId/link-code', { schema: { params: studentParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId } = req.params;
    const r = await service.createCode(staff, studentId, req.ip);
    if (!r.ok) {
      if (await refusedAccess(req, reply, staff, r.problem, 'roll.link.code', studentId)) return reply;
      return linkPage(req, reply, staff, studentId, emptyForm(), 409, { key: r.problem.messageKey, params: r.problem.params });
    }
    const district = deps.districts.get(staff.districtId)!;
    const handouts = ['en', 'es'].map((lang) => translator(deps.catalogs, lang, district.timeZone));
    // The page carries the code: no browser or proxy may keep it.
    void reply.header('Cache-Control', 'no-store');
    return reply.page((c) => LinkCodePage({ ctx: c, code: r.value.code, expiresAt: r.value.expiresAt, student: r.value.student, handouts }));
  });

  route.post('/staff/roll/students/:studentId/link', { schema: { params: studentParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId } = req.params;
    return handleForm(reply, req.body, {
      parse: (values) => {
        const problems = linkAccountProblems({ email: values.email ?? '', verified: values.verified === 'yes' });
        if (!problems.length) return { ok: true, data: values };
        return { ok: false, errors: Object.fromEntries(problems.map((p) => [p.problem.field!, { key: p.problem.messageKey }])) };
      },
      keep: (v) => ({ email: (v.email ?? '').slice(0, 300), verified: v.verified === 'yes' ? 'yes' : '' }),
      submit: async (values) => {
        const r = await service.linkAccount(staff, studentId, { email: values.email ?? '', verified: values.verified === 'yes' }, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'roll.link.account', studentId)) return answered(reply);
        return r.problem.field ? refuseProblem(r.problem) : refuseWhole(r.problem);
      },
      render: (form, status, refused) => linkPage(req, reply, staff, studentId, form, status, refused?.alert),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'linking.office.linked' });
        return `/staff/roll/students/${studentId}/link`;
      },
    });
  });

  route.post('/staff/roll/students/:studentId/unlink', { schema: { params: studentParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId } = req.params;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: () => ({}),
      submit: async () => {
        const r = await service.unlink(staff, studentId, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'roll.unlink', studentId)) return answered(reply);
        return refuseWhole(r.problem);
      },
      render: (form, status, refused) => linkPage(req, reply, staff, studentId, form, status, refused?.alert),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'linking.office.unlinked' });
        return `/staff/roll/students/${studentId}/link`;
      },
    });
  });

  // --- The parent: enter the code the school gave ---
  const parentPage = (reply: FastifyReply, form: FormState, status = 200, alert?: Refused['alert']) =>
    reply.page((c) => ParentLinkPage({ ctx: c, form, alert }), { status });

  app.get('/students/link', async (req, reply) => {
    if (!(await requireParent(req, reply))) return;
    return parentPage(reply, emptyForm());
  });

  app.post('/students/link', async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    // PRV-1: every try is on the record, refused ones too.
    const attempts = async (a: LinkAttempt) => {
      req.log.info({ event: 'link-code.attempt', ...a }, `link code: ${a.outcome}`);
      await recordLinkAttempt(ctx, a);
    };
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (v) => ({ code: (v.code ?? '').slice(0, 40) }),
      submit: async (values) => {
        // A code is guessable in principle: tries are limited per account and per address.
        for (const [policy, subject] of [['link-code.account', user.id], ['link-code.ip', req.ip]] as const) {
          const limit = await deps.rateLimiter.take(policy, subject);
          if (!limit.allowed) {
            attempts({ accountId: user.id, ip: req.ip, outcome: 'rate-limited' });
            return answered(sendRateLimited(req, reply, limit.retryAfterSeconds));
          }
        }
        const r = await service.redeem(user.id, values.code ?? '', req.ip, attempts);
        if (r.ok) return r;
        return r.problem.field ? refuseProblem(r.problem) : refuseWhole(r.problem);
      },
      render: (form, status, refused) => parentPage(reply, form, status, refused?.alert),
      redirectTo: async (linked) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'linking.parent.linked', params: { name: linked.firstName } });
        return `/students/${linked.studentId}`;
      },
    });
  });
}
