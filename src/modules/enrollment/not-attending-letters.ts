import { Readable } from 'node:stream';
import type { EnrollmentDocumentsTable, EnrollmentsTable } from '../../platform/db/schema.js';
import { refusable, refuse } from '../../platform/db/refuse.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { addDays, localDate } from '../../platform/clock.js';
import { translator, type Translator } from '../../platform/i18n/translator.js';
import { createPdf } from '../../platform/pdf/pdf.js';
import { err, ok, type Err, type Result } from '../../platform/result.js';
import { canKeepRoll } from '../access/roles.js';
import type { RollContext } from './context.js';
import { keepDocumentIn } from './withdrawal.js';

/**
 * The not-attending / no-show letter (issue 15 point 11, WDR-1, WDR-3): the letter a school sends
 * when a student did not come on the first expected day or stopped attending, in the family's
 * language (the linked account's, or the one the office chose when no account is linked). Making
 * it keeps it with the enrollment (an enrollment_documents row of kind `not_attending_letter`),
 * so the withdrawal form can use it as the document codes E140 and N470 need, and the linked
 * parent reads it from the student's page. One letter per enrollment and school day: a retried
 * post finds the day's letter and makes no second one.
 */

export const LETTER_KIND = 'not_attending_letter';
export const LETTER_LANGUAGES = ['en', 'es'] as const;
export type LetterLanguage = (typeof LETTER_LANGUAGES)[number];
/** The days the family is given to contact the school, from the letter's date. */
export const REPLY_DAYS = 7;

const problem = (code: string, field: string): Err => err(`roll-letters.${code}`, `roll-letters.errors.${code}`, { field });
const notFound = (): Err => err('not-found', 'common.notFound.message');
const forbidden = (): Err => err('forbidden', 'roll-letters.errors.forbidden');

export interface LetterMade {
  document: EnrollmentDocumentsTable;
  language: LetterLanguage;
  /** A retried post: the day's letter was already kept; nothing was made again. */
  again: boolean;
}

/** What the office's section shows for one enrollment a letter may be made for. */
export interface LetterTarget {
  enrollment: EnrollmentsTable;
  school: string;
}

const asLanguage = (l: string | null | undefined): LetterLanguage | null => ((LETTER_LANGUAGES as readonly string[]).includes(l ?? '') ? (l as LetterLanguage) : null);

export class NotAttendingLetters {
  constructor(private ctx: RollContext) {}

  /** The enrollment a staff member may make a letter for: not found outside their scope (PRV-1), forbidden to a role that does not keep the roll. */
  async enrollmentFor(staff: SessionStaff, enrollmentId: string): Promise<Result<EnrollmentsTable>> {
    const e = await this.ctx.scope.enrollment(staff, enrollmentId);
    if (!e) return notFound();
    if (!canKeepRoll(staff)) return forbidden();
    return ok(e);
  }

  /** The family's language when an account is linked (users.language), else null: the office chooses. */
  async familyLanguage(studentId: string): Promise<LetterLanguage | null> {
    const row = await this.ctx.deps.db
      .selectFrom('students')
      .innerJoin('users', 'users.id', 'students.account_id')
      .select('users.language')
      .where('students.id', '=', studentId)
      .executeTakeFirst();
    return row ? (asLanguage(row.language) ?? 'en') : null;
  }

  /** The office's section: the student's pre-enrolled or active enrollment at the staff member's schools (the primary one first; one form on the page), and the family's language. */
  async targets(staff: SessionStaff, studentId: string): Promise<{ targets: LetterTarget[]; familyLanguage: LetterLanguage | null } | null> {
    if (!canKeepRoll(staff)) return null;
    const schools = await this.ctx.scope.schools(staff);
    if (schools !== null && schools.length === 0) return null;
    let q = this.ctx.deps.db
      .selectFrom('enrollments')
      .selectAll()
      .where('student_id', '=', studentId)
      .where('district_id', '=', staff.districtId)
      .where('status', 'in', ['pre_enrolled', 'active']);
    if (schools !== null) q = q.where('school_id', 'in', schools);
    // The primary school's enrollment first: the section makes the letter for that one.
    const rows = await q.orderBy('is_primary', 'desc').orderBy('created_at', 'desc').orderBy('id').limit(1).execute();
    if (!rows.length) return null;
    return {
      targets: rows.map((enrollment) => ({ enrollment, school: this.ctx.deps.districts.schoolById(enrollment.school_id)?.name ?? enrollment.school_id })),
      familyLanguage: await this.familyLanguage(studentId),
    };
  }

