import type { Transaction } from 'kysely';
import type { AttendanceDaysTable, AttendanceTotalsTable, Database, DayStatus, MarkCategory } from '../../platform/db/schema.js';
import type { Dialect } from '../../platform/db/kysely.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { isAbsence } from './codes.js';
import { ordinalOnOrAfter, yearOf, type YearDays } from './school-days.js';

/** What one day adds to a student's totals. */
interface Counts { days_absent: number; days_excused: number; partial_days: number; tardies: number; truant_days: number; unexplained_days: number }
const ZERO: Counts = { days_absent: 0, days_excused: 0, partial_days: 0, tardies: 0, truant_days: 0, unexplained_days: 0 };
const COUNT_KEYS = Object.keys(ZERO) as (keyof Counts)[];

function countsOf(day: Pick<AttendanceDaysTable, 'status' | 'tardies' | 'truant' | 'unexplained'> | undefined): Counts {
  if (!day) return ZERO;
  return {
    days_absent: day.status === 'absent-excused' || day.status === 'absent-unexcused' ? 1 : 0,
    days_excused: day.status === 'absent-excused' ? 1 : 0,
    partial_days: day.status === 'partial' ? 1 : 0,
    tardies: day.tardies > 0 ? 1 : 0,
    truant_days: day.truant,
    unexplained_days: day.unexplained,
  };
}

/**
 * What a day counts as, from its marks (ATT-4: a day absent is a day absent from every period the
 * student was scheduled for; ATT-8: a day counts toward truancy when one of its marks does).
 */
export function dayStatus(marks: readonly { category: MarkCategory }[], scheduled: number): DayStatus {
  const absent = marks.filter((m) => isAbsence(m.category));
  if (absent.length > 0 && absent.length >= scheduled) return absent.every((m) => m.category === 'excused') ? 'absent-excused' : 'absent-unexcused';
  if (absent.length > 0 || marks.some((m) => m.category === 'early-departure')) return 'partial';
  if (marks.some((m) => m.category === 'tardy')) return 'tardy';
  return 'present';
}

/** A student's totals at a school in a year, before and after a change of one of its days: what the truancy step reads. */
export interface TotalsChange {
  district: DistrictConfig;
  studentId: string;
  schoolId: string;
  schoolYear: string;
  date: string;
  before: AttendanceTotalsTable;
  after: AttendanceTotalsTable;
}

/**
 * Keeps one student's day and their year's totals true to the day's marks, in the transaction
 * that changed a mark (attendance/marks.ts is the only caller). The day row is taken first and,
 * on PostgreSQL, locked, so that two rosters of the same student's day at once add to the totals
 * once each, in turn. Returns the totals before and after, or null when the day is outside the
 * calendar.
 */
export async function refreshDay(trx: Transaction<Database>, dialect: Dialect, district: DistrictConfig, studentId: string, schoolId: string, date: string, now: string): Promise<TotalsChange | null> {
  const y = yearOf(district, date);
  if (!y) return null;
  const schoolYear = y.year.year;
  await trx
    .insertInto('attendance_days')
    .values({ student_id: studentId, date, district_id: district.slug, school_id: schoolId, school_year: schoolYear, scheduled: 1, absent_periods: 0, excused_periods: 0, tardies: 0, status: 'present', truant: 0, unexplained: 0, updated_at: now })
    .onConflict((oc) => oc.columns(['student_id', 'date']).doNothing())
    .execute();
  let q = trx.selectFrom('attendance_days').selectAll().where('student_id', '=', studentId).where('date', '=', date);
  if (dialect === 'postgres') q = q.forUpdate();
  const old = await q.executeTakeFirstOrThrow();

  const marks = await trx.selectFrom('attendance_marks').select(['category', 'truancy']).where('student_id', '=', studentId).where('date', '=', date).where('school_id', '=', schoolId).execute();
  const scheduled = await scheduledPeriods(trx, studentId, schoolId, schoolYear, date);
  const status = dayStatus(marks, scheduled);
  const unexcused = marks.some((m) => m.category === 'unexcused');
  const explained = unexcused
    ? Boolean(await trx.selectFrom('absence_explanations').select('id').where('student_id', '=', studentId).where('from_date', '<=', date).where('to_date', '>=', date).where('removed_at', 'is', null).executeTakeFirst())
    : true;
  const next = {
    scheduled,
    absent_periods: marks.filter((m) => isAbsence(m.category)).length,
    excused_periods: marks.filter((m) => m.category === 'excused').length,
    tardies: marks.filter((m) => m.category === 'tardy').length,
    status,
    truant: marks.some((m) => m.truancy === 1) ? 1 : 0,
    unexplained: unexcused && !explained ? 1 : 0,
    updated_at: now,
  };
  // A placeholder just inserted (present, nothing counted) adds nothing: its "before" is the zero day.
  const before = countsOf(old);
  if (marks.length === 0) await trx.deleteFrom('attendance_days').where('student_id', '=', studentId).where('date', '=', date).execute();
  else await trx.updateTable('attendance_days').set({ ...next, school_id: schoolId }).where('student_id', '=', studentId).where('date', '=', date).execute();
  const after = marks.length === 0 ? ZERO : countsOf(next);

  const totalsBefore = await ensureTotals(trx, dialect, district, y, studentId, schoolId, date, now);
  const delta = COUNT_KEYS.filter((k) => after[k] !== before[k]);
  if (delta.length === 0) return { district, studentId, schoolId, schoolYear, date, before: totalsBefore, after: totalsBefore };
  const set: Record<string, unknown> = { updated_at: now };
  for (const k of delta) set[k] = totalsBefore[k] + after[k] - before[k];
  await trx.updateTable('attendance_totals').set(set).where('student_id', '=', studentId).where('school_id', '=', schoolId).where('school_year', '=', schoolYear).execute();
  return { district, studentId, schoolId, schoolYear, date, before: totalsBefore, after: { ...totalsBefore, ...(set as Partial<AttendanceTotalsTable>) } };
}

