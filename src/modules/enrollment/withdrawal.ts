import type { Readable } from 'node:stream';
import type { Kysely, Transaction } from 'kysely';
import type { ContactAttemptsTable, Database, EnrollmentDocumentsTable, EnrollmentsTable } from '../../platform/db/schema.js';
import { refusable, refuse } from '../../platform/db/refuse.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Err, type Result } from '../../platform/result.js';
import type { StagedFile } from '../../platform/storage/storage.js';
import { localDate } from '../../platform/clock.js';
import { canKeepRoll } from '../access/roles.js';
import { ageOn } from '../students/validation.js';
import type { DistrictConfig, ExitCodeConfig } from '../districts/config-schema.js';
import { DocumentsRepository } from '../documents/repository.js';
import { contactsOf, dueDiligenceExhausted, dueDiligenceRule, locatedNotAttending, logContact, whereaboutsUnknown, type ContactInput } from './contact-log.js';
import type { RollContext } from './context.js';
import { exitIn } from './roll.js';

/**
 * A withdrawal (issue 15, point 8): an exit with its code (WDR-4), the document the code requires
 * (WDR-1), and — for a student whose whereabouts are unknown or who is not attending — the due
 * diligence logged first (WDR-2). A student located but not attending is never withdrawn.
 *
 * Every rule is checked in the one transaction that writes the document's row and the exit
 * (through roll.ts, the one writer of enrollments): a refused withdrawal keeps no row. The file is
 * staged by the route and put under its key only once the same rules, read just before, allow it;
 * a refusal in between (someone else changed the enrollment meanwhile) leaves at most a blob no
 * row names, which the storage clean-up removes (PRV-3).
 */

type Trx = Transaction<Database>;
type Q = Kysely<Database>;

/** ENR-5: who asked for the withdrawal. An emancipated minor, or a student of 18 or older, may ask for their own. */
export const REQUESTERS = ['parent', 'student', 'school'] as const;
export type Requester = (typeof REQUESTERS)[number];

/** WDR-1: the file types a withdrawal's document may be (decided from the bytes, DOC-6). */
export const WITHDRAWAL_FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

/** The contact attempts that count as due diligence to locate a student (WDR-2): a no-show's follow-up counts too (WDR-3). */
const DUE_DILIGENCE_PURPOSES = ['due_diligence', 'no_show'] as const;

export const WITHDRAWAL_NOTE_MAX = 2000;

export interface UploadedDocument {
  staged: StagedFile;
  fileName: string;
  contentType: string;
}

export interface WithdrawalInput {
  enrollmentId: string;
  exitCode: string;
  exitDate: string;
  requestedBy: string;
  /** WDR-2: the office says the student's whereabouts are unknown, or the student has excessive absences. */
  whereaboutsUnknown?: boolean;
  note?: string;
  /** WDR-1: the document, staged in storage by the route (not yet under its key). */
  document?: UploadedDocument;
  /** WDR-1: instead of an upload, a document already kept with this enrollment, of the kind the code needs (a not-attending letter). */
  keptDocumentId?: string;
}

/**
 * Keeps a document with an enrollment, inside the transaction that needs it: the staged file
 * (already committed under its key) is checked to be there under the blob lock (StorageJanitor),
 * and its row written. A withdrawal's upload and a not-attending letter are kept this one way.
 */
export async function keepDocumentIn(
  trx: Trx,
  ctx: Pick<RollContext, 'deps'>,
  x: { enrollmentId: string; kind: string; document: UploadedDocument; actor: string },
): Promise<EnrollmentDocumentsTable> {
  // Under the blob lock, the blob this row names is there (StorageJanitor).
  await new DocumentsRepository(ctx.deps.db).lockBlobs(trx, 'shared');
  await x.document.staged.ensure();
  const row: EnrollmentDocumentsTable = {
    id: newId(),
    enrollment_id: x.enrollmentId,
    kind: x.kind,
    storage_key: x.document.staged.key,
    file_name: x.document.fileName,
    content_type: x.document.contentType,
    size_bytes: x.document.staged.size,
    uploaded_by: x.actor,
    uploaded_at: ctx.deps.clock.now().toISOString(),
  };
  await trx.insertInto('enrollment_documents').values(row).execute();
  return row;
}

export interface Withdrawn {
  enrollment: EnrollmentsTable;
  documentId: string | null;
  /** A retried post: the enrollment was already withdrawn with this code; nothing was done again. */
  again: boolean;
}

/** WDR-2: what the contact log says of an enrollment, for the withdrawal form. */
export interface DueDiligence {
  rule: { attempts: number; methods: number };
  /** The attempts that count (due diligence and no-show follow-ups), oldest first. */
  attempts: ContactAttemptsTable[];
  methods: number;
  exhausted: boolean;
  whereaboutsUnknown: boolean;
  locatedNotAttending: boolean;
}

/** A refusal of the withdrawal: its code, the catalog key of its message, its field. */
const problem = (code: string, field: string, params?: Record<string, string | number>): Err =>
  err(`withdrawal.${code}`, `withdrawal.errors.${code}`, { field, ...(params ? { params } : {}) });
