import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../../platform/db/kysely.js';
import type { ApplicationEventsTable, Database, DocumentsTable } from '../../platform/db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export class DocumentsRepository {
  constructor(private db: Db) {}
  forApplication(applicationId: string, q: Q = this.db) {
    return q.selectFrom('documents').selectAll().where('application_id', '=', applicationId).orderBy('uploaded_at').orderBy('id').execute();
  }
  insert(rows: DocumentsTable[], q: Q) {
    return q.insertInto('documents').values(rows).execute();
  }
  application(id: string, q: Q = this.db) {
    return q.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
  }
  byConfirmationNumber(n: string) {
    return this.db.selectFrom('applications').selectAll().where('confirmation_number', '=', n).executeTakeFirst();
  }
  /**
   * Touches the application row inside a transaction and returns its current status. The
   * UPDATE takes the row's write lock on both databases, so two uploads to one request run
   * their "is everything in now?" check one after the other, never both on a stale view.
   */
  async lockApplication(q: Q, id: string, nowIso: string): Promise<string | undefined> {
    await q.updateTable('applications').set({ updated_at: nowIso }).where('id', '=', id).execute();
    const row = await q.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirst();
    return row?.status;
  }
  /** Moves the status only if it still is what we read: safe when two uploads race. */
  async moveStatus(q: Q, id: string, from: string, to: string, nowIso: string): Promise<boolean> {
    const r = await q.updateTable('applications').set({ status: to, updated_at: nowIso }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** DOC-4: the parent's upload answers every open request for missing items. */
  answerInfoRequests(q: Q, applicationId: string, nowIso: string) {
    return q.updateTable('info_requests').set({ answered_at: nowIso }).where('application_id', '=', applicationId).where('answered_at', 'is', null).where('closed_at', 'is', null).execute();
  }
  insertEvent(q: Q, e: ApplicationEventsTable) {
    return q.insertInto('application_events').values(e).execute();
  }
  messagesForApplication(applicationId: string) {
    return this.db.selectFrom('outbox').select(['id', 'subject', 'created_at']).where('application_id', '=', applicationId).orderBy('created_at', 'desc').execute();
  }
}
