import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { ApplicationsTable, Database } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { schoolId } from '../districts/catalog.js';
import type { Handoff } from '../applications/handoff.js';
import { DecisionsRepository } from './repository.js';
import type { RequestScope } from '../access/request-scope.js';
import { refuse } from '../../platform/db/refuse.js';
import { asStatus, moveRequest, type Status } from '../applications/lifecycle.js';
import { localDate } from '../../platform/clock.js';
import { notifyParent } from './notify.js';
import { MAX_PERMIT_YEARS, shiftSchoolYear } from './rules.js';
import { newDecision, newPermit } from './decision-rows.js';
import type { ApproveInput } from './inputs.js';

/** Statuses of a release that mean it no longer stands: the receiving district cannot act on it (DEC-5). */
const RELEASE_GONE = ['withdrawn', 'denied', 'abandoned', 'revoked'];
/** Statuses a release is granted from by law when the receiving district approves a priority transfer (DEC-19). */
const RELEASE_PENDING: readonly Status[] = ['incomplete', 'submitted', 'info_requested', 'deemed_denied'];

/**
 * DEC-5, DEC-16, DEC-19: the district of residence's side of an inter-district permit — its
 * release — and what the receiving district may do with a request that came from one.
 */
export class ReleaseDecisions {
  private scope: RequestScope;
  private handoff: Handoff;
  constructor(private deps: Deps, private repo: DecisionsRepository, built: { handoff: Handoff; scope: RequestScope }) {
    this.scope = built.scope;
    this.handoff = built.handoff;
  }

  /**
   * Whether an incoming request may be decided, given the release it came from: a withdrawn
   * or refused release ends it; a priority request does not wait for its release (DEC-19).
   */
  async standing(app: ApplicationsTable): Promise<Result<{ release: ApplicationsTable; byLaw: boolean } | null>> {
    if (app.kind !== 'incoming' || !app.linked_application_id) return ok(null);
    const release = await this.scope.otherParty(app);
    if (!release) return ok(null);
    if (release.status === 'approved') return ok({ release, byLaw: false });
    // DEC-19: only the parent, by withdrawing, ends a priority transfer; nothing the district of residence does or omits.
    if (app.priority && release.status !== 'withdrawn') return ok({ release, byLaw: true });
    if (RELEASE_GONE.includes(release.status)) return err('release-gone', 'decisions.errors.releaseWithdrawn', { params: { status: release.status } });
    return err('release-pending', 'decisions.errors.releasePending');
  }

  /**
   * The district of residence releases the student (DEC-5, DEC-18): for one to five years, to the
   * district the parent named. When that district is hosted here, the release becomes its
   * incoming request in the same transaction.
   */
  async approve(
    staff: SessionStaff,
    app: ApplicationsTable,
    district: DistrictConfig,
    from: readonly Status[],
    input: ApproveInput,
    run: (work: (trx: Transaction<Database>) => Promise<{ decisionId: string }>) => Promise<Result<{ decisionId: string }>>,
  ): Promise<Result<{ decisionId: string }>> {
    const count = Number(input.years);
    if (!Number.isInteger(count) || count < 1 || count > MAX_PERMIT_YEARS) return err('invalid', 'decisions.errors.years', { field: 'years', params: { max: MAX_PERMIT_YEARS } });
    const today = this.deps.clock.now().toISOString();
    return run(async (trx) => {
      const moved = await moveRequest(trx, { id: app.id, from, was: asStatus(app.status), to: 'approved', actor: `staff:${staff.id}`, at: today, note: `release years:${count}` });
      if (!moved) refuse(err('already-decided', 'decisions.errors.alreadyDecided', { params: { status: app.status } }));
      const decidedOn = localDate(this.deps.clock.now(), district.timeZone);
      const decision = newDecision(app, 'approved', staff.id, decidedOn, today);
      const permit = newPermit(app, decision, { schoolId: releasedTo(app), lastYear: shiftSchoolYear(app.school_year, count - 1), renew: input.renew });
      await this.repo.recordApproval(trx, app, decision, permit);
      const forwarded = app.linked_application_id ? null : await this.handoff.forward(trx, { ...app, status: 'approved' }, { byLaw: false });
      await notifyParent(this.deps, trx, app, district, forwarded ? 'decisions.email.releaseForwarded' : 'decisions.email.releaseApproved', `decision:${decision.id}`, {
        receiving: this.receivingName(app),
        years: `${app.school_year} – ${shiftSchoolYear(app.school_year, count - 1)}`,
      });
      return { decisionId: decision.id };
    });
  }

  /** DEC-19: the receiving district approved a priority transfer; the release is granted by law, in the same transaction. */
  async grantByLaw(trx: Transaction<Database>, release: ApplicationsTable, decidedOn: string): Promise<void> {
    const nowIso = this.deps.clock.now().toISOString();
    const note = 'released by law: the receiving district approved a priority transfer (DEC-19)';
    if (!(await moveRequest(trx, { id: release.id, from: RELEASE_PENDING, was: asStatus(release.status), to: 'approved', actor: 'system', at: nowIso, note }))) return;
    const decision = newDecision(release, 'approved', null, decidedOn, nowIso, { note: 'DEC-19' });
    // The release covers the years the receiving district just approved (DEC-18), written above in this transaction.
    const accepted = release.linked_application_id ? await this.repo.permit(trx, release.linked_application_id) : undefined;
    const permit = newPermit(release, decision, { schoolId: releasedTo(release), lastYear: accepted?.last_year ?? release.school_year, renew: false });
    await this.repo.recordApproval(trx, release, decision, permit);
  }

  private receivingName(app: ApplicationsTable): string {
    const d = app.target_district_slug ? this.deps.districts.get(app.target_district_slug) : undefined;
    return d ? (d.name[app.language as 'en' | 'es'] ?? d.name.en) : (app.target_district_name ?? '');
  }
}

/** The school a release names, as a permit stores it: a hosted district's school, or none (''). */
function releasedTo(app: ApplicationsTable): string {
  return app.target_district_slug && app.target_school ? schoolId(app.target_district_slug, app.target_school) : '';
}
