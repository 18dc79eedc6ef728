import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { addDays, localDate } from '../../platform/clock.js';
import type { Db } from '../../platform/db/kysely.js';
import type { AbsenceExplanationsTable, Database, ExplanationChannel, MarkCategory } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import type { StepReport } from '../../platform/ops/runner.js';
import { err, ok, type Result } from '../../platform/result.js';
import type { StagedFile } from '../../platform/storage/storage.js';
import { canKeepAttendance } from '../access/roles.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { EXCUSED_ABSENCE_REASONS } from '../districts/state-codes.js';
import { DocumentsRepository } from '../documents/repository.js';
import { checkCaps, type CapRefusal } from './caps.js';
import { categoryOf } from './codes.js';
import type { AttendanceContext } from './context.js';
import { ordinalOnOrBefore, yearOf } from './school-days.js';

/**
 * ATT-2: every absence explained. The one writer of `absence_explanations`: a parent explains an
 * absence of their own child from the account, the office records one given in person, by phone
 * or on paper; the office accepts it (the absence marks of its dates become an excused code, each
 * change kept with its history, ATT-7, within the caps of ATT-3 and ATT-6) or refuses it with a
 * reason the parent reads. An explanation given makes its days "explained" at once (days.ts reads
 * it); the reminder step writes to the parent about absences still unexplained, and the retention
 * step removes notes and their photos five years after they were given.
 */

/** The note's length at most (characters). */
export const NOTE_MAX = 1000;
/** The refusal's reason at most (characters). */
export const REFUSAL_MAX = 1000;
/** An explanation covers at most this many calendar days (a fortnight's absence and its weekends). */
export const RANGE_MAX_DAYS = 31;
/** ATT-2: notes and their documents are kept five years. */
export const KEEP_YEARS = 5;
/** The reason of an explanation that is none of the Education Code's excused reasons. */
export const OTHER_REASON = 'other';
/** Channels the office records (the parent's own is 'account'). */
export const OFFICE_CHANNELS = ['in-person', 'phone', 'paper'] as const satisfies readonly ExplanationChannel[];
/** The photo of a note: what the documents module accepts, decided from the bytes. */
export const EXPLANATION_FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/heic', 'image/heif'] as const;
/** A reminder not sent within this many school days of coming due (the runner stopped that long) is not sent any more. */
export const CATCH_UP_SCHOOL_DAYS = 10;
/** How many rows the office's lists show at most (the oldest first). */
export const LIST_MAX = 500;

/** A photo of a note received with the form, staged in storage until the row that names it commits. */
export interface ExplanationDocument {
  staged: StagedFile;
  fileName: string;
  contentType: string;
}

export interface ExplanationInput {
  fromDate: string;
  toDate: string;
  part: string;
  reason: string;
  note: string;
  /** The office's only: in-person | phone | paper. */
  channel?: string;
  language: string;
  document?: ExplanationDocument;
}

/** One problem of a form, on its field. */
export type FieldErrors = Record<string, { key: string; params?: Record<string, string | number> }>;

/** What an accepted explanation keeps beside its code: the dates a cap left unexcused, and why (ATT-3, ATT-6). */
export interface NotExcused {
  /** Each with the code's label in every language, so the office and the parent read why in their own (ATT-3). */
  notExcused: (CapRefusal & { labels?: Record<string, string> })[];
}

/** The dates an acceptance excused and those a cap kept unexcused. */
export interface Accepted {
  explanation: AbsenceExplanationsTable;
  excused: string[];
  notExcused: CapRefusal[];
}

