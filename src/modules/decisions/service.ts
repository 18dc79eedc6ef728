import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { ApplicationsTable, Database } from '../../platform/db/schema.js';
import { refusable, refuse } from '../../platform/db/refuse.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Result } from '../../platform/result.js';
import { gradeIndex, type DistrictConfig } from '../districts/config-schema.js';
import { appealDeadline } from '../districts/deadlines.js';
import { schoolId } from '../districts/catalog.js';
import { asStatus, moveRequest, noteRequest, type Status } from '../applications/lifecycle.js';
import { DecisionsRepository } from './repository.js';
import { notifyParent } from './notify.js';
import { canChangeRecords } from '../access/roles.js';
import { translator } from '../../platform/i18n/translator.js';
import { ReleaseDecisions } from './releases.js';
import type { Handoff } from '../applications/handoff.js';
import type { RequestScope } from '../access/request-scope.js';
import type { PermitRoll } from './permit-hooks.js';
import type { AttendanceRecordOf } from './attendance-hooks.js';
import type { AppealInput, ApproveInput, DenyInput, InfoInput, OutcomeInput, RevokeInput } from './inputs.js';
import { DecisionReadiness } from './readiness.js';
import { DocumentsService } from '../documents/service.js';
import { DECIDABLE, NOTE_MAX, newDecision, newPermit } from './decision-rows.js';
import { MAX_PERMIT_YEARS, assignableSchools, revocationBarred, schoolYearOf, seatsFor, shiftSchoolYear, yearsCovered } from './rules.js';


const ASKABLE = ['incomplete', 'submitted', 'info_requested'] as const;

/** DEC-9 / DEC-16: why a denial carries no right to appeal. */
export const NO_APPEAL_REASONS = ['expulsion', 'no-release'] as const;

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (s: string) => isoDate.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/**
 * DEC-5…DEC-10, DEC-16, DEC-18, DOC-4: what the permit office decides about a request.
 * Every action checks who is acting (role and district) here, not only in the page, moves the
 * status with a guarded UPDATE, and writes the decision, its email and its history in one
 * transaction: a decision is sent once, and never lost.
 */
export class DecisionService {
  readonly repo: DecisionsRepository;
  /** APP-11: whether an open request can be decided now (shared with the two schools' decisions and the panel). */
  readonly readiness: DecisionReadiness;
  private releases: ReleaseDecisions;
  /** ENR-7, DEC-10: what an approval or a revocation tells the school's roll (the enrollment module's, handed in). */
  readonly roll: PermitRoll;
  /** Issue 16 point 10: the attendance record a denial or revocation for attendance keeps. */
  private attendanceRecord: AttendanceRecordOf;
  /** `built`: the hand-off of a release, the scope of a request and the roll's side of a permit, built once at the top. */
  constructor(private deps: Deps, built: { handoff: Handoff; scope: RequestScope; roll: PermitRoll; attendanceRecord?: AttendanceRecordOf }) {
    this.roll = built.roll;
    this.attendanceRecord = built.attendanceRecord ?? (async () => null);
    this.repo = new DecisionsRepository(deps.db);
    this.readiness = new DecisionReadiness(deps, this.repo, new DocumentsService(deps));
    this.releases = new ReleaseDecisions(deps, this.repo, built);
  }

  private district(staff: SessionStaff): DistrictConfig {
    return this.deps.districts.get(staff.districtId)!;
  }

  private today(district: DistrictConfig): string {
    return localDate(this.deps.clock.now(), district.timeZone);
  }

  /** The request, if this staff member may act on it; another district's request does not exist for them (PRV-1). */
  private async actionable(staff: SessionStaff, id: string): Promise<Result<ApplicationsTable>> {
    if (!canChangeRecords(staff)) return err('forbidden', 'decisions.errors.forbidden');
    const app = await this.repo.application(this.deps.db, id, staff.districtId);
    return app ? ok(app) : err('not-found', 'common.notFound.message');
  }

  private run<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<Result<T>> {
    return refusable(() => this.deps.db.transaction().execute(work), { onUnique: err('already-decided', 'decisions.errors.alreadyDecided') });
  }

  /** Explains why a request can no longer take an action: it was decided or changed meanwhile. */
  private async changed(trx: Transaction<Database>, app: ApplicationsTable): Promise<never> {
    const now = await this.repo.application(trx, app.id, app.district_id);
    refuse(err('already-decided', 'decisions.errors.alreadyDecided', { params: { status: now?.status ?? app.status } }));
  }

