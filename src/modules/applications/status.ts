/**
 * The statuses of a request and the allowed transitions: one table, in code.
 * Every transition is recorded in application_events (who, when, from, to, why).
 */
export const STATUSES = [
  'incomplete', // received, required documents still missing (APP-11)
  'submitted', // received and complete: waiting in the queue in order received (DEC-1)
  'info_requested', // staff asked for documents or information by a due date (DOC-4)
  'approved',
  'denied',
  'deemed_denied', // no written decision by the deadline (DEC-15)
  'abandoned', // a deadline missed by the parent (DEC-4)
  'withdrawn',
  'revoked',
] as const;
export type Status = (typeof STATUSES)[number];

export const TRANSITIONS: Record<Status, readonly Status[]> = {
  incomplete: ['submitted', 'info_requested', 'abandoned', 'withdrawn', 'deemed_denied'],
  submitted: ['info_requested', 'approved', 'denied', 'deemed_denied', 'withdrawn', 'incomplete'],
  info_requested: ['submitted', 'incomplete', 'abandoned', 'approved', 'denied', 'deemed_denied', 'withdrawn'],
  approved: ['revoked', 'withdrawn'], // withdrawn: a release the parent no longer needs
  denied: ['approved'], // an appeal won at the county office
  deemed_denied: ['approved'],
  abandoned: [],
  withdrawn: [],
  revoked: [],
};

export function canTransition(from: Status, to: Status): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** Statuses in which a request is still alive (blocks a second request for the same year). */
export const OPEN_STATUSES: readonly Status[] = ['incomplete', 'submitted', 'info_requested', 'approved'];
