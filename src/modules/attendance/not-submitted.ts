import { localDate } from '../../platform/clock.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import { canKeepAttendance } from '../access/roles.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { isSchoolDay } from '../permit-life/calendar.js';
import type { AttendanceContext } from './context.js';
import { minutesOf } from './marks.js';
import { yearOf } from './school-days.js';

/** ATT-1: a period's attendance is due within its first fifteen minutes. */
export const GRACE_MINUTES = 15;

export interface NotSubmittedRow {
  sectionId: string;
  code: string;
  name: string;
  schoolId: string;
  schoolName: string;
  periodLabel: string;
  /** Local 'HH:MM' the period started. */
  startsAt: string;
  teacher: { name: string; email: string } | null;
}

export interface NotSubmittedView {
  district: DistrictConfig;
  date: string;
  /** Local 'HH:MM:SS' the report was made at. */
  time: string;
  schoolDay: boolean;
  schools: { id: string; name: string }[];
  /** The school shown; null for every school of the district (a district administrator's default). */
  schoolId: string | null;
  rows: NotSubmittedRow[];
  /** Sections whose period is not in the school's bell schedule: no start, so never listed. */
  unscheduled: number;
}

/** Local time of an instant in a zone, in minutes after midnight with their fraction (seconds count). */
function localMinutes(at: Date, timeZone: string): number {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at).map((x) => [x.type, x.value]));
  return Number(p.hour) * 60 + Number(p.minute) + Number(p.second) / 60;
}

/**
 * ATT-1: "attendance not submitted" at this moment — every section of the school (or of every
 * school of the district, for a district administrator) whose period started more than fifteen
 * minutes ago today, in the district's time zone, with students in it today and no roster
 * submitted today, with its teacher, the oldest period first. The start is the section's period in the bell schedule; in
 * daily mode a section whose period is not in it starts with the school's first period.
 *
 * Three queries whatever the number of sections: the sections without a submission (one joined
 * query on the sections' and submissions' keys, with the teachers), the schools' bell schedules
 * and their modes; never one query per section.
 */
export async function notSubmitted(ctx: AttendanceContext, staff: SessionStaff, asked: string | undefined): Promise<Result<NotSubmittedView>> {
  if (!canKeepAttendance(staff)) return err('forbidden', 'attendance-take.errors.forbidden');
  const district = ctx.deps.districts.get(staff.districtId);
  if (!district) return err('not-found', 'common.notFound.title');
  const ids = await ctx.scope.schoolIdsIn(staff, district);
  const schools = ids.map((id) => ({ id, name: ctx.deps.districts.schoolById(id)?.name ?? id }));
  const everySchool = staff.role === 'district_admin' && !asked;
  const schoolId = everySchool ? null : (asked ?? ids[0]);
  if (schoolId !== null && (!schoolId || !ids.includes(schoolId))) return err('not-found', 'common.notFound.title');
  const now = ctx.deps.clock.now();
  const date = localDate(now, district.timeZone);
  const nowMinutes = localMinutes(now, district.timeZone);
  const time = `${String(Math.floor(nowMinutes / 60)).padStart(2, '0')}:${String(Math.floor(nowMinutes % 60)).padStart(2, '0')}`;
  const y = yearOf(district, date);
  const view: NotSubmittedView = { district, date, time, schoolDay: Boolean(y) && isSchoolDay(district, date), schools, schoolId, rows: [], unscheduled: 0 };
  const inScope = schoolId ? [schoolId] : ids;
  if (!view.schoolDay || !y || inScope.length === 0) return ok(view);
  const year = y.year.year;

  const db = ctx.deps.db;
  const [open, bells, modes] = await Promise.all([
    db
      .selectFrom('sections as s')
      .leftJoin('staff as t', 't.id', 's.teacher_id')
      .select(['s.id', 's.code', 's.name', 's.school_id', 's.period_code', 't.first_name', 't.last_name', 't.email'])
      .where('s.school_id', 'in', inScope)
      .where('s.school_year', '=', year)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('roster_submissions as r').select('r.section_id').whereRef('r.section_id', '=', 's.id').where('r.date', '=', date))))
      // A section with nobody in it today has no roster to submit.
      .where((eb) =>
        eb.exists(
          eb.selectFrom('section_students as m').select('m.section_id').whereRef('m.section_id', '=', 's.id').where('m.from_date', '<=', date).where((w) => w.or([w('m.to_date', 'is', null), w('m.to_date', '>=', date)])),
        ),
      )
      .execute(),
    db.selectFrom('bell_periods').select(['school_id', 'code', 'label', 'starts_at', 'position']).where('school_id', 'in', inScope).where('school_year', '=', year).orderBy('position').execute(),
    db.selectFrom('attendance_schools').select(['school_id', 'mode']).where('school_id', 'in', inScope).where('school_year', '=', year).execute(),
  ]);
  const bell = new Map(bells.map((b) => [`${b.school_id}|${b.code}`, b]));
  const firstPeriod = new Map<string, (typeof bells)[number]>();
  for (const b of bells) if (!firstPeriod.has(b.school_id)) firstPeriod.set(b.school_id, b);
  const daily = new Set(modes.filter((m) => m.mode === 'daily').map((m) => m.school_id));
  const modeKnown = new Set(modes.map((m) => m.school_id));
  const names = new Map(schools.map((s) => [s.id, s.name]));
  for (const s of open) {
    // A school with no mode set takes attendance daily (repository.modeOf).
    const isDaily = daily.has(s.school_id) || !modeKnown.has(s.school_id);
    const period = bell.get(`${s.school_id}|${s.period_code}`) ?? (isDaily ? firstPeriod.get(s.school_id) : undefined);
    if (!period) {
      view.unscheduled++;
      continue;
    }
    if (nowMinutes - minutesOf(period.starts_at) <= GRACE_MINUTES) continue;
    view.rows.push({
      sectionId: s.id,
      code: s.code,
      name: s.name,
      schoolId: s.school_id,
      schoolName: names.get(s.school_id) ?? s.school_id,
      periodLabel: period.label,
      startsAt: period.starts_at,
      teacher: s.email ? { name: `${s.first_name} ${s.last_name}`, email: s.email } : null,
    });
  }
  view.rows.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.schoolName.localeCompare(b.schoolName) || a.code.localeCompare(b.code));
  return ok(view);
}