const notFound = (): Err => err('not-found', 'common.notFound.message');
const forbidden = (): Err => err('forbidden', 'withdrawal.errors.forbidden');

export class Withdrawals {
  constructor(private ctx: RollContext) {}

  /**
   * The enrollment a staff member may withdraw: 'not-found' outside their scope (PRV-1, said the
   * same as a missing one), 'forbidden' for a role that reads the roll but does not keep it.
   */
  async enrollmentFor(staff: SessionStaff, enrollmentId: string): Promise<Result<EnrollmentsTable>> {
    const e = await this.ctx.scope.enrollment(staff, enrollmentId);
    if (!e) return notFound();
    if (!canKeepRoll(staff)) return forbidden();
    return ok(e);
  }

  district(e: Pick<EnrollmentsTable, 'district_id'>): DistrictConfig {
    return this.ctx.deps.districts.get(e.district_id)!;
  }

  /** WDR-2: the due diligence logged for an enrollment, against the district's rule. */
  async dueDiligence(enrollment: Pick<EnrollmentsTable, 'id' | 'district_id'>, q: Q = this.ctx.deps.db): Promise<DueDiligence> {
    const all = await contactsOf(q, enrollment.id);
    const attempts = all.filter((c) => (DUE_DILIGENCE_PURPOSES as readonly string[]).includes(c.purpose));
    const district = this.district(enrollment);
    return {
      rule: dueDiligenceRule(district),
      attempts,
      methods: new Set(attempts.map((a) => a.method)).size,
      exhausted: dueDiligenceExhausted(attempts, district),
      whereaboutsUnknown: whereaboutsUnknown(attempts),
      // Any attempt, an address investigation's too, may have found the student not attending.
      locatedNotAttending: locatedNotAttending(all),
    };
  }

  /**
   * Withdraws: checks every rule, puts the staged document under its key, then in one
   * transaction checks them again, records the document and the exit (roll.ts) and the audit
   * entry ('roll.withdraw', PRV-2). A retried post finds the enrollment withdrawn with the same
   * code and changes nothing.
   */
  async withdraw(staff: SessionStaff, input: WithdrawalInput, ip: string): Promise<Result<Withdrawn>> {
    const allowed = await this.enrollmentFor(staff, input.enrollmentId);
    if (!allowed.ok) return allowed;
    const actor = `staff:${staff.id}`;
    // The same rules, read first: a refused withdrawal never puts its file in the store.
    const first = await refusable(() => this.check(this.ctx.deps.db, input));
    if (!first.ok) return first;
    const code = first.value.code;
    const document = code.document !== 'none' && !first.value.again ? input.document : undefined;
    if (document) await document.staged.commit();
    const work = async (trx: Trx): Promise<Withdrawn> => {
      const { code: c, enrollment, again } = await this.check(trx, input);
      if (again) return { enrollment, documentId: enrollment.exit_document_id, again: true };
      let documentId: string | null = null;
      if (document) documentId = (await keepDocumentIn(trx, this.ctx, { enrollmentId: enrollment.id, kind: c.document, document, actor })).id;
      // WDR-1: a document already kept with this enrollment (the not-attending letter made from the student's page).
      else if (c.document !== 'none' && input.keptDocumentId) documentId = input.keptDocumentId;
      const exited = await exitIn(trx, this.ctx.deps, actor, {
        enrollmentId: enrollment.id,
        exitCode: c.code,
        exitDate: input.exitDate,
        documentId: documentId ?? undefined,
        note: input.note?.trim() || undefined,
      });
      // PRV-2: who withdrew whom, with which code and document, at whose request.
      await this.ctx.audit.in(trx).record(staff, 'roll.withdraw', { type: 'enrollment', id: enrollment.id }, ip, {
        student: enrollment.student_id,
        code: c.code,
        calpads: c.calpads,
        document: documentId,
        documentKind: c.document,
        requestedBy: input.requestedBy,
        exitDate: input.exitDate,
      });
      return { enrollment: exited, documentId, again: false };
    };
    // A unit that awaits a stored file (ensure) is a plain transaction; without one, a change of
    // the roll shares the writer's commits (platform/db/group-commit.ts).
    return refusable(() => (document ? this.ctx.deps.db.transaction().execute(work) : this.ctx.deps.writer.run(work)));
  }

