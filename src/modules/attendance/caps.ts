import { PostgresAdapter, sql, type Transaction } from 'kysely';
import type { Db } from '../../platform/db/kysely.js';
import type { Database } from '../../platform/db/schema.js';
import { inLanguage } from '../../platform/i18n/translator.js';
import type { T } from '../../platform/i18n/translator.js';
import type { AttendanceCodeConfig, DistrictConfig } from '../districts/config-schema.js';
import { categoryOf } from './codes.js';
import { namedYear, schoolMonthOf, semesterOf, type YearDays } from './school-days.js';

/** One date refused by a cap: the catalog key (namespace attendance-caps) and its params. */
export interface CapRefusal {
  date: string;
  key: string;
  params: Record<string, string | number>;
}

export interface CapResult {
  allowed: string[];
  refused: CapRefusal[];
}

const SPAN_KEYS = {
  incident: 'attendance-caps.refused.perIncident',
  semester: 'attendance-caps.refused.perSemester',
  'school-month': 'attendance-caps.refused.perSchoolMonth',
  'school-year': 'attendance-caps.refused.perSchoolYear',
} as const;

/** ATT-3 (religious instruction): the code is for part of a day, after at least a minimum day at school. */
export const MINIMUM_DAY_KEY = 'attendance-caps.refused.minimumDay';
/** ATT-6: beyond the school's lower limit of parent-excused absences for the student. */
export const PARENT_LIMIT_KEY = 'attendance-caps.refused.parentLimit';

/**
 * ATT-3, ATT-6: which of `dates` may be excused with `code` for a student, and why the others
 * may not. The dates are taken in order (earliest first, each once): a date allowed counts toward
 * the next ones, so the sixth funeral day of one incident is refused and the fifth allowed.
 *
 * ATT-3: a code with a cap (`cap: { days, per }` in the district's file) counts the distinct
 * dates already excused with a code of the same cap — the same EC 48205 reason and the same
 * cap — in the span (ADR 0036):
 * - incident: the dates excused through the same explanation; for an office change with no
 *   explanation, the run of consecutive school days excused with the code around the date
 *   (a funeral that goes on from Friday to Monday is one incident, a school day between two
 *   absences starts a new one);
 * - semester: the semester of the year (school-days.ts, the year's secondSemesterStarts);
 * - school-month: the year's school months of 20 school days (school-days.ts);
 * - school-year: the school year.
 * A date already excused with the code is allowed and not counted again (a second period of a
 * day already excused). Religious instruction (EC 48205(a)(8)'s "attending at least a minimum
 * day") is refused through an explanation of a whole day; on the office's own change the office
 * judges it (ADR 0036).
 *
 * ATT-6: with `parentExcused` (the dates are excused on the parent's word, an explanation from
 * the account), a school's limit for the student in the year (attendance_limits) refuses the
 * dates beyond it, counting the distinct dates already excused through explanations whose channel
 * is the account. Whatever the office records itself (a doctor's note brought in) is not limited.
 *
 * The caller checks who may excuse and that the dates are the student's absences; it shows the
 * refusals with `capRefusalText` and marks only `allowed`, in the same transaction (`db` a
 * transaction: on PostgreSQL the student's checks are taken one at a time until it ends).
 */
