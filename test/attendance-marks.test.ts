import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { bellSchedule, section } from './support/attendance.js';
import { ReasonRequired } from '../src/modules/attendance/marks.js';
import { attendanceContext } from '../src/modules/attendance/context.js';
import type { AttendanceMarks } from '../src/modules/attendance/marks.js';
import type { TotalsChange } from '../src/modules/attendance/days.js';
import type { DistrictConfig } from '../src/modules/districts/config-schema.js';
import { RollScope } from '../src/modules/access/roll-scope.js';

/**
 * The one writer of marks (attendance/marks.ts) and what it keeps from them (days.ts): a roster's
 * students are present unless marked, a present student writes nothing, a second submission is a
 * change with its history (ATT-7), and the day and the year's totals follow in the same
 * transaction (ATT-4, ATT-8).
 */
describe.each(databases)('attendance marks ($name)', ({ url }) => {
  let t: TestApp;
  let marks: AttendanceMarks;
  let district: DistrictConfig;
  const seen: TotalsChange[] = [];
  const day = '2026-12-07';
  const at = '2026-12-07T16:05:00.000Z';

  beforeAll(async () => {
    t = await makeTestApp({ dbUrl: url, now: at });
    district = t.deps.districts.get(ROLL.district)!;
    marks = attendanceContext(t.deps, undefined as never, new RollScope(t.deps.db), [async (_trx, c) => void seen.push(c)]).marks;
    await bellSchedule(t);
  });
  afterAll(async () => t?.close());

  const write = (s: Parameters<AttendanceMarks['writeRoster']>[1]['section'], entries: { studentId: string; code: string; minutes?: number | null }[], reason: string | null = null, when = at) =>
    t.deps.db.transaction().execute((trx) => marks.writeRoster(trx, { district, section: s, date: day, by: 'staff:teacher', at: when, entries: entries.map((e) => ({ minutes: null, ...e })), reason }));

  it('ATT-1 a roster of present students writes the submission and no mark', async () => {
    const a = await enrolledStudent(t);
    const b = await enrolledStudent(t);
    const s = await section(t, { students: [a.student.id, b.student.id] });
    const r = await write(s, [{ studentId: a.student.id, code: 'P' }, { studentId: b.student.id, code: 'P' }]);
    expect(r).toEqual({ first: true, written: 0, changed: 0 });
    expect(await t.deps.db.selectFrom('roster_submissions').select('submitted_by').where('section_id', '=', s.id).execute()).toEqual([{ submitted_by: 'staff:teacher' }]);
    expect(await t.deps.db.selectFrom('attendance_marks').select('id').where('section_id', '=', s.id).execute()).toEqual([]);
  });

  it('ATT-7 a second submission changes a mark with its history and a reason; without one it is refused', async () => {
    const a = await enrolledStudent(t);
    const s = await section(t, { students: [a.student.id] });
    expect(await write(s, [{ studentId: a.student.id, code: 'A' }])).toEqual({ first: true, written: 1, changed: 0 });
    await expect(write(s, [{ studentId: a.student.id, code: 'T', minutes: 10 }])).rejects.toBeInstanceOf(ReasonRequired);
    expect(await write(s, [{ studentId: a.student.id, code: 'T', minutes: 10 }], 'came in late with a pass', '2026-12-07T16:20:00.000Z')).toEqual({ first: false, written: 1, changed: 1 });
    const mark = await t.deps.db.selectFrom('attendance_marks').select(['code', 'category', 'minutes', 'truancy']).where('student_id', '=', a.student.id).executeTakeFirstOrThrow();
    expect(mark).toEqual({ code: 'T', category: 'tardy', minutes: 10, truancy: 0 });
    const changes = await t.deps.db.selectFrom('attendance_changes').select(['from_code', 'to_code', 'to_minutes', 'reason', 'changed_by']).where('student_id', '=', a.student.id).execute();
    expect(changes).toEqual([{ from_code: 'A', to_code: 'T', to_minutes: 10, reason: 'came in late with a pass', changed_by: 'staff:teacher' }]);
    // The same roster again changes nothing.
    expect(await write(s, [{ studentId: a.student.id, code: 'T', minutes: 10 }], 'again')).toEqual({ first: false, written: 0, changed: 0 });
  });

  it('ATT-4, ATT-8 an unexcused absence from every scheduled period is a day absent and a truant day; one period is a partial day', async () => {
    const a = await enrolledStudent(t);
    const p1 = await section(t, { students: [a.student.id], period: '1' });
    const p2 = await section(t, { students: [a.student.id], period: '2' });
    await write(p1, [{ studentId: a.student.id, code: 'A' }]);
    let dayRow = await t.deps.db.selectFrom('attendance_days').selectAll().where('student_id', '=', a.student.id).executeTakeFirstOrThrow();
    expect([dayRow.scheduled, dayRow.absent_periods, dayRow.status, dayRow.truant, dayRow.unexplained]).toEqual([2, 1, 'partial', 1, 1]);
    await write(p2, [{ studentId: a.student.id, code: 'A' }]);
    dayRow = await t.deps.db.selectFrom('attendance_days').selectAll().where('student_id', '=', a.student.id).executeTakeFirstOrThrow();
    expect([dayRow.absent_periods, dayRow.status]).toEqual([2, 'absent-unexcused']);
    const totals = await t.deps.db.selectFrom('attendance_totals').selectAll().where('student_id', '=', a.student.id).executeTakeFirstOrThrow();
    expect([totals.days_absent, totals.days_excused, totals.partial_days, totals.truant_days, totals.unexplained_days]).toEqual([1, 0, 0, 1, 1]);
    // Entered on 2026-09-08: the first counted day's ordinal is that day's place in the year.
    expect(totals.first_ordinal).toBeGreaterThan(1);
    // Excused after the fact: still a day absent, no longer truant.
    await t.deps.db.transaction().execute(async (trx) => {
      for (const s of [p1, p2]) await marks.changeMark(trx, { district, section: s, studentId: a.student.id, date: day, code: 'IL', minutes: null, by: 'staff:office', at, reason: 'doctor\'s note' });
    });
    const after = await t.deps.db.selectFrom('attendance_totals').selectAll().where('student_id', '=', a.student.id).executeTakeFirstOrThrow();
    expect([after.days_absent, after.days_excused, after.truant_days, after.unexplained_days]).toEqual([1, 1, 0, 0]);
    expect(seen.filter((c) => c.studentId === a.student.id).at(-1)?.after.truant_days).toBe(0);
  });

  it('ATT-8 a tardy counts toward truancy only past 30 minutes', async () => {
    const a = await enrolledStudent(t);
    const b = await enrolledStudent(t);
    const s = await section(t, { students: [a.student.id, b.student.id] });
    await write(s, [{ studentId: a.student.id, code: 'T', minutes: 30 }, { studentId: b.student.id, code: 'T', minutes: 31 }]);
    const rows = await t.deps.db.selectFrom('attendance_marks').select(['student_id', 'truancy']).where('section_id', '=', s.id).execute();
    expect(Object.fromEntries(rows.map((r) => [r.student_id, r.truancy]))).toEqual({ [a.student.id]: 0, [b.student.id]: 1 });
  });
  it('ATT-4 two of a student\'s days written at once both count: the totals change one after the other', async () => {
    const a = await enrolledStudent(t);
    const s = await section(t, { students: [a.student.id] });
    const absentOn = (date: string) =>
      t.deps.db.transaction().execute((trx) => marks.writeRoster(trx, { district, section: s, date, by: 'staff:teacher', at, entries: [{ studentId: a.student.id, code: 'A', minutes: null }], reason: null }));
    await Promise.all([absentOn('2026-12-01'), absentOn('2026-12-02'), absentOn('2026-12-03')]);
    const totals = await t.deps.db.selectFrom('attendance_totals').selectAll().where('student_id', '=', a.student.id).executeTakeFirstOrThrow();
    expect([totals.days_absent, totals.truant_days, totals.unexplained_days]).toEqual([3, 3, 3]);
  });
});