  /** Approval after a denial needs the county's overturned appeal (DEC-8): the district cannot undo its own denial by approving. */
  private async approvableFrom(app: ApplicationsTable): Promise<Status[]> {
    if ((DECIDABLE as readonly string[]).includes(app.status)) return [...DECIDABLE];
    if (app.status === 'deemed_denied') return ['deemed_denied'];
    if (app.status === 'denied') {
      if (await this.repo.hasOverturnedAppeal(app.id)) return ['denied'];
    }
    return [];
  }

  /** DEC-6, DEC-18: approve into a school with seats for the grade, for one to five years. */
  async approve(staff: SessionStaff, id: string, input: ApproveInput): Promise<Result<{ decisionId: string; enrollmentId?: string }>> {
    const found = await this.actionable(staff, id);
    if (!found.ok) return found;
    const app = found.value;
    const district = this.district(staff);
    const from = await this.approvableFrom(app);
    if (from.length === 0) return err('not-decidable', app.status === 'incomplete' ? 'decisions.errors.incomplete' : 'decisions.errors.alreadyDecided', { params: { status: app.status } });
    if (app.kind === 'intra') return err('by-schools', 'decisions.errors.intraBySchools');
    // APP-11: an incomplete request, or one waiting for the parent's answer, is not decided.
    const ready = await this.readiness.ready(app);
    if (!ready.ok) return ready;
    if (app.kind === 'outgoing') return this.releases.approve(staff, app, district, from, input, (work) => this.run(work));
    const release = await this.releases.standing(app);
    if (!release.ok) return release;
    const school = assignableSchools(district, app.grade_requested).find((s) => s.code === input.school);
    if (!school) return err('invalid', 'decisions.errors.schoolRequired', { field: 'school' });
    const count = Number(input.years);
    if (!Number.isInteger(count) || count < 1 || count > MAX_PERMIT_YEARS) return err('invalid', 'decisions.errors.years', { field: 'years', params: { max: MAX_PERMIT_YEARS } });
    const covered = yearsCovered(app.school_year, app.grade_requested, count);
    // A permit cannot outlast the school: a fifth-grader's second year is not at an elementary school.
    if (covered.some((c) => !c.grade || gradeIndex(c.grade) > gradeIndex(school.highestGrade))) return err('invalid', 'decisions.errors.yearsBeyondSchool', { field: 'years', params: { school: school.name } });
    const today = this.today(district);
    const sid = schoolId(district.slug, school.code);
    return this.run(async (trx) => {
      const nowIso = this.deps.clock.now().toISOString();
      const moved = await moveRequest(trx, { id: app.id, from, was: asStatus(app.status), to: 'approved', actor: `staff:${staff.id}`, at: nowIso, note: `school:${school.code} years:${count}` });
      if (!moved) await this.changed(trx, app);
      for (const c of covered) {
        if (!(await this.repo.takeSeat(trx, sid, c.year, c.grade!, seatsFor(school, c.year, c.grade!))))
          refuse(err('full', 'decisions.errors.full', { field: 'school', params: { school: school.name, grade: c.grade!, year: c.year } }));
      }
      const decision = newDecision(app, 'approved', staff.id, today, nowIso);
      const permit = newPermit(app, decision, { schoolId: sid, lastYear: shiftSchoolYear(app.school_year, count - 1), renew: input.renew });
      await this.repo.recordApproval(trx, app, decision, permit);
      // DEC-19: the receiving district approved a priority transfer: the release follows by law.
      if (release.value?.byLaw) await this.releases.grantByLaw(trx, release.value.release, today);
      // ENR-7: the permit becomes a pre-enrollment at its school, in this transaction; the district of residence is the releasing district's when it came from a release.
      const enrolled = await this.roll.approved(trx, { application: { ...app, status: 'approved' }, permit, residenceDistrict: release.value?.release.district_id ?? null, actor: `staff:${staff.id}` });
      await notifyParent(this.deps, trx, app, district, 'decisions.email.approved', `decision:${decision.id}`, { school: school.name, years: `${app.school_year} – ${shiftSchoolYear(app.school_year, count - 1)}` });
      return { decisionId: decision.id, ...(enrolled ? { enrollmentId: enrolled.enrollmentId } : {}) };
    });
  }

