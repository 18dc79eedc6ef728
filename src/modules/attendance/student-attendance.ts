import { localDate } from '../../platform/clock.js';
import type {
  AbsenceExplanationsTable,
  AttendanceMode,
  AttendanceReferralsTable,
  AttendanceTotalsTable,
  DayStatus,
  MarkCategory,
  TruancyNoticesTable,
} from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import { canKeepAttendance, canTakeAttendance } from '../access/roles.js';
import type { DistrictConfig, Localized } from '../districts/config-schema.js';
import { flagsOf, linesOf } from './chronic.js';
import type { AttendanceContext } from './context.js';
import { daysEnrolled, namedYear, ordinalOnOrAfter, ordinalOnOrBefore, yearOf, type YearDays } from './school-days.js';

/**
 * Issue 16 point 9: one student's attendance at a school in a school year — the calendar of
 * marks by day and period, the totals, both ATT-4 rates, the truancy notifications, the
 * explanations, the referrals and every change of a mark with who made it (ATT-7).
 *
 * A present day is a school day the student was enrolled at the school (from the first day
 * counted, `attendance_totals.first_ordinal`, or the enrollment's entry date, through today or
 * the exit date) with no mark that is not "present": the same days ATT-4's rates count as
 * enrolled, so the calendar and the rates never disagree. Whether a roster was submitted shows
 * only in a day's detail (a period "not taken"), not in the day's status.
 *
 * Reads only: the marks, explanations, notices and referrals are written by their own parts.
 * Counting one student's marks of a year here is a few hundred rows at most; the totals come
 * from `attendance_totals`, never from a year of marks.
 */

/** A calendar cell: a day's status, or why it has none. */
export type CalendarKind = DayStatus | 'no-school' | 'not-enrolled' | 'future';

export interface CalendarDay {
  date: string;
  kind: CalendarKind;
  /** The day has marks, detailed below the calendar. */
  detail: boolean;
}

/** A month of the school year: its weeks, Monday to Friday (null: a day of another month). */
export interface CalendarMonth {
  month: string;
  weeks: (CalendarDay | null)[][];
}

/** One period of a day with a mark: its section, the mark (null: present by default or not taken). */
export interface PeriodMark {
  sectionId: string;
  period: string;
  periodLabel: string;
  section: string;
  code: string | null;
  codeLabel: Localized | null;
  category: MarkCategory | null;
  minutes: number | null;
  /** A roster was submitted for the section that day (present by default when no mark). */
  taken: boolean;
}

export interface DayDetail {
  date: string;
  status: DayStatus;
  periods: PeriodMark[];
}

/** ATT-4: days absent over days enrolled (the state's 10%) and the attendance rate against the district's line. */
export interface Rates {
  enrolled: number;
  absent: number;
  /** Fractions, 0…1. */
  absenceRate: number;
  attendanceRate: number;
  /** Absent on 10% or more of the days enrolled (EC 60901(c)(1)). */
  stateChronic: boolean;
  /** The district's line (a percentage: LAUSD 91), or null when the district sets none. */
  districtLine: number | null;
  districtChronic: boolean;
  /** Chronic by neither line yet, but within the district's `atRiskPoints` of one. */
  atRisk: boolean;
}

/** Who made a change, as the reader may see it: a staff member's name (staff only), their role, or an accepted explanation. */
export interface ChangedBy {
  kind: 'staff' | 'explanation' | 'unknown';
  name: string | null;
  role: 'teacher' | 'office' | null;
}

export interface ChangeRow {
  id: string;
  date: string;
  period: string;
  section: string;
  fromCode: string | null;
  fromLabel: Localized | null;
  fromMinutes: number | null;
  toCode: string | null;
  toLabel: Localized | null;
  toMinutes: number | null;
  by: ChangedBy;
  at: string;
  reason: string;
  paperRecord: string | null;
}

export interface NoticeRow extends TruancyNoticesTable {
  sentByName: string | null;
}

export interface ExplanationRow extends AbsenceExplanationsTable {
  reasonLabel: Localized | null;
  codeLabel: Localized | null;
  decidedByName: string | null;
}

