import type { Transaction } from 'kysely';
import type { AttendanceMarksTable, Database, SectionsTable } from '../../platform/db/schema.js';
import type { Dialect } from '../../platform/db/kysely.js';
import { newId } from '../../platform/ids.js';
import { prepared } from '../../platform/db/prepared.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { categoryOf, countsTowardTruancy } from './codes.js';
import { refreshDay, type TotalsChange } from './days.js';
import { marksOfSection } from './repository.js';

/** What a change of a student's totals sets off in the same transaction (ATT-5: the truancy notifications). */
export type AfterTotals = (trx: Transaction<Database>, change: TotalsChange) => Promise<void>;

/** One student's mark on a roster: a code of the district's and, for a tardy or an early departure, the minutes. */
export interface RosterEntry {
  studentId: string;
  code: string;
  minutes: number | null;
}

export interface RosterWrite {
  district: DistrictConfig;
  section: SectionsTable;
  date: string;
  /** 'staff:<id>' */
  by: string;
  at: string;
  /** Every student on the roster that day with the mark the form gives; a student left out keeps what they have. */
  entries: RosterEntry[];
  /**
   * Why marks already recorded change (a correction, or the roster submitted again from another
   * device): required when the roster was already submitted or a mark exists, and anything differs.
   */
  reason: string | null;
  paperRecord?: string | null;
}

export interface RosterWritten {
  /** True for the roster's first submission that day; false when it was submitted before (this one is a change). */
  first: boolean;
  /** Marks written, and of them the ones that changed a mark recorded before (each with its history row). */
  written: number;
  changed: number;
}

export interface MarkWrite {
  district: DistrictConfig;
  section: Pick<SectionsTable, 'id' | 'school_id' | 'school_year' | 'period_code'>;
  studentId: string;
  date: string;
  code: string;
  minutes: number | null;
  /** 'staff:<id>' or 'explanation:<id>' */
  by: string;
  at: string;
  reason: string;
  paperRecord?: string | null;
  /** The accepted explanation that excuses this mark (ATT-2, ATT-3's incidents). */
  explanationId?: string | null;
}

/** Thrown when a mark would change without a reason: a caller's mistake, refused before it reaches here. */
export class ReasonRequired extends Error {
  constructor() {
    super('a change of an attendance mark needs a reason (ATT-7)');
  }
}

/**
 * The one writer of attendance marks (ATT-1, ATT-7). A roster's students are present unless
 * marked otherwise, and a present student with no earlier mark writes nothing (ADR 0035). A
 * mark once recorded is never overwritten silently: each change keeps the mark before it, who
 * changed it, when, why and the paper record (attendance_changes), and the day and the year's
 * totals follow in the same transaction (days.ts), then whatever a change of totals sets off
 * (the truancy notifications, given at construction).
 *
 * The caller has checked who may write and that every student was in the section that day;
 * it runs this inside its own transaction (`trx`).
 */
export class AttendanceMarks {
  constructor(private dialect: Dialect, private afterTotals: AfterTotals[] = []) {}

  /** A roster for a section and a school day. A second submission is a change of the first, recorded as changes. */
  async writeRoster(trx: Transaction<Database>, w: RosterWrite): Promise<RosterWritten> {
    const inserted = await q.submitRoster(trx, { sectionId: w.section.id, date: w.date, schoolId: w.section.school_id, by: w.by, at: w.at, paperRecord: w.paperRecord ?? null });
    const first = Number(inserted.numAffectedRows ?? 0n) > 0;
    const existing = new Map((await marksOfSection(trx, w.section.id, w.date)).map((m) => [m.student_id, m]));
    const periodMinutes = await this.periodMinutes(trx, w.section);
    let written = 0;
    let changed = 0;
    const touched: string[] = [];
    for (const e of w.entries) {
      const before = existing.get(e.studentId);
      const code = this.code(w.district, e.code);
      const minutes = needsMinutes(code) ? e.minutes : null;
      if (!before && categoryOf(code) === 'present') continue;
      if (before && before.code === code.code && (before.minutes ?? null) === minutes) continue;
      const isChange = Boolean(before) || !first;
      if (isChange && !w.reason) throw new ReasonRequired();
      await this.put(trx, w.district, { section: w.section, studentId: e.studentId, date: w.date, code: code.code, minutes, by: w.by, at: w.at, reason: w.reason ?? '', paperRecord: w.paperRecord ?? null }, before, periodMinutes, isChange);
      written++;
      if (isChange) changed++;
      touched.push(e.studentId);
    }
    if (!first && changed > 0) await trx.updateTable('roster_submissions').set({ changed_at: w.at }).where('section_id', '=', w.section.id).where('date', '=', w.date).execute();
    // In one order (by id) whatever the roster's, so two rosters sharing students lock their days and totals alike.
    for (const studentId of touched.sort()) await this.refresh(trx, w.district, studentId, w.section.school_id, w.date, w.at);
    return { first, written, changed };
  }

