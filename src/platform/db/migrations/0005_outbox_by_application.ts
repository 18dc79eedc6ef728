import { Kysely } from 'kysely';

// A request's page lists its emails: without this index that read scans the whole outbox.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_application').on('outbox').columns(['application_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_application').execute();
}