/** A day still unexplained, as the lists show it. */
export interface UnexplainedDay {
  studentId: string;
  firstName: string;
  lastName: string;
  date: string;
  status: string;
  schoolId: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (s: string): boolean => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** The categories of a mark that an explanation of a whole day, or of part of one, explains. */
const EXPLAINS: Record<'whole' | 'part', MarkCategory[]> = {
  whole: ['unexcused', 'excused'],
  part: ['unexcused', 'excused', 'tardy', 'early-departure'],
};

/**
 * The notes of an accepted explanation's dates that a cap kept unexcused, as stored in its
 * `refusal` column (JSON: catalog keys and their params, so each reader reads them in their own
 * language). A refused explanation's `refusal` is the office's words; a pending one's is null.
 */
export function notExcusedOf(row: Pick<AbsenceExplanationsTable, 'status' | 'refusal'>): NotExcused['notExcused'] {
  if (row.status !== 'accepted' || !row.refusal) return [];
  try {
    const parsed = JSON.parse(row.refusal) as NotExcused;
    return Array.isArray(parsed.notExcused) ? parsed.notExcused : [];
  } catch {
    return [];
  }
}

/** The reasons a parent may give: the EC 48205 reasons the district's office codes excuse, in the Code's order, then "other". */
export function reasonsFor(district: DistrictConfig): string[] {
  const used = new Set(district.attendanceCodes.codes.filter((c) => c.usedBy.includes('office') && c.reason !== 'none' && categoryOf(c) === 'excused').map((c) => c.reason));
  return [...Object.keys(EXCUSED_ABSENCE_REASONS).filter((r) => used.has(r as never)), OTHER_REASON];
}

/** The office's excused codes, one of which an acceptance applies. */
export const excusedCodes = (district: DistrictConfig) => district.attendanceCodes.codes.filter((c) => c.usedBy.includes('office') && categoryOf(c) === 'excused');

/** The code an acceptance applies by default: the district's office code whose reason is the explanation's (the first such). */
export function defaultCodeFor(district: DistrictConfig, reason: string): string | undefined {
  return excusedCodes(district).find((c) => c.reason === reason)?.code;
}

export class Explanations {
  /** The app's log, once the routes are registered (the retention step writes what it removed there). */
  log: (entry: Record<string, unknown>, msg: string) => void = () => undefined;

  constructor(private ctx: AttendanceContext) {}

  private get db() {
    return this.ctx.deps.db;
  }

  district(slug: string): DistrictConfig {
    const d = this.ctx.deps.districts.get(slug);
    if (!d) throw new Error(`unknown district ${slug}`);
    return d;
  }

  /** Today in the district's time zone. */
  today(district: DistrictConfig): string {
    return localDate(this.ctx.deps.clock.now(), district.timeZone);
  }

  /** PRV-1: the signed-in parent's own child (students.account_id), or undefined — another child is "not found". */
  async childOf(accountId: string, studentId: string) {
    return this.db.selectFrom('students').selectAll().where('id', '=', studentId).where('account_id', '=', accountId).executeTakeFirst();
  }

