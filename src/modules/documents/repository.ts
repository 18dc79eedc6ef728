import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { Db } from '../../platform/db/kysely.js';
import type { Database, DocumentsTable } from '../../platform/db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Every column that holds a storage key. A blob no row of these names is unreferenced and, once
 * old enough, removed by the StorageJanitor: a new table that keeps a storage key must be added
 * here (a test reads the schema and fails otherwise). Receipts, letters, permit PDFs and HEIC
 * previews are made when asked for and never stored. A withdrawal's document (WDR-1) is kept by
 * the roll in its own table.
 */
export const BLOB_REFERENCES = [
  { table: 'documents', column: 'storage_key' },
  { table: 'enrollment_documents', column: 'storage_key' },
  // ATT-2: the photo of a note given with an absence's explanation, kept five years.
  { table: 'absence_explanations', column: 'document_key' },
] as const;

/** Any number will do: the same on every instance. Uploads take it shared, the janitor exclusive. */
const BLOB_LOCK = 0x53_50_42_4c;

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
  /** DOC-4: the parent's upload answers every open request for missing items. */
  answerInfoRequests(q: Q, applicationId: string, nowIso: string) {
    return q.updateTable('info_requests').set({ answered_at: nowIso }).where('application_id', '=', applicationId).where('answered_at', 'is', null).where('closed_at', 'is', null).execute();
  }
  /** Which of `keys` some row still names (one indexed query per referencing column). */
  async referencedKeys(keys: string[], q: Q = this.db): Promise<Set<string>> {
    const found = new Set<string>();
    if (keys.length === 0) return found;
    for (const { table, column } of BLOB_REFERENCES) {
      const rows = await q.selectFrom(table).select(column).distinct().where(column, 'in', keys).execute();
      for (const r of rows) if (r[column]) found.add(r[column]);
    }
    return found;
  }
  /**
   * The blob lock, held until the transaction ends. An upload takes it shared around recording its
   * files; the janitor takes it exclusive around its last look at the references and the removal,
   * so a file is either recorded first (and kept) or recorded after the removal, by an upload that
   * then writes its blob again (StagedFile.ensure). On SQLite there is nothing to take: the
   * database has one connection, and a transaction holds it to its end, so no other statement
   * runs in between anyway.
   */
  async lockBlobs(trx: Transaction<Database>, mode: 'shared' | 'exclusive'): Promise<void> {
    if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
    if (mode === 'shared') await sql`select pg_advisory_xact_lock_shared(${BLOB_LOCK})`.execute(trx);
    else await sql`select pg_advisory_xact_lock(${BLOB_LOCK})`.execute(trx);
  }
  messagesForApplication(applicationId: string) {
    return this.db.selectFrom('outbox').select(['id', 'subject', 'created_at']).where('application_id', '=', applicationId).orderBy('created_at', 'desc').execute();
  }
}
