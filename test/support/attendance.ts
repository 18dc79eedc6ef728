import type { TestApp } from './app.js';
import { newId } from '../../src/platform/ids.js';
import type { AttendanceMode, SectionsTable } from '../../src/platform/db/schema.js';
import { ROLL } from './roll.js';

/** Attendance for the tests (issue 16): a school's bell schedule, mode and sections, inserted as the office's pages or an import would leave them. */

/** A bell schedule of six 50-minute periods from 8:00 (period 1) for a school and year, and the school's mode. */
export async function bellSchedule(t: TestApp, schoolId: string = ROLL.elm, mode: AttendanceMode = 'period', year: string = ROLL.year): Promise<void> {
  const at = t.clock.now().toISOString();
  for (let i = 1; i <= 6; i++) {
    const start = 8 * 60 + (i - 1) * 60;
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    await t.deps.db.insertInto('bell_periods').values({ id: newId(), school_id: schoolId, school_year: year, code: String(i), label: `Period ${i}`, starts_at: hhmm(start), ends_at: hhmm(start + 50), position: i }).execute();
  }
  await t.deps.db.insertInto('attendance_schools').values({ school_id: schoolId, school_year: year, mode, updated_at: at, updated_by: 'staff:test' }).execute();
}

/** A section at a school with its teacher and students (in it from `from`, default the year's first day). */
export async function section(
  t: TestApp,
  opts: { schoolId?: string; year?: string; code?: string; period?: string; teacherId?: string | null; students?: string[]; from?: string } = {},
): Promise<SectionsTable> {
  const at = t.clock.now().toISOString();
  const schoolId = opts.schoolId ?? ROLL.elm;
  const row: SectionsTable = {
    id: newId(), district_id: schoolId.split(':')[0], school_id: schoolId, school_year: opts.year ?? ROLL.year, code: opts.code ?? `S-${newId().slice(0, 6)}`,
    name: 'Section', period_code: opts.period ?? '1', teacher_id: opts.teacherId ?? null, created_at: at, updated_at: at,
  };
  await t.deps.db.insertInto('sections').values(row).execute();
  for (const studentId of opts.students ?? []) {
    await t.deps.db.insertInto('section_students').values({ id: newId(), section_id: row.id, student_id: studentId, school_id: schoolId, from_date: opts.from ?? '2026-08-13', to_date: null }).execute();
  }
  return row;
}