  /** The district whose roll the student is on (their latest enrollment), or undefined. */
  async districtOfStudent(studentId: string): Promise<DistrictConfig | undefined> {
    const e = await this.db.selectFrom('enrollments').select('district_id').where('student_id', '=', studentId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    return e ? this.ctx.deps.districts.get(e.district_id) : undefined;
  }

  /** PRV-1: whether the staff member keeps attendance for the student (an enrollment at one of their schools). */
  async staffStudent(staff: SessionStaff, studentId: string) {
    if (!(await this.ctx.scope.student(staff, studentId))) return undefined;
    return this.db.selectFrom('students').selectAll().where('id', '=', studentId).executeTakeFirst();
  }

  /**
   * Checks a form's values against the student's days: whole school days in the range, none in the
   * future, enrolled at one school on each, absent (or, for part of a day, also late or gone early)
   * on each, and not already explained. Returns the school days covered and the school, or the
   * problems on their fields.
   */
  async check(district: DistrictConfig, studentId: string, input: ExplanationInput, office: boolean): Promise<{ ok: true; dates: string[]; schoolId: string; schoolYear: string } | { ok: false; errors: FieldErrors }> {
    const errors: FieldErrors = {};
    const from = input.fromDate.trim();
    const to = (input.toDate.trim() || from);
    if (!isDate(from)) errors.fromDate = { key: 'attendance-explanations.errors.date-invalid' };
    if (!isDate(to)) errors.toDate = { key: 'attendance-explanations.errors.date-invalid' };
    if (input.part !== 'whole' && input.part !== 'part') errors.part = { key: 'attendance-explanations.errors.part-missing' };
    if (!reasonsFor(district).includes(input.reason)) errors.reason = { key: 'attendance-explanations.errors.reason-missing' };
    const note = input.note.trim();
    if (!note) errors.note = { key: 'attendance-explanations.errors.note-missing' };
    else if ([...note].length > NOTE_MAX) errors.note = { key: 'attendance-explanations.errors.note-too-long', params: { max: NOTE_MAX } };
    if (office && !(OFFICE_CHANNELS as readonly string[]).includes(input.channel ?? '')) errors.channel = { key: 'attendance-explanations.errors.channel-missing' };
    if (errors.fromDate || errors.toDate) return { ok: false, errors };
    const today = this.today(district);
    if (to < from) errors.toDate = { key: 'attendance-explanations.errors.to-before-from' };
    else if (to > today) errors[from > today ? 'fromDate' : 'toDate'] = { key: 'attendance-explanations.errors.future' };
    else if (Date.parse(to) - Date.parse(from) > (RANGE_MAX_DAYS - 1) * 86_400_000) errors.toDate = { key: 'attendance-explanations.errors.range-too-long', params: { max: RANGE_MAX_DAYS } };
    if (Object.keys(errors).length) return { ok: false, errors };

    const y = yearOf(district, from);
    if (!y || yearOf(district, to)?.year.year !== y.year.year) return { ok: false, errors: { fromDate: { key: 'attendance-explanations.errors.one-year' } } };
    const dates = y.days.slice(ordinalOnOrBefore(y, addDays(from, -1)), ordinalOnOrBefore(y, to));
    if (dates.length === 0) return { ok: false, errors: { fromDate: { key: 'attendance-explanations.errors.no-school-day' } } };

    // Enrolled at one school on each date (an exit date is the last day at the school).
    const enrollments = await this.db
      .selectFrom('enrollments').select(['school_id', 'entry_date', 'exit_date'])
      .where('student_id', '=', studentId).where('district_id', '=', district.slug)
      .where('entry_date', 'is not', null).where('entry_date', '<=', to)
      .where((w) => w.or([w('exit_date', 'is', null), w('exit_date', '>=', from)]))
      .execute();
    let schoolId: string | undefined;
    for (const d of dates) {
      const e = enrollments.find((x) => x.entry_date! <= d && (x.exit_date === null || x.exit_date >= d));
      if (!e) return { ok: false, errors: { fromDate: { key: 'attendance-explanations.errors.not-enrolled', params: { date: d } } } };
      if (schoolId && e.school_id !== schoolId) return { ok: false, errors: { fromDate: { key: 'attendance-explanations.errors.two-schools' } } };
      schoolId = e.school_id;
    }
    // ATT-2: an explanation is for an absence: a date the student was present is refused.
    const part = input.part as 'whole' | 'part';
    const marked = await this.db
      .selectFrom('attendance_marks').select(['date', 'category'])
      .where('student_id', '=', studentId).where('school_id', '=', schoolId!).where('date', 'in', dates)
      .execute();
    for (const d of dates) {
      if (!marked.some((m) => m.date === d && EXPLAINS[part].includes(m.category))) {
        return { ok: false, errors: { fromDate: { key: part === 'whole' ? 'attendance-explanations.errors.present' : 'attendance-explanations.errors.present-part', params: { date: d } } } };
      }
    }
    // One explanation for a day: another that stands (pending or accepted) already covers it.
    const standing = await this.db
      .selectFrom('absence_explanations').select(['from_date', 'to_date'])
      .where('student_id', '=', studentId).where('status', '<>', 'refused').where('removed_at', 'is', null)
      .where('from_date', '<=', to).where('to_date', '>=', from)
      .execute();
    const taken = dates.find((d) => standing.some((s) => s.from_date <= d && s.to_date >= d));
    if (taken) return { ok: false, errors: { fromDate: { key: 'attendance-explanations.errors.already-explained', params: { date: taken } } } };
    return { ok: true, dates, schoolId: schoolId!, schoolYear: y.year.year };
  }

  /** A parent explains an absence of their own child from the account (PRV-1: another child is not found). */
  async explainByParent(accountId: string, studentId: string, input: ExplanationInput): Promise<Result<AbsenceExplanationsTable> | { ok: false; errors: FieldErrors }> {
    const child = await this.childOf(accountId, studentId);
    if (!child) return err('not-found', 'common.notFound');
    const district = await this.districtOfStudent(studentId);
    if (!district) return { ok: false, errors: { fromDate: { key: 'attendance-explanations.errors.not-enrolled-at-all' } } };
    const checked = await this.check(district, studentId, input, false);
    if (!checked.ok) return checked;
    return ok(await this.insert(district, studentId, checked, input, 'account', accountId, `account:${accountId}`));
  }

  /** The office records an explanation given in person, by phone or on paper, for a student of its schools. */
  async explainByOffice(staff: SessionStaff, studentId: string, input: ExplanationInput): Promise<Result<AbsenceExplanationsTable> | { ok: false; errors: FieldErrors }> {
    if (!(await this.staffStudent(staff, studentId))) return err('not-found', 'common.notFound');
    if (!canKeepAttendance(staff)) return err('forbidden', 'attendance-explanations.errors.forbidden');
    const district = this.district(staff.districtId);
    const checked = await this.check(district, studentId, input, true);
    if (!checked.ok) return checked;
    // The dates' school must be one of the office's (a student may have been at another school then).
    if (!(await this.ctx.scope.hasSchool(staff, checked.schoolId))) return { ok: false, errors: { fromDate: { key: 'attendance-explanations.errors.not-your-school' } } };
    return ok(await this.insert(district, studentId, checked, input, input.channel as ExplanationChannel, null, `staff:${staff.id}`));
  }

  private async insert(district: DistrictConfig, studentId: string, checked: { dates: string[]; schoolId: string }, input: ExplanationInput, channel: ExplanationChannel, accountId: string | null, by: string): Promise<AbsenceExplanationsTable> {
    const at = this.ctx.deps.clock.now().toISOString();
    const doc = input.document;
    // The photo's bytes go under their key before the row that names them is written.
    if (doc) await doc.staged.commit();
    const row: AbsenceExplanationsTable = {
      id: newId(), district_id: district.slug, school_id: checked.schoolId, student_id: studentId, account_id: accountId, channel,
      from_date: checked.dates[0], to_date: checked.dates[checked.dates.length - 1], part: input.part as 'whole' | 'part', reason: input.reason,
      note: input.note.trim(), document_key: doc?.staged.key ?? null, document_name: doc?.fileName ?? null, document_type: doc?.contentType ?? null,
      language: input.language === 'es' ? 'es' : 'en', status: 'pending', code: null, refusal: null, created_by: by, created_at: at, decided_by: null, decided_at: null, removed_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      if (doc) {
        // The storage clean-up never removes a blob a committed row names (documents/janitor.ts).
        await new DocumentsRepository(this.db).lockBlobs(trx, 'shared');
        await doc.staged.ensure();
      }
      await trx.insertInto('absence_explanations').values(row).execute();
      // The days it covers are no longer "unexplained" (days.ts reads the explanation).
      await this.ctx.marks.refreshDays(trx, district, studentId, checked.schoolId, checked.dates, at);
    });
    return row;
  }

