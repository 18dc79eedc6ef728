import { Kysely } from 'kysely';

// The staff queue's search by date of birth (YYYY-MM-DD): without this index the queue's order
// index is walked until a page of matches is found, tens of milliseconds in a large district.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('applications_district_birth').on('applications').columns(['district_id', 'student_date_of_birth']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('applications_district_birth').execute();
}
