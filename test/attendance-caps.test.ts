import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { staffMember } from './support/staff.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { bellSchedule, section } from './support/attendance.js';
import { attendanceContext } from '../src/modules/attendance/context.js';
import type { AttendanceMarks } from '../src/modules/attendance/marks.js';
import { capRefusalText, checkCaps } from '../src/modules/attendance/caps.js';
import { namedYear, type YearDays } from '../src/modules/attendance/school-days.js';
import { RollScope } from '../src/modules/access/roll-scope.js';
import type { DistrictConfig } from '../src/modules/districts/config-schema.js';
import type { ExplanationChannel, SectionsTable } from '../src/platform/db/schema.js';
import { newId } from '../src/platform/ids.js';
import { translator } from '../src/platform/i18n/translator.js';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';

/**
 * Caps on excused absences (issue 16 point 6): ATT-3's caps of the bulletin's codes at their
 * boundaries — funeral 5 per incident, grief support 3 per incident, religious retreat 1 per
 * semester, religious instruction 4 per school month, entertainment work 5 per school year — and
 * ATT-6's lower limit of parent-excused absences, set on the office's page.
 */
describe.each(databases)('attendance caps ($name)', ({ url }) => {
  let t: TestApp;
  let marks: AttendanceMarks;
  let district: DistrictConfig;
  let year: YearDays;
  const at = '2026-12-07T16:05:00.000Z';

  beforeAll(async () => {
    t = await makeTestApp({ dbUrl: url, now: at });
    district = t.deps.districts.get(ROLL.district)!;
    year = namedYear(district, ROLL.year)!;
    marks = attendanceContext(t.deps, undefined as never, new RollScope(t.deps.db), []).marks;
    await bellSchedule(t);
  });
  afterAll(async () => t?.close());

  /** A student enrolled at Elm Street with one first-period section. */
  const student = async () => {
    const { student: s } = await enrolledStudent(t);
    const sec = await section(t, { students: [s.id] });
    return { id: s.id, sec };
  };

  /** Marks the dates with an excused code, as the office's change or an accepted explanation leaves them. */
  const excuse = (s: { id: string; sec: SectionsTable }, code: string, dates: string[], explanationId: string | null = null) =>
    t.deps.db.transaction().execute(async (trx) => {
      for (const date of dates) {
        await marks.changeMark(trx, { district, section: s.sec, studentId: s.id, date, code, minutes: null, by: explanationId ? `explanation:${explanationId}` : 'staff:office', at, reason: 'note brought in', explanationId });
      }
    });

  const check = (s: { id: string }, code: string, dates: string[], explanationId: string | null = null, parentExcused = false) =>
    checkCaps(t.deps.db, district, { studentId: s.id, schoolId: ROLL.elm, schoolYear: ROLL.year, code, dates, explanationId, parentExcused });

  /** An explanation of the dates (what the explanations' part writes), accepted. */
  const explanation = async (s: { id: string }, from: string, to: string, channel: ExplanationChannel = 'account', part: 'whole' | 'part' = 'whole') => {
    const id = newId();
    await t.deps.db
      .insertInto('absence_explanations')
      .values({
        id, district_id: ROLL.district, school_id: ROLL.elm, student_id: s.id, account_id: null, channel, from_date: from, to_date: to, part, reason: 'funeral', note: 'A family funeral.',
        document_key: null, document_name: null, document_type: null, language: 'en', status: 'accepted', code: null, refusal: null, created_by: 'staff:office', created_at: at, decided_by: 'staff:office', decided_at: at, removed_at: null,
      })
      .execute();
    return id;
  };

  /** The school days of the year from a date on, `n` of them. */
  const schoolDays = (from: string, n: number) => year.days.filter((d) => d >= from).slice(0, n);
  /** The school days of the year's school month `m` (20 school days each). */
  const month = (m: number) => year.days.slice((m - 1) * 20, m * 20);

  it('ATT-3 funeral: the 5th day of one incident is allowed, the 6th refused with why; a new incident starts again', async () => {
    const s = await student();
    const [d1, d2, d3, d4, d5, d6, d7] = schoolDays('2026-10-05', 7);
    const incident = await explanation(s, d1, d6);
    await excuse(s, 'FU', [d1, d2, d3, d4], incident);
    const r = await check(s, 'FU', [d6, d5], incident, true);
    expect(r.allowed).toEqual([d5]);
    expect(r.refused).toEqual([{ date: d6, key: 'attendance-caps.refused.perIncident', params: { date: d6, code: 'FU', label: 'Funeral or grieving of a family member or close associate', count: 5, nth: 6 } }]);
    // What the office reads, in English and in Spanish (the code's label in the reader's language).
    const catalogs = loadCatalogs();
    const en = translator(catalogs, 'en');
    const es = translator(catalogs, 'es');
    expect(capRefusalText(en.t, 'en', district, r.refused[0])).toBe('Funeral or grieving of a family member or close associate is excused at most 5 days per incident; this would be day 6.');
    expect(capRefusalText(es.t, 'es', district, r.refused[0])).toBe('Funeral o duelo de un familiar o persona cercana se justifica como máximo 5 días por incidente; este sería el día 6.');
    // A day already excused with the code is allowed again, not counted twice (a second period of it).
    expect((await check(s, 'FU', [d2], incident, true)).allowed).toEqual([d2]);
    // Another incident (another explanation) counts from one again.
    await excuse(s, 'FU', [d5], incident);
    const next = await explanation(s, d7, d7);
    expect(await check(s, 'FU', [d6, d7], next, true)).toEqual({ allowed: [d6, d7], refused: [] });
  });

  it('ATT-3 funeral on the office\'s own change: consecutive school days are one incident, over a weekend; a school day between starts another', async () => {
    const s = await student();
    // Friday October 9 to Thursday October 15: five school days with the weekend between.
    const run = schoolDays('2026-10-09', 5);
    expect(run).toEqual(['2026-10-09', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15']);
    await excuse(s, 'FU', run);
    const sixth = await check(s, 'FU', ['2026-10-16']);
    expect(sixth.allowed).toEqual([]);
    expect(sixth.refused.map((r) => [r.date, r.key, r.params.nth])).toEqual([['2026-10-16', 'attendance-caps.refused.perIncident', 6]]);
    // The day before the run joins it too.
    expect((await check(s, 'FU', ['2026-10-08'])).refused).toHaveLength(1);
    // Monday October 19 after a Friday at school (October 16 not excused): a new incident.
    expect((await check(s, 'FU', ['2026-10-19'])).allowed).toEqual(['2026-10-19']);
  });

  it('ATT-3 grief support or safety planning: the 3rd day of an incident allowed, the 4th refused', async () => {
    const s = await student();
    const [d1, d2, d3, d4] = schoolDays('2026-11-02', 4);
    const incident = await explanation(s, d1, d4, 'phone');
    await excuse(s, 'GS', [d1, d2], incident);
    const r = await check(s, 'GS', [d3, d4], incident);
    expect(r.allowed).toEqual([d3]);
    expect(r.refused.map((x) => [x.date, x.key, x.params.count, x.params.nth])).toEqual([[d4, 'attendance-caps.refused.perIncident', 3, 4]]);
  });

  it('ATT-3 religious retreat: one school day in each semester allowed, a second in one semester refused', async () => {
    const s = await student();
    expect(year.secondSemester).toBe('2027-01-19');
    const r1 = await check(s, 'RR', ['2026-10-05', '2026-10-06']);
    expect(r1.allowed).toEqual(['2026-10-05']);
    expect(r1.refused.map((x) => [x.date, x.key, x.params.count, x.params.nth])).toEqual([['2026-10-06', 'attendance-caps.refused.perSemester', 1, 2]]);
    await excuse(s, 'RR', ['2026-10-05']);
    expect((await check(s, 'RR', ['2027-01-15'])).refused.map((x) => x.date)).toEqual(['2027-01-15']);
    // The second semester's first school day: a new semester.
    expect(await check(s, 'RR', ['2027-01-19'])).toEqual({ allowed: ['2027-01-19'], refused: [] });
    await excuse(s, 'RR', ['2027-01-19']);
    expect((await check(s, 'RR', ['2027-03-01'])).refused.map((x) => x.key)).toEqual(['attendance-caps.refused.perSemester']);
  });

  it('ATT-3 religious instruction: 4 days in a school month, the 5th refused, the first of the next school month allowed', async () => {
    const s = await student();
    const m3 = month(3);
    const m4 = month(4);
    await excuse(s, 'RI', [m3[0], m3[5], m3[10], m3[15]]);
    const r = await check(s, 'RI', [m3[19], m4[0]]);
    expect(r.allowed).toEqual([m4[0]]);
    expect(r.refused.map((x) => [x.date, x.key, x.params.count, x.params.nth])).toEqual([[m3[19], 'attendance-caps.refused.perSchoolMonth', 4, 5]]);
  });

  it('ATT-3 religious instruction is for part of a day: an explanation of a whole day does not excuse it, one of part of a day does', async () => {
    const s = await student();
    const [d] = schoolDays('2026-11-09', 1);
    const whole = await explanation(s, d, d, 'account', 'whole');
    expect((await check(s, 'RI', [d], whole)).refused.map((x) => x.key)).toEqual(['attendance-caps.refused.minimumDay']);
    const part = await explanation(s, d, d, 'account', 'part');
    expect(await check(s, 'RI', [d], part)).toEqual({ allowed: [d], refused: [] });
  });

  it('ATT-3 entertainment work permit: the 5th absence of the school year allowed, the 6th refused', async () => {
    const s = await student();
    await excuse(s, 'EW', ['2026-09-15', '2026-10-20', '2026-11-17', '2027-01-26']);
    const r = await check(s, 'EW', ['2027-05-04', '2027-03-09']);
    expect(r.allowed).toEqual(['2027-03-09']);
    expect(r.refused.map((x) => [x.date, x.key, x.params.count, x.params.nth])).toEqual([['2027-05-04', 'attendance-caps.refused.perSchoolYear', 5, 6]]);
  });

  it('ATT-3 two offices excusing days of one incident at once count each other\'s: the sixth day is refused to the later one', async () => {
    const s = await student();
    const days = schoolDays('2027-02-01', 6);
    await excuse(s, 'FU', days.slice(0, 4));
    const postgres = url.startsWith('postgres');
    let bChecked!: () => void;
    const bDone = new Promise<void>((resolve) => (bChecked = resolve));
    /**
     * The first office has counted and not yet written when the second counts: on PostgreSQL it
     * goes on once the second has counted too, or is waiting for the first to finish (a lock not
     * granted); SQLite takes one transaction at a time.
     */
    const secondCountedOrWaiting = async () => {
      if (!postgres) return;
      const waiting = async () => {
        for (let i = 0; i < 10_000; i++) {
          const r = await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(t.deps.db);
          if (r.rows[0].n > 0) return;
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await Promise.race([bDone, waiting()]);
    };
    const excuseIn = (date: string, first: boolean) =>
      t.deps.db.transaction().execute(async (trx) => {
        const r = await checkCaps(trx, district, { studentId: s.id, schoolId: ROLL.elm, schoolYear: ROLL.year, code: 'FU', dates: [date], explanationId: null, parentExcused: false });
        if (first) await secondCountedOrWaiting();
        else bChecked();
        for (const d of r.allowed) await marks.changeMark(trx, { district, section: s.sec, studentId: s.id, date: d, code: 'FU', minutes: null, by: 'staff:office', at, reason: 'funeral' });
        return r.allowed;
      });
    const a = excuseIn(days[4], true);
    const b = excuseIn(days[5], false);
    const [ra, rb] = await Promise.all([a, b]);
    expect([ra, rb]).toEqual([[days[4]], []]);
    const kept = await t.deps.db.selectFrom('attendance_marks').select('date').where('student_id', '=', s.id).where('code', '=', 'FU').execute();
    expect(kept).toHaveLength(5);
  });

  it('ATT-3 a code with no cap is always allowed, and so is a code that does not excuse', async () => {
    const s = await student();
    const days = schoolDays('2026-09-14', 30);
    await excuse(s, 'IL', days.slice(0, 20));
    expect(await check(s, 'IL', days)).toEqual({ allowed: days, refused: [] });
    expect(await check(s, 'A', days.slice(0, 3))).toEqual({ allowed: days.slice(0, 3), refused: [] });
  });

  describe('ATT-3 where the office meets the caps', () => {
    let office: Awaited<ReturnType<typeof staffMember>>;
    beforeAll(async () => {
      office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    });

    it('ATT-3 the office changing marks to funeral: the sixth consecutive school day is refused beside the code, with why, nothing written', async () => {
      const s = await student();
      const days = schoolDays('2026-11-02', 6);
      const markUrl = (d: string) => `/staff/attendance/students/${s.id}/marks/${s.sec.id}/${d}`;
      for (const d of days.slice(0, 5)) {
        await office.client.get(markUrl(d));
        const done = await office.client.post(markUrl(d), { code: 'FU', minutes: '', reason: 'Funeral of a grandparent', paperRecord: 'Note 118' });
        expect(done.status, d).toBe(303);
      }
      await office.client.get(markUrl(days[5]));
      const sixth = await office.client.post(markUrl(days[5]), { code: 'FU', minutes: '', reason: 'Funeral of a grandparent', paperRecord: 'Note 118' });
      expect(sixth.status).toBe(400);
      expect(textOf(sixth.html)).toContain('Funeral or grieving of a family member or close associate is excused at most 5 days per incident; this would be day 6.');
      const kept = await t.deps.db.selectFrom('attendance_marks').select(['date', 'code']).where('student_id', '=', s.id).orderBy('date').execute();
      expect(kept).toEqual(days.slice(0, 5).map((date) => ({ date, code: 'FU' })));
    });

    it('ATT-3 accepting a parent\'s explanation of six funeral days excuses five; the sixth stays unexcused and the explanation says why', async () => {
      const s = await student();
      const days = schoolDays('2026-11-16', 6);
      // Absent on each of them, taken on the roster.
      await t.deps.db.transaction().execute(async (trx) => {
        for (const date of days) await marks.writeRoster(trx, { district, section: s.sec, date, by: 'staff:teacher', at, entries: [{ studentId: s.id, code: 'A', minutes: null }], reason: null });
      });
      const id = newId();
      await t.deps.db
        .insertInto('absence_explanations')
        .values({
          id, district_id: ROLL.district, school_id: ROLL.elm, student_id: s.id, account_id: null, channel: 'account', from_date: days[0], to_date: days[5], part: 'whole', reason: 'funeral', note: 'My father died.',
          document_key: null, document_name: null, document_type: null, language: 'es', status: 'pending', code: null, refusal: null, created_by: 'account:parent', created_at: at, decided_by: null, decided_at: null, removed_at: null,
        })
        .execute();
      await office.client.get(`/staff/attendance/explanations/${id}`);
      const accepted = await office.client.post(`/staff/attendance/explanations/${id}`, { action: 'accept', code: 'FU' });
      expect(accepted.status).toBe(303);
      const kept = await t.deps.db.selectFrom('attendance_marks').select(['date', 'code', 'explanation_id']).where('student_id', '=', s.id).orderBy('date').execute();
      expect(kept).toEqual([...days.slice(0, 5).map((date) => ({ date, code: 'FU', explanation_id: id })), { date: days[5], code: 'A', explanation_id: null }]);
      const shown = textOf((await office.client.get(`/staff/attendance/explanations/${id}`)).html);
      expect(shown).toContain('is excused at most 5 days per incident; this would be day 6.');
    });
  });

  describe('ATT-6 a limit of parent-excused absences', () => {
    let office: Awaited<ReturnType<typeof staffMember>>;
    let teacher: Awaited<ReturnType<typeof staffMember>>;
    let pOffice: Awaited<ReturnType<typeof staffMember>>;
    beforeAll(async () => {
      office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
      teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      pOffice = await staffMember(t, 'paramount-sample', 'school_office', ['101']);
    });
    const page = (id: string) => `/staff/attendance/students/${id}/limit`;

    it('ATT-6 the office sets a limit of 2: the 3rd date a parent explains is refused, a medical note the office records still excuses', async () => {
      const s = await student();
      const [d1, d2, d3, d4] = schoolDays('2026-11-02', 4);
      const e1 = await explanation(s, d1, d2, 'account');
      await excuse(s, 'IL', [d1, d2], e1);

      const first = await office.client.get(page(s.id));
      expect(first.status).toBe(200);
      expect(textOf(first.html)).toContain('Excused by a parent so far this school year: 2 days.');
      expect(textOf(first.html)).toContain('No limit is set');

      // A bad number and no reason: the form again, each error beside its field and in the summary, what was typed kept.
      const bad = await office.client.post(page(s.id), { action: 'set', school: ROLL.elm, maxDays: 'two', reason: '' });
      expect(bad.status).toBe(400);
      expect(textOf(bad.html)).toContain('Enter the most days as a whole number from 0 to 60.');
      expect(textOf(bad.html)).toContain('Enter the reason for the limit.');
      expect(bad.html).toContain('value="two"');
      expect(await t.deps.db.selectFrom('attendance_limits').selectAll().where('student_id', '=', s.id).execute()).toEqual([]);

      const saved = await office.client.post(page(s.id), { action: 'set', school: ROLL.elm, maxDays: '2', reason: 'Twelve absences last year; agreed at the SART meeting.' });
      expect(saved.status).toBe(303);
      const shown = textOf((await office.client.follow(saved)).html);
      expect(shown).toContain('The limit of parent-excused absences is saved.');
      expect(shown).toContain('Current limit: 2 days excused by a parent');
      // The same post again (a retry) keeps one limit.
      expect((await office.client.post(page(s.id), { action: 'set', school: ROLL.elm, maxDays: '2', reason: 'Twelve absences last year; agreed at the SART meeting.' })).status).toBe(303);
      const rows = await t.deps.db.selectFrom('attendance_limits').select(['school_id', 'school_year', 'max_parent_excused', 'set_by']).where('student_id', '=', s.id).execute();
      expect(rows).toEqual([{ school_id: ROLL.elm, school_year: ROLL.year, max_parent_excused: 2, set_by: `staff:${office.id}` }]);

      // The parent's third date is refused, with why; a date already parent-excused stays allowed.
      const e2 = await explanation(s, d3, d3, 'account');
      const r = await check(s, 'IL', [d3, d1], e2, true);
      expect(r.allowed).toEqual([d1]);
      expect(r.refused.map((x) => [x.date, x.key, x.params.count, x.params.nth])).toEqual([[d3, 'attendance-caps.refused.parentLimit', 2, 3]]);
      // A medical note brought to the office is not the parent's word: allowed.
      const note = await explanation(s, d4, d4, 'paper');
      expect(await check(s, 'MD', [d4], note, false)).toEqual({ allowed: [d4], refused: [] });
      // Caps and the limit together: a capped code by a parent beyond the limit is refused by the limit.
      expect((await check(s, 'FU', [d3], e2, true)).refused.map((x) => x.key)).toEqual(['attendance-caps.refused.parentLimit']);

      // PRV-2: the read and the change are audited.
      const audited = await t.deps.db.selectFrom('audit_log').select(['action', 'outcome']).where('staff_id', '=', office.id).where('entity_id', '=', s.id).execute();
      expect(audited.map((a) => a.action)).toEqual(expect.arrayContaining(['attendance.limit.view', 'attendance.limit.set']));

      // Removed: the district's rules apply again.
      const removed = await office.client.post(page(s.id), { action: 'remove', school: ROLL.elm });
      expect(removed.status).toBe(303);
      expect(textOf((await office.client.follow(removed)).html)).toContain('The limit of parent-excused absences is removed.');
      expect(await t.deps.db.selectFrom('attendance_limits').selectAll().where('student_id', '=', s.id).execute()).toEqual([]);
      expect((await check(s, 'IL', [d3], e2, true)).allowed).toEqual([d3]);
    });

    it('ATT-6 the limit page in Spanish', async () => {
      const s = await student();
      await office.client.get(`/language?to=es&next=${page(s.id)}`);
      const es = await office.client.get(page(s.id));
      expect(textOf(es.html)).toContain('Justificadas por los padres en lo que va del año escolar: 0 días.');
      const bad = await office.client.post(page(s.id), { action: 'set', school: ROLL.elm, maxDays: '61', reason: 'x' });
      expect(bad.status).toBe(400);
      expect(textOf(bad.html)).toContain('Escriba el máximo de días como un número entero de 0 a 60.');
      await office.client.get(`/language?to=en&next=${page(s.id)}`);
    });

    it('ATT-6 a teacher is refused the limit page (403) and another district finds nothing (404), each audited; nothing is kept', async () => {
      const s = await student();
      expect((await teacher.client.get(page(s.id))).status).toBe(403);
      await teacher.client.get('/staff');
      expect((await teacher.client.post(page(s.id), { action: 'set', school: ROLL.elm, maxDays: '0', reason: 'none' })).status).toBe(403);
      expect((await pOffice.client.get(page(s.id))).status).toBe(404);
      expect(await t.deps.db.selectFrom('attendance_limits').selectAll().where('student_id', '=', s.id).execute()).toEqual([]);
      const refusedT = await t.deps.db.selectFrom('audit_log').select(['action', 'outcome']).where('staff_id', '=', teacher.id).where('entity_id', '=', s.id).orderBy('action').execute();
      expect(refusedT).toEqual([{ action: 'attendance.limit.update', outcome: 'refused' }, { action: 'attendance.limit.view', outcome: 'refused' }]);
      const refusedP = await t.deps.db.selectFrom('audit_log').select(['action', 'outcome']).where('staff_id', '=', pOffice.id).where('entity_id', '=', s.id).execute();
      expect(refusedP).toEqual([{ action: 'attendance.limit.view', outcome: 'refused' }]);
    });
  });
});