  /** One explanation the staff member may decide on (their schools'), or a problem: not found, or their role cannot. */
  async forStaff(staff: SessionStaff, id: string): Promise<Result<AbsenceExplanationsTable>> {
    const row = await this.db.selectFrom('absence_explanations').selectAll().where('id', '=', id).where('district_id', '=', staff.districtId).executeTakeFirst();
    if (!row || !(await this.ctx.scope.hasSchool(staff, row.school_id))) return err('not-found', 'common.notFound');
    if (!canKeepAttendance(staff)) return err('forbidden', 'attendance-explanations.errors.forbidden');
    return ok(row);
  }

  /** The absence marks an explanation covers that an acceptance changes: the unexcused absences of its dates at its school. */
  async coveredMarks(row: AbsenceExplanationsTable, q: Transaction<Database> | Db = this.db) {
    return q
      .selectFrom('attendance_marks as m').innerJoin('sections as s', 's.id', 'm.section_id')
      .select(['m.id', 'm.date', 'm.code', 'm.category', 'm.minutes', 'm.explanation_id', 's.id as section_id', 's.school_id', 's.school_year', 's.period_code'])
      .where('m.student_id', '=', row.student_id).where('m.school_id', '=', row.school_id)
      .where('m.date', '>=', row.from_date).where('m.date', '<=', row.to_date)
      .orderBy('m.date').orderBy('s.period_code')
      .execute();
  }