export interface StudentAttendanceView {
  audience: 'staff' | 'parent';
  student: { id: string; firstName: string; lastName: string };
  district: DistrictConfig;
  schoolId: string;
  schoolName: string;
  /** The student's schools that year the reader may open (a picker when several). */
  schools: { id: string; name: string }[];
  year: string;
  /** The school years the student was enrolled in the district (a picker when several). */
  years: string[];
  mode: AttendanceMode;
  today: string;
  enrolledFrom: string | null;
  enrolledTo: string | null;
  months: CalendarMonth[];
  days: DayDetail[];
  totals: Omit<AttendanceTotalsTable, 'student_id' | 'school_id' | 'school_year' | 'district_id' | 'updated_at' | 'first_ordinal'>;
  /** Marks of the year by Ed-Fi category (periods, in daily mode days). */
  categories: { category: MarkCategory; marks: number }[];
  rates: Rates | null;
  notices: NoticeRow[];
  explanations: ExplanationRow[];
  referrals: AttendanceReferralsTable[];
  changes: ChangeRow[];
  /** The reader keeps attendance (the office's links: change a mark, an explanation, a limit, referrals). */
  canKeep: boolean;
}

/** The parent's summary on the student page: this year's days absent, attendance rate and unexplained absences. */
export interface AttendanceSummary {
  studentId: string;
  schoolName: string;
  year: string;
  daysAbsent: number;
  unexplained: number;
  attendanceRate: number | null;
}

export interface PageQuery {
  school?: string;
  year?: string;
}

const CATEGORIES: MarkCategory[] = ['present', 'in-attendance', 'tardy', 'early-departure', 'excused', 'unexcused'];
const ZERO_TOTALS = { days_absent: 0, days_excused: 0, partial_days: 0, tardies: 0, truant_days: 0, unexplained_days: 0 };

/** ATT-4: both rates and their flags, by the chronic-absence list's own arithmetic (chronic.ts: integers, no rounding decides a flag). */
export function ratesOf(district: DistrictConfig, absent: number, enrolled: number): Rates | null {
  if (enrolled <= 0) return null;
  const flags = flagsOf(linesOf(district), absent, enrolled);
  return {
    enrolled,
    absent,
    absenceRate: absent / enrolled,
    attendanceRate: (enrolled - absent) / enrolled,
    stateChronic: flags.state,
    districtLine: district.attendance.chronicRateAtOrBelow ?? null,
    districtChronic: flags.district,
    atRisk: flags.atRisk,
  };
}

/** Every school day of the year's months, Monday to Friday, by week. */
function calendar(y: YearDays, kindOf: (date: string) => CalendarKind, detail: Set<string>): CalendarMonth[] {
  const months: CalendarMonth[] = [];
  const first = y.year.firstDay;
  const last = y.year.lastDay;
  const dayOf = (iso: string) => new Date(`${iso}T12:00:00Z`);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  for (let m = dayOf(`${first.slice(0, 7)}-01`); iso(m) <= last; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1, 12))) {
    const month = iso(m).slice(0, 7);
    const weeks: (CalendarDay | null)[][] = [];
    let week: (CalendarDay | null)[] = [null, null, null, null, null];
    for (let d = new Date(m); iso(d).slice(0, 7) === month; d = new Date(d.getTime() + 86_400_000)) {
      const wd = d.getUTCDay();
      if (wd === 0 || wd === 6) continue;
      const date = iso(d);
      week[wd - 1] = date < first || date > last ? { date, kind: 'no-school', detail: false } : { date, kind: kindOf(date), detail: detail.has(date) };
      if (wd === 5) {
        weeks.push(week);
        week = [null, null, null, null, null];
      }
    }
    if (week.some((c) => c !== null)) weeks.push(week);
    months.push({ month, weeks });
  }
  return months;
}

export class StudentAttendance {
  constructor(private ctx: AttendanceContext) {}

  private today(district: DistrictConfig): string {
    return localDate(this.ctx.deps.clock.now(), district.timeZone);
  }

  private schoolName(id: string): string {
    return this.ctx.deps.districts.schoolById(id)?.name ?? id;
  }

