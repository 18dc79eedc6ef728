import { addDays } from '../../platform/clock.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { isSchoolDay, schoolYearContaining, SCHOOL_MONTH_DAYS } from '../permit-life/calendar.js';

type SchoolYear = DistrictConfig['schoolYears'][number];

/**
 * ATT-3, ATT-4: a school year's school days, in order, from the instructional calendar
 * (permit-life/calendar.ts: weekdays from the first to the last day, not holidays). Computed once
 * per loaded year. A day's ordinal (1 = the year's first school day) turns "days enrolled" into
 * arithmetic a list can do in SQL: today's ordinal minus the first day's, plus one.
 */
export interface YearDays {
  year: SchoolYear;
  days: readonly string[];
  ordinalOf: ReadonlyMap<string, number>;
  /** The first school day of the second semester. */
  secondSemester: string;
}

const cache = new WeakMap<SchoolYear, YearDays>();

export function yearDays(district: DistrictConfig, year: SchoolYear): YearDays {
  let found = cache.get(year);
  if (!found) {
    const days: string[] = [];
    for (let d = year.firstDay; d <= year.lastDay; d = addDays(d, 1)) if (isSchoolDay(district, d)) days.push(d);
    const ordinalOf = new Map(days.map((d, i) => [d, i + 1]));
    const secondSemester = year.secondSemesterStarts ?? days[Math.floor(days.length / 2)] ?? year.firstDay;
    found = { year, days, ordinalOf, secondSemester };
    cache.set(year, found);
  }
  return found;
}

/** The school year a date falls in, with its school days; undefined outside every configured year. */
export function yearOf(district: DistrictConfig, date: string): YearDays | undefined {
  const year = schoolYearContaining(district, date);
  return year ? yearDays(district, year) : undefined;
}

/** A school year by its name ('2026-2027'), with its school days. */
export function namedYear(district: DistrictConfig, name: string): YearDays | undefined {
  const year = district.schoolYears.find((y) => y.year === name);
  return year ? yearDays(district, year) : undefined;
}

/**
 * The ordinal of the last school day on or before `date` in the year: 0 before the first school
 * day, the year's count after its last. "School days so far" on any calendar day.
 */
export function ordinalOnOrBefore(y: YearDays, date: string): number {
  let lo = 0;
  let hi = y.days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (y.days[mid] <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The ordinal of the first school day on or after `date` (the year's count + 1 past its end). */
export function ordinalOnOrAfter(y: YearDays, date: string): number {
  return y.ordinalOf.get(date) ?? ordinalOnOrBefore(y, date) + 1;
}

/** ATT-4: school days enrolled from the first counted ordinal through `asOf` (a calendar day), never below zero. */
export function daysEnrolled(y: YearDays, firstOrdinal: number, asOf: string): number {
  return Math.max(0, ordinalOnOrBefore(y, asOf) - firstOrdinal + 1);
}

/** ATT-3: the semester (1 or 2) a school day falls in. */
export function semesterOf(y: YearDays, date: string): 1 | 2 {
  return date < y.secondSemester ? 1 : 2;
}

/** ATT-3: the school month (1-based, 20 school days each) a school day falls in; 0 for a day that is not one. */
export function schoolMonthOf(y: YearDays, date: string): number {
  const n = y.ordinalOf.get(date);
  return n ? Math.ceil(n / SCHOOL_MONTH_DAYS) : 0;
}
