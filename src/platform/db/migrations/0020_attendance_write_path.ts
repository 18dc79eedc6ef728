import { Kysely } from 'kysely';

/**
 * Rosters are the product's heaviest write (issue 16, point 11): each index on a table a roster
 * writes is one more page written, and on SQLite copied again at the checkpoint. The index on a
 * school's students by truant days served no list — the truancy worklist reads the school's
 * notices, and a student's truant days are read by student — yet it moved each time a truant day
 * was counted. ADR 0044.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('attendance_totals_truant').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('attendance_totals_truant').on('attendance_totals').columns(['school_id', 'school_year', 'truant_days']).execute();
}
