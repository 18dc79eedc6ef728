import type { Transaction } from 'kysely';
import type { Db } from '../../platform/db/kysely.js';
import { refuse } from '../../platform/db/refuse.js';
import type { Database, ImmunizationStatus, RollStudentsTable } from '../../platform/db/schema.js';
import { err, type Err } from '../../platform/result.js';
import { parsePopulations, parseToCollect, formatPopulations, type SpecialPopulation, type ToCollect } from './populations.js';

/**
 * What the roll knows of a student beyond an enrollment (ENR-1, ENR-2, ENR-5), kept in
 * `roll_students` and written only here: the special populations, the immunization status (a
 * status and a conditional admission's date, never dose records), what is still to be collected,
 * and whether the student is an emancipated minor — who enrolls themself and may ask for their
 * own withdrawal (the withdrawal reads `emancipated`).
 */

export interface RollFacts {
  populations: SpecialPopulation[];
  immunization: ImmunizationStatus;
  /** A conditional admission's date (ENR-2). */
  immunizationUntil: string | null;
  toCollect: ToCollect[];
  emancipated: boolean;
}

type Trx = Transaction<Database>;

/** Refusals of the facts, on the form's own fields. */
export const factsProblem = (code: string, field: string, params?: Record<string, string | number>): Err =>
  err(`roll-enroll.${code}`, `roll-enroll.errors.${code}`, { field, ...(params ? { params } : {}) });

/**
 * ENR-1, ENR-2: the facts a student may be enrolled with, or a refusal on their field, and the
 * facts as they are kept. A special population is enrolled at once without records,
 * immunizations or proof of residence, and its record keeps what is still to be collected (the
 * immunization record whenever it is missing). Any other student needs immunizations complete,
 * conditional until a date (doses not yet due), or exempt, and proof of residence: only records
 * from a former school may still be on their way.
 */
export function checkFacts(facts: RollFacts, today: string): RollFacts {
  const special = facts.populations.length > 0;
  if (facts.immunization === 'missing' && !special) refuse(factsProblem('immunization-missing', 'immunization'));
  let until: string | null = null;
  if (facts.immunization === 'conditional') {
    if (!facts.immunizationUntil) refuse(factsProblem('until-missing', 'immunization_until'));
    if (facts.immunizationUntil < today) refuse(factsProblem('until-past', 'immunization_until'));
    until = facts.immunizationUntil;
  }
  if (!special && facts.toCollect.some((i) => i !== 'records')) refuse(factsProblem('documents-needed', 'to_collect'));
  const toCollect = new Set(facts.toCollect);
  if (facts.immunization === 'missing') toCollect.add('immunizations');
  return { ...facts, immunizationUntil: until, toCollect: parseToCollect(JSON.stringify([...toCollect])) };
}

/** Writes (or replaces) a student's facts inside the caller's transaction. */
export async function writeRollFactsIn(trx: Trx, studentId: string, districtId: string, facts: RollFacts, actor: string, at: string): Promise<void> {
  const row: RollStudentsTable = {
    student_id: studentId,
    district_id: districtId,
    populations: formatPopulations(facts.populations),
    immunization: facts.immunization,
    immunization_until: facts.immunizationUntil,
    to_collect: JSON.stringify(facts.toCollect),
    emancipated: facts.emancipated ? 1 : 0,
    updated_at: at,
    updated_by: actor,
  };
  const { student_id: _id, ...change } = row;
  await trx.insertInto('roll_students').values(row).onConflict((oc) => oc.column('student_id').doUpdateSet(change)).execute();
}

/** A student's facts as kept, or undefined when the roll has none yet (a pre-enrollment from a permit). */
export async function readRollFacts(db: Db | Trx, studentId: string): Promise<(RollFacts & { updatedAt: string; updatedBy: string }) | undefined> {
  const r = await db.selectFrom('roll_students').selectAll().where('student_id', '=', studentId).executeTakeFirst();
  if (!r) return undefined;
  return {
    populations: parsePopulations(r.populations),
    immunization: r.immunization,
    immunizationUntil: r.immunization_until,
    toCollect: parseToCollect(r.to_collect),
    emancipated: r.emancipated === 1,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}
