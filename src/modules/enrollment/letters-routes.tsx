import type { FastifyInstance } from 'fastify';
import { formValues } from '../../platform/http/forms.js';
import { requireParent, requireStaff } from '../../platform/http/guards.js';
import { idParams, paramsOf, typed } from '../../platform/http/route-schemas.js';
import { setFlash } from '../../platform/http/web.js';
import type { StudentPageSection } from '../../platform/modules.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { RecordSection, RollContext } from './context.js';
import { LETTER_LANGUAGES, type NotAttendingLetters } from './not-attending-letters.js';
import { LetterFormPage, LettersSection, ParentLettersSection } from './views/letters.js';

/**
 * The not-attending / no-show letter (issue 15 point 11, WDR-1, WDR-3): the office makes it from
 * the student's page (canKeepRoll, RollScope: not found outside, audited either way, PRV-1 and
 * PRV-2); the linked parent downloads it from their student's page (their own student only).
 */
export async function lettersRoutes(app: FastifyInstance, ctx: RollContext, letters: NotAttendingLetters): Promise<void> {
  const { deps, audit } = ctx;
  const route = typed(app);

  route.post('/staff/roll/enrollments/:id/not-attending-letter', { schema: { params: idParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { id } = req.params;
    const v = formValues(req.body);
    const language = (LETTER_LANGUAGES as readonly string[]).includes(v.language ?? '') ? v.language : '';
    const r = await letters.make(staff, id, language || undefined, req.ip);
    if (!r.ok) {
      const p = r.problem;
      if (p.code === 'not-found' || p.code === 'forbidden') {
        await audit.refused(staff, 'roll.letter.not-attending', { type: 'enrollment', id }, req.ip, p.code);
        if (p.code === 'not-found') return reply.callNotFound();
        return reply.page((c) => ErrorPage({ ctx: c, title: c.t('roll-letters.errors.forbidden'), message: c.t('roll-letters.errors.forbidden') }), { status: 403 });
      }
      // A problem of the form (no language chosen, the enrollment exited meanwhile): the form again, beside its field.
      const e = await ctx.scope.enrollment(staff, id);
      if (!e) return reply.callNotFound();
      const s = await deps.db.selectFrom('students').select(['first_name', 'last_name']).where('id', '=', e.student_id).executeTakeFirstOrThrow();
      const school = deps.districts.schoolById(e.school_id)?.name ?? e.school_id;
      const field = p.field ?? '_form';
      return reply.page(
        (c) => LetterFormPage({ ctx: c, form: { values: { language }, errors: { [field]: { key: p.messageKey, params: p.params } } }, target: { enrollment: e, school }, student: `${s.first_name} ${s.last_name}`, studentId: e.student_id }),
        { status: 400 },
      );
    }
    await setFlash(req, deps.sessions, { type: 'success', messageKey: r.value.again ? 'roll-letters.madeAgain' : 'roll-letters.made' });
    const e = await ctx.scope.enrollment(staff, id);
    return reply.redirect(`/staff/roll/students/${encodeURIComponent(e?.student_id ?? '')}#contact-log-heading`, 303);
  });

  route.get('/students/:id/letters/:documentId', { schema: { params: paramsOf('id', 'documentId') } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    // PRV-1: a letter of another family's student, or of a student not linked to this account, is not found.
    const found = await letters.parentLetter(user.id, req.params.id, req.params.documentId);
    if (!found) return reply.callNotFound();
    const safeName = found.row.file_name.replace(/[^\w. -]/g, '_');
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `attachment; filename="${safeName}"`)
      .header('Cache-Control', 'no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(found.file);
  });
}

/** The office's page of one student: the letter's forms, for the office only (a teacher reads the letters in the contact log). */
export const lettersRecordSection =
  (letters: NotAttendingLetters): RecordSection =>
  async (_req, staff, studentId) => {
    const found = await letters.targets(staff, studentId);
    if (!found) return null;
    return (c) => <LettersSection ctx={c} targets={found.targets} familyLanguage={found.familyLanguage} />;
  };

/** The parent's student page: the letters the school made about their own child (the page has checked the student is theirs, PRV-1). */
export const parentLettersSection =
  (ctx: RollContext, letters: NotAttendingLetters): StudentPageSection =>
  async (_req, student) => {
    const list = await letters.lettersOfStudent(student.id);
    if (!list.length) return null;
    const rows = list.map((d) => ({ ...d, school: ctx.deps.districts.schoolById(d.school_id)?.name ?? d.school_id }));
    return (c) => <ParentLettersSection ctx={c} studentId={student.id} firstName={student.first_name} letters={rows} />;
  };
