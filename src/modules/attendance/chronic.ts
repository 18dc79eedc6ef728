import { sql, type Expression, type SqlBool } from 'kysely';
import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { AttendanceSnapshotsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { StepReport } from '../../platform/ops/runner.js';
import { err, ok, type Err, type Result } from '../../platform/result.js';
import { canKeepAttendance } from '../access/roles.js';
import { GRADES, type DistrictConfig, type SchoolConfig } from '../districts/config-schema.js';
import type { AttendanceContext } from './context.js';
import { daysEnrolled, namedYear, ordinalOnOrAfter, ordinalOnOrBefore, yearOf, type YearDays } from './school-days.js';

/**
 * Chronic absence (issue 16 point 7, ATT-4). For each student enrolled at a school, from the
 * year's totals days.ts keeps (never from a year of marks): days enrolled — school days from the
 * first counted day through today, `today's ordinal − first_ordinal + 1` — days absent, the
 * absence rate and the attendance rate. Chronically absent by the state (EC 60901(c)(1)): absent
 * on 10% or more of the days enrolled; by the district's own line when it has one
 * (`attendance.chronicRateAtOrBelow`, LAUSD 91: an attendance rate at or below 91%); at risk
 * within `atRiskPoints` percentage points before a line not yet crossed.
 *
 * Every comparison is integer arithmetic in hundredths of a percent (basis points), in SQL:
 * `days_absent × 10000 ≥ 1000 × enrolled`, so 17 absences in 180 days (9.44%) is not chronic by
 * the state's 10% and 18 (10.00%) is, exactly, on both databases. A student with no totals row
 * was never marked absent: never chronic, never listed.
 */

/** The state's line: absent on 10% or more of the days enrolled, in basis points. */
export const STATE_LINE_BP = 1000;
/** Rows a page of the list shows (the next page by its link). */
export const CHRONIC_PAGE_SIZE = 100;
/** Rows read per query when the whole list is written as CSV. */
export const CHRONIC_CSV_BATCH = 500;
/** The local time (the district's zone) the evening step writes the day's snapshot at: the school day is over. */
export const SNAPSHOT_AT = '18:00';

/** What the list is filtered to: chronic by the state, by the district, by either, or at risk (not chronic yet). */
export const CHRONIC_STATUSES = ['either', 'state', 'district', 'at-risk'] as const;
export type ChronicStatus = (typeof CHRONIC_STATUSES)[number];

/** The district's lines, in basis points: the state's, the district's if it has one, and the at-risk margin. */
export interface ChronicLines {
  stateBp: number;
  /** Chronic at an attendance rate at or below this (LAUSD: 9100); undefined when the district has no line of its own. */
  districtBp?: number;
  atRiskBp: number;
}

export function linesOf(district: DistrictConfig): ChronicLines {
  const a = district.attendance;
  return {
    stateBp: STATE_LINE_BP,
    districtBp: a.chronicRateAtOrBelow === undefined ? undefined : Math.round(a.chronicRateAtOrBelow * 100),
    atRiskBp: Math.round(a.atRiskPoints * 100),
  };
}

/** The flags of one student, from days absent and days enrolled (enrolled > 0): the same arithmetic as the SQL below. */
export function flagsOf(lines: ChronicLines, absent: number, enrolled: number): { state: boolean; district: boolean; atRisk: boolean } {
  const state = absent * 10000 >= lines.stateBp * enrolled;
  const district = lines.districtBp !== undefined && (enrolled - absent) * 10000 <= lines.districtBp * enrolled;
  const near = absent * 10000 >= (lines.stateBp - lines.atRiskBp) * enrolled || (lines.districtBp !== undefined && (enrolled - absent) * 10000 <= (lines.districtBp + lines.atRiskBp) * enrolled);
  return { state, district, atRisk: !state && !district && near };
}

/** The list's filters, as the query string gives them (anything it does not offer reads as absent). */
export interface ChronicFilter {
  /** `district:code`, or 'all' for the district's list (a district administrator's); default: the staff member's first school, the whole district for an administrator. */
  school?: string;
  /** One of the district's school years; default: the one today falls in (else the last begun). */
  year?: string;
  status?: ChronicStatus;
  grade?: string;
  /** Only students enrolled at least this many school days. */
  minDays?: number;
  /** The keyset cursor: `<days absent>.<days enrolled>.<student id>` of the last row of the page before. */
  after?: string;
}

export function parseChronicFilter(q: Partial<Record<'school' | 'year' | 'status' | 'grade' | 'minDays' | 'after', string | undefined>>): ChronicFilter {
  const str = (v: string | undefined, max = 80) => (v ?? '').trim().slice(0, max) || undefined;
  const min = /^\d{1,3}$/.test((q.minDays ?? '').trim()) ? Number(q.minDays!.trim()) : undefined;
  return {
    school: str(q.school),
    year: str(q.year, 9),
    status: CHRONIC_STATUSES.find((s) => s === q.status),
    grade: GRADES.find((g) => g === q.grade),
    minDays: min && min > 0 ? min : undefined,
    after: str(q.after, 100),
  };
}

/** The filters as query parameters, for links that keep them (the next page, the CSV). */
export function chronicParams(f: ChronicFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['school', 'year', 'status', 'grade'] as const) if (f[k]) out[k] = f[k]!;
  if (f.minDays) out.minDays = String(f.minDays);
  return out;
}