  /** DEC-7, DEC-8, DEC-9, DEC-16: deny with the district's reasons, and say whether and until when the parent can appeal. */
  async deny(staff: SessionStaff, id: string, input: DenyInput): Promise<Result<{ decisionId: string }>> {
    const found = await this.actionable(staff, id);
    if (!found.ok) return found;
    const app = found.value;
    const district = this.district(staff);
    if (!(DECIDABLE as readonly string[]).includes(app.status)) return err('not-decidable', app.status === 'incomplete' ? 'decisions.errors.incomplete' : 'decisions.errors.alreadyDecided', { params: { status: app.status } });
    if (app.kind === 'intra') return err('by-schools', 'decisions.errors.intraBySchools');
    // DEC-19: the district of residence may not block a bullying victim's or a military family's transfer.
    if (app.kind === 'outgoing' && app.priority) return err('cannot-block', 'decisions.errors.cannotBlock');
    const release = await this.releases.standing(app);
    if (!release.ok) return release;
    // APP-11: the same check as approval; a denial for want of a release is not held back by that release alone (DEC-16).
    const ready = await this.readiness.ready(app, { noReleaseDenial: input.appealRight === 'no-release' });
    if (!ready.ok) return ready;
    const picked = pickReasons(district.denialReasons, input, 'deny');
    if (!picked.ok) return picked;
    const reasons = picked.value;
    const noAppeal = input.appealRight === 'yes' ? null : (NO_APPEAL_REASONS as readonly string[]).includes(input.appealRight) ? input.appealRight : undefined;
    if (noAppeal === undefined) return err('invalid', 'decisions.errors.appealRight', { field: 'appeal_right' });
    if (noAppeal === 'no-release' && app.kind !== 'incoming') return err('invalid', 'decisions.errors.appealRight', { field: 'appeal_right' });
    const today = this.today(district);
    const appealUntil = noAppeal ? null : appealDeadline(today, district.appeals.days);
    return this.run(async (trx) => {
      const nowIso = this.deps.clock.now().toISOString();
      const moved = await moveRequest(trx, { id: app.id, from: DECIDABLE, was: asStatus(app.status), to: 'denied', actor: `staff:${staff.id}`, at: nowIso, note: reasons.join(',') });
      if (!moved) await this.changed(trx, app);
      const decision = newDecision(app, 'denied', staff.id, today, nowIso, { reasons: JSON.stringify(reasons), note: input.note.trim() || null, appeal_until: appealUntil, no_appeal_reason: noAppeal });
      await this.repo.insertDecision(trx, decision);
      await this.keepAttendance(trx, decision, app.student_id, today, district.denialReasons, reasons);
      await this.repo.closeOpenInfoRequests(trx, app.id, decision.decided_at, 'closed_at');
      const lang = app.language as 'en' | 'es';
      const t = this.deps.catalogs.messages.get(lang) ?? this.deps.catalogs.messages.get('en')!;
      await notifyParent(this.deps, trx, app, district, appealUntil ? 'decisions.email.denied' : 'decisions.email.deniedNoAppeal', `decision:${decision.id}`, {
        reasons: reasons.map((r) => `- ${district.denialReasons.find((d) => d.code === r)!.label[lang] ?? r}`).join('\n'),
        office: district.appeals.office[lang] ?? district.appeals.office.en,
        appealUntil: appealUntil ? translator(this.deps.catalogs, lang).date(appealUntil) : '',
        why: noAppeal ? (t.get(`decisions.noAppeal.${noAppeal}`) ?? '') : '',
      });
      return { decisionId: decision.id };
    });
  }

