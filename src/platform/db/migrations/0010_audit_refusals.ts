import { Kysely, sql } from 'kysely';

// PRV-2: a refused attempt on a record (another district's request, a school outside a site
// administrator's scope, an action the role may not take) is written to the audit log of the
// district whose record was tried, so its administrators see who probed it. The row then needs
// the outcome, and the actor's own district, which is no longer always the row's district.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('outcome', 'text', (c) => c.notNull().defaultTo('allowed')).execute();
  await db.schema.alterTable('audit_log').addColumn('actor_district_id', 'text').execute();
  // Every entry so far was written in the actor's own district.
  await sql`update audit_log set actor_district_id = district_id`.execute(db);
  // The audit page's "refused only" view: newest first within a district.
  await db.schema.createIndex('audit_log_district_outcome_at').on('audit_log').columns(['district_id', 'outcome', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_district_outcome_at').execute();
  await db.schema.alterTable('audit_log').dropColumn('actor_district_id').execute();
  await db.schema.alterTable('audit_log').dropColumn('outcome').execute();
}
