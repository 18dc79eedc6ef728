import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Database, StudentsTable } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import { addressFields } from './validation.js';

/**
 * A student enrolled at a school's counter or imported with its roll (issue 15, PRV-1): the
 * `students` row is written here, by the module that owns the table, with no family account — the
 * school links one later. The enrollment module calls it inside the transaction of the
 * enrollment, so a refused enrollment leaves no student behind.
 */

const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u;
const name = (requiredKey: string) =>
  z.string().trim().min(1, requiredKey).max(50, 'students.errors.nameTooLong').regex(NAME, 'students.errors.nameCharacters');

/** The student's own fields of the office's enrollment form (the date of birth is parsed with the form's dates). */
export const rollStudentFields = {
  first_name: name('students.errors.firstNameRequired'),
  middle_name: z.union([z.literal(''), name('students.errors.nameCharacters')]).default(''),
  last_name: name('students.errors.lastNameRequired'),
  ...addressFields,
};

export interface RollStudentInput {
  firstName: string;
  middleName?: string;
  lastName: string;
  dateOfBirth: string;
  grade: string;
  addressLine1: string;
  addressLine2?: string;
  city: string;
  state: string;
  zip: string;
}

/** The `students` row of a student on the roll with no family account yet. */
function rollStudentRow(input: RollStudentInput, at: string): StudentsTable {
  return {
    id: newId(),
    account_id: null,
    first_name: input.firstName,
    middle_name: input.middleName || null,
    last_name: input.lastName,
    date_of_birth: input.dateOfBirth,
    current_grade: input.grade,
    // The parent's words for where the student was before; the roll itself says where the student is now.
    current_school: null,
    current_district: null,
    address_line1: input.addressLine1,
    address_line2: input.addressLine2 || null,
    city: input.city,
    state: input.state,
    zip: input.zip.slice(0, 5),
    created_at: at,
    updated_at: at,
  };
}

/** Inserts a student with no family account yet, inside the caller's transaction. */
export async function insertRollStudent(trx: Transaction<Database>, input: RollStudentInput, at: string): Promise<StudentsTable> {
  const row = rollStudentRow(input, at);
  await trx.insertInto('students').values(row).execute();
  return row;
}

/** Rows per INSERT: 17 columns stay well under SQLite's 32,766 bound parameters. */
const CHUNK = 200;

/**
 * Students imported with a school's roll from a student information system, many at once in
 * multi-row inserts inside the caller's transaction (an import refused anywhere leaves no
 * student behind); their ids, in the order given.
 */
export async function insertRollStudents(trx: Transaction<Database>, students: readonly RollStudentInput[], at: string): Promise<string[]> {
  const rows = students.map((s) => rollStudentRow(s, at));
  for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('students').values(rows.slice(i, i + CHUNK)).execute();
  return rows.map((r) => r.id);
}
