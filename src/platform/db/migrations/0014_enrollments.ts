import { Kysely, sql } from 'kysely';

/**
 * A school's roll (issue 15, ENR-1, ENR-3): one row per enrollment of a student at a school for a
 * school year, and the history of each (who, when, what, from, to). Written only by
 * `modules/enrollment/roll.ts`.
 *
 * Indexes for a district of 500,000 students: a school's roll reads one range of
 * (school, year, status, grade) in keyset order (the id last); a student's history reads one
 * student's rows; and the database itself refuses a second active primary enrollment of a
 * student (a partial unique index, which SQLite and PostgreSQL both have).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('enrollments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('entry_type', 'text', (c) => c.notNull())
    // ENR-3: the first day of in-seat attendance; null while pre-enrolled.
    .addColumn('entry_date', 'text')
    .addColumn('exit_date', 'text')
    .addColumn('exit_code', 'text')
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('application_id', 'text', (c) => c.references('applications.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('enrollments_roll').on('enrollments').columns(['school_id', 'school_year', 'status', 'grade', 'id']).execute();
  await db.schema.createIndex('enrollments_student').on('enrollments').columns(['student_id', 'entry_date']).execute();
  await sql`create unique index enrollments_one_active_primary on enrollments (student_id) where status = 'active' and is_primary = 1`.execute(db);

  await db.schema
    .createTable('enrollment_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'text', (c) => c.notNull().references('enrollments.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('enrollment_events_enrollment').on('enrollment_events').columns(['enrollment_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('enrollment_events').execute();
  await db.schema.dropTable('enrollments').execute();
}