interface Cursor { absent: number; enrolled: number; studentId: string }
const cursorText = (c: Cursor): string => `${c.absent}.${c.enrolled}.${c.studentId}`;
function parseCursor(text: string | undefined): Cursor | undefined {
  const m = /^(\d{1,4})\.(\d{1,4})\.([\w-]{1,64})$/.exec(text ?? '');
  return m && Number(m[2]) > 0 ? { absent: Number(m[1]), enrolled: Number(m[2]), studentId: m[3] } : undefined;
}

/** One student on the list. Rates in basis points (hundredths of a percent). */
export interface ChronicRow {
  studentId: string;
  firstName: string;
  lastName: string;
  grade: string;
  schoolId: string;
  daysAbsent: number;
  daysEnrolled: number;
  absenceBp: number;
  attendanceBp: number;
  chronicState: boolean;
  chronicDistrict: boolean;
  atRisk: boolean;
}

/** One point of the trend: a school day's share of the enrolled chronically absent (basis points). */
export interface TrendPoint {
  /** The school day (by day), or the last school day of the week with a snapshot (by week). */
  date: string;
  enrolled: number;
  stateBp: number;
  districtBp: number;
  atRiskBp: number;
  rateBp: number;
}

export interface ChronicView {
  district: DistrictConfig;
  lines: ChronicLines;
  /** The schools the staff member may pick, by id; `all` is offered only to a district administrator. */
  schools: { id: string; school: SchoolConfig }[];
  offersAll: boolean;
  /** The school shown, or 'all'. */
  schoolId: string;
  school: SchoolConfig | null;
  year: string;
  /** Today's place among the year's school days (school days so far). */
  today: string;
  schoolDaysSoFar: number;
  filter: ChronicFilter & { school: string; year: string; status: ChronicStatus };
  rows: ChronicRow[];
  next: string | null;
  trend: { byWeek: boolean; points: TrendPoint[] };
}

const notFound = (): Err => err('not-found', 'common.notFound.message');
const forbidden = (): Err => err('forbidden', 'attendance-chronic.errors.forbidden');

/** An integer SQL value, bound as a literal-free parameter of the right type on both databases. */
const int = (n: number) => sql<number>`cast(${n} as integer)`;

/** A list's query: which totals, what today is, what it keeps. */
interface ListQuery {
  districtId: string;
  /** One school, or every school of the district. */
  schoolId: string | null;
  schoolYear: string;
  todayOrdinal: number;
  lines: ChronicLines;
  status: ChronicStatus;
  grade?: string;
  minDays?: number;
  after?: Cursor;
  limit: number;
}

export class ChronicAbsence {
  constructor(private ctx: AttendanceContext) {}

  private get db() {
    return this.ctx.deps.db;
  }

  /** The year a list opens on: the one asked for, else the one today falls in, else the last begun, else the first. */
  yearFor(district: DistrictConfig, today: string, asked?: string): YearDays | undefined {
    if (asked) {
      const y = namedYear(district, asked);
      if (y) return y;
    }
    const current = yearOf(district, today);
    if (current) return current;
    const begun = [...district.schoolYears].filter((y) => y.firstDay <= today).sort((a, b) => b.firstDay.localeCompare(a.firstDay))[0] ?? district.schoolYears[0];
    return begun ? namedYear(district, begun.year) : undefined;
  }

