import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { buildParent, buildStudent } from './support/parents.js';
import { newId } from '../src/platform/ids.js';
import { isUniqueViolation } from '../src/platform/db/kysely.js';
import { Roll } from '../src/modules/enrollment/roll.js';
import { EnrollmentRepository } from '../src/modules/enrollment/repository.js';

const D = 'lausd-sample';
const ELM = `${D}:1001`; // TK–5
const SUNRISE = `${D}:1002`; // TK–5
const MISSION = `${D}:2001`; // 6–8
const YEAR = '2026-2027'; // first day 2026-08-13, last day 2027-06-10
const CLERK = 'staff:clerk';

/** Tuesday, December 1, 2026, 10:00 in Los Angeles: mid-year. */
const DEC_1 = '2026-12-01T18:00:00Z';

for (const db of databases) {
  describe(`enrollment: a school's roll (${db.name})`, () => {
    let t: TestApp;
    let roll: Roll;
    let repo: EnrollmentRepository;
    let accountId: string;

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1 });
      roll = new Roll(t.deps);
      repo = new EnrollmentRepository(t.deps.db);
      accountId = (await buildParent(t)).id;
    });
    afterAll(() => t.close());

    const student = async () => (await buildStudent(t, accountId)).id;
    const rowsOf = (studentId: string) => t.deps.db.selectFrom('enrollments').selectAll().where('student_id', '=', studentId).execute();
    const eventsOf = (studentId: string) =>
      t.deps.db
        .selectFrom('enrollment_events')
        .innerJoin('enrollments', 'enrollments.id', 'enrollment_events.enrollment_id')
        .selectAll('enrollment_events')
        .where('enrollments.student_id', '=', studentId)
        .execute();
    const active = { schoolId: ELM, schoolYear: YEAR, grade: '2', entryType: 'new' };

    it('ENR-1 enrolls at once on any day of the year, mid-year included, never on a waiting list', async () => {
      const s = await student();
      const r = await roll.enroll(CLERK, { studentId: s, ...active, entryDate: '2026-12-01' });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value).toMatchObject({ status: 'active', entry_date: '2026-12-01', district_id: D, school_id: ELM, is_primary: 1 });
      expect(await eventsOf(s)).toEqual([expect.objectContaining({ actor: CLERK, what: 'enrolled', from_status: null, to_status: 'active' })]);

      // The first day of the year and a day in the spring the clock has reached: the same.
      t.clock.set('2027-04-20T18:00:00Z');
      try {
        for (const [day, id] of [
          ['2026-08-13', await student()],
          ['2027-04-20', await student()],
        ]) {
          const e = await roll.enroll(CLERK, { studentId: id, ...active, entryDate: day });
          expect(e.ok && e.value.status).toBe('active');
        }
      } finally {
        t.clock.set(DEC_1);
      }
    });

    it('ENR-3 a pre-enrollment has no entry date until the first day in the seat, which makes it active', async () => {
      const s = await student();
      const pre = await roll.enroll(CLERK, { studentId: s, ...active });
      expect(pre.ok && pre.value).toMatchObject({ status: 'pre_enrolled', entry_date: null });
      if (!pre.ok) return;
      // A first day in the future is refused: nobody has sat in the seat yet.
      const early = await roll.start(CLERK, pre.value.id, '2026-12-02');
      expect(early).toMatchObject({ ok: false, problem: { code: 'enrollment.entry-in-future', field: 'entryDate' } });
      const started = await roll.start(CLERK, pre.value.id, '2026-11-30');
      expect(started.ok && started.value).toMatchObject({ status: 'active', entry_date: '2026-11-30' });
      expect((await eventsOf(s)).map((e) => [e.what, e.from_status, e.to_status])).toEqual(
        expect.arrayContaining([
          ['enrolled', null, 'pre_enrolled'],
          ['started', 'pre_enrolled', 'active'],
        ]),
      );
      // Started once: a second start is refused.
      expect(await roll.start(CLERK, pre.value.id, '2026-11-30')).toMatchObject({ ok: false, problem: { code: 'enrollment.not-pre-enrolled' } });
    });

    it('ENR-3 an entry date before the school year starts, after it ends or in the future is refused, nothing saved', async () => {
      const s = await student();
      for (const [day, code] of [
        ['2026-08-12', 'enrollment.entry-before-year'],
        ['2026-12-02', 'enrollment.entry-in-future'],
        ['2026-02-30', 'enrollment.date-invalid'],
      ]) {
        const r = await roll.enroll(CLERK, { studentId: s, ...active, entryDate: day });
        expect(r, day).toMatchObject({ ok: false, problem: { code, messageKey: code.replace('enrollment.', 'enrollment.errors.'), field: 'entryDate' } });
      }
      expect(await roll.enroll(CLERK, { studentId: s, ...active, schoolYear: '2031-2032', entryDate: '2026-12-01' })).toMatchObject({ ok: false, problem: { field: 'schoolYear' } });
      expect(await roll.enroll(CLERK, { studentId: s, ...active, grade: '7', entryDate: '2026-12-01' })).toMatchObject({ ok: false, problem: { code: 'enrollment.grade-not-served', field: 'grade' } });
      expect(await rowsOf(s)).toEqual([]);
      expect(await eventsOf(s)).toEqual([]);
    });

    it('ENR-1 a second active primary enrollment is refused clearly, and the database refuses one written around the roll', async () => {
      const s = await student();
      expect((await roll.enroll(CLERK, { studentId: s, ...active, entryDate: '2026-11-02' })).ok).toBe(true);
      const second = await roll.enroll(CLERK, { studentId: s, ...active, schoolId: SUNRISE, entryDate: '2026-11-03' });
      expect(second).toMatchObject({ ok: false, problem: { code: 'enrollment.second-active-primary', messageKey: 'enrollment.errors.second-active-primary', field: 'schoolId' } });
      // A pre-enrollment elsewhere (next school, next year) and a secondary enrollment are not refused.
      expect((await roll.enroll(CLERK, { studentId: s, ...active, schoolId: SUNRISE })).ok).toBe(true);
      expect((await roll.enroll(CLERK, { studentId: s, ...active, schoolId: SUNRISE, entryDate: '2026-11-03', primary: false })).ok).toBe(true);
      // Starting the pre-enrollment would make a second active primary: refused too.
      const pre = (await rowsOf(s)).find((r) => r.status === 'pre_enrolled')!;
      expect(await roll.start(CLERK, pre.id, '2026-11-30')).toMatchObject({ ok: false, problem: { code: 'enrollment.second-active-primary' } });
      expect((await rowsOf(s)).filter((r) => r.status === 'active' && r.is_primary === 1)).toHaveLength(1);

      // The partial unique index itself refuses a raw second active primary row.
      const now = t.clock.now().toISOString();
      const raw = { id: newId(), district_id: D, school_id: SUNRISE, student_id: s, school_year: YEAR, grade: '2', status: 'active' as const, entry_type: 'new', entry_date: '2026-11-03', exit_date: null, exit_code: null, is_primary: 1, application_id: null, transfer_code: null, residence_district: null, expected_first_day: null, grade_rank: 3, exit_document_id: null, created_at: now, updated_at: now };
      const error = await t.deps.db.insertInto('enrollments').values(raw).execute().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isUniqueViolation(error)).toBe(true);
      // …and only that: the same row as an exited or a secondary enrollment is taken.
      await t.deps.db.insertInto('enrollments').values({ ...raw, id: newId(), status: 'exited' }).execute();
      await t.deps.db.insertInto('enrollments').values({ ...raw, id: newId(), is_primary: 0 }).execute();
    });

    it('ENR-1 two clerks enrolling one student at the same moment: one is enrolled, the other refused', async () => {
      const s = await student();
      const both = await Promise.all([
        roll.enroll(CLERK, { studentId: s, ...active, entryDate: '2026-11-30' }),
        roll.enroll('staff:other', { studentId: s, ...active, schoolId: SUNRISE, entryDate: '2026-11-30' }),
      ]);
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      expect(both.filter((r) => !r.ok)).toEqual([{ ok: false, problem: expect.objectContaining({ code: 'enrollment.second-active-primary', field: 'schoolId' }) }]);
      expect(await rowsOf(s)).toHaveLength(1);
      expect(await eventsOf(s)).toHaveLength(1);
    });

    it('exits an active enrollment with its code and date; an exit before the entry is refused', async () => {
      const s = await student();
      const e = await roll.enroll(CLERK, { studentId: s, ...active, entryDate: '2026-10-05' });
      if (!e.ok) throw new Error('not enrolled');
      const before = await roll.exit(CLERK, { enrollmentId: e.value.id, exitCode: 'E230', exitDate: '2026-10-04' });
      expect(before).toMatchObject({ ok: false, problem: { code: 'enrollment.exit-before-entry', field: 'exitDate', params: { entryDate: '2026-10-05' } } });
      expect(await roll.exit(CLERK, { enrollmentId: e.value.id, exitCode: ' ', exitDate: '2026-11-20' })).toMatchObject({ ok: false, problem: { field: 'exitCode' } });
      expect((await rowsOf(s))[0]).toMatchObject({ status: 'active', exit_date: null, exit_code: null });

      const out = await roll.exit(CLERK, { enrollmentId: e.value.id, exitCode: 'E230', exitDate: '2026-11-20', note: 'Moved to Texas' });
      expect(out.ok && out.value).toMatchObject({ status: 'exited', exit_code: 'E230', exit_date: '2026-11-20' });
      expect(await roll.exit(CLERK, { enrollmentId: e.value.id, exitCode: 'E230', exitDate: '2026-11-21' })).toMatchObject({ ok: false, problem: { code: 'enrollment.not-active' } });
      // Exited, the student may be enrolled again at once (ENR-1).
      expect((await roll.enroll(CLERK, { studentId: s, ...active, schoolId: SUNRISE, entryDate: '2026-11-30' })).ok).toBe(true);
    });

    it('WDR-4 an entry type or an exit code the district does not have is refused on its field, nothing saved', async () => {
      const s = await student();
      // E1 is no entry type of the sample district (its entry types are its own codes, each mapped to CALPADS and Ed-Fi).
      expect(await roll.enroll(CLERK, { studentId: s, ...active, entryType: 'E1', entryDate: '2026-10-05' })).toMatchObject({ ok: false, problem: { code: 'enrollment.entry-type-unknown', field: 'entryType' } });
      expect(await rowsOf(s)).toEqual([]);
      const e = await roll.enroll(CLERK, { studentId: s, ...active, entryType: 'inter-district-permit', entryDate: '2026-10-05' });
      if (!e.ok) throw new Error('not enrolled');
      // T999 is no exit code of the district; T160 is.
      expect(await roll.exit(CLERK, { enrollmentId: e.value.id, exitCode: 'T999', exitDate: '2026-11-20' })).toMatchObject({ ok: false, problem: { code: 'enrollment.exit-code-unknown', field: 'exitCode' } });
      expect((await rowsOf(s))[0]).toMatchObject({ status: 'active', exit_code: null });
      expect((await eventsOf(s)).map((ev) => ev.what)).toEqual(['enrolled']);
      expect((await roll.exit(CLERK, { enrollmentId: e.value.id, exitCode: 'T160', exitDate: '2026-11-20' })).ok).toBe(true);
    });

    it('transfers between two schools of the district on consecutive days, in one transaction', async () => {
      const s = await student();
      const e = await roll.enroll(CLERK, { studentId: s, ...active, entryDate: '2026-09-01' });
      if (!e.ok) throw new Error('not enrolled');
      t.clock.advance(60_000); // a minute later, so the history reads in order
      const r = await roll.transfer(CLERK, { enrollmentId: e.value.id, toSchoolId: SUNRISE, firstDay: '2026-11-16', exitCode: 'T160', entryType: 'transfer' });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.exited).toMatchObject({ school_id: ELM, status: 'exited', exit_date: '2026-11-15', exit_code: 'T160' });
      expect(r.value.entered).toMatchObject({ school_id: SUNRISE, status: 'active', entry_date: '2026-11-16', entry_type: 'transfer', grade: '2', is_primary: 1 });

      const history = await repo.history(s);
      expect(history.map((h) => [h.school_id, h.status, h.entry_date, h.exit_date])).toEqual([
        [ELM, 'exited', '2026-09-01', '2026-11-15'],
        [SUNRISE, 'active', '2026-11-16', null],
      ]);
      expect(history[0].events.map((x) => x.what)).toEqual(['enrolled', 'exited']);
      expect(history[1].events.map((x) => x.what)).toEqual(['enrolled']);
    });

    it('a refused transfer keeps nothing of it: the old enrollment stays active, no new one, no event', async () => {
      const s = await student();
      const e = await roll.enroll(CLERK, { studentId: s, ...active, entryDate: '2026-09-01' });
      if (!e.ok) throw new Error('not enrolled');
      const eventsBefore = (await eventsOf(s)).length;
      // The exit would be valid; the entry is not (grade 2 at a middle school): both roll back.
      const wrongGrade = await roll.transfer(CLERK, { enrollmentId: e.value.id, toSchoolId: MISSION, firstDay: '2026-11-16', exitCode: 'T160', entryType: 'transfer' });
      expect(wrongGrade).toMatchObject({ ok: false, problem: { code: 'enrollment.grade-not-served' } });
      const future = await roll.transfer(CLERK, { enrollmentId: e.value.id, toSchoolId: SUNRISE, firstDay: '2026-12-03', exitCode: 'T160', entryType: 'transfer' });
      expect(future).toMatchObject({ ok: false, problem: { code: 'enrollment.entry-in-future' } });
      const otherDistrict = await roll.transfer(CLERK, { enrollmentId: e.value.id, toSchoolId: 'paramount-sample:101', firstDay: '2026-11-16', exitCode: 'T160', entryType: 'transfer' });
      expect(otherDistrict).toMatchObject({ ok: false, problem: { code: 'enrollment.school-unknown', field: 'toSchoolId' } });
      const noSuchSchool = await roll.transfer(CLERK, { enrollmentId: e.value.id, toSchoolId: `${D}:9999`, firstDay: '2026-11-16', exitCode: 'T160', entryType: 'transfer' });
      expect(noSuchSchool).toMatchObject({ ok: false, problem: { code: 'enrollment.school-unknown', field: 'toSchoolId' } });
      expect(await rowsOf(s)).toEqual([expect.objectContaining({ id: e.value.id, status: 'active', exit_date: null, exit_code: null })]);
      expect(await eventsOf(s)).toHaveLength(eventsBefore);
    });

    it("reads a school's roll a page at a time by keyset, by status and grade, grades in school order (K before 3, 3 before 10)", async () => {
      const school = `${D}:1003`; // Figueroa Science Magnet, K–8
      const ids: string[] = [];
      for (const grade of ['3', '3', '4', '3', 'K']) {
        const s = await student();
        ids.push(s);
        expect((await roll.enroll(CLERK, { studentId: s, schoolId: school, schoolYear: YEAR, grade, entryType: 'new', entryDate: '2026-09-08' })).ok).toBe(true);
      }
      const seen: string[] = [];
      let after: Awaited<ReturnType<EnrollmentRepository['rollPage']>>['next'];
      let pages = 0;
      do {
        const page = await repo.rollPage({ schoolId: school, schoolYear: YEAR, status: 'active', limit: 2, after });
        seen.push(...page.rows.map((r) => `${r.grade}:${r.studentId}`));
        expect(page.rows.length).toBeLessThanOrEqual(2);
        after = page.next;
        pages++;
      } while (after);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(5);
      expect(new Set(seen.map((x) => x.split(':')[1]))).toEqual(new Set(ids));
      expect(seen.map((x) => x.split(':')[0])).toEqual(['K', '3', '3', '3', '4']);
      const third = await repo.rollPage({ schoolId: school, schoolYear: YEAR, status: 'active', grade: '3', limit: 10 });
      expect(third.rows).toHaveLength(3);
      expect(third.next).toBeUndefined();
      expect(third.rows[0]).toMatchObject({ firstName: 'Mateo', lastName: 'López', entryDate: '2026-09-08', entryType: 'new' });
      expect((await repo.rollPage({ schoolId: school, schoolYear: YEAR, status: 'pre_enrolled', limit: 10 })).rows).toEqual([]);
    });
  });
}
