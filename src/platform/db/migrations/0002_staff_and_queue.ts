import { Kysely } from 'kysely';

// Staff accounts, their sessions and tokens, the audit log, and the stored decision due date.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('activated_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff_schools')
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
    .addPrimaryKeyConstraint('staff_schools_pk', ['staff_id', 'school_id'])
    .execute();

  await db.schema
    .createTable('staff_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('sessions').addColumn('staff_id', 'text', (c) => c.references('staff.id')).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_district_at').on('audit_log').columns(['district_id', 'at']).execute();
  await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity_type', 'entity_id']).execute();

  // DEC-3: deadlines are data. Existing rows are filled by the application code on start.
  await db.schema.alterTable('applications').addColumn('decision_due_on', 'text').execute();
  await db.schema.alterTable('applications').addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('applications_queue_status').on('applications').columns(['district_id', 'status', 'received_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('applications_queue_status').execute();
  await db.schema.alterTable('applications').dropColumn('priority').execute();
  await db.schema.alterTable('applications').dropColumn('decision_due_on').execute();
  await db.schema.dropTable('audit_log').execute();
  await db.schema.alterTable('sessions').dropColumn('staff_id').execute();
  await db.schema.dropTable('staff_tokens').execute();
  await db.schema.dropTable('staff_schools').execute();
  await db.schema.dropTable('staff').execute();
}