  /** The schools whose list this staff member may open, in the district's order. */
  async schools(staff: SessionStaff, district: DistrictConfig): Promise<{ id: string; school: SchoolConfig }[]> {
    if (!canKeepAttendance(staff)) return [];
    const mine = await this.ctx.scope.schools(staff);
    return district.schools.map((school) => ({ id: `${district.slug}:${school.code}`, school })).filter((s) => mine === null || mine.includes(s.id));
  }

  /**
   * One page of a school's (or, for a district administrator, the district's) chronic-absence
   * list with its trend. `forbidden` for a role that does not keep attendance; `not-found` for a
   * school outside the staff member's scope (another district's included) and for the district's
   * list asked by anyone but its administrator (PRV-1). The route audits both (PRV-2).
   */
  async list(staff: SessionStaff, filter: ChronicFilter, limit = CHRONIC_PAGE_SIZE, withTrend = true): Promise<Result<ChronicView>> {
    const district = this.ctx.deps.districts.get(staff.districtId);
    if (!district || !canKeepAttendance(staff)) return forbidden();
    const schools = await this.schools(staff, district);
    if (!schools.length) return forbidden();
    const offersAll = (await this.ctx.scope.schools(staff)) === null;
    const asked = filter.school ?? (offersAll ? 'all' : schools[0].id);
    const picked = asked === 'all' ? (offersAll ? null : undefined) : schools.find((s) => s.id === asked);
    if (picked === undefined) return notFound();
    const today = localDate(this.ctx.deps.clock.now(), district.timeZone);
    const y = this.yearFor(district, today, filter.year);
    if (!y) return notFound();
    const todayOrdinal = ordinalOnOrBefore(y, today);
    const lines = linesOf(district);
    // The district's line is no filter in a district without one: "either" is the state's.
    const status: ChronicStatus = filter.status === 'district' && lines.districtBp === undefined ? 'state' : (filter.status ?? 'either');
    const page = await this.page({
      districtId: district.slug,
      schoolId: picked ? picked.id : null,
      schoolYear: y.year.year,
      todayOrdinal,
      lines,
      status,
      grade: filter.grade,
      minDays: filter.minDays,
      after: parseCursor(filter.after),
      limit,
    });
    return ok({
      district,
      lines,
      schools,
      offersAll,
      schoolId: picked ? picked.id : 'all',
      school: picked ? picked.school : null,
      year: y.year.year,
      today,
      schoolDaysSoFar: todayOrdinal,
      filter: { ...filter, school: picked ? picked.id : 'all', year: y.year.year, status },
      rows: page.rows,
      next: page.next ? cursorText(page.next) : null,
      trend: withTrend ? await this.trend(district.slug, picked ? picked.id : null, y.year.year) : { byWeek: false, points: [] },
    });
  }

  /**
   * One page of the list, sorted by absence rate (highest first), then name and id: a keyset read
   * (no OFFSET), so the last page of a district of 500,000 students costs what the first does.
   * The cursor compares rates by cross-multiplying (a/b < c/d as a·d < c·b), never by a rounded
   * division. Only students whose enrollment at the school that year is active are listed.
   */
  private async page(q: ListQuery): Promise<{ rows: ChronicRow[]; next?: Cursor }> {
    const T = int(q.todayOrdinal);
    const enrolled = sql<number>`(${T} - t.first_ordinal + 1)`;
    const absent = sql<number>`t.days_absent`;
    const { stateBp, districtBp, atRiskBp } = q.lines;
    const byState = sql<SqlBool>`${absent} * 10000 >= ${int(stateBp)} * ${enrolled}`;
    const byDistrict = districtBp === undefined ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${enrolled} - ${absent}) * 10000 <= ${int(districtBp)} * ${enrolled}`;
    const nearState = sql<SqlBool>`${absent} * 10000 >= ${int(stateBp - atRiskBp)} * ${enrolled}`;
    const nearDistrict = districtBp === undefined ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${enrolled} - ${absent}) * 10000 <= ${int(districtBp + atRiskBp)} * ${enrolled}`;
    const wanted: Record<ChronicStatus, Expression<SqlBool>> = {
      state: byState,
      district: byDistrict,
      either: sql<SqlBool>`(${byState} or ${byDistrict})`,
      'at-risk': sql<SqlBool>`(not (${byState}) and not (${byDistrict}) and (${nearState} or ${nearDistrict}))`,
    };

