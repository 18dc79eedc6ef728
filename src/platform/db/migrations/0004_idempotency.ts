import { Kysely } from 'kysely';

// Idempotency keys: a retried form post or API call returns the first result.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key_hash', 'text', (c) => c.primaryKey()) // sha256 of who + the key
    .addColumn('route', 'text', (c) => c.notNull()) // method and path, so a key is never reused across forms
    .addColumn('status', 'integer') // null while the first request is being handled
    .addColumn('location', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
}
