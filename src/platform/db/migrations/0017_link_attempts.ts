import { Kysely } from 'kysely';

/**
 * PRV-1: every try of a parent at a linking code, refused ones too, kept as a record (the audit
 * log is staff's: its rows name a staff member). Who (the account), from where, when, the outcome,
 * and the student when the code named one. Written only by `modules/enrollment` (linking);
 * read by account (the parent's own tries) and by student (the office's linking section).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('link_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('ip', 'text', (c) => c.notNull())
    // linked | malformed | wrong | expired | used | student-linked | rate-limited
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('student_id', 'text')
    .execute();
  await db.schema.createIndex('link_attempts_account').on('link_attempts').columns(['account_id', 'at']).execute();
  await db.schema.createIndex('link_attempts_student').on('link_attempts').columns(['student_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('link_attempts').execute();
}