  /**
   * Makes the letter for a pre-enrolled (no-show) or active enrollment and keeps it: the PDF is put
   * in the store, then in one transaction the day's letter is looked for again (the enrollment's
   * row locked on PostgreSQL), the row written (withdrawal.ts keepDocumentIn) with the audit entry.
   */
  async make(staff: SessionStaff, enrollmentId: string, chosen: string | undefined, ip: string): Promise<Result<LetterMade>> {
    const allowed = await this.enrollmentFor(staff, enrollmentId);
    if (!allowed.ok) return allowed;
    const e = allowed.value;
    const { deps } = this.ctx;
    const district = deps.districts.get(e.district_id)!;
    const today = localDate(deps.clock.now(), district.timeZone);
    const todays = (rows: EnrollmentDocumentsTable[]) => rows.find((d) => d.kind === LETTER_KIND && localDate(new Date(d.uploaded_at), district.timeZone) === today);
    const family = await this.familyLanguage(e.student_id);
    const language = family ?? asLanguage(chosen);
    if (e.status !== 'pre_enrolled' && e.status !== 'active') return problem('not-open', '_form');
    if (!language) return problem('language-missing', 'language');
    const lettersOf = (q = deps.db) => q.selectFrom('enrollment_documents').selectAll().where('enrollment_id', '=', e.id).where('kind', '=', LETTER_KIND).execute();
    const already = todays(await lettersOf());
    if (already) return ok({ document: already, language, again: true });

    const pdf = await this.pdf(e, language, today);
    const staged = await deps.storage.stage(Readable.from([pdf]), { maxBytes: pdf.length + 1 });
    try {
      await staged.commit();
      const fileName = `${translator(deps.catalogs, language).t('roll-letters.letter.fileName')}-${today}.pdf`;
      return await refusable(() =>
        deps.db.transaction().execute(async (trx) => {
          let lock = trx.selectFrom('enrollments').select(['id', 'status']).where('id', '=', e.id);
          if (deps.dialect === 'postgres') lock = lock.forUpdate();
          const now = await lock.executeTakeFirst();
          if (!now || (now.status !== 'pre_enrolled' && now.status !== 'active')) refuse(problem('not-open', '_form'));
          const again = todays(await trx.selectFrom('enrollment_documents').selectAll().where('enrollment_id', '=', e.id).where('kind', '=', LETTER_KIND).execute());
          if (again) return { document: again, language, again: true };
          const document = await keepDocumentIn(trx, this.ctx, {
            enrollmentId: e.id,
            kind: LETTER_KIND,
            document: { staged, fileName, contentType: 'application/pdf' },
            actor: `staff:${staff.id}`,
          });
          // PRV-2: a change of the student's roll record.
          await this.ctx.audit.in(trx).record(staff, 'roll.letter.not-attending', { type: 'enrollment', id: e.id }, ip, {
            student: e.student_id,
            document: document.id,
            language,
            languageFrom: family ? 'account' : 'office',
          });
          return { document, language, again: false };
        }),
      );
    } finally {
      await staged.discard().catch(() => undefined);
    }
  }

