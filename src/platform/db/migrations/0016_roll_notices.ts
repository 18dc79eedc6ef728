import { Kysely, sql } from 'kysely';

/**
 * ENR-7, DEC-10, DEC-11, DEC-13: what a permit's end tells the school office. A revoked permit,
 * or a move that ends one, never exits a student by itself: it leaves a notice on the roll of
 * the school where the permit placed the student, which the office reads and marks done once it
 * has acted (an exit with its code, a mid-year update, or nothing). Written only by
 * `modules/enrollment` (from-permit.ts).
 *
 * One notice per enrollment, kind and cause (`source`: the revocation's decision, the move's
 * address change): the same cause told twice (a retried request) leaves one. The office's list
 * is one school's open notices, oldest first: one range of (school, resolved_at, created_at).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('roll_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'text', (c) => c.notNull().references('enrollments.id'))
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('student_id', 'text', (c) => c.notNull())
    // permit-revoked | permit-ended-by-move
    .addColumn('kind', 'text', (c) => c.notNull())
    // The permit's request, and what caused the notice: 'decision:<id>' or 'move:<address change id>'.
    .addColumn('application_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    // A catalog key that says more (the move's advice), or null.
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    .execute();
  await db.schema.createIndex('roll_notices_once').on('roll_notices').columns(['enrollment_id', 'kind', 'source']).unique().execute();
  await sql`create index roll_notices_open on roll_notices (school_id, created_at, id) where resolved_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('roll_notices').execute();
}
