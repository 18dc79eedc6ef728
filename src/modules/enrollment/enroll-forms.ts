import { z } from 'zod';
import type { ImmunizationStatus } from '../../platform/db/schema.js';
import type { FormErrors, Parsed } from '../../platform/http/form-cycle.js';
import { checkedValues } from '../../platform/http/forms.js';
import { parseForm } from '../../platform/http/forms.js';
import { rollStudentFields } from '../students/roll-student.js';
import type { EnrollRequest } from './enroll-service.js';
import { IMMUNIZATION_STATUSES, SPECIAL_POPULATIONS, TO_COLLECT, type SpecialPopulation, type ToCollect } from './populations.js';
import type { RollFacts } from './roll-facts.js';

/**
 * The office's forms of the roll (issue 15): their values read into what the enrollment service
 * takes, every problem at once, each on its own field with a catalog key. The rules themselves
 * (ENR-1, ENR-2, ENR-3, ENR-5) are the service's; here only what a field's text can say.
 */

/** A memorable date (`<prefix>_month`, `_day`, `_year`): empty, a real day, or what is wrong. */
export function parseDay(values: Record<string, string>, prefix: string): { empty: true } | { date: string } | { error: string } {
  const month = (values[`${prefix}_month`] ?? '').trim();
  const day = (values[`${prefix}_day`] ?? '').trim();
  const year = (values[`${prefix}_year`] ?? '').trim();
  if (!month && !day && !year) return { empty: true };
  if (!/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day) || !/^\d{4}$/.test(year)) return { error: 'roll-enroll.errors.date-invalid' };
  const m = Number(month);
  const d = Number(day);
  const date = new Date(Date.UTC(Number(year), m - 1, d));
  if (m < 1 || m > 12 || d < 1 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return { error: 'roll-enroll.errors.date-invalid' };
  return { date: date.toISOString().slice(0, 10) };
}

/** The memorable-date fields of a stored day, to fill a form with. */
export const dayValues = (prefix: string, date: string | null | undefined): Record<string, string> => {
  if (!date) return {};
  const [y, m, d] = date.split('-');
  return { [`${prefix}_year`]: y, [`${prefix}_month`]: String(Number(m)), [`${prefix}_day`]: String(Number(d)) };
};

/** The roll's facts of a form (special populations, immunization, still to collect, emancipated). */
export function parseFacts(values: Record<string, string>, errors: FormErrors): RollFacts | undefined {
  const populations = checkedValues(values, 'populations').filter((p): p is SpecialPopulation => (SPECIAL_POPULATIONS as readonly string[]).includes(p));
  const toCollect = checkedValues(values, 'to_collect').filter((p): p is ToCollect => (TO_COLLECT as readonly string[]).includes(p));
  const immunization = values.immunization ?? '';
  if (!(IMMUNIZATION_STATUSES as readonly string[]).includes(immunization)) {
    errors.immunization = { key: 'roll-enroll.errors.immunization-required' };
    return undefined;
  }
  let until: string | null = null;
  if (immunization === 'conditional') {
    const d = parseDay(values, 'until');
    if ('error' in d) errors.immunization_until = { key: d.error };
    else if ('date' in d) until = d.date;
  }
  return { populations, immunization: immunization as ImmunizationStatus, immunizationUntil: until, toCollect, emancipated: values.emancipated === 'yes' };
}

const newStudentSchema = z.object(rollStudentFields);

/** The enrollment form: for a student on the roll (`studentId`) or a new one typed at the counter. */
export function parseEnrollForm(values: Record<string, string>, studentId: string | undefined): Parsed<EnrollRequest> {
  const errors: FormErrors = {};
  const need = (name: string, key: string) => {
    const v = (values[name] ?? '').trim();
    if (!v) errors[name] = { key };
    return v;
  };
  const schoolId = need('school', 'roll-enroll.errors.school-required');
  const schoolYear = need('school_year', 'roll-enroll.errors.year-required');
  const grade = need('grade', 'roll-enroll.errors.grade-required');
  const entryType = need('entry_type', 'enrollment.errors.entry-type-missing');
  const entry = parseDay(values, 'entry');
  if ('error' in entry) errors.entry_date = { key: entry.error };
  const note = (values.note ?? '').trim();
  if (note.length > 500) errors.note = { key: 'roll-enroll.errors.note-too-long' };

  let newStudent: EnrollRequest['newStudent'];
  let facts: RollFacts | undefined;
  if (!studentId) {
    const s = parseForm(newStudentSchema, values);
    if (!s.ok) Object.assign(errors, s.form.errors);
    const dob = parseDay(values, 'dob');
    if ('empty' in dob) errors.dob = { key: 'roll-enroll.errors.dob-required' };
    else if ('error' in dob) errors.dob = { key: dob.error };
    facts = parseFacts(values, errors);
    if (s.ok && 'date' in dob) {
      const v = s.data;
      newStudent = { firstName: v.first_name, middleName: v.middle_name, lastName: v.last_name, dateOfBirth: dob.date, addressLine1: v.address_line1, addressLine2: v.address_line2, city: v.city, state: v.state, zip: v.zip };
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    data: {
      ...(studentId ? { studentId } : { newStudent }),
      schoolId, schoolYear, grade, entryType,
      ...('date' in entry ? { entryDate: entry.date } : {}),
      schoolOfOrigin: values.origin === 'yes',
      ...(note ? { note } : {}),
      ...(facts ? { facts } : {}),
    },
  };
}

/** The service's field names → the form's. */
const FORM_FIELD: Record<string, string> = { schoolId: 'school', schoolYear: 'school_year', entryType: 'entry_type', entryDate: 'entry_date', toSchoolId: 'to_school', firstDay: 'first_day', exitCode: 'exit_code', status: '_form' };
export const formField = (field: string | undefined): string => (field ? (FORM_FIELD[field] ?? field) : '_form');
