import { Kysely, sql } from 'kysely';

/**
 * Issue "outgoing and intra-district permits": the other two permit kinds, the hand-off between
 * hosted districts, where a student lives, and a permit's life after approval.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Outgoing (release) and intra-district requests, and the link between a release and the
  // incoming request it became in the receiving district (DEC-5).
  await db.schema
    .alterTable('applications')
    .addColumn('target_district_slug', 'text') // outgoing: the receiving district, when hosted here
    .execute();
  await db.schema.alterTable('applications').addColumn('target_district_name', 'text').execute(); // outgoing: as the parent named it
  await db.schema.alterTable('applications').addColumn('target_school', 'text').execute(); // outgoing: school code (hosted) or name
  await db.schema.alterTable('applications').addColumn('residence_school_id', 'text').execute(); // intra: school of residence (STU-2)
  await db.schema.alterTable('applications').addColumn('linked_application_id', 'text').execute(); // release <-> incoming
  await db.schema.alterTable('applications').addColumn('registration_number', 'text').execute(); // intra: ID from registration at the school of residence
  await db.schema.createIndex('applications_linked').on('applications').column('linked_application_id').execute();
  await db.schema.createIndex('applications_student').on('applications').columns(['student_id', 'received_at']).execute();

  // A release's permit names a school of another district, or none (a district not hosted
  // here): the permit's school can no longer reference this deployment's schools. Rebuilt, as
  // SQLite cannot drop a constraint; nothing references permits yet.
  await db.schema
    .createTable('permits_rebuilt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().unique().references('applications.id'))
    .addColumn('decision_id', 'text', (c) => c.notNull().references('decisions.id'))
    .addColumn('verification_code', 'text', (c) => c.notNull().unique())
    .addColumn('school_id', 'text', (c) => c.notNull()) // '' when the release names no hosted school
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('first_year', 'text', (c) => c.notNull())
    .addColumn('last_year', 'text', (c) => c.notNull())
    .addColumn('renew_yearly', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await sql`insert into permits_rebuilt (id, application_id, decision_id, verification_code, school_id, grade, first_year, last_year, renew_yearly, status, issued_at, revoked_at)
    select id, application_id, decision_id, verification_code, school_id, grade, first_year, last_year, renew_yearly, status, issued_at, revoked_at from permits`.execute(db);
  await db.schema.dropTable('permits').execute();
  await db.schema.alterTable('permits_rebuilt').renameTo('permits').execute();
  await db.schema.createIndex('permits_school').on('permits').columns(['school_id', 'status']).execute();

  // The day a request reached this district: a request forwarded from a release arrives after
  // its date received (its place in the queue), and its own deadlines count from arrival.
  await db.schema.alterTable('applications').addColumn('arrived_at', 'text').execute();

  // Intra-district: each of the two schools approves or denies (one row per school role).
  await db.schema
    .createTable('school_approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull()) // 'residence' | 'requested'
    .addColumn('decision', 'text', (c) => c.notNull()) // 'approved' | 'denied'
    .addColumn('note', 'text')
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('school_approvals_once', ['application_id', 'role'])
    .execute();

  // STU-2: a district's address ranges, imported from CSV. One row per range and grade span.
  await db.schema
    .createTable('address_ranges')
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('street', 'text', (c) => c.notNull()) // normalised: "N MAIN ST" → "NORTH MAIN STREET"
    .addColumn('number_from', 'integer', (c) => c.notNull())
    .addColumn('number_to', 'integer', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull()) // 'odd' | 'even' | 'both'
    .addColumn('zip', 'text', (c) => c.notNull())
    .addColumn('grade_from', 'integer', (c) => c.notNull()) // index in GRADES
    .addColumn('grade_to', 'integer', (c) => c.notNull())
    .addColumn('school_code', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull()) // line of the imported file, to explain a match
    .execute();
  await db.schema.createIndex('address_ranges_lookup').on('address_ranges').columns(['zip', 'street', 'number_from']).execute();
  await db.schema.createIndex('address_ranges_district').on('address_ranges').column('district_id').execute();

  // DEC-12: provisional enrollment while a permit is pending.
  await db.schema
    .createTable('provisional_enrollments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').unique())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('first_day', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull()) // last school day of the two school months
    .addColumn('warn_on', 'text', (c) => c.notNull())
    .addColumn('warned_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();

  // DEC-14: periodic reviews of permits by site administrators.
  await db.schema
    .createTable('permit_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('permit_id', 'text', (c) => c.notNull().references('permits.id'))
    .addColumn('reviewed_on', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull()) // 'continue' | 'concern'
    .addColumn('note', 'text')
    .addColumn('reviewed_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('permit_reviews_permit').on('permit_reviews').columns(['permit_id', 'reviewed_on']).execute();

  // DEC-13: changes of address a parent reports, and whether they came within 30 days.
  await db.schema
    .createTable('address_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('moved_on', 'text', (c) => c.notNull())
    .addColumn('reported_on', 'text', (c) => c.notNull())
    .addColumn('late', 'integer', (c) => c.notNull()) // reported more than 30 days after the move
    .addColumn('old_address', 'text', (c) => c.notNull())
    .addColumn('new_address', 'text', (c) => c.notNull())
    .addColumn('advice', 'text', (c) => c.notNull()) // what the parent was told to do (a message key)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('address_changes_student').on('address_changes').columns(['student_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['address_changes', 'permit_reviews', 'provisional_enrollments', 'address_ranges', 'school_approvals']) await db.schema.dropTable(t).execute();
  await db.schema.dropIndex('applications_student').execute();
  await db.schema.dropIndex('applications_linked').execute();
  await db.schema.dropIndex('permits_school').execute();
  for (const c of ['arrived_at', 'registration_number', 'linked_application_id', 'residence_school_id', 'target_school', 'target_district_name', 'target_district_slug'])
    await db.schema.alterTable('applications').dropColumn(c).execute();
}
