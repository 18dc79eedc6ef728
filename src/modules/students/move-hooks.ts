import type { Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

/** A permit a reported move ends (DEC-11, DEC-13), and the advice key the parent was told. */
export interface PermitEndedByMove {
  applicationId: string;
  /** The permit's school, where the student may be on the roll. */
  schoolId: string;
  adviceKey: string;
}

/**
 * DEC-13: a reported move that ends permits tells the school office of each (ENR-7: it never
 * exits the student by itself). Kept by the enrollment module and handed in at the top
 * (modules/index.ts): students is below enrollment and never imports it. In the move's
 * transaction; the same move told twice is told once.
 */
export type OnMoveEndsPermits = (trx: Transaction<Database>, move: { studentId: string; addressChangeId: string; permits: PermitEndedByMove[] }) => Promise<void>;