    let query = this.db
      .selectFrom('attendance_totals as t')
      .innerJoin('enrollments as e', (j) => j.onRef('e.student_id', '=', 't.student_id').onRef('e.school_id', '=', 't.school_id').onRef('e.school_year', '=', 't.school_year'))
      .innerJoin('students as s', 's.id', 't.student_id')
      .select(['t.student_id as studentId', 's.first_name as firstName', 's.last_name as lastName', 'e.grade', 't.school_id as schoolId', 't.days_absent as daysAbsent', 't.first_ordinal as firstOrdinal'])
      .where('t.school_year', '=', q.schoolYear)
      .where('e.status', '=', 'active')
      // Chronic and at risk both need an absence: the school's index range starts past zero.
      .where('t.days_absent', '>', 0)
      .where('t.first_ordinal', '<=', q.todayOrdinal)
      .where(wanted[q.status]);
    // One school's list reads that school's range (a school id names its district); the district's list its own.
    if (q.schoolId) query = query.where('t.school_id', '=', q.schoolId);
    else query = query.where('t.district_id', '=', q.districtId);
    if (q.grade) query = query.where('e.grade', '=', q.grade);
    if (q.minDays) query = query.where('t.first_ordinal', '<=', q.todayOrdinal + 1 - q.minDays);
    const after = q.after;
    if (after) {
      const name = await this.db.selectFrom('students').select(['first_name', 'last_name']).where('id', '=', after.studentId).executeTakeFirst();
      const lower = sql<SqlBool>`${absent} * ${int(after.enrolled)} < ${int(after.absent)} * ${enrolled}`;
      const same = sql<SqlBool>`${absent} * ${int(after.enrolled)} = ${int(after.absent)} * ${enrolled}`;
      const later = name
        ? sql<SqlBool>`(s.last_name > ${name.last_name} or (s.last_name = ${name.last_name} and (s.first_name > ${name.first_name} or (s.first_name = ${name.first_name} and t.student_id > ${after.studentId}))))`
        : sql<SqlBool>`t.student_id > ${after.studentId}`;
      query = query.where(sql<SqlBool>`(${lower} or (${same} and ${later}))`);
    }
    const rows = await query
      .orderBy(sql`cast(t.days_absent as double precision) / ${enrolled}`, 'desc')
      .orderBy('s.last_name')
      .orderBy('s.first_name')
      .orderBy('t.student_id')
      .limit(q.limit + 1)
      .execute();
    const shown = rows.slice(0, q.limit).map((r) => {
      const days = q.todayOrdinal - r.firstOrdinal + 1;
      const absenceBp = Math.round((r.daysAbsent * 10000) / days);
      const f = flagsOf(q.lines, r.daysAbsent, days);
      return {
        studentId: r.studentId, firstName: r.firstName, lastName: r.lastName, grade: r.grade, schoolId: r.schoolId,
        daysAbsent: r.daysAbsent, daysEnrolled: days, absenceBp, attendanceBp: 10000 - absenceBp,
        chronicState: f.state, chronicDistrict: f.district, atRisk: f.atRisk,
      };
    });
    const last = shown[shown.length - 1];
    return { rows: shown, next: rows.length > q.limit ? { absent: last.daysAbsent, enrolled: last.daysEnrolled, studentId: last.studentId } : undefined };
  }

  /** Every row of the list for `filter` (not one page), for the CSV: the same checks, walked by key in batches. */
  async all(staff: SessionStaff, filter: ChronicFilter): Promise<Result<{ view: ChronicView; rows: ChronicRow[] }>> {
    const first = await this.list(staff, { ...filter, after: undefined }, CHRONIC_CSV_BATCH, false);
    if (!first.ok) return first;
    const rows = [...first.value.rows];
    let after = first.value.next;
    while (after) {
      const more = await this.list(staff, { ...first.value.filter, after }, CHRONIC_CSV_BATCH, false);
      if (!more.ok) return more;
      rows.push(...more.value.rows);
      after = more.value.next;
    }
    return ok({ view: first.value, rows });
  }

  /**
   * The trend: the share of enrolled students chronically absent on each school day with a
   * snapshot — a school's, or the district's summed over its schools — by week when the year so
   * far has more than 40 of them (each week's last snapshot).
   */
  async trend(districtId: string, schoolId: string | null, schoolYear: string): Promise<{ byWeek: boolean; points: TrendPoint[] }> {
    const rows = await this.db
      .selectFrom('attendance_snapshots')
      .select((eb) => [
        'date',
        eb.fn.sum<number>('enrolled').as('enrolled'),
        eb.fn.sum<number>('chronic_state').as('chronicState'),
        eb.fn.sum<number>('chronic_district').as('chronicDistrict'),
        eb.fn.sum<number>('at_risk').as('atRisk'),
        // The rate weighted by students: summed as rate × enrolled, divided below.
        eb.fn.sum<number>(sql`rate_bp * enrolled`).as('rateWeighted'),
      ])
      .where('district_id', '=', districtId)
      .where('school_year', '=', schoolYear)
      .$if(schoolId !== null, (q) => q.where('school_id', '=', schoolId!))
      .groupBy('date')
      .orderBy('date')
      .execute();
    const share = (n: number, of: number) => (of > 0 ? Math.round((n * 10000) / of) : 0);
    let points: TrendPoint[] = rows.map((r) => {
      const enrolled = Number(r.enrolled);
      return {
        date: r.date,
        enrolled,
        stateBp: share(Number(r.chronicState), enrolled),
        districtBp: share(Number(r.chronicDistrict), enrolled),
        atRiskBp: share(Number(r.atRisk), enrolled),
        rateBp: enrolled > 0 ? Math.round(Number(r.rateWeighted) / enrolled) : 0,
      };
    });
    const byWeek = points.length > 40;
    if (byWeek) {
      const weeks = new Map<string, TrendPoint>();
      for (const p of points) weeks.set(mondayOf(p.date), p);
      points = [...weeks.values()];
    }
    return { byWeek, points };
  }
}