export async function checkCaps(
  db: Db | Transaction<Database>,
  district: DistrictConfig,
  input: { studentId: string; schoolId: string; schoolYear: string; code: string; dates: string[]; explanationId: string | null; parentExcused: boolean },
): Promise<CapResult> {
  const dates = [...new Set(input.dates)].sort();
  const code = district.attendanceCodes.codes.find((c) => c.code === input.code);
  const year = namedYear(district, input.schoolYear);
  if (!code || categoryOf(code) !== 'excused' || !year || dates.length === 0) return { allowed: dates, refused: [] };

  // Two offices excusing the same student's days at once (an explanation accepted while a mark is
  // changed) would each count the days before the other's: on PostgreSQL the student's cap checks
  // wait for each other until the transaction ends (SQLite writes one transaction at a time).
  if (db.isTransaction && db.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(hashtext(${`attendance-caps:${input.studentId}`}))`.execute(db);

  const refused: CapRefusal[] = [];
  const refuse = (date: string, key: string, params: Record<string, string | number>) => refused.push({ date, key, params: { date, code: code.code, label: code.label.en, ...params } });

  const withCode = await excusedDates(db, input.studentId, year, [code.code]);
  const already = new Set(withCode.map((m) => m.date));

  // Religious instruction: part of a day only, when an explanation says which.
  let candidates = dates;
  if (code.reason === 'religious-instruction' && input.explanationId) {
    const e = await db.selectFrom('absence_explanations').select('part').where('id', '=', input.explanationId).executeTakeFirst();
    if (e?.part === 'whole') {
      for (const d of dates.filter((x) => !already.has(x))) refuse(d, MINIMUM_DAY_KEY, {});
      candidates = dates.filter((x) => already.has(x));
    }
  }

  const capped = code.cap ? await capGate(db, district, code, year, input, candidates, already, refuse) : candidates;
  const allowed = input.parentExcused ? await parentLimitGate(db, input, year, capped, already, refuse) : capped;
  refused.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { allowed, refused };
}

/** The message of a refusal in the reader's language (the code's label in it). */
export function capRefusalText(t: T, lang: string, district: DistrictConfig, r: CapRefusal): string {
  const code = district.attendanceCodes.codes.find((c) => c.code === r.params.code);
  return t(r.key, { ...r.params, label: code ? inLanguage(code.label, lang) : r.params.label });
}

type Refuse = (date: string, key: string, params: Record<string, string | number>) => void;

async function capGate(
  db: Db | Transaction<Database>,
  district: DistrictConfig,
  code: AttendanceCodeConfig,
  year: YearDays,
  input: { studentId: string; explanationId: string | null },
  dates: string[],
  already: Set<string>,
  refuse: Refuse,
): Promise<string[]> {
  const cap = code.cap!;
  const group = district.attendanceCodes.codes.filter((c) => c.reason === code.reason && c.cap?.days === cap.days && c.cap?.per === cap.per && categoryOf(c) === 'excused').map((c) => c.code);
  const marks = await excusedDates(db, input.studentId, year, group);
  // The dates of the group, with the explanations each was excused through; those allowed below join them.
  const counted = new Map<string, Set<string | null>>();
  const add = (date: string, explanationId: string | null) => {
    const s = counted.get(date) ?? new Set();
    s.add(explanationId);
    counted.set(date, s);
  };
  for (const m of marks) add(m.date, m.explanation_id);

  const span = (date: string): string[] => {
    const all = [...counted.keys()];
    switch (cap.per) {
      case 'incident':
        return input.explanationId ? all.filter((d) => counted.get(d)!.has(input.explanationId)) : consecutiveRun(year, date, counted);
      case 'semester':
        return all.filter((d) => semesterOf(year, d) === semesterOf(year, date));
      case 'school-month':
        return all.filter((d) => schoolMonthOf(year, d) === schoolMonthOf(year, date));
      case 'school-year':
        return all;
    }
  };

  const allowed: string[] = [];
  for (const date of dates) {
    if (already.has(date)) {
      allowed.push(date);
      continue;
    }
    const inSpan = span(date).filter((d) => d !== date);
    if (inSpan.length >= cap.days) {
      refuse(date, SPAN_KEYS[cap.per], { count: cap.days, nth: inSpan.length + 1 });
      continue;
    }
    allowed.push(date);
    add(date, input.explanationId);
  }
  return allowed;
}

/**
 * An incident with no explanation (ADR 0036): the school days excused with the cap's codes that
 * touch `date` through consecutive school days, before and after it (holidays and weekends in
 * between do not break the run; a school day without the code does).
 */
function consecutiveRun(year: YearDays, date: string, counted: Map<string, unknown>): string[] {
  const at = year.ordinalOf.get(date);
  if (!at) return [];
  const run: string[] = [];
  for (let n = at - 1; n >= 1 && counted.has(year.days[n - 1]); n--) run.push(year.days[n - 1]);
  for (let n = at + 1; n <= year.days.length && counted.has(year.days[n - 1]); n++) run.push(year.days[n - 1]);
  return run;
}

async function parentLimitGate(
  db: Db | Transaction<Database>,
  input: { studentId: string; schoolId: string; schoolYear: string },
  year: YearDays,
  dates: string[],
  already: Set<string>,
  refuse: Refuse,
): Promise<string[]> {
  const limit = await db
    .selectFrom('attendance_limits')
    .select('max_parent_excused')
    .where('student_id', '=', input.studentId)
    .where('school_id', '=', input.schoolId)
    .where('school_year', '=', input.schoolYear)
    .executeTakeFirst();
  if (!limit) return dates;
  const counted = new Set(await parentExcusedDates(db, input.studentId, input.schoolId, year));
  const allowed: string[] = [];
  for (const date of dates) {
    if (counted.has(date) || already.has(date)) {
      allowed.push(date);
      continue;
    }
    if (counted.size >= limit.max_parent_excused) {
      refuse(date, PARENT_LIMIT_KEY, { count: limit.max_parent_excused, nth: counted.size + 1 });
      continue;
    }
    counted.add(date);
    allowed.push(date);
  }
  return allowed;
}

/** ATT-6: the distinct dates of the year a student's absences at a school were excused through a parent's explanation from the account. */
export async function parentExcusedDates(db: Db | Transaction<Database>, studentId: string, schoolId: string, year: YearDays): Promise<string[]> {
  const rows = await db
    .selectFrom('attendance_marks as m')
    .innerJoin('absence_explanations as e', 'e.id', 'm.explanation_id')
    .select('m.date')
    .distinct()
    .where('m.student_id', '=', studentId)
    .where('m.school_id', '=', schoolId)
    .where('m.category', '=', 'excused')
    .where('m.date', '>=', year.year.firstDay)
    .where('m.date', '<=', year.year.lastDay)
    .where('e.channel', '=', 'account')
    .orderBy('m.date')
    .execute();
  return rows.map((r) => r.date);
}

/** The student's excused marks of the year with these codes: one row per date and explanation. */
function excusedDates(db: Db | Transaction<Database>, studentId: string, year: YearDays, codes: string[]): Promise<{ date: string; explanation_id: string | null }[]> {
  return db
    .selectFrom('attendance_marks')
    .select(['date', 'explanation_id'])
    .distinct()
    .where('student_id', '=', studentId)
    .where('category', '=', 'excused')
    .where('code', 'in', codes)
    .where('date', '>=', year.year.firstDay)
    .where('date', '<=', year.year.lastDay)
    .execute();
}
