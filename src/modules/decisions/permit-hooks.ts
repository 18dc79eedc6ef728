import type { Transaction } from 'kysely';
import type { ApplicationsTable, Database, PermitsTable } from '../../platform/db/schema.js';

/**
 * What a permit's decisions tell the school's roll (ENR-7, DEC-10), kept by the enrollment
 * module and handed in at the top (modules/index.ts): decisions is below enrollment and never
 * imports it. Both run in the decision's transaction, so the decision and what it tells the
 * roll commit together or not at all.
 */
export interface ApprovedPermit {
  /** The request as approved. */
  application: ApplicationsTable;
  permit: PermitsTable;
  /**
   * The district of geographic residence when the decision knows it: for a request that came
   * from a release (the hand-off, DEC-5), the releasing district.
   */
  residenceDistrict?: string | null;
  /** Who approved: `staff:<id>`. */
  actor: string;
}

/** ENR-7: an approved incoming or intra-district permit becomes a pre-enrollment; the enrollment's id, or null when none was made. */
export type OnPermitApproved = (trx: Transaction<Database>, approved: ApprovedPermit) => Promise<{ enrollmentId: string } | null>;

export interface EndedPermit {
  application: ApplicationsTable;
  permit: PermitsTable;
  /** The decision that ended it (a revocation, DEC-10). */
  decisionId: string;
}

/** DEC-10, DEC-11: a permit ended: the school office is told; the student is never exited by it. */
export type OnPermitEnded = (trx: Transaction<Database>, ended: EndedPermit) => Promise<void>;

/** The roll's side of a permit's decisions, built once at the top. */
export interface PermitRoll {
  approved: OnPermitApproved;
  ended: OnPermitEnded;
}
