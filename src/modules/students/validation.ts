import { z } from 'zod';
import { GRADES, gradeIndex } from '../districts/config-schema.js';

const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u;
const ADDRESS = /^[^<>{}\\`]*$/u;

const name = (requiredKey: string) =>
  z.string().trim().min(1, requiredKey).max(50, 'students.errors.nameTooLong').regex(NAME, 'students.errors.nameCharacters');
const optionalText = (max: number, tooLong: string) =>
  z.string().trim().max(max, tooLong).regex(ADDRESS, 'students.errors.textCharacters').default('');

export const US_STATES = ['AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY'] as const;

/**
 * STU-1, STU-2: the home address fields, shared by the student form and the report of a move
 * (zip is stored as its first 5 digits: see `zip5`).
 */
export const addressFields = {
  address_line1: z.string().trim().min(1, 'students.errors.addressRequired').max(100, 'students.errors.textTooLong').regex(ADDRESS, 'students.errors.textCharacters'),
  address_line2: optionalText(100, 'students.errors.textTooLong'),
  city: z.string().trim().min(1, 'students.errors.cityRequired').max(60, 'students.errors.textTooLong').regex(ADDRESS, 'students.errors.textCharacters'),
  state: z.enum(US_STATES, { message: 'students.errors.stateRequired' }),
  zip: z.string().trim().regex(/^\d{5}(-\d{4})?$/, 'students.errors.zipFormat'),
};

/** A real calendar date from the memorable-date fields, or a message key saying what is wrong. */
export function parseDateFields(month: string, day: string, year: string): { date: string } | { error: string } {
  if (!month && !day && !year) return { error: 'students.errors.dobRequired' };
  if (!/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day) || !/^\d{4}$/.test(year)) return { error: 'students.errors.dobFormat' };
  const m = Number(month);
  const d = Number(day);
  const y = Number(year);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || d < 1 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return { error: 'students.errors.dobImpossible' };
  return { date: date.toISOString().slice(0, 10) };
}

/** Age in whole years on a date. */
export function ageOn(dob: string, onDate: string): number {
  const [by, bm, bd] = dob.split('-').map(Number);
  const [y, m, d] = onDate.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** STU-1 plausibility: a student's age on September 1 of this school year fits the grade, within 3 years. */
export function ageFitsGrade(dob: string, grade: string, today: string): boolean {
  const [y, m] = today.split('-').map(Number);
  const schoolYearStart = `${m >= 7 ? y : y - 1}-09-01`;
  const expected = gradeIndex(grade) + 4; // TK: 4, K: 5, grade 1: 6 …
  const age = ageOn(dob, schoolYearStart);
  return Math.abs(age - expected) <= 3;
}

export function studentSchema(today: string) {
  return z
    .object({
      first_name: name('students.errors.firstNameRequired'),
      middle_name: z.union([z.literal(''), name('students.errors.nameCharacters')]).default(''),
      last_name: name('students.errors.lastNameRequired'),
      dob_month: z.string().default(''),
      dob_day: z.string().trim().default(''),
      dob_year: z.string().trim().default(''),
      current_grade: z.union([z.literal(''), z.enum(GRADES, { message: 'students.errors.gradeInvalid' })]).default(''),
      current_school: optionalText(100, 'students.errors.textTooLong'),
      current_district: optionalText(100, 'students.errors.textTooLong'),
      ...addressFields,
    })
    .transform((v, ctx) => {
      const parsed = parseDateFields(v.dob_month, v.dob_day, v.dob_year);
      if ('error' in parsed) {
        ctx.addIssue({ code: 'custom', path: ['dob'], message: parsed.error });
        return z.NEVER;
      }
      if (parsed.date > today) {
        ctx.addIssue({ code: 'custom', path: ['dob'], message: 'students.errors.dobFuture' });
        return z.NEVER;
      }
      if (ageOn(parsed.date, today) > 22) {
        ctx.addIssue({ code: 'custom', path: ['dob'], message: 'students.errors.dobTooOld' });
        return z.NEVER;
      }
      if (v.current_grade && !ageFitsGrade(parsed.date, v.current_grade, today)) {
        ctx.addIssue({ code: 'custom', path: ['current_grade'], message: 'students.errors.ageGrade' });
        return z.NEVER;
      }
      return { ...v, date_of_birth: parsed.date, zip: v.zip.slice(0, 5) };
    });
}
export type StudentInput = z.output<ReturnType<typeof studentSchema>>;

/**
 * Runs the schema and, independently, the date-of-birth checks, so a parent sees every
 * problem at once (the schema's own date checks only run when the other fields are right).
 */
export function parseStudentForm(values: Record<string, string>, today: string):
  | { ok: true; data: StudentInput }
  | { ok: false; errors: Record<string, { key: string }> } {
  const r = studentSchema(today).safeParse(values);
  if (r.success) return { ok: true, data: r.data };
  const errors: Record<string, { key: string }> = {};
  for (const i of r.error.issues) {
    const f = String(i.path[0]);
    if (!errors[f]) errors[f] = { key: i.message };
  }
  if (!errors.dob) {
    const d = parseDateFields(values.dob_month ?? '', (values.dob_day ?? '').trim(), (values.dob_year ?? '').trim());
    if ('error' in d) errors.dob = { key: d.error };
    else if (d.date > today) errors.dob = { key: 'students.errors.dobFuture' };
    else if (ageOn(d.date, today) > 22) errors.dob = { key: 'students.errors.dobTooOld' };
  }
  return { ok: false, errors };
}
