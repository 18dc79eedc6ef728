import { Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * What a school's roll keeps beside each enrollment (issue 15), written only by
 * `modules/enrollment`:
 *
 * - `students.account_id` may be empty: a student enrolled at the counter or imported from a
 *   student information system is on the roll before any parent's account is linked to it, and
 *   is linked only by the school (PRV-1) — never by a name and a date of birth.
 * - enrollments: the CALPADS student school transfer code and the district of geographic
 *   residence (ENR-7), the first expected day of a pre-enrollment (WDR-3), the grade's rank (so a
 *   roll sorts TK, K, 1 … 12, not as text), and the document of an exit (WDR-1).
 * - `roll_students`: special populations, the immunization status and what is still to be
 *   collected (ENR-1, ENR-2), and whether the student is an emancipated minor (ENR-5).
 * - `emergency_contacts` (ENR-4); `enrollment_documents` (WDR-1: a withdrawal's document);
 *   `contact_attempts` (the contact log of due diligence, no-shows and investigations: WDR-2,
 *   WDR-3, ENR-6); `no_shows` (WDR-3); `investigations` (ENR-6); `link_codes` (PRV-1).
 *
 * Indexes for a district of 500,000 students: every list is one school's range, read in order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await allowStudentsWithoutAccount(db, postgres);

  await db.schema.alterTable('enrollments').addColumn('transfer_code', 'text').execute();
  await db.schema.alterTable('enrollments').addColumn('residence_district', 'text').execute();
  await db.schema.alterTable('enrollments').addColumn('expected_first_day', 'text').execute();
  await db.schema.alterTable('enrollments').addColumn('grade_rank', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('enrollments').addColumn('exit_document_id', 'text').execute();
  await sql`update enrollments set grade_rank = case grade when 'TK' then 0 when 'K' then 1 else cast(grade as integer) + 1 end`.execute(db);
  await db.schema.dropIndex('enrollments_roll').execute();
  await db.schema.createIndex('enrollments_roll').on('enrollments').columns(['school_id', 'school_year', 'status', 'grade_rank', 'id']).execute();
  // WDR-3: the pre-enrollments whose first expected day has come, for the evening's no-show step.
  await sql`create index enrollments_expected on enrollments (expected_first_day) where status = 'pre_enrolled'`.execute(db);

  await db.schema
    .createTable('roll_students')
    .addColumn('student_id', 'text', (c) => c.primaryKey().references('students.id'))
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    // ENR-1: special populations, codes separated by commas ('' for none).
    .addColumn('populations', 'text', (c) => c.notNull().defaultTo(''))
    // ENR-2: complete | conditional | exempt | missing; a conditional admission has its date.
    .addColumn('immunization', 'text', (c) => c.notNull())
    .addColumn('immunization_until', 'text')
    // ENR-1: what is still to be collected (JSON array of item codes).
    .addColumn('to_collect', 'text', (c) => c.notNull().defaultTo('[]'))
    // ENR-5: an emancipated minor enrolls themself and may ask for their own withdrawal.
    .addColumn('emancipated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('emergency_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('relationship', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('alt_phone', 'text')
    .addColumn('email', 'text')
    .addColumn('language', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // 'account:<id>' (a parent) or 'staff:<id>' (the office).
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('emergency_contacts_student').on('emergency_contacts').columns(['student_id', 'position']).execute();

  await db.schema
    .createTable('enrollment_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'text', (c) => c.notNull().references('enrollments.id'))
    // WDR-1: records_request | private_school_affidavit | not_attending_letter | death_notice
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('enrollment_documents_enrollment').on('enrollment_documents').columns(['enrollment_id', 'uploaded_at']).execute();

  await db.schema
    .createTable('contact_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'text', (c) => c.notNull().references('enrollments.id'))
    // 'due_diligence' (WDR-2) | 'no_show' (WDR-3) | 'investigation' (ENR-6)
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('investigation_id', 'text')
    // When the contact was made (a past moment the person gives), how, who was reached, the outcome.
    .addColumn('contacted_at', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('reached', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('logged_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_attempts_enrollment').on('contact_attempts').columns(['enrollment_id', 'contacted_at']).execute();
  await db.schema.createIndex('contact_attempts_investigation').on('contact_attempts').columns(['investigation_id', 'contacted_at']).execute();

  await db.schema
    .createTable('no_shows')
    .addColumn('enrollment_id', 'text', (c) => c.primaryKey().references('enrollments.id'))
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('expected_day', 'text', (c) => c.notNull())
    .addColumn('flagged_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    // 'came' (an entry date) | 'exited' (the no-show exit code)
    .addColumn('resolution', 'text')
    .execute();
  await db.schema.createIndex('no_shows_school').on('no_shows').columns(['school_id', 'resolved_at', 'expected_day']).execute();

  await db.schema
    .createTable('investigations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'text', (c) => c.notNull().references('enrollments.id'))
    .addColumn('student_id', 'text', (c) => c.notNull())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('school_error', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    // confirmed | corrected | false
    .addColumn('outcome', 'text')
    // stay | continuing_permit | transfer_residence | inter_district_permit
    .addColumn('choice', 'text')
    .addColumn('note', 'text')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text')
    .execute();
  await db.schema.createIndex('investigations_school').on('investigations').columns(['school_id', 'status', 'opened_at']).execute();
  await db.schema.createIndex('investigations_enrollment').on('investigations').columns(['enrollment_id']).execute();

  await db.schema
    .createTable('link_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    // Only a hash of the code is kept; the code itself is shown or mailed once.
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('used_by', 'text')
    .execute();
  await db.schema.createIndex('link_codes_student').on('link_codes').columns(['student_id']).execute();
}

/**
 * PostgreSQL drops the NOT NULL in place. SQLite cannot alter a column, so the table is rebuilt
 * the way its documentation says (the twelve steps): with foreign keys off, a copy of the table
 * with the column nullable, its rows, its indexes, then the check that no reference broke. The
 * migrator runs SQLite migrations outside a transaction, so the steps take their own.
 */
async function allowStudentsWithoutAccount(db: Kysely<any>, postgres: boolean): Promise<void> {
  if (postgres) {
    await sql`alter table students alter column account_id drop not null`.execute(db);
    return;
  }
  const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'students'`.execute(db);
  const create = table.rows[0].sql;
  const nullable = create.replace(/("account_id"\s+text)\s+not null/i, '$1');
  if (nullable === create) throw new Error('students.account_id: the NOT NULL to drop was not found');
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'students' and sql is not null`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin`.execute(db);
    await sql.raw(nullable.replace(/^create table\s+"?students"?/i, 'create table "students_rebuilt"')).execute(db);
    await sql`insert into students_rebuilt select * from students`.execute(db);
    await sql`drop table students`.execute(db);
    await sql`alter table students_rebuilt rename to students`.execute(db);
    for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length) throw new Error(`students rebuilt with ${broken.rows.length} broken references`);
    await sql`commit`.execute(db);
  } catch (e) {
    await sql`rollback`.execute(db);
    throw e;
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['link_codes', 'investigations', 'no_shows', 'contact_attempts', 'enrollment_documents', 'emergency_contacts', 'roll_students']) await db.schema.dropTable(t).execute();
  await sql`drop index enrollments_expected`.execute(db);
  await db.schema.dropIndex('enrollments_roll').execute();
  await db.schema.createIndex('enrollments_roll').on('enrollments').columns(['school_id', 'school_year', 'status', 'grade', 'id']).execute();
  for (const c of ['exit_document_id', 'grade_rank', 'expected_first_day', 'residence_district', 'transfer_code']) await db.schema.alterTable('enrollments').dropColumn(c).execute();
}
