import type { Transaction } from 'kysely';
import type { Database, StudentsTable } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';

/**
 * Students imported with a school's roll from a student information system (issue 15, PRV-1):
 * written here, by the module that owns `students`, with no family account — the school links
 * one later. Many at once, in multi-row inserts inside the caller's transaction, so that an import
 * refused anywhere leaves no student behind.
 */

export interface ImportedStudent {
  firstName: string;
  middleName?: string;
  lastName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  grade: string;
  addressLine1: string;
  addressLine2?: string;
  city: string;
  state: string;
  zip: string;
}

/** Rows per INSERT: 17 columns stay well under SQLite's 32,766 bound parameters. */
const CHUNK = 200;

/** Inserts the students in the caller's transaction; their ids, in the order given. */
export async function insertImportedStudents(trx: Transaction<Database>, students: readonly ImportedStudent[], at: string): Promise<string[]> {
  const rows: StudentsTable[] = students.map((s) => ({
    id: newId(),
    account_id: null,
    first_name: s.firstName,
    middle_name: s.middleName || null,
    last_name: s.lastName,
    date_of_birth: s.dateOfBirth,
    current_grade: s.grade,
    current_school: null,
    current_district: null,
    address_line1: s.addressLine1,
    address_line2: s.addressLine2 || null,
    city: s.city,
    state: s.state,
    zip: s.zip.slice(0, 5),
    created_at: at,
    updated_at: at,
  }));
  for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('students').values(rows.slice(i, i + CHUNK)).execute();
  return rows.map((r) => r.id);
}