/** Periods the student was in a section of the school that day: at least one (a daily school's homeroom). */
async function scheduledPeriods(trx: Transaction<Database>, studentId: string, schoolId: string, schoolYear: string, date: string): Promise<number> {
  const r = await trx
    .selectFrom('section_students as ss')
    .innerJoin('sections as s', 's.id', 'ss.section_id')
    .select((eb) => eb.fn.count<number>('ss.id').as('n'))
    .where('ss.student_id', '=', studentId)
    .where('ss.school_id', '=', schoolId)
    .where('s.school_year', '=', schoolYear)
    .where('ss.from_date', '<=', date)
    .where((eb) => eb.or([eb('ss.to_date', 'is', null), eb('ss.to_date', '>=', date)]))
    .executeTakeFirst();
  return Math.max(1, Number(r?.n ?? 0));
}

/**
 * The student's totals row at the school for the year, made on its first mark, and locked on
 * PostgreSQL. The first day counted is the enrollment's entry
 * date at the school (ATT-4: days enrolled), or the marked day when no entry date is known.
 */
async function ensureTotals(trx: Transaction<Database>, dialect: Dialect, district: DistrictConfig, y: YearDays, studentId: string, schoolId: string, date: string, now: string): Promise<AttendanceTotalsTable> {
  // Locked on PostgreSQL until the transaction ends: two of the student's days written at once
  // (two rosters, two periods) change the totals one after the other, never from the same "before".
  const read = () => {
    const q = trx.selectFrom('attendance_totals').selectAll().where('student_id', '=', studentId).where('school_id', '=', schoolId).where('school_year', '=', y.year.year);
    return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
  };
  const found = await read();
  if (found) return found;
  const entry = await trx
    .selectFrom('enrollments')
    .select('entry_date')
    .where('student_id', '=', studentId)
    .where('school_id', '=', schoolId)
    .where('school_year', '=', y.year.year)
    .where('entry_date', 'is not', null)
    .where('entry_date', '<=', date)
    .orderBy('entry_date', 'desc')
    .executeTakeFirst();
  const row: AttendanceTotalsTable = {
    student_id: studentId, school_id: schoolId, school_year: y.year.year, district_id: district.slug,
    first_ordinal: Math.min(ordinalOnOrAfter(y, entry?.entry_date ?? date), ordinalOnOrAfter(y, date)),
    days_absent: 0, days_excused: 0, partial_days: 0, tardies: 0, truant_days: 0, unexplained_days: 0, updated_at: now,
  };
  await trx.insertInto('attendance_totals').values(row).onConflict((oc) => oc.columns(['student_id', 'school_id', 'school_year']).doNothing()).execute();
  const made = await read();
  if (!made) throw new Error('attendance totals row missing right after its insert');
  return made;
}
