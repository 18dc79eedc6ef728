import { randomInt } from 'node:crypto';
import { GRADES, gradeIndex, type DistrictConfig, type SchoolConfig } from '../districts/config-schema.js';
import { ALPHABET } from '../applications/confirmation-number.js';
import { own } from '../../platform/own.js';

/** DEC-18: a permit covers one to five school years. */
export const MAX_PERMIT_YEARS = 5;

/** "2027-2028" + 2 → "2029-2030". */
export function shiftSchoolYear(year: string, by: number): string {
  const start = Number(year.slice(0, 4)) + by;
  return `${start}-${start + 1}`;
}

/** The school years a permit covers, in order, with the grade the student is in during each. */
export function yearsCovered(firstYear: string, firstGrade: string, count: number): { year: string; grade: string | undefined }[] {
  return Array.from({ length: count }, (_, i) => ({ year: shiftSchoolYear(firstYear, i), grade: GRADES[gradeIndex(firstGrade) + i] }));
}

/** DEC-6: permit seats of a school for one grade in one year, as the district configured them. */
export function seatsFor(school: SchoolConfig, year: string, grade: string): number {
  const g = gradeIndex(grade);
  if (g < gradeIndex(school.lowestGrade) || g > gradeIndex(school.highestGrade)) return 0;
  const seats = school.permitSeats;
  // Own keys only: a year or grade that is no key of the configuration must find nothing, not a prototype's function.
  const byYear = own(seats.years as Record<string, Record<string, number | undefined>>, year);
  return (byYear && own(byYear, grade)) ?? own(seats.grades as Record<string, number | undefined>, grade) ?? seats.perGrade;
}

/** Schools an incoming student may be assigned to for a grade: they teach it and are not magnets (APP-6). */
export function assignableSchools(district: DistrictConfig, grade: string): SchoolConfig[] {
  const g = gradeIndex(grade);
  return district.schools.filter((s) => !s.magnet && g >= gradeIndex(s.lowestGrade) && g <= gradeIndex(s.highestGrade));
}

/**
 * The school year a calendar date falls in, counted from July 1 to June 30 — the year the
 * Education Code uses for "after June 30 following completion of grade 10" (DEC-10).
 */
export function schoolYearOf(isoDate: string): string {
  const y = Number(isoDate.slice(0, 4));
  const start = Number(isoDate.slice(5, 7)) >= 7 ? y : y - 1;
  return `${start}-${start + 1}`;
}

/** The last day of a school year ("2027-2028" → "2028-06-30"), as schoolYearOf counts them. */
export function schoolYearEnd(year: string): string {
  return `${year.slice(5, 9)}-06-30`;
}

/**
 * What a permit's check says of it (DEC-6, DEC-18): revoked, expired once every school year it
 * names has ended (a permit states its first and last school year), else valid.
 */
export function permitStanding(permit: { status: 'active' | 'revoked'; last_year: string }, today: string): 'active' | 'revoked' | 'expired' {
  if (permit.status === 'revoked') return 'revoked';
  return schoolYearOf(today) > permit.last_year ? 'expired' : 'active';
}

/**
 * DEC-10 (EC 46600): no revocation after June 30 following the student's completion of grade 10,
 * nor for a student entering grade 11 or 12 next school year. Given the grade the permit was
 * issued for (in its first year), the student's grade on `today` follows one grade a year;
 * a student in grade 10 enters grade 11 next year, so from grade 10 on the permit is protected.
 * Returns the grade the student is in today, and whether revocation is barred.
 */
export function revocationBarred(permit: { grade: string; first_year: string }, today: string): { gradeNow: string | undefined; barred: boolean } {
  const elapsed = Number(schoolYearOf(today).slice(0, 4)) - Number(permit.first_year.slice(0, 4));
  const gradeNow = GRADES[gradeIndex(permit.grade) + Math.max(0, elapsed)];
  // Past grade 12 there is nothing to revoke: treat it as protected too.
  const barred = gradeNow === undefined || gradeIndex(gradeNow) >= gradeIndex('10');
  return { gradeNow, barred };
}

/** A permit's verification code: 10 characters of Crockford's base 32, shown "XXXXX-XXXXX". */
export function generateVerificationCode(random: (max: number) => number = randomInt): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += ALPHABET[random(ALPHABET.length)];
  return s;
}
export const formatVerificationCode = (c: string): string => `${c.slice(0, 5)}-${c.slice(5)}`;
/**
 * The link printed as a QR code on a permit and a release letter: the public check with the code
 * in it, so a phone camera opens the answer directly (a plain GET, read-only).
 */
export const verificationLink = (verifyUrl: string, code: string): string => `${verifyUrl}?code=${encodeURIComponent(code)}`;
export function normalizeVerificationCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}