  /**
   * Whether a staff member may read the student's attendance (PRV-1): the office those of their
   * schools, a district administrator any of the district's, a teacher only students of their
   * own sections. Returns the schools the reader may open for the student, or null (not found).
   */
  private async staffSchools(staff: SessionStaff, studentId: string): Promise<string[] | null> {
    if (!canTakeAttendance(staff)) return null;
    const db = this.ctx.deps.db;
    if (staff.role === 'teacher') {
      const rows = await db
        .selectFrom('section_students as ss')
        .innerJoin('sections as s', 's.id', 'ss.section_id')
        .select('s.school_id')
        .distinct()
        .where('ss.student_id', '=', studentId)
        .where('s.teacher_id', '=', staff.id)
        .where('s.district_id', '=', staff.districtId)
        .execute();
      const ids: string[] = [];
      for (const r of rows) if (await this.ctx.scope.hasSchool(staff, r.school_id)) ids.push(r.school_id);
      return ids.length ? ids : null;
    }
    if (!(await this.ctx.scope.student(staff, studentId))) return null;
    const mine = await this.ctx.scope.schools(staff);
    const rows = await db.selectFrom('enrollments').select('school_id').distinct().where('student_id', '=', studentId).where('district_id', '=', staff.districtId).execute();
    const ids = rows.map((r) => r.school_id).filter((id) => mine === null || mine.includes(id));
    return ids.length ? ids : null;
  }

  /** Whether the staff member may open the student's attendance page (the roll's student page links to it only then). */
  async mayRead(staff: SessionStaff, studentId: string): Promise<boolean> {
    return (await this.staffSchools(staff, studentId)) !== null;
  }

  /** The office's, a teacher's or a district administrator's page of one student (not found outside their scope). */
  async forStaff(staff: SessionStaff, studentId: string, query: PageQuery = {}): Promise<Result<StudentAttendanceView>> {
    const district = this.ctx.deps.districts.get(staff.districtId);
    if (!district) return err('not-found', 'common.notFound');
    const schools = await this.staffSchools(staff, studentId);
    if (!schools) return err('not-found', 'common.notFound');
    const view = await this.build('staff', district, studentId, schools, query);
    if (!view) return err('not-found', 'common.notFound');
    return ok({ ...view, canKeep: canKeepAttendance(staff) });
  }

  /** PRV-1: the parent's page of their own child (students.account_id); another child is not found. */
  async forParent(accountId: string, studentId: string, query: PageQuery = {}): Promise<StudentAttendanceView | null> {
    const found = await this.parentDistrict(accountId, studentId);
    if (!found) return null;
    return this.build('parent', found.district, studentId, found.schools, query);
  }

  /** The parent's summary for the student page (the page has checked the child is theirs): this year at the current school. */
  async summary(studentId: string): Promise<AttendanceSummary | null> {
    const e = await this.ctx.deps.db.selectFrom('enrollments').select(['district_id']).where('student_id', '=', studentId).where('entry_date', 'is not', null).orderBy('entry_date', 'desc').executeTakeFirst();
    const district = e ? this.ctx.deps.districts.get(e.district_id) : undefined;
    if (!e || !district) return null;
    const schools = (await this.ctx.deps.db.selectFrom('enrollments').select('school_id').distinct().where('student_id', '=', studentId).where('district_id', '=', district.slug).execute()).map((r) => r.school_id);
    const pick = await this.pick(district, studentId, schools, {});
    if (!pick) return null;
    const totals = await this.totals(studentId, pick.schoolId, pick.y.year.year);
    const window = await this.window(pick.y, studentId, pick.schoolId, totals, this.today(district));
    if (!window) return null;
    const rates = ratesOf(district, totals?.days_absent ?? 0, window.enrolled);
    return { studentId, schoolName: this.schoolName(pick.schoolId), year: pick.y.year.year, daysAbsent: totals?.days_absent ?? 0, unexplained: totals?.unexplained_days ?? 0, attendanceRate: rates?.attendanceRate ?? null };
  }

