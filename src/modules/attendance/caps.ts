import type { Transaction } from 'kysely';
import type { Db } from '../../platform/db/kysely.js';
import type { Database } from '../../platform/db/schema.js';
import type { DistrictConfig } from '../districts/config-schema.js';

/** One date refused by a cap: the catalog key (namespace attendance-caps) and its params. */
export interface CapRefusal {
  date: string;
  key: string;
  params: Record<string, string | number>;
}

export interface CapCheck {
  studentId: string;
  schoolId: string;
  /** The school year's name ('2026-2027'). */
  schoolYear: string;
  /** The excused code the dates would be marked with. */
  code: string;
  dates: string[];
  /** The explanation the dates are excused through (the incident), null for an office change without one. */
  explanationId: string | null;
  /** Whether the dates are excused on the parent's word (an explanation from the account): ATT-6's limit applies. */
  parentExcused: boolean;
}

/**
 * ATT-3, ATT-6: which of `dates` may be excused with `code`. Being written (first the contract,
 * for the explanation's acceptance and the office's change of a mark): for now every date is allowed.
 */
export async function checkCaps(
  db: Db | Transaction<Database>,
  district: DistrictConfig,
  input: { studentId: string; schoolId: string; schoolYear: string; code: string; dates: string[]; explanationId: string | null; parentExcused: boolean },
): Promise<{ allowed: string[]; refused: CapRefusal[] }> {
  void db;
  void district;
  return { allowed: [...new Set(input.dates)].sort(), refused: [] };
}
