import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { Database, EnrollmentStatus, EnrollmentsTable } from '../../platform/db/schema.js';
import { Refusal, refusable, refuse } from '../../platform/db/refuse.js';
import { newId } from '../../platform/ids.js';
import { err, type Err, type Result } from '../../platform/result.js';
import { GRADES, gradeIndex, type DistrictConfig } from '../districts/config-schema.js';

/**
 * A school's roll, owned here and nowhere else: the one place that writes `enrollments` and
 * `enrollment_events` (issue 15). Each change checks its rules inside its transaction and
 * records its event (who, when, what, from, to) in the same one; a problem a person caused is
 * refused with `refuse(err(…))`, which rolls the whole unit back (nothing half-saved).
 *
 * The `…In(trx, …)` functions work inside a caller's transaction (an approval creating a
 * pre-enrollment, ENR-7); the `Roll` methods are units of their own through the writer: per the
 * rule in `platform/db/group-commit.ts`, a change of the roll touches only the database between
 * its BEGIN and COMMIT, and its traffic grows with the students (the first weeks of a school year
 * at a district of 500,000), so on SQLite the changes of the moment share one commit.
 */

type Trx = Transaction<Database>;

/** Who changes the roll: `staff:<id>` or `system`. */
export type Actor = string;

export interface EnrollInput {
  studentId: string;
  /** `district:code`, a school of the district. */
  schoolId: string;
  schoolYear: string;
  grade: string;
  /** A code of the district's entry types (WDR-4). */
  entryType: string;
  /** ENR-3: the first day in the seat; without it the student is pre-enrolled. */
  entryDate?: string;
  /** The student's primary school (default); at most one active primary enrollment at a time. */
  primary?: boolean;
  /** The permit's request the enrollment comes from (ENR-7). */
  applicationId?: string;
  /** ENR-7: the CALPADS student school transfer code (a permit's: '1' inter-district, '6' intra-district). */
  transferCode?: string;
  /** ENR-7: the district of geographic residence. */
  residenceDistrict?: string;
  /** WDR-3: a pre-enrollment's first expected instructional day (the no-show step looks at its evening). */
  expectedFirstDay?: string;
  note?: string;
}

export interface ExitInput {
  enrollmentId: string;
  /** A code of the district's exit (withdrawal) codes (WDR-4). */
  exitCode: string;
  exitDate: string;
  /** WDR-1: the enrollment document (enrollment_documents.id) that supports the exit. */
  documentId?: string;
  note?: string;
}

export interface TransferInput {
  /** The active enrollment the student leaves. */
  enrollmentId: string;
  /** The school of the same district the student enters. */
  toSchoolId: string;
  /** The first day in the seat at the new school; the old one is exited the day before. */
  firstDay: string;
  exitCode: string;
  entryType: string;
  /** Default: the grade of the enrollment left. */
  grade?: string;
  note?: string;
}

/** Refusals of the roll: a code, the catalog key of its message, and the field it is about. */
const problem = (code: string, field: string, params?: Record<string, string | number>): Err =>
  err(`enrollment.${code}`, `enrollment.errors.${code}`, { field, ...(params ? { params } : {}) });

export const SECOND_ACTIVE_PRIMARY = (): Err => problem('second-active-primary', 'schoolId');

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (s: string | undefined): s is string => Boolean(s) && isoDate.test(s!) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

export class Roll {
  constructor(private deps: Pick<Deps, 'writer' | 'clock' | 'districts'>) {}

  /** ENR-1: enrolls at once, any day of the year, never on a waiting list; pre-enrolled without an entry date. */
  enroll(actor: Actor, input: EnrollInput): Promise<Result<EnrollmentsTable>> {
    return this.unit((trx) => enrollIn(trx, this.deps, actor, input));
  }

  /** ENR-3: a pre-enrolled student's first day in the seat makes the enrollment active. */
  start(actor: Actor, enrollmentId: string, firstDay: string): Promise<Result<EnrollmentsTable>> {
    return this.unit((trx) => startIn(trx, this.deps, actor, enrollmentId, firstDay));
  }

  /** An active enrollment ends with an exit code and date, never before its entry; a pre-enrolled no-show only with the no-show code (WDR-3). */
  exit(actor: Actor, input: ExitInput): Promise<Result<EnrollmentsTable>> {
    return this.unit((trx) => exitIn(trx, this.deps, actor, input));
  }

