import { describe, expect, it } from 'vitest';
import { appealDeadline, decisionDueDate } from '../districts/deadlines.js';
import type { SchoolConfig } from '../districts/config-schema.js';
import { formatVerificationCode, normalizeVerificationCode, revocationBarred, schoolYearOf, seatsFor, yearsCovered } from './rules.js';

const school = (over: Partial<SchoolConfig> = {}): SchoolConfig => ({
  code: '1001', name: 'Elm', magnet: false, lowestGrade: 'TK', highestGrade: '5', address: 'x',
  permitSeats: { perGrade: 4, grades: { '3': 2 }, years: { '2027-2028': { '3': 7 } } }, ...over,
});

describe('decision rules', () => {
  it('DEC-6 seats per school, grade and year: year over grade over the default; none outside the school\'s grades', () => {
    expect(seatsFor(school(), '2026-2027', '1')).toBe(4);
    expect(seatsFor(school(), '2026-2027', '3')).toBe(2);
    expect(seatsFor(school(), '2027-2028', '3')).toBe(7);
    expect(seatsFor(school(), '2026-2027', '6')).toBe(0);
    expect(seatsFor(school({ permitSeats: { perGrade: 0, grades: {}, years: {} } }), '2026-2027', '1')).toBe(0);
  });

  it('DEC-18 a permit\'s years follow the student up one grade a year', () => {
    expect(yearsCovered('2026-2027', '4', 3)).toEqual([
      { year: '2026-2027', grade: '4' }, { year: '2027-2028', grade: '5' }, { year: '2028-2029', grade: '6' },
    ]);
    expect(yearsCovered('2026-2027', '12', 2)[1].grade).toBeUndefined();
  });

  it('DEC-10 the school year turns on July 1', () => {
    expect(schoolYearOf('2027-06-30')).toBe('2026-2027');
    expect(schoolYearOf('2027-07-01')).toBe('2027-2028');
  });

  it('DEC-10 a grade-9 permit can be revoked through June 30; from July 1 (grade 10, entering 11 next) it cannot', () => {
    const permit = { grade: '9', first_year: '2026-2027' };
    expect(revocationBarred(permit, '2027-06-30')).toEqual({ gradeNow: '9', barred: false });
    expect(revocationBarred(permit, '2027-07-01')).toEqual({ gradeNow: '10', barred: true });
  });

  it('DEC-10 grades 11 and 12 are protected; grade 8 is not; past grade 12 nothing is revoked', () => {
    expect(revocationBarred({ grade: '11', first_year: '2026-2027' }, '2026-11-22').barred).toBe(true);
    expect(revocationBarred({ grade: '12', first_year: '2026-2027' }, '2027-03-01').barred).toBe(true);
    expect(revocationBarred({ grade: '8', first_year: '2026-2027' }, '2027-05-01').barred).toBe(false);
    expect(revocationBarred({ grade: '12', first_year: '2025-2026' }, '2026-11-22').barred).toBe(true);
  });

  it('DEC-3 the 15-day boundary and the first day of school', () => {
    // First day 2026-08-13: 15 days before is 2026-07-29.
    expect(decisionDueDate('2026-07-28', '2026-08-13')).toBe('2026-08-27'); // early: first day + 14
    expect(decisionDueDate('2026-07-29', '2026-08-13')).toBe('2026-08-28'); // late: receipt + 30
    expect(decisionDueDate('2026-08-13', '2026-08-13')).toBe('2026-09-12'); // on the first day
  });

  it('DEC-8 the appeal date across a month end, a year end and a leap day', () => {
    expect(appealDeadline('2026-01-31')).toBe('2026-03-02');
    expect(appealDeadline('2026-12-15')).toBe('2027-01-14');
    expect(appealDeadline('2028-02-01')).toBe('2028-03-02');
  });

  it('verification codes read back whatever the dashes, case or look-alike letters', () => {
    expect(formatVerificationCode('7KQ3M9X2HA')).toBe('7KQ3M-9X2HA');
    expect(normalizeVerificationCode(' 7kq3m-9x2ha ')).toBe('7KQ3M9X2HA');
    expect(normalizeVerificationCode('O1L')).toBe('011');
  });
});
