import { Kysely } from 'kysely';

// Decisions, permits, seats, requests for missing items, appeals, and document review.
export async function up(db: Kysely<any>): Promise<void> {
  // DOC-3: each document's review, with the reason a parent reads in their language.
  await db.schema.alterTable('documents').addColumn('review_reason', 'text').execute();
  await db.schema.alterTable('documents').addColumn('review_note', 'text').execute();
  await db.schema.alterTable('documents').addColumn('reviewed_by', 'text').execute();
  await db.schema.alterTable('documents').addColumn('reviewed_at', 'text').execute();

  // The district's own student number, entered by staff (DOC-3 searches by it).
  await db.schema.alterTable('applications').addColumn('student_number', 'text').execute();
  await db.schema.createIndex('applications_student_number').on('applications').columns(['district_id', 'student_number']).execute();

  // Every written decision, in order: approvals, denials, deemed denials, revocations, abandonment.
  await db.schema
    .createTable('decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull()) // JSON array of reason codes
    .addColumn('note', 'text')
    .addColumn('decided_on', 'text', (c) => c.notNull()) // district-local date
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text') // staff id; null for the system (deemed denial, abandonment)
    .addColumn('appeal_until', 'text') // DEC-8: last day to appeal, when there is a right to appeal
    .addColumn('no_appeal_reason', 'text') // DEC-9 / DEC-16: why there is none
    .addColumn('language', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('decisions_application').on('decisions').columns(['application_id', 'decided_at']).execute();

  // DEC-6, DEC-18: the permit an approval issues.
  await db.schema
    .createTable('permits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().unique().references('applications.id'))
    .addColumn('decision_id', 'text', (c) => c.notNull().references('decisions.id'))
    .addColumn('verification_code', 'text', (c) => c.notNull().unique())
    .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('first_year', 'text', (c) => c.notNull())
    .addColumn('last_year', 'text', (c) => c.notNull())
    .addColumn('renew_yearly', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull()) // active | revoked
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  // DEC-6: seats taken by approvals, per school, year and grade; the guard against overfilling.
  await db.schema
    .createTable('seat_counts')
    .addColumn('school_id', 'text', (c) => c.notNull().references('schools.id'))
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('seat_counts_pk', ['school_id', 'school_year', 'grade'])
    .execute();

  // DOC-4: staff ask for missing documents or information by a due date.
  await db.schema
    .createTable('info_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('doc_codes', 'text', (c) => c.notNull()) // JSON array
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema.createIndex('info_requests_application').on('info_requests').columns(['application_id', 'created_at']).execute();

  // DEC-8, DEC-9: appeals filed with the county office, as the district records them.
  await db.schema
    .createTable('appeals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('decision_id', 'text', (c) => c.notNull().unique().references('decisions.id'))
    .addColumn('filed_on', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull()) // pending | upheld | overturned
    .addColumn('outcome_on', 'text')
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('appeals').execute();
  await db.schema.dropTable('info_requests').execute();
  await db.schema.dropTable('seat_counts').execute();
  await db.schema.dropTable('permits').execute();
  await db.schema.dropTable('decisions').execute();
  await db.schema.dropIndex('applications_student_number').execute();
  await db.schema.alterTable('applications').dropColumn('student_number').execute();
  for (const c of ['reviewed_at', 'reviewed_by', 'review_note', 'review_reason']) await db.schema.alterTable('documents').dropColumn(c).execute();
}