  /** DOC-4, DEC-4: ask the parent for documents or information by a due date. */
  async requestInfo(staff: SessionStaff, id: string, input: InfoInput): Promise<Result<{ requestId: string }>> {
    const found = await this.actionable(staff, id);
    if (!found.ok) return found;
    const app = found.value;
    const district = this.district(staff);
    if (!(ASKABLE as readonly string[]).includes(app.status)) return err('not-open', 'decisions.errors.alreadyDecided', { params: { status: app.status } });
    const message = input.message.trim();
    if (!message) return err('invalid', 'decisions.errors.messageRequired', { field: 'info_message' });
    if (message.length > NOTE_MAX) return err('invalid', 'decisions.errors.noteTooLong', { field: 'info_message', params: { max: NOTE_MAX } });
    const today = this.today(district);
    if (!realDate(input.dueOn)) return err('invalid', 'decisions.errors.dueDate', { field: 'info_due' });
    if (input.dueOn <= today || input.dueOn > addDays(today, 60)) return err('invalid', 'decisions.errors.dueRange', { field: 'info_due', params: { days: 60 } });
    const known = new Set(district.documents.map((d) => d.code));
    const docCodes = [...new Set(input.docCodes)].filter((c) => known.has(c));
    const requestId = newId();
    const lang = app.language as 'en' | 'es';
    return this.run(async (trx) => {
      const nowIso = this.deps.clock.now().toISOString();
      // Asked again while waiting for an answer: a line on the history, the status stays.
      const line = { id: app.id, actor: `staff:${staff.id}`, at: nowIso, note: `due:${input.dueOn}` };
      if (app.status === 'info_requested') await noteRequest(trx, { ...line, status: app.status });
      else if (!(await moveRequest(trx, { ...line, from: asStatus(app.status), to: 'info_requested' }))) await this.changed(trx, app);
      await this.repo.insertInfoRequest(trx, { id: requestId, application_id: app.id, message, doc_codes: JSON.stringify(docCodes), due_on: input.dueOn, created_by: staff.id, created_at: nowIso, answered_at: null, closed_at: null });
      await notifyParent(this.deps, trx, app, district, 'decisions.email.infoRequested', `info-request:${requestId}`, {
        message,
        documents: docCodes.map((c) => `- ${district.documents.find((d) => d.code === c)!.label[lang]}`).join('\n') || '-',
        due: translator(this.deps.catalogs, lang).date(input.dueOn),
        uploadLink: `${this.deps.config.publicUrl}/applications/${app.id}/documents`,
      });
      return { requestId };
    });
  }

  /** DEC-10: revoke an active permit, never for a student in grade 10 or later; no appeal. */
  async revoke(staff: SessionStaff, id: string, input: RevokeInput): Promise<Result<{ decisionId: string }>> {
    const found = await this.actionable(staff, id);
    if (!found.ok) return found;
    const app = found.value;
    const district = this.district(staff);
    const permit = await this.repo.permit(this.deps.db, app.id);
    if (app.status !== 'approved' || !permit || permit.status !== 'active') return err('not-active', 'decisions.errors.notActive');
    const today = this.today(district);
    const { barred, gradeNow } = revocationBarred(permit, today);
    if (barred) return err('protected', 'decisions.errors.revocationBarred', { params: { grade: gradeNow ?? '12' } });
    const picked = pickReasons(district.revocationReasons, input, 'revoke');
    if (!picked.ok) return picked;
    const reasons = picked.value;
    const lang = app.language as 'en' | 'es';
    return this.run(async (trx) => {
      const nowIso = this.deps.clock.now().toISOString();
      if (!(await moveRequest(trx, { id: app.id, from: 'approved', to: 'revoked', actor: `staff:${staff.id}`, at: nowIso, note: reasons.join(',') }))) await this.changed(trx, app);
      await this.repo.revokePermit(trx, permit.id, nowIso);
      // Seats of the years still to come are free again; years already under way stay counted.
      const count = Number(permit.last_year.slice(0, 4)) - Number(permit.first_year.slice(0, 4)) + 1;
      for (const c of yearsCovered(permit.first_year, permit.grade, count)) if (c.grade && c.year > schoolYearOf(today)) await this.repo.releaseSeat(trx, permit.school_id, c.year, c.grade);
      const decision = newDecision(app, 'revoked', staff.id, today, nowIso, { reasons: JSON.stringify(reasons), note: input.note.trim() || null, no_appeal_reason: 'revocation' });
      await this.repo.insertDecision(trx, decision);
      await this.keepAttendance(trx, decision, app.student_id, today, district.revocationReasons, reasons);
      // DEC-10: the school office is told what to do with the enrollment; the student is not exited by the revocation.
      await this.roll.ended(trx, { application: app, permit, decisionId: decision.id });
      await notifyParent(this.deps, trx, app, district, 'decisions.email.revoked', `decision:${decision.id}`, {
        reasons: reasons.map((r) => `- ${district.revocationReasons.find((d) => d.code === r)!.label[lang] ?? r}`).join('\n'),
      });
      return { decisionId: decision.id };
    });
  }

  /**
   * Issue 16 point 10: a denial or revocation for a reason resting on attendance keeps the
   * student's record as it stands, in the decision's transaction; nothing when no hosted district
   * keeps the student's attendance (the family's uploaded record is then the evidence).
   */
  private async keepAttendance(trx: Transaction<Database>, decision: { id: string; decided_at: string }, studentId: string, today: string, list: { code: string; attendance: boolean }[], reasons: string[]): Promise<void> {
    if (!reasons.some((r) => list.find((x) => x.code === r)?.attendance)) return;
    const record = await this.attendanceRecord(trx, { studentId, asOf: today });
    if (record) await this.repo.insertDecisionAttendance(trx, { decision_id: decision.id, student_id: studentId, record: JSON.stringify(record), taken_at: decision.decided_at });
  }

