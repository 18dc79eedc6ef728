import type { Db } from '../../platform/db/kysely.js';
import type { ApplicationsTable } from '../../platform/db/schema.js';
import type { Transaction, Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { OPEN_STATUSES } from './status.js';

export type ApplicationRow = ApplicationsTable;
type Q = Kysely<Database> | Transaction<Database>;

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

  insert(row: ApplicationRow, q: Q) {
    return q.insertInto('applications').values(row).execute();
  }

  insertEvent(
    q: Q,
    e: { id: string; application_id: string; at: string; actor: string; from_status: string | null; to_status: string; note: string | null },
  ) {
    return q.insertInto('application_events').values(e).execute();
  }

  events(applicationId: string) {
    return this.db.selectFrom('application_events').selectAll().where('application_id', '=', applicationId).orderBy('at').orderBy('id').execute();
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
}