  /** Between two schools of the district: exits one and enters the other the next day, in one transaction. */
  transfer(actor: Actor, input: TransferInput): Promise<Result<{ exited: EnrollmentsTable; entered: EnrollmentsTable }>> {
    return this.unit((trx) => transferIn(trx, this.deps, actor, input));
  }

  private unit<T>(work: (trx: Trx) => Promise<T>): Promise<Result<T>> {
    // The index refusing a second active primary (two clerks at the same moment) is the same refusal.
    return refusable(() => this.deps.writer.run(work), { onUnique: SECOND_ACTIVE_PRIMARY() });
  }
}

type RollDeps = Pick<Deps, 'clock' | 'districts'>;

/** Enrolls inside a caller's transaction (ENR-1); refuses with a Refusal. */
export async function enrollIn(trx: Trx, deps: RollDeps, actor: Actor, input: EnrollInput): Promise<EnrollmentsTable> {
  const row = enrollmentRow(deps, input);
  if (row.status === 'active' && row.is_primary) await refuseSecondActivePrimary(trx, input.studentId);
  await trx.insertInto('enrollments').values(row).execute();
  await recordEvent(trx, { enrollmentId: row.id, at: row.created_at, actor, what: 'enrolled', from: null, to: row.status, note: input.note });
  return row;
}

/** A refusal of one of the enrollments given to `enrollManyIn`: which one (its index). */
export class EnrollmentRefusal extends Refusal {
  constructor(readonly index: number, refusal: Refusal) {
    super(refusal.problem);
  }
}

/**
 * Many enrollments at once inside a caller's transaction (an import of a student information
 * system's roll): the same rules as `enrollIn` for each, their rows and history lines written in
 * multi-row inserts, the second active primary enrollment looked for in one query. A refusal
 * names the enrollment's index (EnrollmentRefusal) and, thrown, rolls the caller's unit back.
 */
export async function enrollManyIn(trx: Trx, deps: RollDeps, actor: Actor, inputs: readonly EnrollInput[]): Promise<EnrollmentsTable[]> {
  const rows = inputs.map((input, i) => {
    try {
      return enrollmentRow(deps, input);
    } catch (e) {
      throw e instanceof Refusal ? new EnrollmentRefusal(i, e) : e;
    }
  });
  const primaries = rows.filter((r) => r.status === 'active' && r.is_primary);
  const seen = new Set<string>();
  const taken = new Set(primaries.length ? (await trx.selectFrom('enrollments').select('student_id').where('student_id', 'in', [...new Set(primaries.map((r) => r.student_id))]).where('status', '=', 'active').where('is_primary', '=', 1).execute()).map((r) => r.student_id) : []);
  rows.forEach((r, i) => {
    if (r.status !== 'active' || !r.is_primary) return;
    if (taken.has(r.student_id) || seen.has(r.student_id)) throw new EnrollmentRefusal(i, new Refusal(SECOND_ACTIVE_PRIMARY()));
    seen.add(r.student_id);
  });
  // 20 columns a row: 500 rows stay well under SQLite's 32,766 bound parameters.
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await trx.insertInto('enrollments').values(chunk).execute();
    await trx
      .insertInto('enrollment_events')
      .values(chunk.map((r, j) => ({ id: newId(), enrollment_id: r.id, at: r.created_at, actor, what: 'enrolled', from_status: null, to_status: r.status, note: inputs[i + j].note ?? null })))
      .execute();
  }
  return rows;
}

/** ENR-1, ENR-3, WDR-4: an enrollment's row, every rule checked that needs no database; refuses with a Refusal. */
function enrollmentRow(deps: RollDeps, input: EnrollInput): EnrollmentsTable {
  const district = schoolsDistrict(deps, input.schoolId);
  checkGrade(deps, input.schoolId, input.grade);
  if (!input.entryType.trim()) refuse(problem('entry-type-missing', 'entryType'));
  // WDR-4: an entry is one of the district's configured entry types, each mapped to CALPADS and Ed-Fi.
  if (!deps.districts.entryType(district, input.entryType)) refuse(problem('entry-type-unknown', 'entryType'));
  const status: EnrollmentStatus = input.entryDate === undefined ? 'pre_enrolled' : 'active';
  if (status === 'active') checkFirstDay(deps, district, input.schoolYear, input.entryDate!, 'entryDate');
  else yearOf(district, input.schoolYear);
  const primary = input.primary ?? true;
  const at = deps.clock.now().toISOString();
  return {
    id: newId(),
    district_id: district.slug,
    school_id: input.schoolId,
    student_id: input.studentId,
    school_year: input.schoolYear,
    grade: input.grade,
    status,
    entry_type: input.entryType,
    entry_date: input.entryDate ?? null,
    exit_date: null,
    exit_code: null,
    is_primary: primary ? 1 : 0,
    application_id: input.applicationId ?? null,
    transfer_code: input.transferCode ?? null,
    residence_district: input.residenceDistrict ?? null,
    expected_first_day: status === 'pre_enrolled' ? (input.expectedFirstDay ?? null) : null,
    grade_rank: gradeIndex(input.grade),
    exit_document_id: null,
    created_at: at,
    updated_at: at,
  };
}

