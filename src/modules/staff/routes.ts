import { sendRateLimited } from '../../platform/http/web.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { requireStaff, safeNext } from '../../platform/http/guards.js';
import { answered, checkedBySubmit, handleForm, refuse } from '../../platform/http/form-cycle.js';
import { idParams, nextQuery, paramsOf, queryOf, queryValue, tokenParams, typed } from '../../platform/http/route-schemas.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import { NewPasswordSchema, SignInSchema } from '../accounts/validation.js';
import { PasswordPage } from '../accounts/views/password-page.js';
import { NoticePage, SignInPage } from '../accounts/views/sign-in-page.js';
import { AUDIT_OUTCOMES, type AuditLog, type AuditFilters } from '../access/audit-log.js';
import { QueueService, filterParams, type QueueFilter } from './queue.js';
import { queueCsv } from './queue-csv.js';
import { StaffService } from './service.js';
import { isBusy } from '../../platform/passwords/hasher.js';
import { sendHashingBusy } from '../../platform/passwords/busy-page.js';
import { QueuePage } from './views/queue-page.js';
import type { ShowStaffRequestPage } from '../../platform/modules.js';
import { AuditPage } from './views/audit-page.js';
import type { RequestScope } from '../access/request-scope.js';
import type { RequestViews } from './request-view.js';
import { canSearchAudit, isSchoolRole } from '../access/roles.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { requirePermitOffice } from '../access/permit-office.js';
import { StudentNumbers } from '../applications/student-number.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { teamRoutes } from './team-routes.js';
import { documentStaffRoutes } from './document-routes.js';

/** Where a staff member starts: the queue for the permit office, the school's roll for a school's roles (PRV-1). */
const homeOf = (staff: Pick<SessionStaff, 'role'>): string => (isSchoolRole(staff) ? '/staff/roll' : '/staff/queue');

/**
 * Where a sign-in or an activation goes: the page asked for, or the staff member's start. The
 * queue is the staff entrance's default return address (the sign-in form carries it), so a
 * school's role asked back there starts on the roll instead.
 */
function landing(req: FastifyRequest, next: string | undefined): string {
  const staff = req.session?.staff;
  const home = staff ? homeOf(staff) : '/staff/queue';
  const asked = safeNext(next, home);
  return asked === '/staff/queue' ? home : asked;
}

/** The queue's query string: each filter one string, or absent. */
const queueQuery = queryOf({ status: queryValue, reason: queryValue, school: queryValue, grade: queryValue, year: queryValue, kind: queryValue, overdue: queryValue, missing: queryValue, q: queryValue, after: queryValue });

/** The queue's filters from a query string; values are bounded, and checked again by the service. */
function queueFilter(q: z.infer<typeof queueQuery>): QueueFilter {
  const str = (k: keyof typeof queueQuery.shape, max = 60) => (q[k] ?? '').slice(0, max);
  return {
    status: str('status'), reason: str('reason'), school: str('school'), grade: str('grade'), year: str('year'), kind: str('kind'),
    overdue: str('overdue') === '1', missing: str('missing') === '1', q: str('q', 80), after: str('after', 80) || undefined,
  };
}

