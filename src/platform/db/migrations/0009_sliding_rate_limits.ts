import { Kysely } from 'kysely';

// Rate limits slide instead of resetting on the clock hour (docs/operations.md, "Rate limits"):
// the count of the window before the current one is kept, and its share of the last full window
// is added to the current count. A burst just before the hour no longer gets a fresh allowance
// a minute later.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rate_limits').addColumn('previous_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rate_limits').dropColumn('previous_count').execute();
}