  /** DEC-8, DEC-9: record an appeal the parent filed with the county office; late or barred appeals are refused. */
  async recordAppeal(staff: SessionStaff, id: string, input: AppealInput): Promise<Result<{ appealId: string }>> {
    const found = await this.actionable(staff, id);
    if (!found.ok) return found;
    const app = found.value;
    const district = this.district(staff);
    if (app.status !== 'denied' && app.status !== 'deemed_denied') return err('no-denial', 'decisions.errors.noDenial');
    const decisions = await this.repo.decisions(this.deps.db, app.id);
    const denial = [...decisions].reverse().find((d) => d.kind === 'denied' || d.kind === 'deemed_denied');
    if (!denial) return err('no-denial', 'decisions.errors.noDenial');
    if (!denial.appeal_until) return err('no-appeal-right', 'decisions.errors.noAppealRight');
    if (!realDate(input.filedOn)) return err('invalid', 'decisions.errors.date', { field: 'appeal_filed_on' });
    const today = this.today(district);
    if (input.filedOn > today || input.filedOn < denial.decided_on) return err('invalid', 'decisions.errors.filedRange', { field: 'appeal_filed_on' });
    if (input.filedOn > denial.appeal_until) return err('late', 'decisions.errors.appealLate', { field: 'appeal_filed_on', params: { date: denial.appeal_until } });
    const appealId = newId();
    return this.run(async (trx) => {
      const nowIso = this.deps.clock.now().toISOString();
      await this.repo.insertAppeal(trx, { id: appealId, application_id: app.id, decision_id: denial.id, filed_on: input.filedOn, outcome: 'pending', outcome_on: null, note: null, recorded_by: staff.id, created_at: nowIso });
      await noteRequest(trx, { id: app.id, actor: `staff:${staff.id}`, at: nowIso, status: app.status, note: `appeal filed ${input.filedOn}` });
      return { appealId };
    });
  }

  /** The county's decision on an appeal. Overturned: the county approved attendance; staff then assign the school (approve). */
  async recordOutcome(staff: SessionStaff, id: string, input: OutcomeInput): Promise<Result<{ outcome: string }>> {
    const found = await this.actionable(staff, id);
    if (!found.ok) return found;
    const app = found.value;
    const district = this.district(staff);
    const appeal = (await this.repo.appeals(this.deps.db, app.id)).find((a) => a.outcome === 'pending');
    if (!appeal) return err('no-appeal', 'decisions.errors.noPendingAppeal');
    if (input.outcome !== 'upheld' && input.outcome !== 'overturned') return err('invalid', 'decisions.errors.outcome', { field: 'outcome' });
    if (!realDate(input.outcomeOn)) return err('invalid', 'decisions.errors.date', { field: 'outcome_on' });
    if (input.outcomeOn < appeal.filed_on || input.outcomeOn > this.today(district)) return err('invalid', 'decisions.errors.outcomeRange', { field: 'outcome_on' });
    const outcome = input.outcome;
    return this.run(async (trx) => {
      const nowIso = this.deps.clock.now().toISOString();
      if (!(await this.repo.setAppealOutcome(trx, appeal.id, outcome, input.outcomeOn, input.note.trim().slice(0, NOTE_MAX) || null))) refuse(err('no-appeal', 'decisions.errors.noPendingAppeal'));
      await noteRequest(trx, { id: app.id, actor: `staff:${staff.id}`, at: nowIso, status: app.status, note: `appeal ${outcome} ${input.outcomeOn}` });
      await notifyParent(this.deps, trx, app, district, `decisions.email.appeal.${outcome}`, `appeal-outcome:${appeal.id}`, {});
      return { outcome };
    });
  }
}

/** The district's reasons ticked on a form (unknown codes dropped), at least one, with a note of bounded length. */
function pickReasons(list: { code: string }[], input: { reasons: string[]; note: string }, form: 'deny' | 'revoke'): Result<string[]> {
  const known = new Set(list.map((r) => r.code));
  const reasons = [...new Set(input.reasons)].filter((r) => known.has(r));
  if (reasons.length === 0) return err('invalid', 'decisions.errors.reasonRequired', { field: `${form}_reasons` });
  if (input.note.length > NOTE_MAX) return err('invalid', 'decisions.errors.noteTooLong', { field: `${form}_note`, params: { max: NOTE_MAX } });
  return ok(reasons);
}
