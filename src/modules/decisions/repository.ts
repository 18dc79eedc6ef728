import type { Kysely, Transaction } from 'kysely';
import type { ApplicationsTable, AppealsTable, Database, DecisionAttendanceTable, DecisionsTable, InfoRequestsTable, PermitsTable, SchoolApprovalsTable } from '../../platform/db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/** The SQL of decisions, permits, seats, requests for missing items and appeals. */
export class DecisionsRepository {
  constructor(private db: Kysely<Database>) {}

  application(q: Q, id: string, districtId: string) {
    return q.selectFrom('applications').selectAll().where('id', '=', id).where('district_id', '=', districtId).executeTakeFirst();
  }

  /** A request whose letter is sent: its scope is checked before (staff) or by `isParents` (the parent). */
  letterRequest(id: string) {
    return this.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  /** Whether this request is the parent's own (a letter is shown only to its family). */
  async isParents(id: string, accountId: string): Promise<boolean> {
    return !!(await this.db.selectFrom('applications').select('id').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst());
  }

  insertDecision(q: Q, d: DecisionsTable) {
    return q.insertInto('decisions').values(d).execute();
  }

  /** Issue 16 point 10: the attendance record kept with a decision for attendance. */
  insertDecisionAttendance(q: Q, row: DecisionAttendanceTable) {
    return q.insertInto('decision_attendance').values(row).execute();
  }

  decisions(q: Q, applicationId: string) {
    return q.selectFrom('decisions').selectAll().where('application_id', '=', applicationId).orderBy('decided_at').orderBy('id').execute();
  }

  decision(q: Q, applicationId: string, id: string) {
    return q.selectFrom('decisions').selectAll().where('application_id', '=', applicationId).where('id', '=', id).executeTakeFirst();
  }

  insertPermit(q: Q, p: PermitsTable) {
    return q.insertInto('permits').values(p).execute();
  }

  /** The day of a request's latest decision of a kind (any kind when none is named). */
  async latestDecisionOn(applicationId: string, kind?: DecisionsTable['kind']): Promise<string | null> {
    let q = this.db.selectFrom('decisions').select('decided_on').where('application_id', '=', applicationId);
    if (kind) q = q.where('kind', '=', kind);
    return (await q.orderBy('decided_at', 'desc').executeTakeFirst())?.decided_on ?? null;
  }

  activePermitCode(applicationId: string) {
    return this.db.selectFrom('permits').select('verification_code').where('application_id', '=', applicationId).where('status', '=', 'active').executeTakeFirst();
  }

  /** DEC-16: whether the parent sent a release document the office did not reject. */
  async hasReleaseDocument(applicationId: string): Promise<boolean> {
    return Boolean(await this.db.selectFrom('documents').select('id').where('application_id', '=', applicationId).where('doc_type', '=', 'release').where('status', '!=', 'rejected').executeTakeFirst());
  }

  schoolApprovals(q: Q, applicationId: string) {
    return q.selectFrom('school_approvals').selectAll().where('application_id', '=', applicationId).orderBy('decided_at').execute();
  }

  insertSchoolApproval(q: Q, row: SchoolApprovalsTable) {
    return q.insertInto('school_approvals').values(row).execute();
  }

  /** An approval's records, together: the decision, its permit, requests for missing items closed (the move and its history line are the lifecycle's). */
  async recordApproval(q: Q, app: ApplicationsTable, decision: DecisionsTable, permit: PermitsTable) {
    await this.insertDecision(q, decision);
    await this.insertPermit(q, permit);
    await this.closeOpenInfoRequests(q, app.id, decision.decided_at, 'closed_at');
  }

  permit(q: Q, applicationId: string) {
    return q.selectFrom('permits').selectAll().where('application_id', '=', applicationId).executeTakeFirst();
  }

  permitByCode(code: string) {
    return this.db
      .selectFrom('permits')
      .innerJoin('applications', 'applications.id', 'permits.application_id')
      // A release names no school of this deployment, or one of another district: a left join.
      .leftJoin('schools', 'schools.id', 'permits.school_id')
      .select(['permits.status', 'permits.first_year', 'permits.last_year', 'permits.grade', 'permits.revoked_at', 'schools.name as school_name', 'applications.district_id', 'applications.student_first_name', 'applications.student_last_name'])
      .where('permits.verification_code', '=', code)
      .executeTakeFirst();
  }

  /**
   * Takes one seat, only while seats remain. The conditional UPDATE is atomic on both
   * databases, so two approvals racing for the last seat cannot both win.
   */
  async takeSeat(q: Q, schoolId: string, year: string, grade: string, seats: number): Promise<boolean> {
    await q.insertInto('seat_counts').values({ school_id: schoolId, school_year: year, grade, used: 0 }).onConflict((oc) => oc.doNothing()).execute();
    const r = await q
      .updateTable('seat_counts')
      .set((eb) => ({ used: eb('used', '+', 1) }))
      .where('school_id', '=', schoolId)
      .where('school_year', '=', year)
      .where('grade', '=', grade)
      .where('used', '<', seats)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  releaseSeat(q: Q, schoolId: string, year: string, grade: string) {
    return q
      .updateTable('seat_counts')
      .set((eb) => ({ used: eb('used', '-', 1) }))
      .where('school_id', '=', schoolId)
      .where('school_year', '=', year)
      .where('grade', '=', grade)
      .where('used', '>', 0)
      .execute();
  }

  seatsUsed(schoolIds: string[], year: string, grade: string) {
    if (schoolIds.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('seat_counts').select(['school_id', 'used']).where('school_id', 'in', schoolIds).where('school_year', '=', year).where('grade', '=', grade).execute();
  }

  insertInfoRequest(q: Q, r: InfoRequestsTable) {
    return q.insertInto('info_requests').values(r).execute();
  }

  /** A request withdrawn after its approval: its permit, if still active, ends with it. */
  revokeActivePermitOf(q: Q, applicationId: string, nowIso: string) {
    return q.updateTable('permits').set({ status: 'revoked', revoked_at: nowIso }).where('application_id', '=', applicationId).where('status', '=', 'active').execute();
  }

  revokePermit(q: Q, permitId: string, nowIso: string) {
    return q.updateTable('permits').set({ status: 'revoked', revoked_at: nowIso }).where('id', '=', permitId).execute();
  }

  insertAppeal(q: Q, a: AppealsTable) {
    return q.insertInto('appeals').values(a).execute();
  }

  /** Records the county's outcome once: false when the appeal was no longer pending. */
  async setAppealOutcome(q: Q, appealId: string, outcome: 'upheld' | 'overturned', outcomeOn: string, note: string | null): Promise<boolean> {
    const r = await q.updateTable('appeals').set({ outcome, outcome_on: outcomeOn, note }).where('id', '=', appealId).where('outcome', '=', 'pending').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async hasOverturnedAppeal(applicationId: string): Promise<boolean> {
    return Boolean(await this.db.selectFrom('appeals').select('id').where('application_id', '=', applicationId).where('outcome', '=', 'overturned').executeTakeFirst());
  }

  infoRequests(q: Q, applicationId: string) {
    return q.selectFrom('info_requests').selectAll().where('application_id', '=', applicationId).orderBy('created_at').orderBy('id').execute();
  }

  closeOpenInfoRequests(q: Q, applicationId: string, nowIso: string, column: 'answered_at' | 'closed_at') {
    return q.updateTable('info_requests').set({ [column]: nowIso }).where('application_id', '=', applicationId).where('answered_at', 'is', null).where('closed_at', 'is', null).execute();
  }

  appeals(q: Q, applicationId: string) {
    return q.selectFrom('appeals').selectAll().where('application_id', '=', applicationId).orderBy('created_at').execute();
  }

  parentOf(q: Q, accountId: string) {
    return q.selectFrom('users').select(['id', 'email', 'first_name', 'last_name', 'language']).where('id', '=', accountId).executeTakeFirstOrThrow();
  }

  // --- What the deadline sweep looks for (DEC-4, DEC-8, DEC-15, DEC-17) ---

  /** Requests waiting on the parent whose request for missing items is past its due date. */
  lapsedInfoRequests(districtId: string, today: string) {
    return this.db
      .selectFrom('applications')
      .innerJoin('info_requests', 'info_requests.application_id', 'applications.id')
      .selectAll('applications')
      .select('info_requests.due_on')
      .where('applications.district_id', '=', districtId)
      .where('applications.status', '=', 'info_requested')
      .where('info_requests.answered_at', 'is', null)
      .where('info_requests.closed_at', 'is', null)
      .where('info_requests.due_on', '<', today)
      .execute();
  }

  withStatus(districtId: string, status: string) {
    return this.db.selectFrom('applications').selectAll().where('district_id', '=', districtId).where('status', '=', status).execute();
  }

  /** Open requests whose written decision was due before today. */
  undecidedPastDue(districtId: string, today: string) {
    return this.db
      .selectFrom('applications')
      .selectAll()
      .where('district_id', '=', districtId)
      .where('status', 'in', UNDECIDED)
      .where('decision_due_on', '<', today)
      .execute();
  }

  /** Open requests whose written decision is due between two dates, earliest first. */
  undecidedDueBetween(districtId: string, from: string, to: string) {
    return this.db
      .selectFrom('applications')
      .select(['confirmation_number', 'decision_due_on', 'student_last_name'])
      .where('district_id', '=', districtId)
      .where('status', 'in', UNDECIDED)
      .where('decision_due_on', '>=', from)
      .where('decision_due_on', '<=', to)
      .orderBy('decision_due_on')
      .limit(200)
      .execute();
  }

  /** Denials whose last day to appeal has passed with no appeal recorded. */
  denialsPastAppealWindow(districtId: string, today: string) {
    return this.db
      .selectFrom('decisions')
      .innerJoin('applications', 'applications.id', 'decisions.application_id')
      .leftJoin('appeals', 'appeals.decision_id', 'decisions.id')
      .select(['decisions.id', 'decisions.application_id', 'decisions.appeal_until', 'applications.status'])
      .where('applications.district_id', '=', districtId)
      .where('applications.status', 'in', ['denied', 'deemed_denied'])
      .where('decisions.appeal_until', '<', today)
      .where('appeals.id', 'is', null)
      .execute();
  }

  /** The activated staff who decide: they get the reminders. */
  decidingStaff(districtId: string) {
    return this.db.selectFrom('staff').select(['id', 'email']).where('district_id', '=', districtId).where('role', 'in', ['district_admin', 'permit_staff']).where('activated_at', 'is not', null).execute();
  }
}

/** Statuses still waiting for the district's written decision. */
const UNDECIDED = ['incomplete', 'submitted', 'info_requested'];