export async function staffRoutes(app: FastifyInstance, deps: Deps, built: { audit: AuditLog; scope: RequestScope; views: RequestViews; showRequestPage: ShowStaffRequestPage }): Promise<void> {
  const { audit, scope, showRequestPage } = built;
  const service = new StaffService(deps);
  const queue = new QueueService(deps);
  const studentNumbers = new StudentNumbers(deps.db, deps.clock);
  const route = typed(app);

  const signInPage = (req: FastifyRequest, reply: FastifyReply, next: string | undefined, form: FormState, status = 200) => {
    next = safeNext(next, '/staff/queue');
    return reply.page((ctx) => SignInPage({ ctx, form, next, action: '/staff/sign-in', title: ctx.t('staff.signIn.title'), staff: true }), { status });
  };

  app.get('/staff', async (req, reply) => reply.redirect(req.session?.staff ? homeOf(req.session.staff) : '/staff/queue', 303));
  route.get('/staff/sign-in', { schema: { querystring: nextQuery } }, async (req, reply) => signInPage(req, reply, req.query.next, emptyForm()));
  route.post('/staff/sign-in', { schema: { querystring: nextQuery } }, async (req, reply) => {
    return handleForm(reply, req.body, {
      parse: SignInSchema,
      keep: (values) => ({ email: values.email ?? '' }),
      submit: async ({ email, password }) => {
        const byIp = await deps.rateLimiter.take('staff-sign-in.ip', req.ip);
        const byEmail = await deps.rateLimiter.take('staff-sign-in.email', email);
        if (!byIp.allowed || !byEmail.allowed) return answered(sendRateLimited(req, reply, Math.max(byIp.retryAfterSeconds, byEmail.retryAfterSeconds)));
        const r = await service.signIn(email, password);
        if (isBusy(r)) return answered(sendHashingBusy(req, reply, r, { limiter: deps.rateLimiter, policies: deps.config.rateLimits, taken: [['staff-sign-in.ip', req.ip], ['staff-sign-in.email', email]] }));
        if (!r.ok) return refuse('email', r.problem.messageKey);
        // As for parents: a colleague's earlier typos do not count against the next sign-in.
        await deps.rateLimiter.clear('staff-sign-in.email', email);
        await req.signInStaff(r.value);
        return r;
      },
      render: (form, status) => signInPage(req, reply, req.query.next, form, status),
      redirectTo: () => landing(req, req.query.next),
    });
  });
  app.post('/staff/sign-out', async (req, reply) => {
    await req.signOut();
    return reply.redirect('/staff/sign-in', 303);
  });

  const activatePage = (req: FastifyRequest, reply: FastifyReply, token: string, form: FormState, status = 200, passwordErrors?: string[]) => {
    const { t } = req.i18n;
    return reply.page((ctx) => PasswordPage({ ctx, form, title: t('staff.activate.title'), intro: t('staff.activate.intro'), action: `/staff/activate/${token}`, submitLabel: t('accounts.activate.submit'), passwordErrors }), { status });
  };
  const linkInvalid = (req: FastifyRequest, reply: FastifyReply) => {
    const { t } = req.i18n;
    return reply.page((ctx) => NoticePage({ ctx, title: t('accounts.linkInvalid.title'), paragraphs: [t('staff.activate.invalid')] }), { status: 410 });
  };
  route.get('/staff/activate/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const { token } = req.params;
    if (!(await service.validToken(token))) return linkInvalid(req, reply);
    return activatePage(req, reply, token, emptyForm());
  });
  route.post('/staff/activate/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const { token } = req.params;
    return handleForm(reply, req.body, {
      parse: NewPasswordSchema,
      keep: () => ({}),
      submit: async (data) => {
        const r = await service.activate(token, data.password, data.password_confirm);
        if (isBusy(r)) return answered(sendHashingBusy(req, reply, r));
        if ('passwordKeys' in r) return refuse(r.field, r.passwordKeys[0], undefined, { notes: r.passwordKeys });
        if (!r.ok) return answered(linkInvalid(req, reply));
        await req.signInStaff(r.value);
        return r;
      },
      render: (form, status, refused) => activatePage(req, reply, token, form, status, refused?.notes),
      redirectTo: () => landing(req, undefined),
    });
  });

  route.get('/staff/queue', { schema: { querystring: queueQuery } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const filter = queueFilter(req.query);
    const result = await queue.page(staff, filter);
    await audit.record(staff, 'queue.view', { type: 'queue' }, req.ip, { ...filterParams(filter), after: filter.after ?? null, students: result.rows.length });
    const district = deps.districts.get(staff.districtId)!;
    return reply.page((ctx) => QueuePage({ ctx, district, rows: result.rows, next: result.next, filter }));
  });

  // Every request matching the queue's filters, as a spreadsheet: same scope as the queue (PRV-1).
  route.get('/staff/queue.csv', { schema: { querystring: queueQuery } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const filter = { ...queueFilter(req.query), after: undefined }; // all rows, never from a page on
    const district = deps.districts.get(staff.districtId)!;
    const csv = await queueCsv(queue, staff, filter, district, req.i18n.t, req.i18n.lang);
    // PRV-2: an export is a read of every student in it.
    await audit.record(staff, 'queue.export', { type: 'queue' }, req.ip, { ...filterParams(filter), rows: csv.rows });
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${csv.filename}"`)
      // A byte-order mark first: without it Excel reads UTF-8 as Windows-1252 and "María" turns to "MarÃ­a".
      .send(`\uFEFF${csv.body}`);
  });

  route.get('/staff/requests/:id', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    return showRequestPage(req, reply, staff, req.params.id);
  });

  route.post('/staff/requests/:id/student-number', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const { id } = req.params;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (values) => ({ student_number: values.student_number ?? '' }),
      submit: async (values) => {
        const r = await studentNumbers.set(staff, id, values.student_number ?? '');
        if (r.ok) {
          await audit.record(staff, 'application.student-number', { type: 'application', id }, req.ip, { student_number: r.value });
          return r;
        }
        await audit.refusedIf(r.problem.code, staff, 'application.student-number', { type: 'application', id }, req.ip);
        if (r.problem.code === 'not-found') return answered(reply.callNotFound());
        if (r.problem.code === 'forbidden') return answered(reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('decisions.errors.forbidden'), message: ctx.t('decisions.errors.forbidden') }), { status: 403 }));
        return refuse('student_number', r.problem.messageKey);
      },
      render: (form, status) => showRequestPage(req, reply, staff, id, { forms: { staff: form }, status }),
      redirectTo: () => `/staff/requests/${id}`,
    });
  });

  route.get('/staff/requests/:id/documents/:documentId', { schema: { params: paramsOf('id', 'documentId') } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const { id, documentId } = req.params;
    const r = await scope.document(staff, id, documentId);
    if (!r.ok) {
      await audit.refused(staff, 'document.download', { type: 'document', id: documentId }, req.ip, r.problem.code, { application: id });
      return reply.callNotFound();
    }
    await audit.record(staff, 'document.download', { type: 'document', id: documentId }, req.ip, { application: id });
    // Never inline from our origin: always a download with its checked type.
    const safeName = r.value.original_name.replace(/[^\w. -]/g, '_');
    return reply
      .type(r.value.content_type)
      .header('Content-Disposition', `attachment; filename="${safeName}"`)
      .send(deps.storage.read(r.value.storage_key));
  });

  // PRV-2: district administrators and auditors search the audit log of their district.
  route.get('/staff/audit', { schema: { querystring: queryOf({ email: queryValue, entity: queryValue, outcome: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    if (!canSearchAudit(staff)) {
      await audit.refused(staff, 'audit.search', { type: 'audit_log' }, req.ip, 'not-found'); // PRV-2
      return reply.callNotFound();
    }
    const q = req.query;
    const filters: AuditFilters = {
      email: (q.email ?? '').trim().toLowerCase().slice(0, 254),
      entity: (q.entity ?? '').trim().slice(0, 64),
      outcome: AUDIT_OUTCOMES.find((o) => o === q.outcome) ?? '',
    };
    const rows = await audit.search(staff.districtId, filters);
    await audit.record(staff, 'audit.search', { type: 'audit_log' }, req.ip, filters);
    // A refused attempt by another district's staff names their district (PRV-2).
    const districtName = (id: string | null, lang: string) => {
      const d = id ? deps.districts.get(id) : undefined;
      return d ? (d.name[lang as 'en' | 'es'] ?? d.name.en) : (id ?? '');
    };
    return reply.page((ctx) => AuditPage({ ctx, rows, filters, ownDistrict: staff.districtId, districtName: (id) => districtName(id, ctx.lang) }));
  });

  await teamRoutes(app, deps, audit);
  await dashboardRoutes(app, deps, audit);
  await documentStaffRoutes(app, deps, { audit, scope, views: built.views });
}