/** The Monday of a day's week (YYYY-MM-DD). */
function mondayOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** "HH:MM" of an instant in a time zone. */
function localTime(at: Date, timeZone: string): string {
  let f = timeFormats.get(timeZone);
  if (!f) timeFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })));
  return f.format(at);
}

/**
 * The school day whose snapshot is due as of `now` in the district's zone: the last school day
 * on or before today once it is SNAPSHOT_AT or later, else on or before yesterday. Undefined
 * outside the district's school years. A day missed (no instance ran that evening) is written
 * the next time on the weekend or a holiday after it, as of then; a later school day's evening
 * replaces it as the one due.
 */
export function snapshotDay(district: DistrictConfig, now: Date): { y: YearDays; date: string } | undefined {
  const today = localDate(now, district.timeZone);
  const due = localTime(now, district.timeZone) >= SNAPSHOT_AT ? today : addDays(today, -1);
  const y = yearOf(district, due);
  if (!y) {
    // After the last day of a year (the summer), its last school day may still be due once.
    const ended = [...district.schoolYears].filter((s) => s.lastDay < due).sort((a, b) => b.lastDay.localeCompare(a.lastDay))[0];
    const last = ended ? namedYear(district, ended.year) : undefined;
    const date = last?.days[last.days.length - 1];
    return last && date ? { y: last, date } : undefined;
  }
  const n = ordinalOnOrBefore(y, due);
  return n > 0 ? { y, date: y.days[n - 1] } : undefined;
}

/**
 * The evening step (a background step of the `deadlines` run, ATT-4's trend): for each school of
 * each district (one with nobody enrolled: zeros), that school day's counts — enrolled (active enrollments),
 * chronically absent by the state's line and by the district's, at risk, and the school's
 * attendance rate over the year so far — read from the totals. Insert-if-absent keyed by
 * (school, day): run twice, or by two instances at once, it writes each school's day once (the
 * primary key and ON CONFLICT DO NOTHING decide); once every school has its row, later sweeps of
 * the evening read one index range and stop. The counts are one grouped statement per
 * district; the students with no totals row (never absent) add only their days enrolled, read
 * grouped by entry date.
 */
