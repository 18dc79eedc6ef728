import { describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { openDatabase } from '../src/platform/db/kysely.js';
import { migrations } from '../src/platform/db/migrations/index.js';

/**
 * Migration 0015 (issue 15, PRV-1): a student on a school's roll may have no parent's account yet,
 * so `students.account_id` loses its NOT NULL. SQLite cannot alter a column and rebuilds the
 * table; this proves the rebuild keeps every student, the references to them and the indexes.
 */
describe('migration 0015: students without an account (SQLite rebuild)', () => {
  it('keeps the students, their references and their index; an account-less student is then accepted', async () => {
    const { db, close } = openDatabase('sqlite::memory:');
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo('0014_enrollments')).error).toBeUndefined();
      const now = '2026-12-07T10:00:00.000Z';
      await db.insertInto('users').values({ id: 'u1', email: 'ana@example.org', first_name: 'Ana', middle_name: null, last_name: 'López', password_hash: null, activated_at: now, language: 'es', created_at: now, updated_at: now }).execute();
      const student = { id: 's1', account_id: 'u1', first_name: 'Mateo', middle_name: null, last_name: 'López', date_of_birth: '2018-04-09', current_grade: '2', current_school: null, current_district: null, address_line1: '100 Main St', address_line2: null, city: 'Downey', state: 'CA', zip: '90241', created_at: now, updated_at: now };
      await db.insertInto('students').values(student).execute();
      const noAccount = { ...student, id: 's2', account_id: null };
      await expect(db.insertInto('students').values(noAccount).execute()).rejects.toThrow(/NOT NULL/);

      const { error, results } = await migrator.migrateToLatest();
      expect(error).toBeUndefined();
      expect(results?.map((r) => r.migrationName)).toContain('0015_roll_records');

      expect(await db.selectFrom('students').selectAll().execute()).toEqual([student]);
      await db.insertInto('students').values(noAccount).execute();
      expect((await db.selectFrom('students').select('account_id').where('id', '=', 's2').executeTakeFirstOrThrow()).account_id).toBeNull();
      // The index on the account came back, and references to students still hold both ways.
      const indexes = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'students'`.execute(db);
      expect(indexes.rows.map((r) => r.name)).toContain('students_account');
      await expect(db.insertInto('students').values({ ...student, id: 's3', account_id: 'no-such-user' }).execute()).rejects.toThrow(/FOREIGN KEY/);
      await expect(db.insertInto('roll_students').values({ student_id: 'no-such-student', district_id: 'x', populations: '', immunization: 'complete', immunization_until: null, to_collect: '[]', emancipated: 0, updated_at: now, updated_by: 'system' }).execute()).rejects.toThrow(/FOREIGN KEY/);
      expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0].foreign_keys).toBe(1);
    } finally {
      await close();
    }
  });
});
