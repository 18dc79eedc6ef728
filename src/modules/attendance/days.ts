import type { Kysely, Transaction } from 'kysely';
import { prepared } from '../../platform/db/prepared.js';
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
 * that changed a mark (attendance/marks.ts is the only caller). The day row is taken first — an
 * upsert that returns it, and on PostgreSQL locks it — so that two rosters of the same student's
 * day at once add to the totals once each, in turn; the totals move by the day's difference in
 * one update that returns them (and locks them on PostgreSQL). Rosters are the product's
 * heaviest write: this is four or five statements a marked student, not nine (ADR 0044).
 * Returns the totals before and after, or null when the day is outside the calendar.
 */
export async function refreshDay(trx: Transaction<Database>, dialect: Dialect, district: DistrictConfig, studentId: string, schoolId: string, date: string, now: string): Promise<TotalsChange | null> {
  const y = yearOf(district, date);
  if (!y) return null;
  const schoolYear = y.year.year;
  const key = { studentId, date };
  // A placeholder inserted now (present, nothing counted) comes back as the zero day. SQLite (one
  // writer) takes it in one upsert that returns it; PostgreSQL inserts it if missing and then
  // reads it locked (an upsert that updates would write the row's every version twice).
  const placeholder = { studentId, date, districtId: district.slug, schoolId, schoolYear, now };
  let old: DayCounted | undefined;
  if (dialect === 'postgres') {
    await q.placeDay(trx, placeholder);
    old = (await q.lockDay(trx, key)).rows[0];
  } else old = (await q.takeDay(trx, placeholder)).rows[0];
  if (!old) throw new Error('attendance day missing right after its insert');

  // The day's marks, each with the periods the student was scheduled for that day (the same for every row).
  const marks = (await q.dayMarks(trx, { studentId, date, schoolId, schoolYear })).rows;
  const before = countsOf(old);
  let after = ZERO;
  if (marks.length === 0) await q.dropDay(trx, key);
  else {
    const scheduled = Math.max(1, Number(marks[0].scheduled ?? 0));
    const unexcused = marks.some((m) => m.category === 'unexcused');
    const explained = unexcused ? (await q.explanationOf(trx, key)).rows.length > 0 : true;
    const next = {
      scheduled,
      absent_periods: marks.filter((m) => isAbsence(m.category)).length,
      excused_periods: marks.filter((m) => m.category === 'excused').length,
      tardies: marks.filter((m) => m.category === 'tardy').length,
      status: dayStatus(marks, scheduled),
      truant: marks.some((m) => m.truancy === 1) ? 1 : 0,
      unexplained: unexcused && !explained ? 1 : 0,
      updated_at: now,
    };
    await q.setDay(trx, { ...key, ...next, schoolId });
    after = countsOf(next);
  }

  const delta = COUNT_KEYS.filter((k) => after[k] !== before[k]);
  if (delta.length === 0) {
    const totals = await ensureTotals(trx, dialect, district, y, studentId, schoolId, date, now);
    return { district, studentId, schoolId, schoolYear, date, before: totals, after: totals };
  }
  // One shape of the update for each set of counts that move: a count that does not move is not
  // set, so the indexes on it are not touched.
  const by: Record<string, unknown> = { studentId, schoolId, schoolYear, now };
  for (const k of delta) by[k] = after[k] - before[k];
  const move = async () => (await q.moveTotals(trx, by, delta.join(','))).rows[0];
  // The student's first counted day at the school this year makes their totals row first.
  const moved = (await move()) ?? (await ensureTotals(trx, dialect, district, y, studentId, schoolId, date, now), await move());
  if (!moved) throw new Error('attendance totals row missing right after its insert');
  const totalsBefore = { ...moved };
  for (const k of delta) totalsBefore[k] = moved[k] - (after[k] - before[k]);
  return { district, studentId, schoolId, schoolYear, date, before: totalsBefore, after: moved };
}

type DayCounted = Pick<AttendanceDaysTable, 'status' | 'tardies' | 'truant' | 'unexplained'>;
const DAY_COUNTED = ['status', 'tardies', 'truant', 'unexplained'] as const;

/**
 * The statements a marked student's day runs, each built once (platform/db/prepared.ts): a
 * roster runs them for every student it marks.
 */