/** ENR-3: pre-enrolled → active with the first day in the seat, inside a caller's transaction. */
export async function startIn(trx: Trx, deps: RollDeps, actor: Actor, enrollmentId: string, firstDay: string): Promise<EnrollmentsTable> {
  const e = await current(trx, enrollmentId);
  if (e.status !== 'pre_enrolled') refuse(problem('not-pre-enrolled', 'entryDate'));
  checkFirstDay(deps, schoolsDistrict(deps, e.school_id), e.school_year, firstDay, 'entryDate');
  if (e.is_primary) await refuseSecondActivePrimary(trx, e.student_id);
  const started = await move(trx, deps, actor, e, 'started', { status: 'active', entry_date: firstDay });
  // WDR-3: a no-show who came after all is off the school's no-show list.
  await resolveNoShow(trx, e.id, 'came', started.updated_at);
  return started;
}

/**
 * Active → exited with a code and a date not before the entry, inside a caller's transaction. A
 * pre-enrolled student who never came (WDR-3) exits with the no-show code only, dated on the first
 * expected day or the day before (WDR-4); the no-show, if flagged, is resolved with it.
 */
export async function exitIn(trx: Trx, deps: RollDeps, actor: Actor, input: ExitInput): Promise<EnrollmentsTable> {
  const e = await current(trx, input.enrollmentId);
  if (e.status !== 'active' && e.status !== 'pre_enrolled') refuse(problem('not-active', 'exitDate'));
  if (!input.exitCode.trim()) refuse(problem('exit-code-missing', 'exitCode'));
  // WDR-4: an exit is one of the district's configured exit codes. A withdrawal's document
  // (WDR-1) and its due diligence (WDR-2) are checked by withdrawal.ts in the same transaction.
  const district = schoolsDistrict(deps, e.school_id);
  const code = deps.districts.exitCode(district, input.exitCode);
  if (!code) refuse(problem('exit-code-unknown', 'exitCode'));
  const noShow = code.calpads === NO_SHOW_EXIT;
  // WDR-3: a pre-enrolled student who never came leaves with the no-show code only.
  if (e.status === 'pre_enrolled' && !noShow) refuse(problem('pre-enrolled-no-show-only', 'exitCode'));
  if (!realDate(input.exitDate)) refuse(problem('date-invalid', 'exitDate'));
  if (noShow) {
    // WDR-4: a no-show's exit is dated on its entry (the first expected day, for one who never came) or the day before.
    const entry = e.entry_date ?? e.expected_first_day ?? yearOf(district, e.school_year).firstDay;
    if (input.exitDate !== entry && input.exitDate !== addDays(entry, -1)) refuse(problem('no-show-exit-date', 'exitDate', { entryDate: entry, dayBefore: addDays(entry, -1) }));
  } else if (input.exitDate < e.entry_date!) refuse(problem('exit-before-entry', 'exitDate', { entryDate: e.entry_date! }));
  const exited = await move(trx, deps, actor, e, 'exited', { status: 'exited', exit_date: input.exitDate, exit_code: input.exitCode, exit_document_id: input.documentId ?? null }, input.note);
  await resolveNoShow(trx, e.id, 'exited', exited.updated_at);
  return exited;
}

/** The CALPADS exit reason of a no-show (WDR-3, WDR-4). */
export const NO_SHOW_EXIT = 'N470';

/** WDR-3: the enrollment's open no-show, if it was flagged, resolved in the same transaction as the start or the exit. */
async function resolveNoShow(trx: Trx, enrollmentId: string, resolution: 'came' | 'exited', at: string): Promise<void> {
  await trx.updateTable('no_shows').set({ resolved_at: at, resolution }).where('enrollment_id', '=', enrollmentId).where('resolved_at', 'is', null).execute();
}

