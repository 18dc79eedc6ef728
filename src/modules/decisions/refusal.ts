import type { err } from '../../platform/result.js';

/** A problem found inside a transaction: thrown to roll it back, returned to the caller as a value. */
export class Refusal extends Error {
  constructor(readonly problem: ReturnType<typeof err>) {
    super(problem.problem.code);
  }
}
