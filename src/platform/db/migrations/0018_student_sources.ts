import { Kysely } from 'kysely';

/**
 * A student's identifier in the district's student information system (issue 15, the roll's
 * import): one row per district and source identifier, so that importing the same file again —
 * or a later file naming the same student at another school, or with a corrected name — finds
 * the student already on the roll instead of adding a second one. Written only by
 * `modules/enrollment` (roll-import.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('student_sources')
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('student_sources_pk', ['district_id', 'source_id'])
    .execute();
  await db.schema.createIndex('student_sources_student').on('student_sources').columns(['student_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('student_sources').execute();
}
