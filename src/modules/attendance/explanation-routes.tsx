import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answered, handleForm, refuseWhole, checkedBySubmit } from '../../platform/http/form-cycle.js';
import { formValues } from '../../platform/http/forms.js';
import { requireParent, requireStaff } from '../../platform/http/guards.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { sendCsrfFailure, setFlash } from '../../platform/http/web.js';
import { sha256 } from '../../platform/ids.js';
import type { StudentPageSection } from '../../platform/modules.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { AbsenceExplanationsTable } from '../../platform/db/schema.js';
import { canKeepAttendance } from '../access/roles.js';
import { drain, maxUploadMb } from '../documents/service.js';
import { readOneFileForm, type OneFileForm } from '../documents/one-file-form.js';
import type { AttendanceContext } from './context.js';
import { EXPLANATION_FILE_TYPES, Explanations, defaultCodeFor, excusedCodes, reasonsFor } from './explanations.js';
import { DecidePage, ExplainPage, ParentExplanationsSection, QueuePage } from './views/explanations.js';

const NS = 'attendance-explanations';
/** The form's text fields: what is kept when it is shown again. */
const FIELDS = ['channel', 'fromDate', 'toDate', 'part', 'reason', 'note'] as const;
const keep = (v: Record<string, string>): Record<string, string> =>
  Object.fromEntries(FIELDS.filter((f) => v[f] !== undefined).map((f) => [f, f === 'note' ? v[f].slice(0, 1100) : v[f].slice(0, 40)]));
const SAFE_KEY = /^[A-Za-z0-9_-]{16,100}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What the multipart body held: its text fields (the idempotency key among them), the staged photo, the problems of the file. */
/** The form as it came (documents/one-file-form.ts). */
type Received = OneFileForm;

const forbiddenPage = (reply: FastifyReply) =>
  reply.page((ctx) => ErrorPage({ ctx, title: ctx.t(`${NS}.errors.forbidden`), message: ctx.t(`${NS}.errors.forbidden`) }), { status: 403 });

/**
 * ATT-2's pages: the parent's explanation form (/students/:id/attendance/explain), the office's
 * form for an explanation given in person, by phone or on paper, the office's queue and its
 * decision on one explanation. Outside the staff member's schools, or another family's child, is
 * "not found" (PRV-1); every staff read and change is audited, refusals too (PRV-2).
 */
