import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseLocalInstant } from '../../platform/clock.js';
import { answered, checkedBySubmit, handleForm, refuseProblem, refuseWhole } from '../../platform/http/form-cycle.js';
import { formValues } from '../../platform/http/forms.js';
import { requireStaff } from '../../platform/http/guards.js';
import { idParams, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { sendCsrfFailure, setFlash } from '../../platform/http/web.js';
import type { Problem } from '../../platform/result.js';
import type { FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { EnrollmentsTable } from '../../platform/db/schema.js';
import { canKeepRoll } from '../access/roles.js';
import { maxUploadMb } from '../documents/service.js';
import { readOneFileForm, type OneFileForm } from '../documents/one-file-form.js';
import { CONTACT_PURPOSES } from './contact-log.js';
import type { RecordSection, RollContext } from './context.js';
import { REQUESTERS, WITHDRAWAL_FILE_TYPES, WITHDRAWAL_NOTE_MAX, Withdrawals } from './withdrawal.js';
import { CONTACT_FIELDS, ContactFormPage, ContactLogSection, type ContactLine, type ContactLogEnrollment } from './views/contact-log.js';
import { WithdrawPage } from './views/withdraw-form.js';

const forbiddenPage = (reply: FastifyReply) =>
  reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('withdrawal.errors.forbidden'), message: ctx.t('withdrawal.errors.forbidden') }), { status: 403 });

/** The withdrawal form's text fields: what is kept when it is shown again. */
const FIELDS = ['exitCode', 'exitDate', 'requestedBy', 'whereaboutsUnknown', 'note', 'keptDocument'] as const;
const keepWithdrawal = (v: Record<string, string>): Record<string, string> =>
  Object.fromEntries(FIELDS.filter((f) => v[f] !== undefined).map((f) => [f, f === 'note' ? v[f].slice(0, WITHDRAWAL_NOTE_MAX + 100) : v[f].slice(0, 40)]));

/** The contact form's fields, by the name the contact log gives them. */
const CONTACT_FORM_FIELD: Record<string, string> = { ...CONTACT_FIELDS, purpose: CONTACT_FIELDS.method, investigationId: CONTACT_FIELDS.method };

/** What the multipart body held: its text fields, the staged document, the problems of the file. */
/** The form as it came (documents/one-file-form.ts). */
type Received = OneFileForm;

/** The contact attempts of enrollments, oldest first, each with the name of who logged it. */
async function contactLines(ctx: RollContext, enrollmentIds: string[]): Promise<ContactLine[]> {
  const db = ctx.deps.db;
  if (enrollmentIds.length === 0) return [];
  const rows = await db.selectFrom('contact_attempts').selectAll().where('enrollment_id', 'in', enrollmentIds).orderBy('contacted_at').orderBy('created_at').orderBy('id').execute();
  const staffIds = [...new Set(rows.map((r) => r.logged_by).filter((a) => a.startsWith('staff:')).map((a) => a.slice('staff:'.length)))];
  const staff = staffIds.length ? await db.selectFrom('staff').select(['id', 'first_name', 'last_name']).where('id', 'in', staffIds).execute() : [];
  const names = new Map(staff.map((s) => [`staff:${s.id}`, `${s.first_name} ${s.last_name}`]));
  return rows.map((r) => ({ ...r, loggedByName: names.get(r.logged_by) ?? null }));
}


/**
 * WDR-1, WDR-2, WDR-4, ENR-5: the withdrawal form and the contact log of an enrollment, and the
 * download of a withdrawal's document. Every read and change is audited (PRV-2), every refusal
 * too; outside the staff member's schools an enrollment is "not found" (PRV-1).
 */