export async function writeSnapshots(deps: Pick<Deps, 'db' | 'districts'>, now: Date): Promise<StepReport> {
  const at = now.toISOString();
  let written = 0;
  for (const district of deps.districts.all) {
    const due = snapshotDay(district, now);
    if (!due) continue;
    const { y, date } = due;
    const schoolYear = y.year.year;
    const done = new Set((await deps.db.selectFrom('attendance_snapshots').select('school_id').where('district_id', '=', district.slug).where('date', '=', date).execute()).map((r) => r.school_id));
    const schoolIds = district.schools.map((s) => `${district.slug}:${s.code}`);
    // Every school counted that day already (each sweep of the evening and the weekend after): nothing to read.
    if (schoolIds.every((id) => done.has(id))) continue;
    const todayOrdinal = ordinalOnOrBefore(y, date);
    const lines = linesOf(district);
    const T = int(todayOrdinal);
    const enrolled = sql<number>`(${T} - t.first_ordinal + 1)`;
    const absent = sql<number>`t.days_absent`;
    const counted = sql<SqlBool>`(t.student_id is not null and t.first_ordinal <= ${T})`;
    const byState = sql<SqlBool>`(${counted} and ${absent} * 10000 >= ${int(lines.stateBp)} * ${enrolled})`;
    const byDistrict = lines.districtBp === undefined ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${counted} and (${enrolled} - ${absent}) * 10000 <= ${int(lines.districtBp)} * ${enrolled})`;
    const near = sql<SqlBool>`(${counted} and (${absent} * 10000 >= ${int(lines.stateBp - lines.atRiskBp)} * ${enrolled}${lines.districtBp === undefined ? sql`` : sql` or (${enrolled} - ${absent}) * 10000 <= ${int(lines.districtBp + lines.atRiskBp)} * ${enrolled}`}))`;
    const caseWhen = (cond: Expression<SqlBool>) => sql<number>`sum(case when ${cond} then 1 else 0 end)`;
    const counts = await deps.db
      .selectFrom('enrollments as e')
      .leftJoin('attendance_totals as t', (j) => j.onRef('t.student_id', '=', 'e.student_id').onRef('t.school_id', '=', 'e.school_id').onRef('t.school_year', '=', 'e.school_year'))
      .select((eb) => [
        'e.school_id as schoolId',
        eb.fn.countAll<number>().as('enrolled'),
        caseWhen(byState).as('chronicState'),
        caseWhen(byDistrict).as('chronicDistrict'),
        caseWhen(sql<SqlBool>`(${near} and not (${byState}) and not (${byDistrict}))`).as('atRisk'),
        sql<number>`sum(case when ${counted} then ${absent} else 0 end)`.as('absent'),
        sql<number>`sum(case when ${counted} then ${enrolled} else 0 end)`.as('daysEnrolled'),
      ])
      .where('e.district_id', '=', district.slug)
      .where('e.school_year', '=', schoolYear)
      .where('e.status', '=', 'active')
      .groupBy('e.school_id')
      .execute();
    // Students with no totals row: their days enrolled from the entry date, counted by day.
    const untotalled = await deps.db
      .selectFrom('enrollments as e')
      .select((eb) => ['e.school_id as schoolId', 'e.entry_date as entryDate', eb.fn.countAll<number>().as('n')])
      .where('e.district_id', '=', district.slug)
      .where('e.school_year', '=', schoolYear)
      .where('e.status', '=', 'active')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('attendance_totals as t').select('t.student_id').whereRef('t.student_id', '=', 'e.student_id').whereRef('t.school_id', '=', 'e.school_id').whereRef('t.school_year', '=', 'e.school_year'))))
      .groupBy(['e.school_id', 'e.entry_date'])
      .execute();
    const extraDays = new Map<string, number>();
    for (const u of untotalled) {
      const days = daysEnrolled(y, ordinalOnOrAfter(y, u.entryDate ?? y.year.firstDay), date) * Number(u.n);
      extraDays.set(u.schoolId, (extraDays.get(u.schoolId) ?? 0) + days);
    }
    // One row for every school of the district, a school with nobody enrolled with zeros: the day is then done for all.
    const bySchool = new Map(counts.map((c) => [c.schoolId, c]));
    const rows: AttendanceSnapshotsTable[] = schoolIds
      .filter((id) => !done.has(id))
      .map((id) => {
        const c = bySchool.get(id);
        const days = Number(c?.daysEnrolled ?? 0) + (extraDays.get(id) ?? 0);
        return {
          school_id: id, date, district_id: district.slug, school_year: schoolYear,
          enrolled: Number(c?.enrolled ?? 0), chronic_state: Number(c?.chronicState ?? 0), chronic_district: Number(c?.chronicDistrict ?? 0), at_risk: Number(c?.atRisk ?? 0),
          rate_bp: days > 0 ? Math.round(((days - Number(c?.absent ?? 0)) * 10000) / days) : 10000,
          created_at: at,
        };
      });
    if (!rows.length) continue;
    const r = await deps.db.insertInto('attendance_snapshots').values(rows).onConflict((oc) => oc.columns(['school_id', 'date']).doNothing()).executeTakeFirst();
    written += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return { chronicSnapshots: written };
}
