import { describe, expect, it } from 'vitest';
import { ageFitsGrade, parseDateFields, parseStudentForm, studentSchema } from './validation.js';

const today = '2026-11-22';
const base = {
  first_name: 'Mateo', middle_name: '', last_name: 'López', dob_month: '4', dob_day: '9', dob_year: '2018',
  current_grade: '2', current_school: '', current_district: '', address_line1: '100 Main St', address_line2: '', city: 'Downey', state: 'CA', zip: '90241',
};
const errorsOf = (input: Record<string, string>) => {
  const r = parseStudentForm(input, today);
  return r.ok ? {} : Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [k, v.key]));
};

describe('student validation', () => {
  it('STU-1 accepts a complete student and stores a 5-digit ZIP', () => {
    const r = studentSchema(today).safeParse({ ...base, zip: '90241-1234' });
    expect(r.success && r.data.zip).toBe('90241');
    expect(r.success && r.data.date_of_birth).toBe('2018-04-09');
  });
  it('STU-1 refuses impossible dates: February 31, day 0, month 13', () => {
    expect(parseDateFields('2', '31', '2018')).toEqual({ error: 'students.errors.dobImpossible' });
    expect(parseDateFields('2', '0', '2018')).toEqual({ error: 'students.errors.dobImpossible' });
    expect(parseDateFields('13', '1', '2018')).toEqual({ error: 'students.errors.dobImpossible' });
    expect(parseDateFields('2', '29', '2020')).toEqual({ date: '2020-02-29' });
    expect(parseDateFields('2', '1', '18')).toEqual({ error: 'students.errors.dobFormat' });
  });
  it('STU-1 refuses a birth date in the future, or more than 22 years ago', () => {
    expect(errorsOf({ ...base, dob_year: '2027', current_grade: '' }).dob).toBe('students.errors.dobFuture');
    expect(errorsOf({ ...base, dob_year: '1990', current_grade: '' }).dob).toBe('students.errors.dobTooOld');
  });
  it('STU-1 refuses an age that cannot fit the grade: a 40-year-old or a 2-year-old in grade 3', () => {
    expect(ageFitsGrade('1986-01-01', '3', today)).toBe(false);
    expect(ageFitsGrade('2024-01-01', '3', today)).toBe(false);
    expect(ageFitsGrade('2018-04-09', '3', today)).toBe(true);
    expect(errorsOf({ ...base, dob_year: '2005', current_grade: '3' }).current_grade).toBe('students.errors.ageGrade');
  });
  it('STU-1 refuses markup in names and addresses', () => {
    expect(errorsOf({ ...base, first_name: '<b>Mateo</b>' }).first_name).toBe('students.errors.nameCharacters');
    expect(errorsOf({ ...base, address_line1: '<script>x</script>' }).address_line1).toBe('students.errors.textCharacters');
    expect(errorsOf({ ...base, first_name: "D'Angelo-José" })).toEqual({});
  });
  it('STU-1 names every empty required field and a bad ZIP', () => {
    const e = errorsOf({ ...base, first_name: '', last_name: '', address_line1: '', city: '', zip: '9024' });
    expect(errorsOf({ ...base, first_name: '', dob_month: '2', dob_day: '31' })).toMatchObject({ first_name: 'students.errors.firstNameRequired', dob: 'students.errors.dobImpossible' });
    expect(e).toMatchObject({ first_name: 'students.errors.firstNameRequired', last_name: 'students.errors.lastNameRequired', address_line1: 'students.errors.addressRequired', city: 'students.errors.cityRequired', zip: 'students.errors.zipFormat' });
  });
});