export async function withdrawalRoutes(app: FastifyInstance, ctx: RollContext, service: Withdrawals): Promise<void> {
  const { audit, deps } = ctx;
  const route = typed(app);
  const maxBytes = deps.config.maxUploadBytes;

  /** Answers an access refusal (audited) and returns true; false for a problem of the input. */
  const refusedAccess = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, p: Problem, action: string, id: string) => {
    if (p.code !== 'not-found' && p.code !== 'forbidden') return false;
    await audit.refused(staff, action, { type: 'enrollment', id }, req.ip, p.code);
    if (p.code === 'not-found') await reply.callNotFound();
    else await forbiddenPage(reply);
    return true;
  };

  const studentOf = async (e: EnrollmentsTable) => {
    const s = await deps.db.selectFrom('students').select(['id', 'first_name', 'last_name']).where('id', '=', e.student_id).executeTakeFirstOrThrow();
    const facts = await deps.db.selectFrom('roll_students').select('emancipated').where('student_id', '=', e.student_id).executeTakeFirst();
    return { id: s.id, name: `${s.first_name} ${s.last_name}`, emancipated: Boolean(facts?.emancipated) };
  };

  const withdrawPage = async (req: FastifyRequest, reply: FastifyReply, e: EnrollmentsTable, form: FormState, status = 200) => {
    const district = service.district(e);
    const [student, dd, lines, kept] = await Promise.all([studentOf(e), service.dueDiligence(e), contactLines(ctx, [e.id]), service.keptDocuments(e.id)]);
    return reply.page(
      (c) =>
        WithdrawPage({
          ctx: c,
          form,
          data: {
            enrollment: e,
            student,
            school: deps.districts.schoolById(e.school_id)?.name ?? e.school_id,
            exitCodes: district.enrollmentCodes.exitCodes,
            dueDiligence: { ...dd, lines },
            kept,
            maxMb: maxUploadMb(maxBytes),
            timeZone: district.timeZone,
            now: deps.clock.now(),
          },
        }),
      { status },
    );
  };

  // --- The withdrawal form (WDR-1, WDR-2, WDR-4, ENR-5) ---
  route.get('/staff/roll/enrollments/:id/withdraw', { schema: { params: idParams, querystring: queryOf({ code: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { id } = req.params;
    const r = await service.enrollmentFor(staff, id);
    if (!r.ok) return refusedAccess(req, reply, staff, r.problem, 'roll.withdraw.view', id);
    await audit.record(staff, 'roll.withdraw.view', { type: 'enrollment', id }, req.ip, { student: r.value.student_id }); // PRV-2
    // A page that sends here for one code (the no-show list: N470) has it chosen already.
    const exit = deps.districts.exitCode(service.district(r.value), (req.query.code ?? '').slice(0, 40));
    // WDR-1: with it, the newest document already kept that the code needs (the no-show letter made from the student's page).
    const kept = exit ? (await service.keptDocuments(r.value.id)).find((d) => d.kind === exit.document) : undefined;
    return withdrawPage(req, reply, r.value, { values: exit ? { exitCode: exit.code, ...(kept ? { keptDocument: kept.id } : {}) } : {}, errors: {} });
  });

  /**
   * Reads the multipart body as it comes: the CSRF token first, the text fields, and the one file
   * `document`, typed from its bytes (PDF, JPEG, PNG) and staged in storage — never under its key
   * yet, never whole in memory. Any other file is read and thrown away.
   */
  const receive = (req: FastifyRequest): Promise<Received> => readOneFileForm(req, deps.storage, { field: 'document', types: WITHDRAWAL_FILE_TYPES, maxBytes, ns: 'withdrawal', what: 'a withdrawal' });

  /** The form's own checks, all at once, before the rules of the service (which refuse one at a time). */
  const check = (e: EnrollmentsTable, got: Received): FormState['errors'] => {
    const errors = { ...got.errors };
    const v = got.values;
    const code = (v.exitCode ?? '').trim();
    const exit = code ? deps.districts.exitCode(service.district(e), code) : undefined;
    if (!code) errors.exitCode = { key: 'withdrawal.errors.code-missing' };
    else if (!exit) errors.exitCode = { key: 'withdrawal.errors.code-unknown' };
    if (!/^\d{4}-\d{2}-\d{2}$/.test((v.exitDate ?? '').trim())) errors.exitDate = { key: 'enrollment.errors.date-invalid' };
    if (!(REQUESTERS as readonly string[]).includes(v.requestedBy ?? '')) errors.requestedBy = { key: 'withdrawal.errors.requested-by-missing' };
    if (exit && exit.document !== 'none' && !got.document && !v.keptDocument && !errors.document) errors.document = { key: `withdrawal.errors.document-missing.${exit.document}` };
    if ((v.note ?? '').trim().length > WITHDRAWAL_NOTE_MAX) errors.note = { key: 'withdrawal.errors.note-too-long', params: { max: WITHDRAWAL_NOTE_MAX } };
    return errors;
  };

  route.post('/staff/roll/enrollments/:id/withdraw', { config: { csrf: 'manual' }, schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { id } = req.params;
    const allowed = await service.enrollmentFor(staff, id);
    if (!allowed.ok) return refusedAccess(req, reply, staff, allowed.problem, 'roll.withdraw', id);
    // A form sent without a file (urlencoded) is the same form, for a code that needs no document.
    const got = await receive(req);
    try {
      if (!got.csrf) return sendCsrfFailure(req, reply);
      const values = keepWithdrawal(got.values);
      const errors = check(allowed.value, got);
      if (Object.keys(errors).length) return withdrawPage(req, reply, allowed.value, { values, errors }, 400);
      const r = await service.withdraw(
        staff,
        {
          enrollmentId: id,
          exitCode: values.exitCode,
          exitDate: values.exitDate.trim(),
          requestedBy: values.requestedBy,
          whereaboutsUnknown: values.whereaboutsUnknown === 'yes',
          note: values.note,
          document: got.document,
          keptDocumentId: values.keptDocument || undefined,
        },
        req.ip,
      );
      if (!r.ok) {
        if (await refusedAccess(req, reply, staff, r.problem, 'roll.withdraw', id)) return reply;
        const p = r.problem;
        // The enrollment as it is now (a refusal may come from a change made meanwhile).
        const now = (await ctx.scope.enrollment(staff, id)) ?? allowed.value;
        const field = p.field && p.field !== 'status' ? p.field : '_form';
        return withdrawPage(req, reply, now, { values, errors: { [field]: { key: p.messageKey, params: p.params } } }, p.code === 'enrollment.changed-meanwhile' ? 409 : 400);
      }
      await setFlash(req, deps.sessions, { type: 'success', messageKey: 'withdrawal.done' });
      return reply.redirect(`/staff/roll/students/${allowed.value.student_id}`, 303);
    } finally {
      // Whatever happened, the temporary copy goes: a kept file is under its key by now.
      await got.document?.staged.discard().catch(() => undefined);
    }
  });

  // --- The contact log (WDR-2, WDR-3, ENR-6) ---
  route.post('/staff/roll/enrollments/:id/contacts', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { id } = req.params;
    const f = CONTACT_FIELDS;
    const keep = (v: Record<string, string>) => ({
      ...Object.fromEntries(Object.values(f).map((name) => [name, (v[name] ?? '').slice(0, 2100)])),
      purpose: (v.purpose ?? '').slice(0, 40),
      back: (v.back ?? '').slice(0, 300),
      investigationId: (v.investigationId ?? '').slice(0, 40),
    });
    const backOf = (v: Record<string, string>, studentId: string) => {
      const b = v.back ?? '';
      // Only a page of the roll; anything else goes back to the student's page.
      return /^\/staff\/roll\/[A-Za-z0-9_\-/]*(\?[A-Za-z0-9_\-=&:%.]*)?(#[A-Za-z0-9_-]*)?$/.test(b) && !b.includes('//') ? b : `/staff/roll/students/${studentId}#contact-log-heading`;
    };
    const allowed = await service.enrollmentFor(staff, id);
    if (!allowed.ok) return refusedAccess(req, reply, staff, allowed.problem, 'roll.contact', id);
    const e = allowed.value;
    const district = service.district(e);
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep,
      submit: async (v) => {
        const purpose = (CONTACT_PURPOSES as readonly string[]).includes(v.purpose ?? '') ? (v.purpose as (typeof CONTACT_PURPOSES)[number]) : 'due_diligence';
        const when = parseLocalInstant(v[f.contactedAt] ?? '', district.timeZone);
        const r = await service.logContact(staff, {
          enrollmentId: id,
          purpose,
          investigationId: v.investigationId || undefined,
          contactedAt: when ? when.toISOString() : '',
          method: v[f.method] ?? '',
          reached: v[f.reached],
          outcome: v[f.outcome] ?? '',
          note: v[f.note],
        });
        if (!r.ok) {
          if (await refusedAccess(req, reply, staff, r.problem, 'roll.contact', id)) return answered(reply);
          const p = r.problem;
          return p.field ? refuseProblem(p, CONTACT_FORM_FIELD[p.field] ?? f.contactedAt) : refuseWhole(p);
        }
        // PRV-2: a change of the student's roll record.
        await audit.record(staff, 'roll.contact', { type: 'enrollment', id }, req.ip, { student: e.student_id, purpose, method: r.value.method, outcome: r.value.outcome, contact: r.value.id });
        return r;
      },
      render: async (form, status, refused) => {
        const s = await studentOf(e);
        const values = form.values;
        const shown: FormState = refused?.alert ? { values, errors: { [f.contactedAt]: { key: refused.alert.key, params: refused.alert.params } } } : form;
        return reply.page((c) => ContactFormPage({ ctx: c, form: shown, enrollmentId: id, purpose: values.purpose || 'due_diligence', back: backOf(values, e.student_id), student: s.name }), { status });
      },
      redirectTo: async (_r) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'withdrawal.contact.logged' });
        return backOf(formValues(req.body), e.student_id);
      },
    });
  });

  // --- A withdrawal's document, for those who read the roll (WDR-1, PRV-1, PRV-2) ---
  route.get('/staff/roll/enrollment-documents/:id', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { id } = req.params;
    const r = await service.document(staff, id);
    if (!r.ok) {
      await audit.refused(staff, 'roll.document.view', { type: 'enrollment_document', id }, req.ip, r.problem.code);
      return reply.callNotFound();
    }
    const { row, enrollment, file } = r.value;
    await audit.record(staff, 'roll.document.view', { type: 'enrollment', id: enrollment.id }, req.ip, { document: row.id, kind: row.kind, student: enrollment.student_id });
    const safeName = row.file_name.replace(/[^\w. -]/g, '_');
    return reply
      .type(row.content_type)
      .header('Content-Disposition', `attachment; filename="${safeName}"`)
      .header('Cache-Control', 'no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(file);
  });
}

