/** The rows a decision writes (a decision, the permit an approval issues) and the limits they keep. */
import type { ApplicationsTable, DecisionKind, DecisionsTable, PermitsTable } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import { generateVerificationCode } from './rules.js';

/** Statuses a request is decided from (APP-11: an incomplete request is not decided). */
export const DECIDABLE = ['submitted', 'info_requested'] as const;
/** The longest note or message staff may write to a parent. */
export const NOTE_MAX = 2000;

/** A decision on a request, in the request's language; `over` sets reasons, note and appeal rights. */
export function newDecision(app: ApplicationsTable, kind: DecisionKind, by: string | null, decidedOn: string, decidedAt: string, over: Partial<DecisionsTable> = {}): DecisionsTable {
  return {
    id: newId(), application_id: app.id, kind, reasons: '[]', note: null, decided_on: decidedOn, decided_at: decidedAt,
    decided_by: by, appeal_until: null, no_appeal_reason: null, language: app.language, ...over,
  };
}

/** The permit an approval issues, from the request's year and grade, with a fresh verification code (DEC-6, DEC-18). */
export function newPermit(app: ApplicationsTable, decision: DecisionsTable, p: { schoolId: string; lastYear: string; renew: boolean }): PermitsTable {
  return {
    id: newId(), application_id: app.id, decision_id: decision.id, verification_code: generateVerificationCode(), school_id: p.schoolId, grade: app.grade_requested,
    first_year: app.school_year, last_year: p.lastYear, renew_yearly: p.renew ? 1 : 0, status: 'active', issued_at: decision.decided_at, revoked_at: null,
  };
}