  /** Every rule of a withdrawal, read with `q` (the database, or the transaction that writes it); refuses with a Refusal. */
  private async check(q: Q, input: WithdrawalInput): Promise<{ code: ExitCodeConfig; enrollment: EnrollmentsTable; again: boolean }> {
    const enrollment = await q.selectFrom('enrollments').selectAll().where('id', '=', input.enrollmentId).executeTakeFirst();
    if (!enrollment) refuse(notFound());
    const district = this.district(enrollment);
    const codeText = input.exitCode.trim();
    // WDR-1, WDR-4: a withdrawal has a code, one of the district's.
    if (!codeText) refuse(problem('code-missing', 'exitCode'));
    const code = this.ctx.deps.districts.exitCode(district, codeText);
    if (!code) refuse(problem('code-unknown', 'exitCode'));
    // A retried post: already withdrawn with this code and date.
    if (enrollment.status === 'exited' && enrollment.exit_code === code.code && enrollment.exit_date === input.exitDate) return { code, enrollment, again: true };
    if (enrollment.status === 'exited') refuse(problem('already-exited', '_form'));
    // ENR-5: a student asks for their own withdrawal as an emancipated minor or as an adult.
    if (!(REQUESTERS as readonly string[]).includes(input.requestedBy)) refuse(problem('requested-by-missing', 'requestedBy'));
    if (input.requestedBy === 'student') {
      const facts = await q.selectFrom('roll_students').select('emancipated').where('student_id', '=', enrollment.student_id).executeTakeFirst();
      const student = await q.selectFrom('students').select('date_of_birth').where('id', '=', enrollment.student_id).executeTakeFirstOrThrow();
      const today = localDate(this.ctx.deps.clock.now(), district.timeZone);
      if (!facts?.emancipated && ageOn(student.date_of_birth, today) < 18) refuse(problem('not-emancipated', 'requestedBy'));
    }
    // WDR-1: the document the code requires.
    if (code.document !== 'none' && !input.document) {
      const kept = input.keptDocumentId
        ? await q.selectFrom('enrollment_documents').select('id').where('id', '=', input.keptDocumentId).where('enrollment_id', '=', enrollment.id).where('kind', '=', code.document).executeTakeFirst()
        : undefined;
      if (!kept) refuse(err('withdrawal.document-missing', `withdrawal.errors.document-missing.${code.document}`, { field: 'document' }));
    }
    // WDR-2: located but not attending, never withdrawn; unknown whereabouts, not before due diligence is exhausted.
    const dd = await this.dueDiligence(enrollment, q);
    if (dd.locatedNotAttending) refuse(problem('located-not-attending', '_form'));
    if ((code.dueDiligence || dd.whereaboutsUnknown || input.whereaboutsUnknown) && !dd.exhausted) {
      refuse(problem('due-diligence-not-exhausted', 'dueDiligence', { attempts: dd.rule.attempts, methods: dd.rule.methods, logged: dd.attempts.length, used: dd.methods }));
    }
    if (input.note && input.note.trim().length > WITHDRAWAL_NOTE_MAX) refuse(problem('note-too-long', 'note', { max: WITHDRAWAL_NOTE_MAX }));
    return { code, enrollment, again: false };
  }

  /** Logs one contact attempt on an enrollment the staff member keeps (the contact log's route). */
  async logContact(staff: SessionStaff, input: ContactInput): Promise<Result<ContactAttemptsTable>> {
    const allowed = await this.enrollmentFor(staff, input.enrollmentId);
    if (!allowed.ok) return allowed;
    return refusable(() => this.ctx.deps.writer.run((trx) => logContact(trx, this.ctx.deps, `staff:${staff.id}`, input)));
  }

  /** WDR-1: the documents already kept with an enrollment (a not-attending letter), newest first, for the withdrawal form to use. */
  keptDocuments(enrollmentId: string): Promise<EnrollmentDocumentsTable[]> {
    return this.ctx.deps.db.selectFrom('enrollment_documents').selectAll().where('enrollment_id', '=', enrollmentId).orderBy('uploaded_at', 'desc').orderBy('id').execute();
  }

  /** The documents of a student's enrollments at the staff member's schools, newest first. */
  async documentsOfStudent(staff: SessionStaff, studentId: string): Promise<(EnrollmentDocumentsTable & { school_id: string; exit_code: string | null })[]> {
    const schools = await this.ctx.scope.schools(staff);
    if (schools !== null && schools.length === 0) return [];
    let q = this.ctx.deps.db
      .selectFrom('enrollment_documents')
      .innerJoin('enrollments', 'enrollments.id', 'enrollment_documents.enrollment_id')
      .selectAll('enrollment_documents')
      .select(['enrollments.school_id', 'enrollments.exit_code'])
      .where('enrollments.student_id', '=', studentId)
      .where('enrollments.district_id', '=', staff.districtId);
    if (schools !== null) q = q.where('enrollments.school_id', 'in', schools);
    return q.orderBy('enrollment_documents.uploaded_at', 'desc').orderBy('enrollment_documents.id').execute();
  }

  /** A withdrawal's document, for those who may read the roll of its school (404 otherwise, PRV-1). */
  async document(staff: SessionStaff, documentId: string): Promise<Result<{ row: EnrollmentDocumentsTable; enrollment: EnrollmentsTable; file: Readable }>> {
    const row = await this.ctx.deps.db.selectFrom('enrollment_documents').selectAll().where('id', '=', documentId).executeTakeFirst();
    const enrollment = row ? await this.ctx.scope.enrollment(staff, row.enrollment_id) : undefined;
    if (!row || !enrollment) return notFound();
    return ok({ row, enrollment, file: this.ctx.deps.storage.read(row.storage_key) });
  }
}