  /** One mark changed after the fact (the office, a teacher's correction, an accepted explanation). False when it already was so. */
  async changeMark(trx: Transaction<Database>, w: MarkWrite): Promise<boolean> {
    if (!w.reason.trim()) throw new ReasonRequired();
    const code = this.code(w.district, w.code);
    const minutes = needsMinutes(code) ? w.minutes : null;
    const before = await trx.selectFrom('attendance_marks').selectAll().where('section_id', '=', w.section.id).where('date', '=', w.date).where('student_id', '=', w.studentId).executeTakeFirst();
    if (before && before.code === code.code && (before.minutes ?? null) === minutes && (w.explanationId ?? null) === (before.explanation_id ?? null)) return false;
    if (!before && categoryOf(code) === 'present') return false;
    const periodMinutes = await this.periodMinutes(trx, w.section);
    await this.put(trx, w.district, { ...w, code: code.code, minutes }, before, periodMinutes, true);
    await this.refresh(trx, w.district, w.studentId, w.section.school_id, w.date, w.at);
    return true;
  }

  /**
   * Brings days up to date after something other than a mark changed what they count as (ATT-2:
   * an explanation given or removed makes an absence explained or not), in the caller's transaction.
   */
  async refreshDays(trx: Transaction<Database>, district: DistrictConfig, studentId: string, schoolId: string, dates: readonly string[], at: string): Promise<void> {
    const marked = await trx.selectFrom('attendance_days').select('date').where('student_id', '=', studentId).where('date', 'in', dates.length ? [...dates] : ['']).execute();
    for (const { date } of marked) await this.refresh(trx, district, studentId, schoolId, date, at);
  }

  private async put(trx: Transaction<Database>, district: DistrictConfig, w: Omit<MarkWrite, 'district'>, before: AttendanceMarksTable | undefined, periodMinutes: number | null, isChange: boolean): Promise<void> {
    const code = this.code(district, w.code);
    const row = {
      code: code.code,
      category: categoryOf(code),
      minutes: w.minutes,
      truancy: countsTowardTruancy(code, w.minutes, periodMinutes) ? 1 : 0,
      explanation_id: w.explanationId ?? null,
      recorded_by: w.by,
      recorded_at: w.at,
    };
    // By its key, which is the table on SQLite (ADR 0044).
    if (before) await trx.updateTable('attendance_marks').set(row).where('section_id', '=', before.section_id).where('date', '=', before.date).where('student_id', '=', before.student_id).execute();
    else await q.insertMark(trx, { id: newId(), district_id: district.slug, school_id: w.section.school_id, section_id: w.section.id, student_id: w.studentId, date: w.date, ...row });
    if (isChange) {
      await trx
        .insertInto('attendance_changes')
        .values({
          id: newId(), district_id: district.slug, school_id: w.section.school_id, section_id: w.section.id, student_id: w.studentId, date: w.date,
          from_code: before?.code ?? null, from_minutes: before?.minutes ?? null, to_code: code.code, to_minutes: w.minutes,
          changed_by: w.by, changed_at: w.at, reason: w.reason, paper_record: w.paperRecord ?? null,
        })
        .execute();
    }
  }

  private async refresh(trx: Transaction<Database>, district: DistrictConfig, studentId: string, schoolId: string, date: string, at: string): Promise<void> {
    const change = await refreshDay(trx, this.dialect, district, studentId, schoolId, date, at);
    if (change && change.before !== change.after) for (const after of this.afterTotals) await after(trx, change);
  }

  private code(district: DistrictConfig, code: string) {
    const found = district.attendanceCodes.codes.find((c) => c.code === code);
    if (!found) throw new Error(`unknown attendance code ${code} for ${district.slug}: the caller checks codes first`);
    return found;
  }

  /** The section's period length from the bell schedule; null in daily mode or without a schedule (an absence then counts as the day). */
  private async periodMinutes(trx: Transaction<Database>, section: Pick<SectionsTable, 'school_id' | 'school_year' | 'period_code'>): Promise<number | null> {
    const p = (await q.period(trx, { schoolId: section.school_id, schoolYear: section.school_year, code: section.period_code })).rows[0];
    return p ? minutesOf(p.ends_at) - minutesOf(p.starts_at) : null;
  }
}

/** The statements every roster runs, each built once (platform/db/prepared.ts). */
const q = {
  submitRoster: prepared((db, p: { sectionId: string; date: string; schoolId: string; by: string; at: string; paperRecord: string | null }) =>
    db
      .insertInto('roster_submissions')
      .values({ section_id: p.sectionId, date: p.date, school_id: p.schoolId, submitted_by: p.by, submitted_at: p.at, changed_at: null, paper_record: p.paperRecord })
      .onConflict((oc) => oc.columns(['section_id', 'date']).doNothing()),
  ),
  insertMark: prepared((db, p: AttendanceMarksTable) =>
    db.insertInto('attendance_marks').values({
      id: p.id, district_id: p.district_id, school_id: p.school_id, section_id: p.section_id, student_id: p.student_id, date: p.date, code: p.code, category: p.category,
      minutes: p.minutes, truancy: p.truancy, explanation_id: p.explanation_id, recorded_by: p.recorded_by, recorded_at: p.recorded_at,
    }),
  ),
  period: prepared((db, p: { schoolId: string; schoolYear: string; code: string }) =>
    db.selectFrom('bell_periods').select(['starts_at', 'ends_at']).where('school_id', '=', p.schoolId).where('school_year', '=', p.schoolYear).where('code', '=', p.code),
  ),
};

/** Minutes after midnight of a local 'HH:MM'. */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A tardy or an early departure carries its minutes; every other mark none. */
const needsMinutes = (code: { edfi: string }): boolean => {
  const c = categoryOf(code);
  return c === 'tardy' || c === 'early-departure';
};