export async function explanationRoutes(app: FastifyInstance, ctx: AttendanceContext, service: Explanations): Promise<void> {
  const { deps, audit } = ctx;
  const route = typed(app);
  const maxBytes = deps.config.maxUploadBytes;
  const schoolName = (id: string) => deps.districts.schoolById(id)?.name ?? id;
  service.log = (entry, msg) => app.log.info(entry, msg);

  /**
   * Reads the multipart body as it comes: the CSRF token first, the text fields, and the one file
   * `document`, typed from its bytes (DOC-6: PDF, JPEG, PNG, HEIC) and staged in storage — never
   * kept until the explanation that names it is. Any other file is read and thrown away.
   */
  const receive = (req: FastifyRequest): Promise<Received> => readOneFileForm(req, deps.storage, { field: 'document', types: EXPLANATION_FILE_TYPES, maxBytes, ns: `${NS}`, what: 'an explanation' });

  /**
   * A retried post never makes two (the platform's idempotency key, read here from the multipart
   * body the platform's hook does not parse): the first claims the key, a retry after it succeeded
   * gets the same redirect, a retry while it runs waits for it.
   */
  const claim = async (req: FastifyRequest, got: Received): Promise<{ state: 'new'; key: string | null } | { state: 'done'; status: number; location: string }> => {
    if (!SAFE_KEY.test(got.idem)) return { state: 'new', key: null };
    const key = sha256(`${req.session?.idHash ?? `ip:${req.ip}`}\u0000${got.idem}`);
    const routeName = `POST ${req.url.split('?')[0]}`;
    for (let i = 0; i < 100; i++) {
      const r = await deps.idempotency.begin(key, routeName);
      if (r.state === 'new') return { state: 'new', key };
      if (r.state === 'done') return { state: 'done', status: r.status, location: r.location ?? '/' };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { state: 'new', key: null };
  };

  /** One explanation form's post, for the parent or the office: the checks, the explanation kept once, the redirect. */
  const submitForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    show: (form: FormState, status: number) => Promise<unknown>,
    save: (got: Received, values: Record<string, string>) => ReturnType<Explanations['explainByParent']>,
    done: (row: AbsenceExplanationsTable) => Promise<string>,
    onAccess: (problem: { code: string }) => Promise<unknown>,
  ) => {
    const got = await receive(req);
    let key: string | null = null;
    try {
      if (!got.csrf) return sendCsrfFailure(req, reply);
      const claimed = await claim(req, got);
      if (claimed.state === 'done') return reply.code(claimed.status).header('Location', claimed.location).send();
      key = claimed.key;
      const values = keep(got.values);
      if (Object.keys(got.errors).length) return show({ values, errors: got.errors }, 400);
      const r = await save(got, values);
      if (!r.ok) {
        if ('errors' in r) return show({ values, errors: r.errors }, 400);
        return onAccess(r.problem);
      }
      const location = await done(r.value);
      if (key) await deps.idempotency.complete(key, 303, location);
      key = null;
      return reply.redirect(location, 303);
    } finally {
      if (key) await deps.idempotency.release(key).catch(() => undefined);
      // Whatever happened, the temporary copy goes: a kept photo is under its key by now.
      await got.document?.staged.discard().catch(() => undefined);
    }
  };

  // --- The parent's form (ATT-2, PRV-1) ---
  const parentForm = async (req: FastifyRequest, reply: FastifyReply, child: { id: string; first_name: string; last_name: string }, form: FormState, status = 200) => {
    const district = await service.districtOfStudent(child.id);
    return reply.page(
      (c) =>
        ExplainPage({
          ctx: c, form,
          data: {
            studentName: `${child.first_name} ${child.last_name}`,
            action: `/students/${child.id}/attendance/explain`,
            back: { href: `/students/${child.id}#absences-heading`, label: c.t(`${NS}.form.backParent`, { name: child.first_name }) },
            reasons: district ? reasonsFor(district) : ['other'],
            maxMb: maxUploadMb(maxBytes),
            office: false,
          },
        }),
      { status },
    );
  };

  route.get('/students/:id/attendance/explain', { schema: { params: paramsOf('id'), querystring: queryOf({ date: queryValue }) } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const child = await service.childOf(user.id, req.params.id);
    if (!child) return reply.callNotFound();
    const date = DATE.test(req.query.date ?? '') ? req.query.date! : '';
    return parentForm(req, reply, child, emptyForm(date ? { fromDate: date, toDate: date, part: 'whole' } : { part: 'whole' }));
  });

  route.post('/students/:id/attendance/explain', { config: { csrf: 'manual' }, schema: { params: paramsOf('id') } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const child = await service.childOf(user.id, req.params.id);
    if (!child) {
      // Read and thrown away: nothing of another family's child is kept or said.
      if (req.isMultipart()) for await (const p of req.parts()) if (p.type === 'file') await drain(p);
      return reply.callNotFound();
    }
    return submitForm(
      req, reply,
      (form, status) => parentForm(req, reply, child, form, status),
      (got, v) => service.explainByParent(user.id, child.id, { fromDate: v.fromDate ?? '', toDate: v.toDate ?? '', part: v.part ?? '', reason: v.reason ?? '', note: v.note ?? '', language: req.i18n.lang, document: got.document }),
      async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: `${NS}.parent.sent` });
        return `/students/${child.id}#absences-heading`;
      },
      async () => reply.callNotFound(),
    );
  });

  // --- The office's form: an explanation given in person, by phone or on paper ---
  const officeForm = async (reply: FastifyReply, staff: SessionStaff, student: { id: string; first_name: string; last_name: string }, form: FormState, status = 200) =>
    reply.page(
      (c) =>
        ExplainPage({
          ctx: c, form,
          data: {
            studentName: `${student.first_name} ${student.last_name}`,
            action: `/staff/attendance/students/${student.id}/explanations/new`,
            back: { href: '/staff/attendance/explanations', label: c.t(`${NS}.decide.back`) },
            reasons: reasonsFor(service.district(staff.districtId)),
            maxMb: maxUploadMb(maxBytes),
            office: true,
          },
        }),
      { status },
    );

  /** The student if the staff member may record an explanation for them, else the answer sent (404 or 403, audited). */
  const officeStudent = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, studentId: string, action: string) => {
    const student = await service.staffStudent(staff, studentId);
    if (!student) {
      await audit.refused(staff, action, { type: 'student', id: studentId }, req.ip, 'not-found');
      await reply.callNotFound();
      return null;
    }
    if (!canKeepAttendance(staff)) {
      await audit.refused(staff, action, { type: 'student', id: studentId }, req.ip, 'forbidden');
      await forbiddenPage(reply);
      return null;
    }
    return student;
  };

  route.get('/staff/attendance/students/:studentId/explanations/new', { schema: { params: paramsOf('studentId'), querystring: queryOf({ date: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const student = await officeStudent(req, reply, staff, req.params.studentId, 'attendance.explanation.new');
    if (!student) return;
    await audit.record(staff, 'attendance.explanation.new', { type: 'student', id: student.id }, req.ip); // PRV-2
    const date = DATE.test(req.query.date ?? '') ? req.query.date! : '';
    return officeForm(reply, staff, student, emptyForm(date ? { fromDate: date, toDate: date, part: 'whole' } : { part: 'whole' }));
  });

  route.post('/staff/attendance/students/:studentId/explanations/new', { config: { csrf: 'manual' }, schema: { params: paramsOf('studentId') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const student = await officeStudent(req, reply, staff, req.params.studentId, 'attendance.explanation.create');
    if (!student) {
      if (req.isMultipart()) for await (const p of req.parts()) if (p.type === 'file') await drain(p);
      return;
    }
    return submitForm(
      req, reply,
      (form, status) => officeForm(reply, staff, student, form, status),
      (got, v) => service.explainByOffice(staff, student.id, { channel: v.channel ?? '', fromDate: v.fromDate ?? '', toDate: v.toDate ?? '', part: v.part ?? '', reason: v.reason ?? '', note: v.note ?? '', language: req.i18n.lang, document: got.document }),
      async (row) => {
        await audit.record(staff, 'attendance.explanation.create', { type: 'student', id: student.id }, req.ip, { explanation: row.id, channel: row.channel, from: row.from_date, to: row.to_date }); // PRV-2
        await setFlash(req, deps.sessions, { type: 'success', messageKey: `${NS}.decide.recorded` });
        return `/staff/attendance/explanations/${row.id}`;
      },
      async (p) => {
        await audit.refused(staff, 'attendance.explanation.create', { type: 'student', id: student.id }, req.ip, p.code);
        return p.code === 'forbidden' ? forbiddenPage(reply) : reply.callNotFound();
      },
    );
  });

  // --- The office's queue (ATT-2) ---
  route.get('/staff/attendance/explanations', { schema: { querystring: queryOf({ school: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const asked = req.query.school;
    if (!canKeepAttendance(staff)) {
      await audit.refused(staff, 'attendance.explanations.view', { type: 'school', id: asked ?? null }, req.ip, 'forbidden');
      return forbiddenPage(reply);
    }
    const district = service.district(staff.districtId);
    const ids = await ctx.scope.schoolIdsIn(staff, district);
    const school = asked ?? ids[0];
    if (!school || !ids.includes(school)) {
      await audit.refused(staff, 'attendance.explanations.view', { type: 'school', id: school ?? null }, req.ip, 'not-found');
      return reply.callNotFound();
    }
    const [pending, unexplained] = await Promise.all([service.pendingAt(school), service.unexplainedAt(school)]);
    await audit.record(staff, 'attendance.explanations.view', { type: 'school', id: school }, req.ip, { pending: pending.length, unexplained: unexplained.length }); // PRV-2
    return reply.page((c) => QueuePage({ ctx: c, schools: ids.map((id) => ({ id, name: schoolName(id) })), school, pending, unexplained }));
  });

  // --- One explanation: accept with a code, or refuse with a reason ---
  const decidePage = async (reply: FastifyReply, x: AbsenceExplanationsTable, forms: { accept?: FormState; refuse?: FormState; alert?: { key: string; params?: Record<string, string | number> } } = {}, status = 200) => {
    const district = service.district(x.district_id);
    const student = await deps.db.selectFrom('students').select(['first_name', 'last_name']).where('id', '=', x.student_id).executeTakeFirstOrThrow();
    const [changes, marks] = await Promise.all([service.changesOf(x.id), service.coveredMarks(x)]);
    const chosen = defaultCodeFor(district, x.reason) ?? '';
    return reply.page(
      (c) =>
        DecidePage({
          ctx: c,
          data: {
            x, studentName: `${student.first_name} ${student.last_name}`, school: schoolName(x.school_id), changes,
            marks: marks.filter((m) => m.category !== 'present' && m.category !== 'in-attendance').map((m) => ({ date: m.date, code: m.code, period_code: m.period_code })),
            codes: excusedCodes(district).map((code) => ({ value: code.code, label: `${code.code} — ${code.label[c.lang as 'en' | 'es'] ?? code.label.en}` })),
          },
          accept: forms.accept ?? emptyForm({ code: chosen }),
          refuse: forms.refuse ?? emptyForm(),
          alert: forms.alert,
        }),
      { status },
    );
  };

  /** What a refusal on an explanation is filed under: its student (so the student's district sees who tried), or the id tried. */
  const explanationEntity = async (id: string) => {
    const row = await deps.db.selectFrom('absence_explanations').select('student_id').where('id', '=', id).executeTakeFirst();
    return row ? { type: 'student', id: row.student_id } : { type: 'absence_explanation', id };
  };

  const decision = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, id: string, action: string) => {
    const r = await service.forStaff(staff, id);
    if (r.ok) return r.value;
    await audit.refused(staff, action, await explanationEntity(id), req.ip, r.problem.code, { explanation: id });
    if (r.problem.code === 'forbidden') await forbiddenPage(reply);
    else await reply.callNotFound();
    return null;
  };

  route.get('/staff/attendance/explanations/:id', { schema: { params: paramsOf('id') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const x = await decision(req, reply, staff, req.params.id, 'attendance.explanation.view');
    if (!x) return;
    await audit.record(staff, 'attendance.explanation.view', { type: 'student', id: x.student_id }, req.ip, { explanation: x.id }); // PRV-2
    return decidePage(reply, x);
  });

  route.get('/staff/attendance/explanations/:id/document', { schema: { params: paramsOf('id') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const x = await decision(req, reply, staff, req.params.id, 'attendance.explanation.document');
    if (!x) return;
    const file = service.document(x);
    if (!file) {
      await audit.refused(staff, 'attendance.explanation.document', { type: 'absence_explanation', id: x.id }, req.ip, 'not-found');
      return reply.callNotFound();
    }
    await audit.record(staff, 'attendance.explanation.document', { type: 'student', id: x.student_id }, req.ip, { explanation: x.id }); // PRV-2
    const safeName = (x.document_name ?? 'note').replace(/[^\w. -]/g, '_');
    return reply
      .type(x.document_type ?? 'application/octet-stream')
      .header('Content-Disposition', `attachment; filename="${safeName}"`)
      .header('Cache-Control', 'no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(file);
  });

  route.post('/staff/attendance/explanations/:id', { schema: { params: paramsOf('id') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const id = req.params.id;
    const x = await decision(req, reply, staff, id, 'attendance.explanation.decide');
    if (!x) return;
    const refusing = formValues(req.body).action === 'refuse';
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (v) => ({ code: (v.code ?? '').slice(0, 20), refusal: (v.refusal ?? '').slice(0, 1100) }),
      submit: async (v) => {
        const r = refusing ? await service.refuse(staff, id, v.refusal ?? '', req.ip) : await service.accept(staff, id, v.code ?? '', req.ip);
        if (!r.ok && 'errors' in r) return { ok: false, errors: r.errors };
        if (!r.ok) {
          if (r.problem.code === 'not-found' || r.problem.code === 'forbidden') {
            await audit.refused(staff, 'attendance.explanation.decide', await explanationEntity(id), req.ip, r.problem.code, { explanation: id });
            return answered(r.problem.code === 'forbidden' ? forbiddenPage(reply) : reply.callNotFound());
          }
          return refuseWhole(r.problem);
        }
        return { ok: true, value: r.value };
      },
      render: async (form, status, refused) => {
        const now = (await service.forStaff(staff, id));
        const row = now.ok ? now.value : x;
        return decidePage(reply, row, refusing ? { refuse: form, alert: refused?.alert } : { accept: form, alert: refused?.alert }, status);
      },
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: refusing ? `${NS}.decide.refused` : `${NS}.decide.accepted` });
        return `/staff/attendance/explanations/${id}#result-heading`;
      },
    });
  });
}

/** The parent's student page: the child's absences still unexplained and the explanations given (the page has checked the child is theirs, PRV-1). */
export const parentExplanationsSection =
  (service: Explanations): StudentPageSection =>
  async (_req, student) => {
    const [unexplained, explanations] = await Promise.all([service.unexplainedOf(student.id), service.explanationsOf(student.id)]);
    if (!unexplained.length && !explanations.length) {
      // Nothing to say for a child with no attendance on a roll here.
      const onRoll = await service.districtOfStudent(student.id);
      if (!onRoll) return null;
    }
    return (c) => <ParentExplanationsSection ctx={c} studentId={student.id} firstName={student.first_name} unexplained={unexplained} explanations={explanations} />;
  };