/** Exits one school of the district and enters another on consecutive days, in the caller's transaction. */
export async function transferIn(trx: Trx, deps: RollDeps, actor: Actor, input: TransferInput): Promise<{ exited: EnrollmentsTable; entered: EnrollmentsTable }> {
  const from = await current(trx, input.enrollmentId);
  if (input.toSchoolId === from.school_id) refuse(problem('same-school', 'toSchoolId'));
  const toDistrict = deps.districts.schoolById(input.toSchoolId) ? input.toSchoolId.split(':')[0] : undefined;
  if (toDistrict !== from.district_id) refuse(problem('school-unknown', 'toSchoolId'));
  if (!realDate(input.firstDay)) refuse(problem('date-invalid', 'firstDay'));
  const exited = await exitIn(trx, deps, actor, { enrollmentId: from.id, exitCode: input.exitCode, exitDate: addDays(input.firstDay, -1), note: input.note });
  const entered = await enrollIn(trx, deps, actor, {
    studentId: from.student_id,
    schoolId: input.toSchoolId,
    schoolYear: from.school_year,
    grade: input.grade ?? from.grade,
    entryType: input.entryType,
    entryDate: input.firstDay,
    primary: Boolean(from.is_primary),
    note: input.note,
  });
  return { exited, entered };
}

async function current(trx: Trx, id: string): Promise<EnrollmentsTable> {
  const e = await trx.selectFrom('enrollments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!e) refuse(err('not-found', 'common.notFound.message'));
  return e;
}

/** The one guarded update of an enrollment's status: only if it is still what was read. */
async function move(trx: Trx, deps: RollDeps, actor: Actor, e: EnrollmentsTable, what: string, set: Partial<EnrollmentsTable> & { status: EnrollmentStatus }, note?: string): Promise<EnrollmentsTable> {
  const at = deps.clock.now().toISOString();
  const r = await trx.updateTable('enrollments').set({ ...set, updated_at: at }).where('id', '=', e.id).where('status', '=', e.status).executeTakeFirst();
  // Changed meanwhile by someone else: refused, nothing kept.
  if (Number(r.numUpdatedRows) !== 1) refuse(problem('changed-meanwhile', 'status'));
  await recordEvent(trx, { enrollmentId: e.id, at, actor, what, from: e.status, to: set.status, note });
  return { ...e, ...set, updated_at: at };
}

async function recordEvent(trx: Trx, l: { enrollmentId: string; at: string; actor: Actor; what: string; from: EnrollmentStatus | null; to: EnrollmentStatus; note?: string }): Promise<void> {
  await trx
    .insertInto('enrollment_events')
    .values({ id: newId(), enrollment_id: l.enrollmentId, at: l.at, actor: l.actor, what: l.what, from_status: l.from, to_status: l.to, note: l.note ?? null })
    .execute();
}

async function refuseSecondActivePrimary(trx: Trx, studentId: string): Promise<void> {
  const other = await trx.selectFrom('enrollments').select('id').where('student_id', '=', studentId).where('status', '=', 'active').where('is_primary', '=', 1).executeTakeFirst();
  if (other) refuse(SECOND_ACTIVE_PRIMARY());
}

function schoolsDistrict(deps: RollDeps, schoolId: string): DistrictConfig {
  const [slug] = schoolId.split(':');
  const district = deps.districts.get(slug);
  if (!district || !deps.districts.schoolById(schoolId)) refuse(problem('school-unknown', 'schoolId'));
  return district;
}

function checkGrade(deps: RollDeps, schoolId: string, grade: string): void {
  const school = deps.districts.schoolById(schoolId)!;
  const i = gradeIndex(grade);
  if (!(GRADES as readonly string[]).includes(grade) || i < gradeIndex(school.lowestGrade) || i > gradeIndex(school.highestGrade)) refuse(problem('grade-not-served', 'grade'));
}

function yearOf(district: DistrictConfig, schoolYear: string): DistrictConfig['schoolYears'][number] {
  const year = district.schoolYears.find((y) => y.year === schoolYear);
  if (!year) refuse(problem('year-unknown', 'schoolYear'));
  return year;
}

/** ENR-3: a first day in the seat is a real date, not before the school year's start, not in the future. */
function checkFirstDay(deps: RollDeps, district: DistrictConfig, schoolYear: string, day: string, field: string): void {
  const year = yearOf(district, schoolYear);
  if (!realDate(day)) refuse(problem('date-invalid', field));
  if (day < year.firstDay) refuse(problem('entry-before-year', field, { firstDay: year.firstDay }));
  if (day > year.lastDay) refuse(problem('entry-after-year', field, { lastDay: year.lastDay }));
  if (day > localDate(deps.clock.now(), district.timeZone)) refuse(problem('entry-in-future', field));
}