  /**
   * ATT-2, ATT-3, ATT-6, ATT-7: the office accepts an explanation with one of its excused codes.
   * Every unexcused absence mark of the covered dates becomes that code (each change kept with the
   * mark before it, by 'explanation:<id>'), except on the dates a cap refuses: those stay unexcused
   * and the explanation keeps which and why (notExcusedOf). Tardies and early departures keep their
   * marks: their minutes are what happened (a part-day explanation excuses the periods missed).
   * All or nothing, in one transaction; an explanation already decided is refused.
   */
  async accept(staff: SessionStaff, id: string, code: string, ip: string): Promise<Result<Accepted> | { ok: false; errors: FieldErrors }> {
    const found = await this.forStaff(staff, id);
    if (!found.ok) return found;
    const district = this.district(found.value.district_id);
    const chosen = excusedCodes(district).find((c) => c.code === code);
    if (!chosen) return { ok: false, errors: { code: { key: 'attendance-explanations.errors.code-missing' } } };
    const at = this.ctx.deps.clock.now().toISOString();
    return this.db.transaction().execute(async (trx) => {
      // Taken first: two clerks deciding at once decide one after the other, and the second is refused.
      const claimed = await trx.updateTable('absence_explanations').set({ status: 'accepted', code: chosen.code, decided_by: `staff:${staff.id}`, decided_at: at }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return err('already-decided', 'attendance-explanations.errors.already-decided');
      const row = await trx.selectFrom('absence_explanations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const marks = (await this.coveredMarks(row, trx)).filter((m) => m.category === 'unexcused');
      const dates = [...new Set(marks.map((m) => m.date))];
      const y = yearOf(district, row.from_date)!;
      const caps = dates.length
        ? await checkCaps(trx, district, { studentId: row.student_id, schoolId: row.school_id, schoolYear: y.year.year, code: chosen.code, dates, explanationId: row.id, parentExcused: row.channel === 'account' })
        : { allowed: [], refused: [] };
      const allowed = new Set(caps.allowed);
      for (const m of marks) {
        if (!allowed.has(m.date)) continue;
        await this.ctx.marks.changeMark(trx, {
          district, section: { id: m.section_id, school_id: m.school_id, school_year: m.school_year, period_code: m.period_code }, studentId: row.student_id, date: m.date,
          code: chosen.code, minutes: null, by: `explanation:${row.id}`, at, reason: 'Explanation accepted', paperRecord: row.channel === 'paper' ? `explanation:${row.id}` : null, explanationId: row.id,
        });
      }
      const notExcused = caps.refused.filter((r) => !allowed.has(r.date)).map((r) => ({ ...r, labels: { ...chosen.label } }));
      const refusal = notExcused.length ? JSON.stringify({ notExcused } satisfies NotExcused) : null;
      if (refusal) await trx.updateTable('absence_explanations').set({ refusal }).where('id', '=', id).execute();
      await this.ctx.audit.in(trx).record(staff, 'attendance.explanation.accept', { type: 'student', id: row.student_id }, ip, { explanation: id, code: chosen.code, excused: [...allowed].sort(), notExcused: notExcused.map((r) => r.date) });
      return ok({ explanation: { ...row, refusal }, excused: [...allowed].sort(), notExcused });
    });
  }

  /** ATT-2: the office refuses an explanation with a reason, in its own words, that the parent reads. */
  async refuse(staff: SessionStaff, id: string, reason: string, ip: string): Promise<Result<AbsenceExplanationsTable> | { ok: false; errors: FieldErrors }> {
    const found = await this.forStaff(staff, id);
    if (!found.ok) return found;
    const words = reason.trim();
    if (!words) return { ok: false, errors: { refusal: { key: 'attendance-explanations.errors.refusal-missing' } } };
    if ([...words].length > REFUSAL_MAX) return { ok: false, errors: { refusal: { key: 'attendance-explanations.errors.refusal-too-long', params: { max: REFUSAL_MAX } } } };
    const district = this.district(found.value.district_id);
    const at = this.ctx.deps.clock.now().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx.updateTable('absence_explanations').set({ status: 'refused', refusal: words, decided_by: `staff:${staff.id}`, decided_at: at }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return err('already-decided', 'attendance-explanations.errors.already-decided');
      const row = await trx.selectFrom('absence_explanations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const y = yearOf(district, row.from_date);
      const dates = y ? y.days.filter((d) => d >= row.from_date && d <= row.to_date) : [];
      // The days are brought up to date with the explanation refused (what days.ts counts as explained).
      await this.ctx.marks.refreshDays(trx, district, row.student_id, row.school_id, dates, at);
      await this.ctx.audit.in(trx).record(staff, 'attendance.explanation.refuse', { type: 'student', id: row.student_id }, ip, { explanation: id });
      return ok(row);
    });
  }

  /** The marks an accepted explanation changed (ATT-7: by 'explanation:<id>'), for its page. */
  changesOf(id: string) {
    return this.db.selectFrom('attendance_changes').selectAll().where('changed_by', '=', `explanation:${id}`).orderBy('date').orderBy('section_id').execute();
  }

  /** A school's pending explanations, oldest first, with the student's name. */
  pendingAt(schoolId: string) {
    return this.db
      .selectFrom('absence_explanations as x').innerJoin('students as s', 's.id', 'x.student_id')
      .select(['x.id', 'x.student_id', 'x.from_date', 'x.to_date', 'x.part', 'x.reason', 'x.channel', 'x.created_at', 's.first_name', 's.last_name'])
      .where('x.school_id', '=', schoolId).where('x.status', '=', 'pending')
      .orderBy('x.created_at').orderBy('x.id').limit(LIST_MAX)
      .execute();
  }

  /** A school's absences still unexplained (the partial index on attendance_days), oldest first. */
  async unexplainedAt(schoolId: string): Promise<UnexplainedDay[]> {
    return this.db
      .selectFrom('attendance_days as d').innerJoin('students as s', 's.id', 'd.student_id')
      .select(['d.student_id as studentId', 's.first_name as firstName', 's.last_name as lastName', 'd.date', 'd.status', 'd.school_id as schoolId'])
      // A literal, so SQLite can use the partial index (its WHERE must match the query's).
      .where('d.school_id', '=', schoolId).where('d.unexplained', '=', sql.lit(1))
      .orderBy('d.date').orderBy('s.last_name').orderBy('s.first_name').limit(LIST_MAX)
      .execute();
  }

  /** A student's absences still unexplained, newest first. */
  unexplainedOf(studentId: string) {
    return this.db.selectFrom('attendance_days').select(['date', 'status', 'school_id']).where('student_id', '=', studentId).where('unexplained', '=', 1).orderBy('date', 'desc').limit(LIST_MAX).execute();
  }

  /** A student's explanations, newest first. */
  explanationsOf(studentId: string) {
    return this.db.selectFrom('absence_explanations').selectAll().where('student_id', '=', studentId).orderBy('created_at', 'desc').orderBy('id').limit(LIST_MAX).execute();
  }

  /** The photo of a note, for the office that may decide on the explanation. */
  document(row: AbsenceExplanationsTable) {
    return row.document_key && !row.removed_at ? this.ctx.deps.storage.read(row.document_key) : null;
  }
}

/**
 * ATT-2: the parent is reminded, by email in the family's language, of each absence still
 * unexplained `attendance.remindAfterSchoolDays` school days after it (the day itself not
 * counted): once per absence, by the outbox's dedupe key (student and date), so two runs or two
 * instances send it once. Each sweep reads the absences that came due in the last
 * CATCH_UP_SCHOOL_DAYS school days. Only a student linked to a parent's account is reminded. Reads each
 * school's unexplained days through the partial index.
 */
export async function remindUnexplained(ctx: AttendanceContext, now: Date): Promise<StepReport> {
  const { deps } = ctx;
  const at = now.toISOString();
  let queued = 0;
  for (const district of deps.districts.all) {
    const today = localDate(now, district.timeZone);
    const y = yearOf(district, today);
    if (!y) continue;
    const after = district.attendance.remindAfterSchoolDays;
    // The last absence due a reminder: `after` school days before today's (today itself counts as one once it is a school day).
    const upTo = ordinalOnOrBefore(y, today) - after;
    if (upTo < 1) continue;
    const due = y.days[upTo - 1];
    // Absences that came due in the last CATCH_UP school days: a sweep reads a few days' rows, not the year's, and a runner stopped for a week still sends what came due meanwhile.
    const first = y.days[Math.max(0, upTo - 1 - CATCH_UP_SCHOOL_DAYS)];
    for (const school of district.schools) {
      const rows = await deps.db
        .selectFrom('attendance_days as d').innerJoin('students as s', 's.id', 'd.student_id').innerJoin('users as u', 'u.id', 's.account_id')
        .select(['d.student_id', 'd.date', 's.first_name', 'u.email', 'u.language', 'u.id as account_id'])
        .where('d.school_id', '=', `${district.slug}:${school.code}`).where('d.unexplained', '=', sql.lit(1))
        .where('d.date', '>=', first).where('d.date', '<=', due)
        .orderBy('d.date').limit(5000)
        .execute();
      for (const r of rows) {
        const key = `attendance-reminder:${r.student_id}:${r.date}`;
        const sent = await deps.db.selectFrom('outbox').select('id').where('dedupe_key', '=', key).executeTakeFirst();
        if (sent) continue;
        const language = r.language === 'es' ? 'es' : 'en';
        const dateText = new Intl.DateTimeFormat(language === 'es' ? 'es-US' : 'en-US', { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${r.date}T12:00:00Z`));
        await enqueueEmail(deps.db, deps.catalogs, {
          dedupeKey: key, to: r.email, language, accountId: r.account_id, template: 'attendance-explanations.email.reminder',
          params: { name: r.first_name, date: dateText, link: `${deps.config.publicUrl}/students/${r.student_id}/attendance/explain?date=${r.date}` },
        }, at);
        queued++;
      }
    }
  }
  return { absenceRemindersQueued: queued };
}

/**
 * ATT-2: notes and their documents are kept five years. Each explanation given five years ago or
 * more loses its note and its photo: the stored file is deleted (unless another record names the
 * same bytes), the note and document fields are cleared and `removed_at` says when. What was
 * removed is logged in the app log and kept on the row itself (removed_at, with its dates, reason
 * and decision intact). Idempotent: a row already removed is not looked at again; two instances
 * at once clear each row once (the update names the row still not removed).
 */
export async function removeOldNotes(ctx: AttendanceContext, now: Date, log: (entry: Record<string, unknown>, msg: string) => void): Promise<StepReport> {
  const { deps } = ctx;
  const before = new Date(now);
  before.setUTCFullYear(before.getUTCFullYear() - KEEP_YEARS);
  const at = now.toISOString();
  const repo = new DocumentsRepository(deps.db);
  let notes = 0;
  let files = 0;
  for (;;) {
    const old = await deps.db.selectFrom('absence_explanations').select(['id', 'student_id', 'school_id', 'document_key', 'created_at']).where('removed_at', 'is', null).where('created_at', '<', before.toISOString()).orderBy('created_at').limit(100).execute();
    if (old.length === 0) break;
    for (const x of old) {
      const removedFile = await deps.db.transaction().execute(async (trx) => {
        const r = await trx.updateTable('absence_explanations').set({ note: '', document_key: null, document_name: null, document_type: null, removed_at: at }).where('id', '=', x.id).where('removed_at', 'is', null).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1 || !x.document_key) return false;
        // Under the blob lock: the bytes go only when no other row names them (content-addressed storage).
        await repo.lockBlobs(trx, 'exclusive');
        if ((await repo.referencedKeys([x.document_key], trx)).has(x.document_key)) return false;
        return deps.storage.removeIfOlder(x.document_key, now);
      });
      notes++;
      if (removedFile) files++;
      log({ explanation: x.id, student: x.student_id, school: x.school_id, createdAt: x.created_at, fileRemoved: removedFile }, 'attendance explanation note removed after five years (ATT-2)');
    }
  }
  return { explanationNotesRemoved: notes, explanationFilesRemoved: files };
}
