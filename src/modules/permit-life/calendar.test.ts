import { describe, expect, it } from 'vitest';
import { loadDistrictConfigs } from '../districts/loader.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { addSchoolDays, isSchoolDay, provisionalEnd, schoolDaysBetween, schoolDaysLeft, warnOn } from './calendar.js';

const [lausd, paramount] = loadDistrictConfigs('config/districts');

/** A small calendar written here, so each expected date can be checked by hand against it. */
const district = {
  ...lausd,
  schoolYears: [
    {
      year: '2026-2027',
      firstDay: '2026-08-13', // a Thursday
      lastDay: '2027-06-10',
      holidays: ['2026-09-07', '2026-11-11', { from: '2026-11-26', to: '2026-11-27' }, { from: '2026-12-21', to: '2027-01-01' }, '2027-01-18', '2027-05-31'],
    },
    { year: '2027-2028', firstDay: '2027-08-12', lastDay: '2028-06-09', holidays: [] },
  ],
  permitLife: { provisionalSchoolMonths: 2, provisionalWarnSchoolDays: 10, reviewEveryDays: 365, renewalNoticeDays: 30 },
} as DistrictConfig;

describe('DEC-12 instructional calendar', () => {
  it('DEC-12 a school day is a weekday of a school year that is not a holiday', () => {
    expect(isSchoolDay(district, '2026-08-13')).toBe(true); // first day, Thursday
    expect(isSchoolDay(district, '2026-08-12')).toBe(false); // before the year
    expect(isSchoolDay(district, '2026-08-15')).toBe(false); // Saturday
    expect(isSchoolDay(district, '2026-08-16')).toBe(false); // Sunday
    expect(isSchoolDay(district, '2026-09-07')).toBe(false); // Labor Day
    expect(isSchoolDay(district, '2026-12-23')).toBe(false); // inside the winter break span
    expect(isSchoolDay(district, '2027-01-01')).toBe(false); // last day of the span
    expect(isSchoolDay(district, '2027-01-04')).toBe(true); // back from the break
    expect(isSchoolDay(district, '2027-06-10')).toBe(true); // last day
    expect(isSchoolDay(district, '2027-06-11')).toBe(false); // summer
    expect(isSchoolDay(district, '2027-07-15')).toBe(false); // between two school years
  });

  it('DEC-12 counting school days skips a weekend, single holidays and a winter break', () => {
    expect(addSchoolDays(district, '2026-08-14', 1)).toBe('2026-08-17'); // Friday → Monday
    expect(addSchoolDays(district, '2026-09-04', 1)).toBe('2026-09-08'); // Friday → Tuesday after Labor Day
    expect(addSchoolDays(district, '2026-12-18', 1)).toBe('2027-01-04'); // over the whole winter break
    expect(addSchoolDays(district, '2027-01-04', -1)).toBe('2026-12-18');
    expect(addSchoolDays(district, '2026-08-15', 0)).toBe('2026-08-15');
    expect(addSchoolDays(district, '2028-06-09', 1)).toBeUndefined(); // past the calendar
    expect(schoolDaysBetween(district, '2026-12-18', '2027-01-04')).toBe(1);
    expect(schoolDaysBetween(district, '2026-08-14', '2026-08-21')).toBe(5); // Mon 17 – Fri 21
    expect(schoolDaysBetween(district, '2026-08-21', '2026-08-14')).toBe(0);
    expect(schoolDaysLeft(district, '2026-08-17', '2026-08-21')).toBe(5); // today counts
    for (const [from, n] of [['2026-08-13', 40], ['2026-11-30', 39], ['2026-12-19', 7]] as const) {
      expect(schoolDaysBetween(district, from, addSchoolDays(district, from, n)!)).toBe(n);
    }
  });

  it('DEC-12 two school months from the first day of school end on the 40th school day, after Labor Day', () => {
    // Thu Aug 13 = 1, Fri 14 = 2; Aug 17–21: 3–7; Aug 24–28: 8–12; Aug 31–Sep 4: 13–17;
    // Mon Sep 7 Labor Day; Sep 8–11: 18–21; Sep 14–18: 22–26; Sep 21–25: 27–31;
    // Sep 28–Oct 2: 32–36; Oct 5–8: 37–40.
    expect(provisionalEnd(district, '2026-08-13')).toEqual({ start: '2026-08-13', endsOn: '2026-10-08', year: '2026-2027', cutShort: false });
    // Ten school days before Thursday Oct 8: Oct 7, 6, 5, 2, 1, Sep 30, 29, 28, 25, 24.
    expect(warnOn(district, '2026-10-08')).toBe('2026-09-24');
  });

  it('DEC-12 the count crosses Veterans Day and Thanksgiving Thursday and Friday', () => {
    // Oct 19–23: 1–5; Oct 26–30: 6–10; Nov 2–6: 11–15; Nov 9, 10, 12, 13 (Wed 11 off): 16–19;
    // Nov 16–20: 20–24; Nov 23–25: 25–27; Nov 26–27 off; Nov 30–Dec 4: 28–32; Dec 7–11: 33–37;
    // Dec 14–16: 38–40.
    expect(provisionalEnd(district, '2026-10-19')?.endsOn).toBe('2026-12-16');
  });

  it('DEC-12 the count crosses the winter break (Dec 21 – Jan 1) and Martin Luther King Jr. Day', () => {
    // Nov 30–Dec 4: 1–5; Dec 7–11: 6–10; Dec 14–18: 11–15; Dec 21 – Jan 1: break;
    // Jan 4–8: 16–20; Jan 11–15: 21–25; Mon Jan 18 off; Jan 19–22: 26–29; Jan 25–29: 30–34;
    // Feb 1–5: 35–39; Mon Feb 8: 40.
    expect(provisionalEnd(district, '2026-11-30')).toEqual({ start: '2026-11-30', endsOn: '2027-02-08', year: '2026-2027', cutShort: false });
    // Ten school days before Monday Feb 8: Feb 5, 4, 3, 2, 1, Jan 29, 28, 27, 26, 25.
    expect(warnOn(district, '2027-02-08')).toBe('2027-01-25');
    // Without the break the same count would have ended three weeks earlier.
    const noBreak = { ...district, schoolYears: [{ ...district.schoolYears[0], holidays: ['2027-01-18'] }] } as DistrictConfig;
    expect(provisionalEnd(noBreak, '2026-11-30')?.endsOn).toBe('2027-01-25');
  });

  it('DEC-12 a first day that is not a school day counts from the next school day', () => {
    expect(provisionalEnd(district, '2026-11-28')?.start).toBe('2026-11-30'); // Saturday
    expect(provisionalEnd(district, '2026-11-28')?.endsOn).toBe('2027-02-08');
    expect(provisionalEnd(district, '2026-11-26')?.start).toBe('2026-11-30'); // Thanksgiving
    expect(provisionalEnd(district, '2026-12-22')?.start).toBe('2027-01-04'); // in the break
  });

  it('DEC-12 a count that runs past the last day of the year ends on the last day', () => {
    // May 3–7: 1–5; May 10–14: 6–10; May 17–21: 11–15; May 24–28: 16–20; Mon May 31 off;
    // Jun 1–4: 21–24; Jun 7–10: 25–28, and the year ends on Thursday Jun 10.
    expect(provisionalEnd(district, '2027-05-03')).toEqual({ start: '2027-05-03', endsOn: '2027-06-10', year: '2026-2027', cutShort: true });
    expect(provisionalEnd(district, '2027-06-10')).toEqual({ start: '2027-06-10', endsOn: '2027-06-10', year: '2026-2027', cutShort: true });
    // The warning never comes before the enrollment starts.
    expect(warnOn(district, '2027-06-10', '2027-06-10')).toBe('2027-06-10');
  });

  it('DEC-12 a date outside every school year has no provisional period', () => {
    expect(provisionalEnd(district, '2026-07-01')).toBeUndefined();
    expect(provisionalEnd(district, '2027-06-11')).toBeUndefined();
  });

  it('DEC-12 the sample districts list their holidays for both school years', () => {
    for (const d of [lausd, paramount]) {
      expect(d.schoolYears).toHaveLength(2);
      for (const y of d.schoolYears) expect(y.holidays.length).toBeGreaterThanOrEqual(8);
      expect(isSchoolDay(d, '2026-11-26')).toBe(false); // Thanksgiving 2026
      expect(isSchoolDay(d, '2027-12-22')).toBe(false); // winter break 2027
      expect(isSchoolDay(d, '2028-01-17')).toBe(false); // Martin Luther King Jr. Day 2028
    }
    // LAUSD's sample calendar: from Monday Nov 30, 2026 the 40th school day is Monday Feb 8, 2027
    // (its spring break and Presidents' Day come later).
    expect(provisionalEnd(lausd, '2026-11-30')?.endsOn).toBe('2027-02-08');
  });
});
