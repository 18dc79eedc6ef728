import type { Transaction } from 'kysely';
import { addDays, localDate, parseLocalInstant } from '../../platform/clock.js';
import type { ContactAttemptsTable, Database, EnrollmentsTable, InvestigationsTable } from '../../platform/db/schema.js';
import { refusable, refuse } from '../../platform/db/refuse.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Err, type Result } from '../../platform/result.js';
import { canKeepRoll } from '../access/roles.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { logContact } from './contact-log.js';
import type { RollContext } from './context.js';

/**
 * Address investigations (ENR-6, BUL-4926.4 "Inaccurate/suspicious/false address"): when the
 * school has reason to believe an address is wrong, the office opens an investigation on an
 * active enrollment, logs every due-diligence step in the contact log, and closes it with what
 * it found and the choice the bulletin names for that finding. The student stays enrolled
 * throughout: nothing here writes `enrollments` (a transfer the closing leads to is made on the
 * transfer form, by the roll's owner).
 *
 * The office keeps investigations (canKeepRoll), within its schools (RollScope): outside them an
 * investigation is "not found"; a teacher of the school may not open or read one.
 */

type Trx = Transaction<Database>;

/** What the investigation found: the address on record was right, is now corrected, or was false. */
export const OUTCOMES = ['confirmed', 'corrected', 'false'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The choices the bulletin names: stay, a continuing enrollment permit, a transfer to the school of residence, an inter-district permit. */
export const CHOICES = ['stay', 'continuing_permit', 'transfer_residence', 'inter_district_permit'] as const;
export type Choice = (typeof CHOICES)[number];

/** ENR-6: a school error found after this many days from the year's first day (three weeks). */
export const SCHOOL_ERROR_GRACE_DAYS = 21;
export const REASON_MAX = 2000;
export const NOTE_MAX = 2000;

/**
 * Which choices a finding leads to (BUL-4926.4):
 * - false: information given at enrollment was false — the student is transferred to the school
 *   of residence (after a meeting with the parent);
 * - a school error found after the first three weeks of the year (and no false information): the
 *   parent chooses a transfer to the school of residence or a continuing enrollment permit;
 * - confirmed: the address on record is right — the student stays;
 * - corrected: a new address — the administrator decides between staying, a continuing enrollment
 *   permit, a transfer to the school of residence, or an inter-district permit.
 */
export function allowedChoices(outcome: Outcome, schoolErrorLate: boolean): Choice[] {
  if (outcome === 'false') return ['transfer_residence'];
  if (schoolErrorLate) return ['transfer_residence', 'continuing_permit'];
  if (outcome === 'confirmed') return ['stay'];
  return ['stay', 'continuing_permit', 'transfer_residence', 'inter_district_permit'];
}

/** The case whose rule a refused choice names (its message says which choices it allows). */
export const choiceCase = (outcome: Outcome, schoolErrorLate: boolean): string => (outcome === 'false' ? 'false' : schoolErrorLate ? 'schoolErrorLate' : outcome);

/**
 * ENR-6: a school error found (the investigation opened) on or after the 22nd day from the school
 * year's first day, in the district's time zone, is found after the first three weeks.
 */
export function schoolErrorFoundLate(inv: Pick<InvestigationsTable, 'school_error' | 'opened_at'>, district: DistrictConfig, schoolYear: string): boolean {
  if (!inv.school_error) return false;
  const year = district.schoolYears.find((y) => y.year === schoolYear);
  if (!year) return false;
  return localDate(new Date(inv.opened_at), district.timeZone) >= addDays(year.firstDay, SCHOOL_ERROR_GRACE_DAYS);
}

export interface OpenInput {
  reason: string;
  schoolError: boolean;
}

export interface StepInput {
  /** When: a wall-clock time in the district's time zone (`2026-12-01T09:30`), as a datetime field sends it. */
  contactedAt: string;
  method: string;
  reached?: string;
  outcome: string;
  note?: string;
}

export interface CloseInput {
  outcome: string;
  choice: string;
  note?: string;
}

/** One investigation as its page shows it. */
export interface InvestigationView {
  investigation: InvestigationsTable;
  enrollment: EnrollmentsTable;
  student: { id: string; firstName: string; lastName: string; dateOfBirth: string };
  steps: ContactAttemptsTable[];
  /** ENR-6: a school error found after the first three weeks. */
  schoolErrorLate: boolean;
}

export interface OpenInvestigationRow {
  id: string;
  enrollmentId: string;
  studentId: string;
  firstName: string;
  lastName: string;
  grade: string;
  reason: string;
  schoolError: boolean;
  openedAt: string;
  steps: number;
}

const problem = (code: string, field?: string, params?: Record<string, string | number>): Err =>
  err(`investigation.${code}`, `investigations.errors.${code}`, { ...(field ? { field } : {}), ...(params ? { params } : {}) });
const notFound = (): Err => err('not-found', 'common.notFound.message');
const forbidden = (): Err => err('forbidden', 'investigations.errors.forbidden');

export class Investigations {
  constructor(private ctx: RollContext) {}

  /** Who opens, reads and closes investigations: the school office and district administrators. */
  canInvestigate(staff: Pick<SessionStaff, 'role'>): boolean {
    return canKeepRoll(staff);
  }

  /** ENR-6: opens an investigation on an active enrollment of the office's schools; the enrollment is not touched. */
  async open(staff: SessionStaff, enrollmentId: string, input: OpenInput, ip: string): Promise<Result<InvestigationsTable>> {
    const e = await this.ctx.scope.enrollment(staff, enrollmentId);
    if (!e) return notFound();
    if (!canKeepRoll(staff)) return forbidden();
    const reason = input.reason.trim();
    if (!reason) return problem('reason-missing', 'reason');
    if (reason.length > REASON_MAX) return problem('reason-too-long', 'reason', { max: REASON_MAX });
    return refusable(() =>
      this.ctx.deps.writer.run(async (trx) => {
        // Two clerks at once open one investigation: on PostgreSQL the enrollment's row is locked
        // until this commits (SQLite has one writer at a time already).
        let read = trx.selectFrom('enrollments').select('status').where('id', '=', e.id);
        if (this.ctx.deps.dialect === 'postgres') read = read.forUpdate();
        const now = await read.executeTakeFirst();
        if (now?.status !== 'active') refuse(problem('not-active'));
        const already = await trx.selectFrom('investigations').select('id').where('enrollment_id', '=', e.id).where('status', '=', 'open').executeTakeFirst();
        if (already) refuse(problem('already-open', undefined, { id: already.id }));
        const row: InvestigationsTable = {
          id: newId(),
          enrollment_id: e.id,
          student_id: e.student_id,
          district_id: e.district_id,
          school_id: e.school_id,
          reason,
          school_error: input.schoolError ? 1 : 0,
          status: 'open',
          outcome: null,
          choice: null,
          note: null,
          opened_at: this.ctx.deps.clock.now().toISOString(),
          opened_by: staff.id,
          closed_at: null,
          closed_by: null,
        };
        await trx.insertInto('investigations').values(row).execute();
        // PRV-2: the change of the student's record, committed with it.
        await this.ctx.audit.in(trx).record(staff, 'roll.investigation.open', { type: 'enrollment', id: e.id }, ip, { investigation: row.id, schoolError: input.schoolError });
        return row;
      }),
    );
  }

  /** One investigation with its enrollment, its student and its logged steps; not found outside the office's schools. */
  async get(staff: SessionStaff, id: string): Promise<Result<InvestigationView>> {
    const inv = await this.ctx.deps.db.selectFrom('investigations').selectAll().where('id', '=', id).where('district_id', '=', staff.districtId).executeTakeFirst();
    if (!inv || !(await this.ctx.scope.hasSchool(staff, inv.school_id))) return notFound();
    if (!canKeepRoll(staff)) return forbidden();
    const db = this.ctx.deps.db;
    const enrollment = await db.selectFrom('enrollments').selectAll().where('id', '=', inv.enrollment_id).executeTakeFirstOrThrow();
    const s = await db.selectFrom('students').select(['id', 'first_name', 'last_name', 'date_of_birth']).where('id', '=', inv.student_id).executeTakeFirstOrThrow();
    const steps = await db.selectFrom('contact_attempts').selectAll().where('investigation_id', '=', inv.id).orderBy('contacted_at').orderBy('created_at').orderBy('id').execute();
    const district = this.ctx.deps.districts.get(inv.district_id)!;
    return ok({
      investigation: inv,
      enrollment,
      student: { id: s.id, firstName: s.first_name, lastName: s.last_name, dateOfBirth: s.date_of_birth },
      steps,
      schoolErrorLate: schoolErrorFoundLate(inv, district, enrollment.school_year),
    });
  }

  /** Logs one due-diligence step of an open investigation in the contact log (purpose 'investigation'). */
  async logStep(staff: SessionStaff, id: string, input: StepInput, ip: string): Promise<Result<ContactAttemptsTable>> {
    const found = await this.get(staff, id);
    if (!found.ok) return found;
    const inv = found.value.investigation;
    if (inv.status !== 'open') return problem('closed');
    const district = this.ctx.deps.districts.get(inv.district_id)!;
    // A wall-clock time of the school's zone; what cannot be read goes on as typed, and the log refuses it on its field.
    const at = parseLocalInstant(input.contactedAt, district.timeZone);
    return refusable(() =>
      this.ctx.deps.writer.run(async (trx) => {
        await stillOpen(trx, inv.id);
        const row = await logContact(trx, this.ctx.deps, `staff:${staff.id}`, {
          enrollmentId: inv.enrollment_id,
          purpose: 'investigation',
          investigationId: inv.id,
          contactedAt: at ? at.toISOString() : input.contactedAt,
          method: input.method,
          reached: input.reached,
          outcome: input.outcome,
          note: input.note,
        });
        await this.ctx.audit.in(trx).record(staff, 'roll.investigation.step', { type: 'enrollment', id: inv.enrollment_id }, ip, { investigation: inv.id, method: row.method, outcome: row.outcome });
        return row;
      }),
    );
  }

  /**
   * Closes an open investigation with its finding and the choice the finding allows (ENR-6). The
   * enrollment is not changed: a transfer is then made on the transfer form.
   */
  async close(staff: SessionStaff, id: string, input: CloseInput, ip: string): Promise<Result<InvestigationsTable>> {
    const found = await this.get(staff, id);
    if (!found.ok) return found;
    const { investigation: inv, schoolErrorLate } = found.value;
    if (inv.status !== 'open') return problem('closed');
    if (!input.outcome) return problem('outcome-missing', 'outcome');
    if (!(OUTCOMES as readonly string[]).includes(input.outcome)) return problem('outcome-missing', 'outcome');
    const outcome = input.outcome as Outcome;
    const allowed = allowedChoices(outcome, schoolErrorLate);
    if (!input.choice || !(CHOICES as readonly string[]).includes(input.choice)) return problem('choice-missing', 'choice');
    if (!allowed.includes(input.choice as Choice)) return problem(`choice.${choiceCase(outcome, schoolErrorLate)}`, 'choice');
    const note = input.note?.trim() || null;
    if (note && note.length > NOTE_MAX) return problem('note-too-long', 'closing_note', { max: NOTE_MAX });
    const at = this.ctx.deps.clock.now().toISOString();
    return refusable(() =>
      this.ctx.deps.writer.run(async (trx) => {
        const r = await trx
          .updateTable('investigations')
          .set({ status: 'closed', outcome, choice: input.choice as Choice, note, closed_at: at, closed_by: staff.id })
          .where('id', '=', inv.id)
          .where('status', '=', 'open')
          .executeTakeFirst();
        // Closed meanwhile by someone else: nothing changed.
        if (Number(r.numUpdatedRows) !== 1) refuse(problem('closed'));
        await this.ctx.audit.in(trx).record(staff, 'roll.investigation.close', { type: 'enrollment', id: inv.enrollment_id }, ip, { investigation: inv.id, outcome, choice: input.choice });
        return { ...inv, status: 'closed' as const, outcome, choice: input.choice as Choice, note, closed_at: at, closed_by: staff.id };
      }),
    );
  }

  /** The open investigations of one school, the oldest first, with how many steps each has logged. */
  async openAt(staff: SessionStaff, schoolId: string): Promise<Result<OpenInvestigationRow[]>> {
    if (!(await this.ctx.scope.hasSchool(staff, schoolId))) return notFound();
    if (!canKeepRoll(staff)) return forbidden();
    const rows = await this.ctx.deps.db
      .selectFrom('investigations as i')
      .innerJoin('students as s', 's.id', 'i.student_id')
      .innerJoin('enrollments as e', 'e.id', 'i.enrollment_id')
      .select((eb) => [
        'i.id', 'i.enrollment_id', 'i.student_id', 's.first_name', 's.last_name', 'e.grade', 'i.reason', 'i.school_error', 'i.opened_at',
        eb.selectFrom('contact_attempts as c').select((c) => c.fn.countAll<number>().as('n')).whereRef('c.investigation_id', '=', 'i.id').as('steps'),
      ])
      .where('i.school_id', '=', schoolId)
      .where('i.status', '=', 'open')
      .orderBy('i.opened_at')
      .orderBy('i.id')
      .limit(500)
      .execute();
    return ok(rows.map((r) => ({
      id: r.id, enrollmentId: r.enrollment_id, studentId: r.student_id, firstName: r.first_name, lastName: r.last_name, grade: r.grade,
      reason: r.reason, schoolError: Boolean(r.school_error), openedAt: r.opened_at, steps: Number(r.steps ?? 0),
    })));
  }

  /** A student's investigations at the staff member's schools, newest first (the student's office page). */
  async ofStudent(staff: SessionStaff, studentId: string): Promise<InvestigationsTable[]> {
    if (!canKeepRoll(staff)) return [];
    const schools = await this.ctx.scope.schools(staff);
    if (schools !== null && schools.length === 0) return [];
    let q = this.ctx.deps.db.selectFrom('investigations').selectAll().where('student_id', '=', studentId).where('district_id', '=', staff.districtId);
    if (schools !== null) q = q.where('school_id', 'in', schools);
    return q.orderBy('opened_at', 'desc').orderBy('id', 'desc').execute();
  }

  /** The student's active enrollments at the staff member's schools: where an investigation may be opened. */
  async openable(staff: SessionStaff, studentId: string): Promise<EnrollmentsTable[]> {
    if (!canKeepRoll(staff)) return [];
    const schools = await this.ctx.scope.schools(staff);
    if (schools !== null && schools.length === 0) return [];
    let q = this.ctx.deps.db.selectFrom('enrollments').selectAll().where('student_id', '=', studentId).where('district_id', '=', staff.districtId).where('status', '=', 'active');
    if (schools !== null) q = q.where('school_id', 'in', schools);
    return q.orderBy('entry_date').execute();
  }
}

async function stillOpen(trx: Trx, id: string): Promise<void> {
  const row = await trx.selectFrom('investigations').select('status').where('id', '=', id).executeTakeFirst();
  if (row?.status !== 'open') refuse(problem('closed'));
}
