import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

/**
 * DEC-12 reads its first day from the enrollment: the student's first day at a school for a
 * school year, as the school's roll has it — the entry date (ENR-3), or while pre-enrolled the
 * first expected day. Kept by the enrollment module and handed in at the top
 * (modules/index.ts): permit-life is below enrollment and never imports it. Undefined when the
 * student is not on that school's roll for that year.
 */
export type RollFirstDay = (
  q: Kysely<Database> | Transaction<Database>,
  at: { studentId: string; schoolId: string; schoolYear: string },
) => Promise<{ day: string; status: 'pre_enrolled' | 'active' } | undefined>;