  private async parentDistrict(accountId: string, studentId: string): Promise<{ district: DistrictConfig; schools: string[] } | null> {
    const db = this.ctx.deps.db;
    const mine = await db.selectFrom('students').select('id').where('id', '=', studentId).where('account_id', '=', accountId).executeTakeFirst();
    if (!mine) return null;
    const e = await db.selectFrom('enrollments').select('district_id').where('student_id', '=', studentId).where('entry_date', 'is not', null).orderBy('entry_date', 'desc').executeTakeFirst();
    const district = e ? this.ctx.deps.districts.get(e.district_id) : undefined;
    if (!e || !district) return null;
    const schools = (await db.selectFrom('enrollments').select('school_id').distinct().where('student_id', '=', studentId).where('district_id', '=', district.slug).execute()).map((r) => r.school_id);
    return { district, schools };
  }

  /** The year (asked, else today's, else the latest the student was enrolled) and the school (asked, else the year's latest enrollment). */
  private async pick(district: DistrictConfig, studentId: string, schools: string[], query: PageQuery): Promise<{ y: YearDays; schoolId: string; years: string[]; schools: string[] } | null> {
    const rows = await this.ctx.deps.db
      .selectFrom('enrollments')
      .select(['school_id', 'school_year', 'entry_date'])
      .where('student_id', '=', studentId)
      .where('district_id', '=', district.slug)
      .where('entry_date', 'is not', null)
      .orderBy('entry_date')
      .execute();
    const inScope = rows.filter((r) => schools.includes(r.school_id) && namedYear(district, r.school_year));
    if (!inScope.length) return null;
    const years = [...new Set(inScope.map((r) => r.school_year))].sort();
    const current = yearOf(district, this.today(district))?.year.year;
    const year = query.year && years.includes(query.year) ? query.year : current && years.includes(current) ? current : years[years.length - 1];
    const yearSchools = [...new Set(inScope.filter((r) => r.school_year === year).map((r) => r.school_id))];
    const schoolId = query.school && yearSchools.includes(query.school) ? query.school : inScope.filter((r) => r.school_year === year).at(-1)!.school_id;
    return { y: namedYear(district, year)!, schoolId, years, schools: yearSchools };
  }

  private totals(studentId: string, schoolId: string, year: string): Promise<AttendanceTotalsTable | undefined> {
    return this.ctx.deps.db.selectFrom('attendance_totals').selectAll().where('student_id', '=', studentId).where('school_id', '=', schoolId).where('school_year', '=', year).executeTakeFirst();
  }

  /**
   * The days the student counts as enrolled at the school in the year: from the first counted
   * ordinal (the totals', else the earliest entry date's) through today or the last exit date.
   */
  private async window(y: YearDays, studentId: string, schoolId: string, totals: AttendanceTotalsTable | undefined, today: string) {
    const es = await this.ctx.deps.db
      .selectFrom('enrollments')
      .select(['entry_date', 'exit_date'])
      .where('student_id', '=', studentId)
      .where('school_id', '=', schoolId)
      .where('school_year', '=', y.year.year)
      .where('entry_date', 'is not', null)
      .orderBy('entry_date')
      .execute();
    if (!es.length && !totals) return null;
    const entry = es[0]?.entry_date ?? null;
    const firstOrdinal = totals?.first_ordinal ?? ordinalOnOrAfter(y, entry ?? y.year.firstDay);
    const stillIn = es.some((e) => e.exit_date === null);
    const exit = stillIn || !es.length ? null : es.map((e) => e.exit_date!).sort().at(-1)!;
    const asOf = exit && exit < today ? exit : today;
    const from = y.days[firstOrdinal - 1] ?? null;
    return { firstOrdinal, from, exit, asOf, enrolled: daysEnrolled(y, firstOrdinal, asOf) };
  }

