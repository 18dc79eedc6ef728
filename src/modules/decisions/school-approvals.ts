import type { Deps } from '../../deps.js';
import type { ApplicationsTable, SchoolApprovalsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { localDate } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Result } from '../../platform/result.js';
import { canChangeRecords } from '../access/roles.js';
import type { RequestScope } from '../access/request-scope.js';
import type { DecisionsRepository } from './repository.js';
import { notifyParent } from './notify.js';
import { refusable, refuse } from '../../platform/db/refuse.js';
import { asStatus, moveRequest, noteRequest } from '../applications/lifecycle.js';
import type { DecisionReadiness } from './readiness.js';
import type { PermitRoll } from './permit-hooks.js';
import { seatsFor } from './rules.js';
import { DECIDABLE, NOTE_MAX, newDecision, newPermit } from './decision-rows.js';

export type SchoolRole = SchoolApprovalsTable['role'];

/**
 * APP-1, DEC-6: an intra-district request needs both schools — the school of residence lets the
 * student go, the requested school takes them where it has a seat. Each school's site
 * administrator decides for their own school; the permit office may record either. The second
 * approval issues the permit; one denial closes the request.
 */
export class SchoolApprovals {
  private repo: DecisionsRepository;
  private readiness: DecisionReadiness;
  private scope: RequestScope;
  private roll: PermitRoll;
  /** `built`: the decisions' repository and readiness (DecisionService's), the scope of a request and the roll's side of a permit, built once. */
  constructor(private deps: Deps, built: { repo: DecisionsRepository; readiness: DecisionReadiness; scope: RequestScope; roll: PermitRoll }) {
    this.repo = built.repo;
    this.roll = built.roll;
    this.readiness = built.readiness;
    this.scope = built.scope;
  }

  /** The school roles this staff member may decide for on a request. */
  async rolesFor(staff: SessionStaff, app: Pick<ApplicationsTable, 'kind' | 'district_id' | 'residence_school_id' | 'requested_school_id'>): Promise<SchoolRole[]> {
    if (app.kind !== 'intra' || app.district_id !== staff.districtId) return [];
    if (canChangeRecords(staff)) return ['residence', 'requested'];
    if (staff.role !== 'site_admin') return [];
    const mine = new Set((await this.scope.schools(staff)) ?? []);
    const roles: SchoolRole[] = [];
    if (app.residence_school_id && mine.has(app.residence_school_id)) roles.push('residence');
    if (app.requested_school_id && mine.has(app.requested_school_id)) roles.push('requested');
    return roles;
  }

  list(applicationId: string) {
    return this.repo.schoolApprovals(this.deps.db, applicationId);
  }

  async decide(staff: SessionStaff, id: string, input: { role: string; decision: string; note: string }): Promise<Result<{ final: 'approved' | 'denied' | null }>> {
    const app = await this.repo.application(this.deps.db, id, staff.districtId);
    if (!app) return err('not-found', 'common.notFound.message');
    const role = input.role as SchoolRole;
    const roles = await this.rolesFor(staff, app);
    if (app.kind !== 'intra') return err('not-intra', 'decisions.errors.notIntra');
    if (!roles.includes(role)) return err('forbidden', 'decisions.errors.forbidden');
    // APP-11: neither school decides an incomplete request, or one waiting for the parent's answer.
    const ready = await this.readiness.ready(app);
    if (!ready.ok) return ready;
    if (input.decision !== 'approved' && input.decision !== 'denied') return err('invalid', 'decisions.errors.schoolDecisionRequired', { field: `school_decision_${role}` });
    const note = input.note.trim();
    if (note.length > NOTE_MAX) return err('invalid', 'decisions.errors.noteTooLong', { field: `school_note_${role}`, params: { max: NOTE_MAX } });
    if (input.decision === 'denied' && !note) return err('invalid', 'decisions.errors.schoolDenialNote', { field: `school_note_${role}` });
    if (!(DECIDABLE as readonly string[]).includes(app.status)) return err('not-decidable', app.status === 'incomplete' ? 'decisions.errors.incomplete' : 'decisions.errors.alreadyDecided', { params: { status: app.status } });
    const district = this.deps.districts.get(app.district_id)!;
    const today = localDate(this.deps.clock.now(), district.timeZone);
    const schoolIdOf = role === 'residence' ? app.residence_school_id! : app.requested_school_id!;
    const final = await refusable(() => this.deps.db.transaction().execute(async (trx) => {
      const nowIso = this.deps.clock.now().toISOString();
      await this.repo.insertSchoolApproval(trx, { id: newId(), application_id: app.id, school_id: schoolIdOf, role, decision: input.decision as 'approved' | 'denied', note: note || null, decided_by: staff.id, decided_at: nowIso });
      await noteRequest(trx, { id: app.id, actor: `staff:${staff.id}`, at: nowIso, status: app.status, note: `${role} school ${input.decision}` });
      const all = await this.repo.schoolApprovals(trx, app.id);
      if (input.decision === 'denied') {
        const moved = await moveRequest(trx, { id: app.id, from: DECIDABLE, was: asStatus(app.status), to: 'denied', actor: `staff:${staff.id}`, at: nowIso, note: `${role} school` });
        if (!moved) refuse(err('already-decided', 'decisions.errors.alreadyDecided', { params: { status: app.status } }));
        const decision = newDecision(app, 'denied', staff.id, today, nowIso, { note, no_appeal_reason: 'intra-district' });
        await this.repo.insertDecision(trx, decision);
        await this.repo.closeOpenInfoRequests(trx, app.id, nowIso, 'closed_at');
        await notifyParent(this.deps, trx, app, district, 'decisions.email.intraDenied', `decision:${decision.id}`, { school: this.deps.districts.schoolById(schoolIdOf)?.name ?? schoolIdOf, note, phone: district.contact.phone });
        return 'denied' as const;
      }
      if (!(all.some((a) => a.role === 'residence' && a.decision === 'approved') && all.some((a) => a.role === 'requested' && a.decision === 'approved'))) return null;
      // Both schools said yes: the requested school's seat for the grade, and the permit (DEC-6).
      const sid = app.requested_school_id!;
      const school = district.schools.find((s) => `${district.slug}:${s.code}` === sid)!;
      const moved = await moveRequest(trx, { id: app.id, from: DECIDABLE, was: asStatus(app.status), to: 'approved', actor: `staff:${staff.id}`, at: nowIso, note: `both schools approved; school:${school.code}` });
      if (!moved) refuse(err('already-decided', 'decisions.errors.alreadyDecided', { params: { status: app.status } }));
      if (!(await this.repo.takeSeat(trx, sid, app.school_year, app.grade_requested, seatsFor(school, app.school_year, app.grade_requested))))
        refuse(err('full', 'decisions.errors.full', { params: { school: school.name, grade: app.grade_requested, year: app.school_year } }));
      const decision = newDecision(app, 'approved', staff.id, today, nowIso);
      const permit = newPermit(app, decision, { schoolId: sid, lastYear: app.school_year, renew: false });
      await this.repo.recordApproval(trx, app, decision, permit);
      // ENR-7: the permit becomes a pre-enrollment at the requested school, in this transaction.
      await this.roll.approved(trx, { application: { ...app, status: 'approved' }, permit, residenceDistrict: district.slug, actor: `staff:${staff.id}` });
      await notifyParent(this.deps, trx, app, district, 'decisions.email.approved', `decision:${decision.id}`, { school: school.name, years: app.school_year });
      return 'approved' as const;
    }), { onUnique: err('already-decided', 'decisions.errors.schoolAlreadyDecided') });
    return final.ok ? ok({ final: final.value }) : final;
  }
}
