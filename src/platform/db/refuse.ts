import { ok, type Err, type Result } from '../result.js';
import { isUniqueViolation } from './kysely.js';

/**
 * "Refuse and roll back": a problem a person caused, found inside a transaction (the request
 * was decided meanwhile, the school is full, the address changed under the form). Thrown, it
 * rolls the transaction back (or, in the group-commit writer, the unit's savepoint);
 * `refusable` turns it back into the `err(...)` value the service returns. Exceptions stay for
 * bugs and outages: only a Refusal becomes a value.
 */
export class Refusal extends Error {
  constructor(readonly problem: Err) {
    super(problem.problem.code);
  }
}

/** Throws a Refusal: for a guard inside a transaction (`if (!moved) refuse(err(...))`). */
export function refuse(problem: Err): never {
  throw new Refusal(problem);
}

/**
 * Runs `work` (a `db.transaction().execute(…)` or a `writer.run(…)`) and returns its value as
 * `ok(value)`, or the problem of the Refusal that rolled it back. `onUnique`: the problem when a
 * unique index refuses a row instead (two people doing the same thing at the same moment).
 */
export async function refusable<T>(work: () => Promise<T>, opts: { onUnique?: Err } = {}): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (e) {
    if (e instanceof Refusal) return e.problem;
    if (opts.onUnique && isUniqueViolation(e)) return opts.onUnique;
    throw e;
  }
}
