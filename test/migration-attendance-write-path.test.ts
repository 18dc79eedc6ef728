import { describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { openDatabase } from '../src/platform/db/kysely.js';
import { migrations } from '../src/platform/db/migrations/index.js';

/**
 * Migration 0020 (issue 16, point 11; ADR 0044): on SQLite the tables a roster writes — marks,
 * days, submissions — are rebuilt as their key (WITHOUT ROWID), and the unused index of totals by
 * truant days is dropped. This proves the rebuild keeps every row, the key's uniqueness, the
 * indexes the pages read by and the references to sections and students.
 */
describe('migration 0020: the attendance write path (SQLite rebuild)', () => {
  it('keeps marks, days and submissions with their keys, indexes and references', async () => {
    const { db, close } = openDatabase('sqlite::memory:');
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo('0019_attendance')).error).toBeUndefined();
      const now = '2026-12-07T10:00:00.000Z';
      await db.insertInto('users').values({ id: 'u1', email: 'ana@example.org', first_name: 'Ana', middle_name: null, last_name: 'López', password_hash: null, activated_at: now, language: 'es', created_at: now, updated_at: now }).execute();
      await db.insertInto('students').values({ id: 's1', account_id: 'u1', first_name: 'Mateo', middle_name: null, last_name: 'López', date_of_birth: '2012-04-09', current_grade: '9', current_school: null, current_district: null, address_line1: '100 Main St', address_line2: null, city: 'Downey', state: 'CA', zip: '90241', created_at: now, updated_at: now }).execute();
      await db.insertInto('sections').values({ id: 'sec1', district_id: 'd', school_id: 'd:1', school_year: '2026-2027', code: 'ENG-1', name: 'English', period_code: '1', teacher_id: null, created_at: now, updated_at: now }).execute();
      const mark = { id: 'm1', district_id: 'd', school_id: 'd:1', section_id: 'sec1', student_id: 's1', date: '2026-12-07', code: 'T', category: 'tardy' as const, minutes: 7, truancy: 0, explanation_id: null, recorded_by: 'staff:t', recorded_at: now };
      const day = { student_id: 's1', date: '2026-12-07', district_id: 'd', school_id: 'd:1', school_year: '2026-2027', scheduled: 6, absent_periods: 0, excused_periods: 0, tardies: 1, status: 'tardy' as const, truant: 0, unexplained: 0, updated_at: now };
      const submission = { section_id: 'sec1', date: '2026-12-07', school_id: 'd:1', submitted_by: 'staff:t', submitted_at: now, changed_at: null, paper_record: null };
      await db.insertInto('attendance_marks').values(mark).execute();
      await db.insertInto('attendance_days').values(day).execute();
      await db.insertInto('roster_submissions').values(submission).execute();

      const { error, results } = await migrator.migrateToLatest();
      expect(error).toBeUndefined();
      expect(results?.map((r) => r.migrationName)).toContain('0020_attendance_write_path');

      // Every row kept, column for column.
      expect(await db.selectFrom('attendance_marks').selectAll().execute()).toEqual([mark]);
      expect(await db.selectFrom('attendance_days').selectAll().execute()).toEqual([day]);
      expect(await db.selectFrom('roster_submissions').selectAll().execute()).toEqual([submission]);

      // Each table is its key now, and the key still refuses a second row.
      const tables = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'table' and name in ('attendance_marks', 'attendance_days', 'roster_submissions')`.execute(db);
      expect(tables.rows).toHaveLength(3);
      for (const t of tables.rows) expect(t.sql.toLowerCase()).toMatch(/without rowid\s*$/);
      await expect(db.insertInto('attendance_marks').values({ ...mark, id: 'm2', code: 'A' }).execute()).rejects.toThrow(/UNIQUE/);
      await expect(db.insertInto('attendance_days').values(day).execute()).rejects.toThrow(/UNIQUE/);
      await expect(db.insertInto('roster_submissions').values(submission).execute()).rejects.toThrow(/UNIQUE/);

      // The indexes the pages read by came back; the one by truant days is gone.
      const indexes = (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and sql is not null`.execute(db)).rows.map((r) => r.name);
      expect(indexes).toEqual(expect.arrayContaining(['attendance_marks_student', 'attendance_days_unexplained', 'roster_submissions_school']));
      expect(indexes).not.toContain('attendance_totals_truant');
      const plan = await sql<{ detail: string }>`explain query plan select * from attendance_marks where student_id = 's1' and date = '2026-12-07'`.execute(db);
      expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(/attendance_marks_student/);
      // A roster's seat checks its enrollment from an index alone; a chronic list still joins its
      // totals to their enrollments by student (four equal columns), not by walking the school's roll.
      const seat = await sql<{ detail: string }>`explain query plan select 1 from enrollments e where e.student_id = 's1' and e.school_id = 'd:1' and e.entry_date <= '2026-12-07' and (e.exit_date is null or e.exit_date >= '2026-12-07')`.execute(db);
      expect(seat.rows.map((r) => r.detail).join(' ')).toMatch(/COVERING INDEX enrollments_seat/);
      const chronic = await sql<{ detail: string }>`explain query plan select t.student_id from attendance_totals t join enrollments e on e.student_id = t.student_id and e.school_id = t.school_id and e.school_year = t.school_year
        where t.school_id = 'd:1' and t.school_year = '2026-2027' and e.status = 'active' and t.days_absent > 0`.execute(db);
      expect(chronic.rows.map((r) => r.detail).join(' ')).toMatch(/SEARCH e USING (COVERING )?INDEX enrollments_student_school \(student_id=\? AND school_id=\? AND school_year=\? AND status=\?\)/);

      // References still hold: no mark of a section or a student that does not exist.
      await expect(db.insertInto('attendance_marks').values({ ...mark, id: 'm3', section_id: 'no-such-section' }).execute()).rejects.toThrow(/FOREIGN KEY/);
      await expect(db.insertInto('roster_submissions').values({ ...submission, section_id: 'no-such-section' }).execute()).rejects.toThrow(/FOREIGN KEY/);
      expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0].foreign_keys).toBe(1);
    } finally {
      await close();
    }
  });
});
