import { Kysely } from 'kysely';

// The storage clean-up asks, a page of blobs at a time, which keys a document row still names
// (StorageJanitor): without this index each page would read the whole documents table.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('documents_storage_key').on('documents').column('storage_key').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('documents_storage_key').execute();
}
