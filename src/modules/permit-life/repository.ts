import type { Kysely, Transaction } from 'kysely';
import type { Database, PermitReviewsTable, ProvisionalEnrollmentsTable } from '../../platform/db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/** Statuses still waiting for the district's written decision. */
export const UNDECIDED = ['incomplete', 'submitted', 'info_requested'] as const;

/** The SQL of a permit's life after approval: provisional enrollments (DEC-12), renewals (DEC-11), reviews (DEC-14). */
export class PermitLifeRepository {
  constructor(private db: Kysely<Database>) {}

  application(q: Q, id: string, districtId: string) {
    return q.selectFrom('applications').selectAll().where('id', '=', id).where('district_id', '=', districtId).executeTakeFirst();
  }

  /**
   * Touches the request only while it is still undecided: inside a transaction this is the same
   * guard the decisions use, so a decision and a provisional enrollment cannot cross.
   */
  async touchIfUndecided(q: Q, id: string, nowIso: string): Promise<boolean> {
    const r = await q.updateTable('applications').set({ updated_at: nowIso }).where('id', '=', id).where('status', 'in', [...UNDECIDED]).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // --- DEC-12: provisional enrollment ---

  provisional(q: Q, applicationId: string) {
    return q.selectFrom('provisional_enrollments').selectAll().where('application_id', '=', applicationId).executeTakeFirst();
  }

  insertProvisional(q: Q, row: ProvisionalEnrollmentsTable) {
    return q.insertInto('provisional_enrollments').values(row).execute();
  }

  /** A district's provisional enrollments with their requests, for the sweep's two steps. */
  private enrollments(districtId: string) {
    return this.db
      .selectFrom('provisional_enrollments')
      .innerJoin('applications', 'applications.id', 'provisional_enrollments.application_id')
      .selectAll('applications')
      .select(['provisional_enrollments.id as pe_id', 'provisional_enrollments.school_id as pe_school_id', 'provisional_enrollments.first_day', 'provisional_enrollments.ends_on'])
      .where('applications.district_id', '=', districtId);
  }

  /** Provisional enrollments of a district's still-undecided requests whose warning day has come. */
  provisionalToWarn(districtId: string, today: string) {
    return this.enrollments(districtId)
      .where('applications.status', 'in', [...UNDECIDED])
      .where('provisional_enrollments.warned_at', 'is', null)
      .where('provisional_enrollments.ended_at', 'is', null)
      .where('provisional_enrollments.warn_on', '<=', today)
      .where('provisional_enrollments.ends_on', '>=', today)
      .execute();
  }

  /** Provisional enrollments whose last day has passed without an approved permit. */
  provisionalToEnd(districtId: string, today: string) {
    return this.enrollments(districtId)
      .where('applications.status', '<>', 'approved')
      .where('provisional_enrollments.ended_at', 'is', null)
      .where('provisional_enrollments.ends_on', '<', today)
      .execute();
  }

  /** Marks the warning sent, once: false when another sweep did it first. */
  async markWarned(q: Q, id: string, nowIso: string): Promise<boolean> {
    const r = await q.updateTable('provisional_enrollments').set({ warned_at: nowIso }).where('id', '=', id).where('warned_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Marks the enrollment ended, once: false when another sweep did it first. */
  async markEnded(q: Q, id: string, nowIso: string): Promise<boolean> {
    const r = await q.updateTable('provisional_enrollments').set({ ended_at: nowIso }).where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The activated site administrators of a school: they hear about its provisional enrollments. */
  siteAdmins(q: Q, schoolId: string) {
    return q
      .selectFrom('staff')
      .innerJoin('staff_schools', 'staff_schools.staff_id', 'staff.id')
      .select(['staff.id', 'staff.email'])
      .where('staff_schools.school_id', '=', schoolId)
      .where('staff.role', '=', 'site_admin')
      .where('staff.activated_at', 'is not', null)
      .execute();
  }

  // --- DEC-11: renewal ---

  /**
   * A district's active permits that cover a school year and need the parent to apply again for
   * the next: they must be renewed each year, or their last year is that one.
   */
  permitsToRenew(districtId: string, currentYear: string) {
    return this.db
      .selectFrom('permits')
      .innerJoin('applications', 'applications.id', 'permits.application_id')
      .selectAll('applications')
      .select(['permits.id as permit_id', 'permits.first_year', 'permits.last_year', 'permits.renew_yearly', 'permits.school_id as permit_school_id'])
      .where('applications.district_id', '=', districtId)
      .where('applications.status', '=', 'approved')
      .where('permits.status', '=', 'active')
      .where('permits.first_year', '<=', currentYear)
      .where('permits.last_year', '>=', currentYear)
      .where((eb) => eb.or([eb('permits.renew_yearly', '=', 1), eb('permits.last_year', '=', currentYear)]))
      .execute();
  }

  /** Which of these outbox keys were already used. */
  async usedKeys(keys: string[]): Promise<Set<string>> {
    const used = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const rows = await this.db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'in', chunk).execute();
      for (const r of rows) used.add(r.dedupe_key);
    }
    return used;
  }

  // --- DEC-14: periodic review ---

  permit(q: Q, permitId: string) {
    return q
      .selectFrom('permits')
      .innerJoin('applications', 'applications.id', 'permits.application_id')
      .selectAll('permits')
      .select(['applications.district_id', 'applications.status as application_status'])
      .where('permits.id', '=', permitId)
      .executeTakeFirst();
  }

  permitOf(q: Q, applicationId: string) {
    return q.selectFrom('permits').selectAll().where('application_id', '=', applicationId).executeTakeFirst();
  }

  /**
   * The active permits of a district in force this school year, each with the date of its last
   * review, that have none or one older than `cutoff`. `schoolIds` limits them to some schools.
   */
  dueForReview(districtId: string, currentYear: string, cutoff: string, schoolIds?: string[]) {
    if (schoolIds && schoolIds.length === 0) return Promise.resolve([]);
    let q = this.db
      .selectFrom('permits')
      .innerJoin('applications', 'applications.id', 'permits.application_id')
      .select((eb) => [
        'permits.id', 'permits.application_id', 'permits.school_id', 'permits.grade', 'permits.first_year', 'permits.last_year', 'permits.issued_at', 'permits.renew_yearly',
        'applications.student_first_name', 'applications.student_last_name', 'applications.confirmation_number', 'applications.student_number',
        eb.selectFrom('permit_reviews').select((r) => r.fn.max('permit_reviews.reviewed_on').as('m')).whereRef('permit_reviews.permit_id', '=', 'permits.id').as('last_reviewed_on'),
      ])
      .where('applications.district_id', '=', districtId)
      .where('applications.status', '=', 'approved')
      .where('permits.status', '=', 'active')
      .where('permits.first_year', '<=', currentYear)
      .where('permits.last_year', '>=', currentYear)
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('permit_reviews').select('permit_reviews.id').whereRef('permit_reviews.permit_id', '=', 'permits.id').where('permit_reviews.reviewed_on', '>', cutoff))),
      );
    if (schoolIds) q = q.where('permits.school_id', 'in', schoolIds);
    return q.limit(1000).execute();
  }

  /** Reviews of some permits, newest first, with who recorded them. */
  reviews(q: Q, permitIds: string[]) {
    if (permitIds.length === 0) return Promise.resolve([]);
    return q
      .selectFrom('permit_reviews')
      .leftJoin('staff', 'staff.id', 'permit_reviews.reviewed_by')
      .selectAll('permit_reviews')
      .select(['staff.first_name', 'staff.last_name', 'staff.email'])
      .where('permit_reviews.permit_id', 'in', permitIds)
      .orderBy('permit_reviews.reviewed_on', 'desc')
      .orderBy('permit_reviews.created_at', 'desc')
      .execute();
  }

  insertReview(q: Q, row: PermitReviewsTable) {
    return q.insertInto('permit_reviews').values(row).execute();
  }
}
