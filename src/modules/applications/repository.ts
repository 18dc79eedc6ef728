import type { Db } from '../../platform/db/kysely.js';
import type { ApplicationsTable } from '../../platform/db/schema.js';
import type { Transaction, Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { OPEN_STATUSES, history } from './lifecycle.js';
import { namePairs, nameWords } from '../../platform/name-key.js';

export type ApplicationRow = ApplicationsTable;
type Q = Kysely<Database> | Transaction<Database>;

/**
 * The words of a request's student names (`nameWords()`: first, middle, last), and their pair keys
 * (`namePairs()`), written with the request, in its transaction, for the staff queue's search
 * (docs/adr/0022). The first and last
 * names are the request's own copy; the middle name, which the request does not copy, is the
 * student record's at that moment. Every writer of a new request goes through here (the
 * repository's `insert`; tests that build requests in the database call it too).
 */
export async function insertNameWords(
  q: Q,
  row: Pick<ApplicationRow, 'id' | 'district_id' | 'received_at' | 'student_id' | 'student_first_name' | 'student_last_name'>,
): Promise<void> {
  const student = await q.selectFrom('students').select('middle_name').where('id', '=', row.student_id).executeTakeFirst();
  const words = nameWords(row.student_first_name, student?.middle_name, row.student_last_name);
  if (words.length) await q.insertInto('student_name_words').values(words.map((word) => ({ application_id: row.id, district_id: row.district_id, word }))).execute();
  const pairs = namePairs(words);
  if (pairs.length) await q.insertInto('student_name_pairs').values(pairs.map((pair) => ({ application_id: row.id, district_id: row.district_id, pair, received_at: row.received_at }))).execute();
}

export class ApplicationsRepository {
  constructor(private db: Db) {}

  byId(id: string, q: Q = this.db) {
    return q.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byConfirmationNumber(n: string, q: Q = this.db) {
    return q.selectFrom('applications').selectAll().where('confirmation_number', '=', n).executeTakeFirst();
  }

  bySubmissionKey(accountId: string, key: string, q: Q = this.db) {
    return q
      .selectFrom('applications')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('submission_key', '=', key)
      .executeTakeFirst();
  }

  /** A live request of the same kind for the same student, district and school year. */
  openFor(studentId: string, districtId: string, kind: string, schoolYear: string, q: Q = this.db) {
    return q
      .selectFrom('applications')
      .selectAll()
      .where('student_id', '=', studentId)
      .where('district_id', '=', districtId)
      .where('kind', '=', kind as ApplicationRow['kind'])
      .where('school_year', '=', schoolYear)
      .where('status', 'in', OPEN_STATUSES as string[])
      .executeTakeFirst();
  }

  forAccount(accountId: string) {
    return this.db
      .selectFrom('applications')
      .leftJoin('schools', 'schools.id', 'applications.requested_school_id')
      .selectAll('applications')
      .select('schools.name as school_name')
      .where('applications.account_id', '=', accountId)
      .orderBy('applications.received_at', 'desc')
      .execute();
  }

  /** A new request, with the words of its student's names for the queue's search (ADR 0022). */
  async insert(row: ApplicationRow, q: Q) {
    await q.insertInto('applications').values(row).execute();
    await insertNameWords(q, row);
  }

  /** A release names the request it became in the receiving district (DEC-5). */
  link(q: Q, id: string, linkedId: string, nowIso: string) {
    return q.updateTable('applications').set({ linked_application_id: linkedId, updated_at: nowIso }).where('id', '=', id).execute();
  }

  /** The request's history, oldest first (written only by the lifecycle). */
  events(applicationId: string) {
    return history(this.db, applicationId);
  }

  messagesForApplication(applicationId: string) {
    return this.db
      .selectFrom('outbox')
      .select(['id', 'subject', 'created_at', 'to_address', 'status', 'sent_at'])
      .where('application_id', '=', applicationId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  messagesForAccount(accountId: string) {
    return this.db
      .selectFrom('outbox')
      .select(['id', 'subject', 'created_at', 'to_address', 'status', 'sent_at', 'application_id'])
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute();
  }

  message(accountId: string, id: string) {
    return this.db.selectFrom('outbox').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  }

  /** A request of one kind for the student, district and year in any of `statuses` (DEC-17: one release a year). */
  oneOf(studentId: string, districtId: string, kind: ApplicationRow['kind'], schoolYear: string, statuses: readonly string[]) {
    return this.db
      .selectFrom('applications')
      .select(['confirmation_number'])
      .where('student_id', '=', studentId)
      .where('district_id', '=', districtId)
      .where('kind', '=', kind)
      .where('school_year', '=', schoolYear)
      .where('status', 'in', statuses as string[])
      .executeTakeFirst();
  }

  /** The other half of an inter-district permit, as the parent who holds both sees it (DEC-5). */
  linkedFor(accountId: string, linkedId: string) {
    return this.db.selectFrom('applications').select(['id', 'kind', 'district_id', 'status', 'confirmation_number']).where('id', '=', linkedId).where('account_id', '=', accountId).executeTakeFirst();
  }

  schoolApprovals(applicationId: string) {
    return this.db.selectFrom('school_approvals').select(['role', 'decision']).where('application_id', '=', applicationId).execute();
  }

  /** ACC-6: the account's own student, every field. */
  async studentOf(accountId: string, studentId: string) {
    const row = await this.db.selectFrom('students').selectAll().where('id', '=', studentId).where('account_id', '=', accountId).executeTakeFirst();
    // Read by its account, so it has one (a student on a school's roll may have none yet, PRV-1).
    return row && { ...row, account_id: accountId };
  }

  /** DEC-13: the moves reported for a student, newest first. */
  movesOf(studentId: string) {
    return this.db.selectFrom('address_changes').select(['moved_on', 'reported_on', 'late']).where('student_id', '=', studentId).orderBy('created_at', 'desc').execute();
  }

  /** Everything a student's page shows of each request: the requests, their decisions, permits and open requests for items. */
  async storyOf(accountId: string, studentId: string) {
    const apps = await this.db.selectFrom('applications').selectAll().where('student_id', '=', studentId).where('account_id', '=', accountId).orderBy('received_at', 'desc').orderBy('id').execute();
    const ids = apps.map((a) => a.id);
    if (!ids.length) return { apps, decisions: [], permits: [], openInfoRequests: [] };
    const [decisions, permits, openInfoRequests] = await Promise.all([
      this.db.selectFrom('decisions').selectAll().where('application_id', 'in', ids).orderBy('decided_at').execute(),
      this.db.selectFrom('permits').selectAll().where('application_id', 'in', ids).execute(),
      this.db.selectFrom('info_requests').select(['application_id', 'due_on']).where('application_id', 'in', ids).where('answered_at', 'is', null).where('closed_at', 'is', null).execute(),
    ]);
    return { apps, decisions, permits, openInfoRequests };
  }
}
