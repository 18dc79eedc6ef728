import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { AppealsTable, ApplicationsTable, DecisionsTable, InfoRequestsTable, PermitsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { schoolId } from '../districts/catalog.js';
import type { DecisionsRepository } from './repository.js';
import { assignableSchools, revocationBarred, seatsFor } from './rules.js';
import { canChangeRecords } from '../access/roles.js';
import type { RequestScope } from '../access/request-scope.js';
import type { DecisionReadiness, NotReady } from './readiness.js';

/** What the decision panel shows and allows for one request, for one staff member. */
export interface DecisionState {
  canDecide: boolean;
  decisions: DecisionsTable[];
  permit?: PermitsTable;
  permitSchoolName?: string;
  infoRequests: InfoRequestsTable[];
  appeals: AppealsTable[];
  schools: { code: string; name: string; seats: number; left: number }[];
  askable: boolean;
  approvable: boolean;
  afterAppeal: boolean;
  deniable: boolean;
  revocable: boolean;
  /** DEC-10: the grade the student is in when an active permit can no longer be revoked (too late in high school), or null. */
  revocationBarredIn: string | null;
  appealable: boolean;
  appealUntil: string | null;
  outcomePending: boolean;
  suggestedDue: string;
  /** DEC-5: the other district's half of an inter-district permit, as this district sees it. */
  otherSide: { role: 'release' | 'incoming'; district: string; status: string; confirmation: string; decidedOn: string | null } | null;
  /** DEC-19: a priority release the district of residence cannot deny. */
  cannotBlock: boolean;
  /**
   * DEC-16: an incoming request with no release at all — none from a hosted district, no release
   * document the office did not reject, not a priority transfer — so a denial carries no appeal.
   */
  withoutRelease: boolean;
  /** APP-11: why this open request cannot be approved or denied now (incomplete, or waiting for the parent), or null. */
  notReady: NotReady | null;
}

/** What the panel reads with, built once in the module's declaration (decisions/module.ts). */
export interface DecisionReads {
  repo: DecisionsRepository;
  scope: RequestScope;
  readiness: DecisionReadiness;
}

export async function decisionState(deps: Deps, reads: DecisionReads, staff: SessionStaff, app: ApplicationsTable): Promise<DecisionState> {
  const { repo } = reads;
  const district = deps.districts.get(app.district_id)!;
  const today = localDate(deps.clock.now(), district.timeZone);
  const [decisions, permit, infoRequests, appeals] = await Promise.all([
    repo.decisions(deps.db, app.id), repo.permit(deps.db, app.id), repo.infoRequests(deps.db, app.id), repo.appeals(deps.db, app.id),
  ]);
  const candidates = assignableSchools(district, app.grade_requested);
  const used = new Map((await repo.seatsUsed(candidates.map((s) => schoolId(district.slug, s.code)), app.school_year, app.grade_requested)).map((r) => [r.school_id, r.used]));
  const schools = candidates.map((s) => {
    const seats = seatsFor(s, app.school_year, app.grade_requested);
    return { code: s.code, name: s.name, seats, left: Math.max(0, seats - (used.get(schoolId(district.slug, s.code)) ?? 0)) };
  });
  const open = ['submitted', 'info_requested'].includes(app.status);
  // An intra-district request is decided by its two schools (school-approvals panel), not here.
  const byPermitOffice = app.kind !== 'intra';
  const cannotBlock = app.kind === 'outgoing' && app.priority === 1;
  const overturned = appeals.some((a) => a.outcome === 'overturned');
  const lastDenial = [...decisions].reverse().find((d) => d.kind === 'denied' || d.kind === 'deemed_denied');
  const denied = app.status === 'denied' || app.status === 'deemed_denied';
  const notReady = await reads.readiness.check(app);
  const { barred, gradeNow } = permit ? revocationBarred(permit, today) : { barred: false, gradeNow: undefined };
  return {
    canDecide: canChangeRecords(staff),
    decisions,
    permit,
    permitSchoolName: permit ? district.schools.find((s) => schoolId(district.slug, s.code) === permit.school_id)?.name : undefined,
    infoRequests,
    appeals,
    schools,
    askable: ['incomplete', 'submitted', 'info_requested'].includes(app.status),
    approvable: byPermitOffice && ((open && !notReady) || app.status === 'deemed_denied' || (app.status === 'denied' && overturned)),
    afterAppeal: denied && overturned,
    deniable: byPermitOffice && open && !cannotBlock && (!notReady || notReady.onlyRelease),
    revocable: app.status === 'approved' && permit?.status === 'active' && !barred,
    revocationBarredIn: app.status === 'approved' && permit?.status === 'active' && barred ? (gradeNow ?? '12') : null,
    appealable: denied && !!lastDenial?.appeal_until && !appeals.some((a) => a.decision_id === lastDenial.id),
    appealUntil: lastDenial?.appeal_until ?? null,
    outcomePending: appeals.some((a) => a.outcome === 'pending'),
    suggestedDue: addDays(today, 14),
    otherSide: await otherSide(deps, reads, app),
    cannotBlock,
    withoutRelease:
      app.kind === 'incoming' && !app.linked_application_id && !app.priority &&
      !(await repo.hasReleaseDocument(app.id)),
    notReady,
  };
}

/** PRV-1: the party district of an inter-district permit sees that request's status and decision. */
async function otherSide(deps: Deps, reads: DecisionReads, app: ApplicationsTable): Promise<DecisionState['otherSide']> {
  if (!app.linked_application_id) return null;
  const other = await reads.scope.otherParty(app);
  if (!other) return null;
  const decidedOn = await reads.repo.latestDecisionOn(other.id);
  return {
    role: app.kind === 'outgoing' ? 'incoming' : 'release',
    district: deps.districts.get(other.district_id)?.name.en ?? other.district_id,
    status: other.status,
    confirmation: other.confirmation_number,
    decidedOn,
  };
}