  /** The letter's PDF, every word in `language`. */
  async pdf(e: EnrollmentsTable, language: LetterLanguage, today: string): Promise<Buffer> {
    const { deps } = this.ctx;
    const district = deps.districts.get(e.district_id)!;
    const i18n: Translator = translator(deps.catalogs, language, district.timeZone);
    const { t } = i18n;
    const student = await deps.db.selectFrom('students').select(['first_name', 'last_name', 'date_of_birth', 'account_id']).where('id', '=', e.student_id).executeTakeFirstOrThrow();
    const guardian = student.account_id ? await deps.db.selectFrom('users').select(['first_name', 'last_name']).where('id', '=', student.account_id).executeTakeFirst() : undefined;
    const school = deps.districts.schoolById(e.school_id);
    const schoolName = school?.name ?? e.school_id;
    const schoolPhone = school?.phone ?? district.contact.phone;
    const schoolAddress = school?.address ?? '';
    const districtName = district.name[language] ?? district.name.en;
    const name = `${student.first_name} ${student.last_name}`;
    const title = t('roll-letters.letter.title');
    const pdf = createPdf({ title, language, author: districtName });
    pdf.title(districtName);
    pdf.paragraph(`${district.contact.address} · ${district.contact.phone} · ${district.contact.email}`);
    pdf.heading(title);
    pdf.fields([
      [t('roll-letters.letter.date'), i18n.date(today)],
      [t('roll-letters.letter.to'), guardian ? `${guardian.first_name} ${guardian.last_name}` : t('roll-letters.letter.toGuardianOf', { name })],
      [t('roll-letters.letter.student'), name],
      [t('roll-letters.letter.dateOfBirth'), i18n.date(student.date_of_birth)],
      [t('roll-letters.letter.school'), `${schoolName}${schoolAddress ? `, ${schoolAddress}` : ''}`],
      [t('roll-letters.letter.grade'), t(`applications.grades.${e.grade}`)],
      [t('roll-letters.letter.schoolYear'), e.school_year],
    ]);
    pdf.paragraph(t('roll-letters.letter.greeting'));
    if (e.status === 'pre_enrolled') {
      const day = e.expected_first_day ?? today;
      pdf.paragraph(t('roll-letters.letter.noShow', { name, school: schoolName, day: i18n.date(day) }));
    } else {
      pdf.paragraph(t('roll-letters.letter.notAttending', { name, school: schoolName, since: e.entry_date ? i18n.date(e.entry_date) : '' }));
    }
    pdf.paragraph(t('roll-letters.letter.law'));
    pdf.heading(t('roll-letters.letter.whatToDo'));
    pdf.bullets([
      t('roll-letters.letter.contactBy', { school: schoolName, phone: schoolPhone, by: i18n.date(addDays(today, REPLY_DAYS)) }),
      t('roll-letters.letter.ifMoved'),
      t('roll-letters.letter.ifOtherSchool'),
    ]);
    pdf.paragraph(t('roll-letters.letter.otherwise'));
    pdf.paragraph(t('roll-letters.letter.closing', { school: schoolName }));
    return pdf.finish();
  }

  /** The letters kept for a parent's own student (the page has checked the student is theirs, PRV-1), newest first. */
  lettersOfStudent(studentId: string): Promise<(EnrollmentDocumentsTable & { school_id: string })[]> {
    return this.ctx.deps.db
      .selectFrom('enrollment_documents')
      .innerJoin('enrollments', 'enrollments.id', 'enrollment_documents.enrollment_id')
      .selectAll('enrollment_documents')
      .select('enrollments.school_id')
      .where('enrollments.student_id', '=', studentId)
      .where('enrollment_documents.kind', '=', LETTER_KIND)
      .orderBy('enrollment_documents.uploaded_at', 'desc')
      .orderBy('enrollment_documents.id')
      .execute();
  }

  /** A letter of the parent's own linked student; undefined otherwise (404, PRV-1). */
  async parentLetter(accountId: string, studentId: string, documentId: string): Promise<{ row: EnrollmentDocumentsTable; file: Readable } | undefined> {
    const row = await this.ctx.deps.db
      .selectFrom('enrollment_documents')
      .innerJoin('enrollments', 'enrollments.id', 'enrollment_documents.enrollment_id')
      .innerJoin('students', 'students.id', 'enrollments.student_id')
      .selectAll('enrollment_documents')
      .where('enrollment_documents.id', '=', documentId)
      .where('enrollment_documents.kind', '=', LETTER_KIND)
      .where('students.id', '=', studentId)
      .where('students.account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) return undefined;
    return { row, file: this.ctx.deps.storage.read(row.storage_key) };
  }
}