/**
 * The contact log's section of the office's page of one student (the page has checked the
 * student is in scope and audited the read): the attempts and the withdrawal documents of the
 * student's enrollments at the staff member's schools, and the form to log one more.
 */
export function contactLogSection(ctx: RollContext): RecordSection {
  const { deps } = ctx;
  return async (_req, staff, studentId) => {
    const schools = await ctx.scope.schools(staff);
    if (schools !== null && schools.length === 0) return null;
    let q = deps.db.selectFrom('enrollments').selectAll().where('student_id', '=', studentId).where('district_id', '=', staff.districtId);
    if (schools !== null) q = q.where('school_id', 'in', schools);
    const enrollments = await q.orderBy('created_at', 'desc').orderBy('id').execute();
    if (enrollments.length === 0) return null;
    const ids = enrollments.map((e) => e.id);
    const lines = await contactLines(ctx, ids);
    const docs = await deps.db.selectFrom('enrollment_documents').selectAll().where('enrollment_id', 'in', ids).orderBy('uploaded_at', 'desc').orderBy('id').execute();
    let formShown = !canKeepRoll(staff);
    const list: ContactLogEnrollment[] = enrollments.map((e) => {
      // One form on the page: for the first enrollment not exited.
      const canLog = !formShown && e.status !== 'exited';
      if (canLog) formShown = true;
      return {
        id: e.id,
        school: deps.districts.schoolById(e.school_id)?.name ?? e.school_id,
        schoolYear: e.school_year,
        status: e.status,
        contacts: lines.filter((r) => r.enrollment_id === e.id),
        documents: docs.filter((d) => d.enrollment_id === e.id),
        canLog,
        purpose: e.status === 'pre_enrolled' ? 'no_show' : 'due_diligence',
      };
    });
    const district = deps.districts.get(staff.districtId)!;
    const now = deps.clock.now();
    return (c) => ContactLogSection({ ctx: c, studentId, enrollments: list, timeZone: district.timeZone, now });
  };
}