  private async build(audience: 'staff' | 'parent', district: DistrictConfig, studentId: string, schools: string[], query: PageQuery): Promise<StudentAttendanceView | null> {
    const db = this.ctx.deps.db;
    const pick = await this.pick(district, studentId, schools, query);
    if (!pick) return null;
    const { y, schoolId } = pick;
    const year = y.year.year;
    const today = this.today(district);
    const student = await db.selectFrom('students').select(['id', 'first_name', 'last_name']).where('id', '=', studentId).executeTakeFirst();
    if (!student) return null;
    const totals = await this.totals(studentId, schoolId, year);
    const window = await this.window(y, studentId, schoolId, totals, today);
    if (!window) return null;
    const mode = await this.ctx.repo.modeOf(schoolId, year);
    const bell = new Map((await this.ctx.repo.bellSchedule(schoolId, year)).map((p) => [p.code, p.label]));
    const [first, last] = [y.year.firstDay, y.year.lastDay];

    const days = await db.selectFrom('attendance_days').select(['date', 'status']).where('student_id', '=', studentId).where('school_id', '=', schoolId).where('school_year', '=', year).orderBy('date').execute();
    const statusOf = new Map(days.map((d) => [d.date, d.status]));
    const marks = await db
      .selectFrom('attendance_marks as m')
      .innerJoin('sections as s', 's.id', 'm.section_id')
      .select(['m.date', 'm.section_id', 'm.code', 'm.category', 'm.minutes', 's.period_code', 's.name', 's.code as section_code'])
      .where('m.student_id', '=', studentId)
      .where('m.school_id', '=', schoolId)
      .where('m.date', '>=', first)
      .where('m.date', '<=', last)
      .execute();
    const label = (code: string | null) => (code ? (this.ctx.deps.districts.attendanceCode(district, code)?.label ?? null) : null);

    // Each marked day's periods: the sections the student was in that day, with the mark, present by default, or not taken.
    const memberships = await db
      .selectFrom('section_students as ss')
      .innerJoin('sections as s', 's.id', 'ss.section_id')
      .select(['ss.section_id', 'ss.from_date', 'ss.to_date', 's.period_code', 's.name', 's.code'])
      .where('ss.student_id', '=', studentId)
      .where('ss.school_id', '=', schoolId)
      .where('s.school_year', '=', year)
      .execute();
    const markedDates = [...new Set([...marks.map((m) => m.date), ...days.map((d) => d.date)])].sort();
    const submitted = new Set<string>();
    if (markedDates.length && memberships.length) {
      const rows = await db.selectFrom('roster_submissions').select(['section_id', 'date']).where('section_id', 'in', [...new Set(memberships.map((m) => m.section_id))]).where('date', 'in', markedDates).execute();
      for (const r of rows) submitted.add(`${r.section_id}|${r.date}`);
    }
    const details: DayDetail[] = markedDates.map((date) => {
      const ofDay = marks.filter((m) => m.date === date);
      const periods: PeriodMark[] = memberships
        .filter((m) => m.from_date <= date && (m.to_date === null || m.to_date >= date) && !ofDay.some((x) => x.section_id === m.section_id))
        .map((m) => ({ sectionId: m.section_id, period: m.period_code, periodLabel: bell.get(m.period_code) ?? m.period_code, section: `${m.name} (${m.code})`, code: null, codeLabel: null, category: null, minutes: null, taken: submitted.has(`${m.section_id}|${date}`) }));
      for (const m of ofDay) {
        periods.push({ sectionId: m.section_id, period: m.period_code, periodLabel: bell.get(m.period_code) ?? m.period_code, section: `${m.name} (${m.section_code})`, code: m.code, codeLabel: label(m.code), category: m.category, minutes: m.minutes, taken: true });
      }
      periods.sort((a, b) => a.period.localeCompare(b.period, undefined, { numeric: true }));
      return { date, status: statusOf.get(date) ?? 'present', periods };
    });

    const fromOrdinal = window.firstOrdinal;
    const asOfOrdinal = ordinalOnOrBefore(y, window.asOf);
    const kindOf = (date: string): CalendarKind => {
      const n = y.ordinalOf.get(date);
      if (!n) return 'no-school';
      if (date > today) return 'future';
      if (n < fromOrdinal || n > asOfOrdinal) return 'not-enrolled';
      return statusOf.get(date) ?? 'present';
    };
    const months = calendar(y, kindOf, new Set(markedDates));

    const counts = new Map<MarkCategory, number>();
    for (const m of marks) counts.set(m.category, (counts.get(m.category) ?? 0) + 1);
    const categories = CATEGORIES.map((category) => ({ category, marks: counts.get(category) ?? 0 }));

    // Who made each change: a staff member's name (staff readers), their role (the parent reads "teacher" / "school office").
    const changes = await db
      .selectFrom('attendance_changes as c')
      .leftJoin('sections as s', 's.id', 'c.section_id')
      .select(['c.id', 'c.date', 'c.from_code', 'c.from_minutes', 'c.to_code', 'c.to_minutes', 'c.changed_by', 'c.changed_at', 'c.reason', 'c.paper_record', 's.period_code', 's.name', 's.code as section_code'])
      .where('c.student_id', '=', studentId)
      .where('c.school_id', '=', schoolId)
      .where('c.date', '>=', first)
      .where('c.date', '<=', last)
      .orderBy('c.date', 'desc')
      .orderBy('c.changed_at', 'desc')
      .execute();
    const notices = await db.selectFrom('truancy_notices').selectAll().where('student_id', '=', studentId).where('school_id', '=', schoolId).where('school_year', '=', year).orderBy('number').execute();
    const explanations = await db.selectFrom('absence_explanations').selectAll().where('student_id', '=', studentId).where('school_id', '=', schoolId).where('to_date', '>=', first).where('from_date', '<=', last).orderBy('from_date', 'desc').execute();
    const referrals = await db.selectFrom('attendance_referrals').selectAll().where('student_id', '=', studentId).where('school_id', '=', schoolId).where('school_year', '=', year).orderBy('held_on').execute();
    const staffIds = new Set<string>();
    const staffOf = (by: string | null) => (by && by.startsWith('staff:') ? by.slice('staff:'.length) : null);
    for (const id of [...changes.map((c) => c.changed_by), ...notices.map((n) => n.sent_by), ...explanations.map((e) => e.decided_by)].map(staffOf)) if (id) staffIds.add(id);
    const staffRows = staffIds.size ? await db.selectFrom('staff').select(['id', 'first_name', 'last_name', 'role']).where('id', 'in', [...staffIds]).execute() : [];
    const staff = new Map(staffRows.map((s) => [s.id, s]));
    const nameOf = (by: string | null) => {
      const s = staff.get(staffOf(by) ?? '');
      return audience === 'staff' && s ? `${s.first_name} ${s.last_name}` : null;
    };
    const byOf = (by: string): ChangedBy => {
      if (by.startsWith('explanation:')) return { kind: 'explanation', name: null, role: null };
      const s = staff.get(staffOf(by) ?? '');
      if (!s) return { kind: 'unknown', name: null, role: null };
      return { kind: 'staff', name: audience === 'staff' ? `${s.first_name} ${s.last_name}` : null, role: s.role === 'teacher' ? 'teacher' : 'office' };
    };

    return {
      audience,
      student: { id: student.id, firstName: student.first_name, lastName: student.last_name },
      district,
      schoolId,
      schoolName: this.schoolName(schoolId),
      schools: pick.schools.map((id) => ({ id, name: this.schoolName(id) })),
      year,
      years: pick.years,
      mode,
      today,
      enrolledFrom: window.from,
      enrolledTo: window.exit,
      months,
      days: details,
      totals: totals ? { days_absent: totals.days_absent, days_excused: totals.days_excused, partial_days: totals.partial_days, tardies: totals.tardies, truant_days: totals.truant_days, unexplained_days: totals.unexplained_days } : ZERO_TOTALS,
      categories,
      rates: ratesOf(district, totals?.days_absent ?? 0, window.enrolled),
      notices: notices.filter((n) => audience === 'staff' || n.status === 'sent').map((n) => ({ ...n, sentByName: nameOf(n.sent_by) })),
      explanations: explanations.map((e) => ({
        ...e,
        reasonLabel: e.reason === 'other' ? null : (district.attendanceCodes.codes.find((c) => c.reason === e.reason)?.label ?? null),
        codeLabel: label(e.code),
        decidedByName: nameOf(e.decided_by),
      })),
      referrals,
      changes: changes.map((c) => ({
        id: c.id,
        date: c.date,
        period: c.period_code ?? '',
        section: c.name ? `${c.name} (${c.section_code})` : '',
        fromCode: c.from_code,
        fromLabel: label(c.from_code),
        fromMinutes: c.from_minutes,
        toCode: c.to_code,
        toLabel: label(c.to_code),
        toMinutes: c.to_minutes,
        by: byOf(c.changed_by),
        at: c.changed_at,
        reason: c.reason,
        paperRecord: c.paper_record,
      })),
      canKeep: false,
    };
  }
}