const q = {
  placeDay: prepared((db, p: { studentId: string; date: string; districtId: string; schoolId: string; schoolYear: string; now: string }) =>
    db.insertInto('attendance_days').values(placeholderOf(p)).onConflict((oc) => oc.columns(['student_id', 'date']).doNothing()),
  ),
  takeDay: prepared((db, p: { studentId: string; date: string; districtId: string; schoolId: string; schoolYear: string; now: string }) =>
    db.insertInto('attendance_days').values(placeholderOf(p)).onConflict((oc) => oc.columns(['student_id', 'date']).doUpdateSet({ updated_at: p.now })).returning(DAY_COUNTED),
  ),
  lockDay: prepared((db, p: { studentId: string; date: string }) => db.selectFrom('attendance_days').select(DAY_COUNTED).where('student_id', '=', p.studentId).where('date', '=', p.date).forUpdate()),
  dayMarks: prepared((db, p: { studentId: string; date: string; schoolId: string; schoolYear: string }) =>
    db
      .selectFrom('attendance_marks')
      .select(['category', 'truancy'])
      .select(() => scheduledPeriods(db, p.studentId, p.schoolId, p.schoolYear, p.date).as('scheduled'))
      .where('student_id', '=', p.studentId)
      .where('date', '=', p.date)
      .where('school_id', '=', p.schoolId),
  ),
  dropDay: prepared((db, p: { studentId: string; date: string }) => db.deleteFrom('attendance_days').where('student_id', '=', p.studentId).where('date', '=', p.date)),
  explanationOf: prepared((db, p: { studentId: string; date: string }) =>
    db.selectFrom('absence_explanations').select('id').where('student_id', '=', p.studentId).where('from_date', '<=', p.date).where('to_date', '>=', p.date).where('removed_at', 'is', null).limit(1),
  ),
  setDay: prepared((db, p: { studentId: string; date: string; schoolId: string; scheduled: number; absent_periods: number; excused_periods: number; tardies: number; status: DayStatus; truant: number; unexplained: number; updated_at: string }) =>
    db
      .updateTable('attendance_days')
      .set({ scheduled: p.scheduled, absent_periods: p.absent_periods, excused_periods: p.excused_periods, tardies: p.tardies, status: p.status, truant: p.truant, unexplained: p.unexplained, updated_at: p.updated_at, school_id: p.schoolId })
      .where('student_id', '=', p.studentId)
      .where('date', '=', p.date),
  ),
  // `variant` names the counts that move ("partial_days,tardies"); each is added its difference.
  moveTotals: prepared((db, p: Record<string, unknown>, variant) =>
    db
      .updateTable('attendance_totals')
      .set((eb) => {
        const set: Record<string, unknown> = { updated_at: p.now };
        for (const k of variant.split(',') as (keyof Counts)[]) set[k] = eb(k, '+', p[k] as number);
        return set as { updated_at: string };
      })
      .where('student_id', '=', p.studentId as string)
      .where('school_id', '=', p.schoolId as string)
      .where('school_year', '=', p.schoolYear as string)
      .returningAll(),
  ),
};

function placeholderOf(p: { studentId: string; date: string; districtId: string; schoolId: string; schoolYear: string; now: string }): AttendanceDaysTable {
  return { student_id: p.studentId, date: p.date, district_id: p.districtId, school_id: p.schoolId, school_year: p.schoolYear, scheduled: 1, absent_periods: 0, excused_periods: 0, tardies: 0, status: 'present', truant: 0, unexplained: 0, updated_at: p.now };
}

/** Periods the student was in a section of the school that day, as a subquery: at least one counts (a daily school's homeroom). */
function scheduledPeriods(db: Kysely<Database>, studentId: string, schoolId: string, schoolYear: string, date: string) {
  return db
    .selectFrom('section_students as ss')
    .innerJoin('sections as s', 's.id', 'ss.section_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ss.student_id', '=', studentId)
    .where('ss.school_id', '=', schoolId)
    .where('s.school_year', '=', schoolYear)
    .where('ss.from_date', '<=', date)
    .where((eb) => eb.or([eb('ss.to_date', 'is', null), eb('ss.to_date', '>=', date)]));
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
