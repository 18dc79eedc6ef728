import { addDays } from '../../platform/clock.js';
import type { DistrictConfig } from '../districts/config-schema.js';

/**
 * DEC-12: a district's instructional calendar. A school day is a weekday from a school year's
 * first day to its last day that is not one of that year's holidays (single dates or spans).
 * Dates are YYYY-MM-DD in the district's own calendar, as everywhere else.
 */

type SchoolYear = DistrictConfig['schoolYears'][number];

/** California's school month: four weeks of five school days. */
export const SCHOOL_MONTH_DAYS = 20;

/** The holidays of each year as a set of dates, computed once per loaded district configuration. */
const holidayCache = new WeakMap<SchoolYear, Set<string>>();
function holidaysOf(year: SchoolYear): Set<string> {
  let set = holidayCache.get(year);
  if (!set) {
    set = new Set();
    for (const h of year.holidays ?? []) {
      if (typeof h === 'string') set.add(h);
      else for (let d = h.from; d <= h.to; d = addDays(d, 1)) set.add(d);
    }
    holidayCache.set(year, set);
  }
  return set;
}

const isWeekday = (date: string): boolean => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6;
};

/** The configured school year whose first to last day contains a date, if any. */
export function schoolYearContaining(district: DistrictConfig, date: string): SchoolYear | undefined {
  return district.schoolYears.find((y) => y.firstDay <= date && date <= y.lastDay);
}

/** A weekday inside a configured school year, not one of its holidays. */
export function isSchoolDay(district: DistrictConfig, date: string): boolean {
  const year = schoolYearContaining(district, date);
  return Boolean(year) && isWeekday(date) && !holidaysOf(year!).has(date);
}

/** The configured calendar's bounds: no school day lies outside them. */
function bounds(district: DistrictConfig): { first: string; last: string } {
  let first = district.schoolYears[0].firstDay;
  let last = district.schoolYears[0].lastDay;
  for (const y of district.schoolYears) {
    if (y.firstDay < first) first = y.firstDay;
    if (y.lastDay > last) last = y.lastDay;
  }
  return { first, last };
}

/**
 * The date `n` school days after `fromDate` (before it when `n` is negative); `fromDate` itself
 * need not be a school day and is never counted. `n = 0` gives `fromDate` back. Undefined when
 * the count runs past the configured calendar.
 */
export function addSchoolDays(district: DistrictConfig, fromDate: string, n: number): string | undefined {
  if (n === 0) return fromDate;
  const step = n > 0 ? 1 : -1;
  const { first, last } = bounds(district);
  let left = Math.abs(n);
  let d = fromDate;
  while (left > 0) {
    d = addDays(d, step);
    if (d > last || d < first) return undefined;
    if (isSchoolDay(district, d)) left--;
  }
  return d;
}

/**
 * School days after `fromDate` up to and including `toDate` (the half-open span (from, to]),
 * so that `schoolDaysBetween(d, addSchoolDays(d, n)) === n`. Zero when `toDate <= fromDate`.
 */
export function schoolDaysBetween(district: DistrictConfig, fromDate: string, toDate: string): number {
  let n = 0;
  const { last } = bounds(district);
  for (let d = addDays(fromDate, 1); d <= toDate && d <= last; d = addDays(d, 1)) if (isSchoolDay(district, d)) n++;
  return n;
}

/** School days from `today` through `lastDay`, both counted: what is left of a provisional enrollment. */
export function schoolDaysLeft(district: DistrictConfig, today: string, lastDay: string): number {
  return schoolDaysBetween(district, addDays(today, -1), lastDay);
}

/** The first school day on or after a date, within the same school year. */
export function firstSchoolDayFrom(district: DistrictConfig, date: string): string | undefined {
  const year = schoolYearContaining(district, date);
  if (!year) return undefined;
  for (let d = date; d <= year.lastDay; d = addDays(d, 1)) if (isSchoolDay(district, d)) return d;
  return undefined;
}

export interface ProvisionalPeriod {
  /** The first school day counted (the first day of attendance, or the next school day). */
  start: string;
  /** The last school day of the provisional enrollment. */
  endsOn: string;
  /** The school year it falls in. */
  year: string;
  /** True when the school year ended before the school months were complete. */
  cutShort: boolean;
}

/**
 * DEC-12: the last school day of `provisionalSchoolMonths` school months counted from the first
 * day of attendance, a school month being 20 school days: with two months, the 40th school day,
 * the first day itself being day 1 when it is a school day (otherwise the count starts on the next
 * school day). The count stays in the first day's school year: past its last day, the enrollment
 * ends on that last day. Undefined when the date is outside every configured school year.
 */
export function provisionalEnd(district: DistrictConfig, firstDay: string): ProvisionalPeriod | undefined {
  const year = schoolYearContaining(district, firstDay);
  const start = firstSchoolDayFrom(district, firstDay);
  if (!year || !start) return undefined;
  const total = district.permitLife.provisionalSchoolMonths * SCHOOL_MONTH_DAYS;
  let counted = 1;
  let d = start;
  let last = start;
  while (counted < total) {
    d = addDays(d, 1);
    if (d > year.lastDay) return { start, endsOn: last, year: year.year, cutShort: true };
    if (isSchoolDay(district, d)) {
      counted++;
      last = d;
    }
  }
  return { start, endsOn: last, year: year.year, cutShort: false };
}

/**
 * DEC-12: the day the school and the parent are warned, `provisionalWarnSchoolDays` school days
 * before the end, never before the enrollment's first school day.
 */
export function warnOn(district: DistrictConfig, endsOn: string, start?: string): string {
  const d = addSchoolDays(district, endsOn, -district.permitLife.provisionalWarnSchoolDays) ?? start ?? endsOn;
  return start && d < start ? start : d;
}
