import { describe, expect, it } from 'vitest';
import { appealDeadline, decisionDueDate } from './deadlines.js';
import { openSchoolYears, nextOpening } from './windows.js';
import { loadDistrictConfigs } from './loader.js';

const [lausd, paramount] = loadDistrictConfigs('config/districts');

describe('decision deadlines', () => {
  it('DEC-3 a request received well before the first day is due 14 days after it', () => {
    expect(decisionDueDate('2026-03-01', '2026-08-13')).toBe('2026-08-27');
  });
  it('DEC-3 16 days before the first day is still "early"; 15 days before is "late" (30 days from receipt)', () => {
    expect(decisionDueDate('2026-07-28', '2026-08-13')).toBe('2026-08-27');
    expect(decisionDueDate('2026-07-29', '2026-08-13')).toBe('2026-08-28');
  });
  it('DEC-3 a request received after the first day is due 30 days after receipt, across a month end', () => {
    expect(decisionDueDate('2026-11-22', '2026-08-13')).toBe('2026-12-22');
    expect(decisionDueDate('2027-01-31', '2026-08-13')).toBe('2027-03-02');
  });
  it('DEC-8 the appeal deadline is 30 calendar days after the final denial', () => {
    expect(appealDeadline('2026-12-15')).toBe('2027-01-14');
  });
});

describe('windows', () => {
  it('APP-2 LAUSD incoming on 2026-11-22 offers 2026-2027 only; on February 1 also 2027-2028', () => {
    expect(openSchoolYears(lausd, 'incoming', '2026-11-22').map((y) => y.year)).toEqual(['2026-2027']);
    expect(openSchoolYears(lausd, 'incoming', '2027-02-01').map((y) => y.year)).toEqual(['2026-2027', '2027-2028']);
    expect(openSchoolYears(lausd, 'incoming', '2027-01-31').map((y) => y.year)).toEqual(['2026-2027']);
  });
  it('APP-2 DEC-17 LAUSD outgoing closes April 30; after it only parent employment', () => {
    expect(openSchoolYears(lausd, 'outgoing', '2027-04-30').map((y) => y.year)).toEqual(['2027-2028']);
    expect(openSchoolYears(lausd, 'outgoing', '2027-05-01')).toEqual([]);
    // Parent employment is still taken after the close, for the current and the next year.
    expect(openSchoolYears(lausd, 'outgoing', '2027-05-01', 'parent-employment').map((y) => y.year)).toEqual(['2026-2027', '2027-2028']);
    expect(openSchoolYears(lausd, 'outgoing', '2027-05-01', 'sibling')).toEqual([]);
  });
  it('APP-2 Paramount opens new requests on January 15', () => {
    expect(openSchoolYears(paramount, 'incoming', '2027-01-14').map((y) => y.year)).toEqual(['2026-2027']);
    expect(openSchoolYears(paramount, 'incoming', '2027-01-15').map((y) => y.year)).toEqual(['2026-2027', '2027-2028']);
    expect(nextOpening(paramount, 'incoming', '2026-11-22')?.opens).toBe('2027-01-15');
  });
});
