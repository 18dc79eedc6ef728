import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { staffMember } from './support/staff.js';
import { bellSchedule, section } from './support/attendance.js';
import { backgroundRunner } from '../src/modules/index.js';
import { attendanceContext } from '../src/modules/attendance/context.js';
import { ChronicAbsence, snapshotDay, writeSnapshots } from '../src/modules/attendance/chronic.js';
import { namedYear, ordinalOnOrBefore } from '../src/modules/attendance/school-days.js';
import { AuditLog } from '../src/modules/access/audit-log.js';
import { RollScope } from '../src/modules/access/roll-scope.js';
import { Roll } from '../src/modules/enrollment/roll.js';

/** Tuesday, June 1, 2027, 10:00 in Los Angeles: the 187th school day of Los Angeles' year, the 188th of Paramount's. */
const JUNE_1 = '2027-06-01T17:00:00.000Z';
/** 6:00 p.m. in Los Angeles on June 1 (PDT, UTC−7): the school day is over. */
const JUNE_1_EVENING = '2027-06-02T01:00:00.000Z';
const PARAMOUNT = 'paramount-sample:101';

/**
 * ATT-4, chronic absence, read from the year's totals (attendance_totals), never from marks. The
 * big counts (180 days enrolled) are put in place by inserting a student's totals row directly,
 * as days.ts would have kept it after a year of marks: its first counted day is set so that
 * today's ordinal − first_ordinal + 1 is the days enrolled wanted. One test writes its absence
 * through the one writer of marks instead, to show the list follows the marks.
 */
describe.each(databases)('ATT-4 chronic absence ($name)', ({ url }) => {
  let t: TestApp;
  let chronic: ChronicAbsence;
  let office: Awaited<ReturnType<typeof staffMember>>;
  let admin: Awaited<ReturnType<typeof staffMember>>;
  let pOffice: Awaited<ReturnType<typeof staffMember>>;

  beforeAll(async () => {
    t = await makeTestApp({ dbUrl: url, now: JUNE_1 });
    chronic = new ChronicAbsence(attendanceContext(t.deps, new AuditLog(t.deps.db, t.clock), new RollScope(t.deps.db), []));
    office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    admin = await staffMember(t, ROLL.district, 'district_admin');
    pOffice = await staffMember(t, 'paramount-sample', 'school_office', ['101']);
  });
  afterAll(async () => t?.close());

  const ordinalToday = (district: string) => {
    const d = t.deps.districts.get(district)!;
    return ordinalOnOrBefore(namedYear(d, ROLL.year)!, '2027-06-01');
  };

  /** A student enrolled at `schoolId` with `absent` days absent in `enrolled` school days so far (the totals row inserted directly). */
  const student = async (first: string, last: string, absent: number | null, enrolled = 180, schoolId: string = ROLL.elm, grade = '2') => {
    const s = await enrolledStudent(t, { schoolId, grade, student: { first_name: first, last_name: last } });
    if (absent !== null) {
      const district = schoolId.split(':')[0];
      await t.deps.db.insertInto('attendance_totals').values({
        student_id: s.student.id, school_id: schoolId, school_year: ROLL.year, district_id: district,
        first_ordinal: ordinalToday(district) - enrolled + 1,
        days_absent: absent, days_excused: 0, partial_days: 0, tardies: 0, truant_days: absent, unexplained_days: 0, updated_at: JUNE_1,
      }).execute();
    }
    return s;
  };

  /** The rows of the list's table as text, one per student: "López, Ana … 9.44% 90.56% …". */
  const rowsOf = (html: string): string[] => [...html.matchAll(/<tr[^>]*>\s*<th scope="row"[\s\S]*?<\/tr>/g)].map((m) => textOf(m[0]));
  const rowOf = (html: string, name: string) => rowsOf(html).find((r) => r.includes(name));

  it('ATT-4 17 absences in 180 days enrolled are not chronic by the state\'s 10% but are by Los Angeles\' 91%; 18 are chronic by both', async () => {
    await student('Ana', 'Edge', 17);
    await student('Mateo', 'Edge', 18);
    const either = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}`);
    expect(either.status).toBe(200);
    const seventeen = rowOf(either.html, 'Edge, Ana')!;
    expect(seventeen).toContain('180');
    expect(seventeen).toContain('9.44%');
    expect(seventeen).toContain('90.56%');
    expect(seventeen).toContain('Chronic: district (91.00%)');
    expect(seventeen).not.toContain('Chronic: state');
    const eighteen = rowOf(either.html, 'Edge, Mateo')!;
    expect(eighteen).toContain('10.00%');
    expect(eighteen).toContain('90.00%');
    expect(eighteen).toContain('Chronic: state (10%)');
    expect(eighteen).toContain('Chronic: district (91.00%)');
    // The state's list has only the 18; the district's both.
    const state = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}&status=state`);
    expect(rowOf(state.html, 'Edge, Mateo')).toBeDefined();
    expect(rowOf(state.html, 'Edge, Ana')).toBeUndefined();
    const district = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}&status=district`);
    expect(rowOf(district.html, 'Edge, Ana')).toBeDefined();
    expect(rowOf(district.html, 'Edge, Mateo')).toBeDefined();
    // PRV-2: the read is audited as the school's list.
    const logged = await t.deps.db.selectFrom('audit_log').select(['action', 'entity_type', 'entity_id', 'outcome']).where('staff_id', '=', office.id).where('action', '=', 'attendance.chronic.view').execute();
    expect(logged[0]).toEqual({ action: 'attendance.chronic.view', entity_type: 'attendance-chronic', entity_id: ROLL.elm, outcome: 'allowed' });
  });

  it('ATT-4 Paramount has no line of its own: 17 in 180 is only at risk, 18 in 180 is chronic by the state\'s definition', async () => {
    await student('Ana', 'Orchard', 17, 180, PARAMOUNT);
    await student('Mateo', 'Orchard', 18, 180, PARAMOUNT);
    const page = await pOffice.client.get('/staff/attendance/chronic');
    expect(page.status).toBe(200);
    expect(rowOf(page.html, 'Orchard, Ana')).toBeUndefined();
    expect(rowOf(page.html, 'Orchard, Mateo')).toContain('Chronic: state (10%)');
    expect(rowOf(page.html, 'Orchard, Mateo')).not.toContain('district');
    // No district filter is offered where there is no district line.
    expect(page.html).not.toContain('value="district"');
    const atRisk = await pOffice.client.get('/staff/attendance/chronic?status=at-risk');
    expect(rowOf(atRisk.html, 'Orchard, Ana')).toContain('At risk');
    expect(rowOf(atRisk.html, 'Orchard, Mateo')).toBeUndefined();
  });

  it('ATT-4 at risk is within two points before a line not yet crossed: at Los Angeles 13 in 180 (92.78%) is, 12 in 180 (93.33%) is not', async () => {
    await student('Lucía', 'Risk', 13);
    await student('Sofía', 'Risk', 12);
    const page = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}&status=at-risk`);
    expect(rowOf(page.html, 'Risk, Lucía')).toContain('92.78%');
    expect(rowOf(page.html, 'Risk, Lucía')).toContain('At risk');
    expect(rowOf(page.html, 'Risk, Sofía')).toBeUndefined();
    // Chronic students are not "at risk": they are past the line.
    expect(rowOf(page.html, 'Edge, Ana')).toBeUndefined();
  });

  it('ATT-4 a student never absent (no totals) and one who left the school are not listed', async () => {
    await student('Ana', 'Present', null);
    const left = await student('Mateo', 'Left', 40);
    const moved = await new Roll(t.deps).transfer('staff:test', { enrollmentId: left.enrollment.id, toSchoolId: ROLL.sunrise, firstDay: '2027-05-24', exitCode: 'T160', entryType: 'transfer' });
    expect(moved.ok).toBe(true);
    const page = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}`);
    const text = textOf(page.html);
    expect(text).not.toContain('Present, Ana');
    expect(text).not.toContain('Left, Mateo');
    // At Sunrise the student has no absence yet: not listed there either.
    const sunrise = await admin.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.sunrise)}`);
    expect(textOf(sunrise.html)).not.toContain('Left, Mateo');
  });

  it('ATT-4 the list follows the marks: one day absent in six days enrolled, written through the one writer of marks, is chronic', async () => {
    await bellSchedule(t, ROLL.elm, 'daily');
    const s = await enrolledStudent(t, { entryDate: '2027-05-24', student: { first_name: 'Ana', last_name: 'Marked' } });
    const homeroom = await section(t, { students: [s.student.id], from: '2027-05-24' });
    const district = t.deps.districts.get(ROLL.district)!;
    const ctx = attendanceContext(t.deps, new AuditLog(t.deps.db, t.clock), new RollScope(t.deps.db), []);
    await t.deps.db.transaction().execute((trx) =>
      ctx.marks.writeRoster(trx, { district, section: homeroom, date: '2027-05-26', by: 'staff:test', at: '2027-05-26T15:10:00.000Z', entries: [{ studentId: s.student.id, code: 'A', minutes: null }], reason: null }),
    );
    // School days May 24 to 28 and June 1 (May 31 is Memorial Day): 1 in 6.
    const row = rowOf((await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}`)).html, 'Marked, Ana')!;
    expect(row).toContain('16.67%');
    expect(row).toContain('83.33%');
    expect(row).toContain('Chronic: state (10%)');
  });

  it('ATT-4 a district administrator reads the district\'s list, every school with its school named; a school office cannot', async () => {
    await student('Lucía', 'Sunrise', 30, 180, ROLL.sunrise, '3');
    const page = await admin.client.get('/staff/attendance/chronic');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<option value="all" selected');
    expect(rowOf(page.html, 'Sunrise, Lucía')).toContain('Sunrise Avenue');
    expect(rowOf(page.html, 'Edge, Mateo')).toContain('Elm Street');
    // Paramount's students are another district's.
    expect(textOf(page.html)).not.toContain('Orchard, Mateo');
    // Highest absence rate first: 30 in 180 before 18 in 180.
    const names = rowsOf(page.html).map((r) => r.split(' ').slice(0, 2).join(' '));
    expect(names.indexOf('Sunrise, Lucía')).toBeLessThan(names.indexOf('Edge, Mateo'));
    const audited = await t.deps.db.selectFrom('audit_log').select(['entity_type', 'entity_id']).where('staff_id', '=', admin.id).where('action', '=', 'attendance.chronic.view').execute();
    expect(audited).toContainEqual({ entity_type: 'attendance-chronic', entity_id: ROLL.district });
    // PRV-1: the district's list, or another school's, is "not found" for a school's office, and audited.
    expect((await office.client.get('/staff/attendance/chronic?school=all')).status).toBe(404);
    expect((await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.sunrise)}`)).status).toBe(404);
    expect((await pOffice.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}`)).status).toBe(404);
    const refused = await t.deps.db.selectFrom('audit_log').select(['district_id', 'entity_id']).where('staff_id', '=', pOffice.id).where('outcome', '=', 'refused').execute();
    expect(refused).toEqual([{ district_id: ROLL.district, entity_id: ROLL.elm }]);
  });

  it('ATT-4 filters: a grade, and a minimum of days enrolled', async () => {
    await student('Mateo', 'Newcomer', 3, 20);
    await student('Ana', 'Fourth', 40, 180, ROLL.elm, '4');
    const all = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}`);
    expect(rowOf(all.html, 'Newcomer, Mateo')).toContain('15.00%');
    expect(rowOf(all.html, 'Fourth, Ana')).toBeDefined();
    const settled = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}&minDays=30`);
    expect(rowOf(settled.html, 'Newcomer, Mateo')).toBeUndefined();
    expect(rowOf(settled.html, 'Fourth, Ana')).toBeDefined();
    const fourth = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}&grade=4`);
    expect(rowsOf(fourth.html).map((r) => r.split(' ').slice(0, 2).join(' '))).toEqual(['Fourth, Ana']);
    // Nonsense in the query reads as no filter, never an error.
    expect((await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}&minDays=many&grade=99&status=x`)).status).toBe(200);
  });

  it('ATT-4 pages follow each other by key: every student once, highest rate first, then by name, however the rates tie', async () => {
    const sunrise = ROLL.sunrise;
    // 9 in 90 and 18 in 180 are the same rate: the names decide.
    await student('Beto', 'Tie', 9, 90, sunrise);
    await student('Abel', 'Tie', 18, 180, sunrise);
    await student('Carla', 'Tie', 36, 180, sunrise);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const r = await chronic.list({ id: admin.id, districtId: ROLL.district, email: admin.email, firstName: 'A', lastName: 'B', role: 'district_admin' }, { school: sunrise, after }, 1);
      if (!r.ok) throw new Error(r.problem.code);
      seen.push(...r.value.rows.map((x) => `${x.firstName} ${x.lastName}`));
      after = r.value.next ?? undefined;
    } while (after);
    expect(seen).toEqual(['Carla Tie', 'Lucía Sunrise', 'Abel Tie', 'Beto Tie']);
  });

  it('ATT-4 the CSV holds the filtered list, a name a spreadsheet would run kept as text', async () => {
    await student('=HYPERLINK("http://example.org")', 'Formula', 50);
    const csv = await office.client.get(`/staff/attendance/chronic.csv?school=${encodeURIComponent(ROLL.elm)}&status=state`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Last name,First name,Student record,School,Grade,Days enrolled,Days absent,Absence rate (%),Attendance rate (%),"Chronic, state","Chronic, district",At risk');
    const formula = lines.find((l) => l.startsWith('Formula,'))!;
    expect(formula).toContain('"\'=HYPERLINK(""http://example.org"")"');
    expect(formula).toContain(',180,50,27.78,72.22,yes,yes,no');
    // The state's list: 17 in 180 is not on it.
    expect(lines.some((l) => l.startsWith('Edge,Ana,'))).toBe(false);
    const audited = await t.deps.db.selectFrom('audit_log').select('detail').where('staff_id', '=', office.id).where('action', '=', 'attendance.chronic.export').executeTakeFirstOrThrow();
    expect(JSON.parse(audited.detail!).rows).toBe(lines.length - 1);
  });

  it('ATT-4 the evening step writes each school\'s counts once per school day, run twice or by two instances at once; the trend shows them', async () => {
    // Before 6 p.m. the day due is the last school day before today (Friday, May 28; Monday was Memorial Day).
    expect(snapshotDay(t.deps.districts.get(ROLL.district)!, new Date(JUNE_1))?.date).toBe('2027-05-28');
    expect(snapshotDay(t.deps.districts.get(ROLL.district)!, new Date(JUNE_1_EVENING))?.date).toBe('2027-06-01');
    t.clock.set(JUNE_1_EVENING);
    const first = await backgroundRunner(t.deps, 'deadlines').runOnce();
    expect(first.chronicSnapshots).toBeGreaterThan(0);
    const again = await Promise.all([writeSnapshots(t.deps, new Date(JUNE_1_EVENING)), writeSnapshots(t.deps, new Date(JUNE_1_EVENING))]);
    expect(again.map((r) => r.chronicSnapshots)).toEqual([0, 0]);
    const elm = await t.deps.db.selectFrom('attendance_snapshots').selectAll().where('school_id', '=', ROLL.elm).execute();
    expect(elm).toHaveLength(1);
    // Elm Street's active students and who among them is chronic: counted as the list counts them.
    const active = await t.deps.db.selectFrom('enrollments').select((eb) => eb.fn.countAll<number>().as('n')).where('school_id', '=', ROLL.elm).where('status', '=', 'active').executeTakeFirstOrThrow();
    const view = await chronic.list({ id: admin.id, districtId: ROLL.district, email: admin.email, firstName: 'A', lastName: 'B', role: 'district_admin' }, { school: ROLL.elm }, 100, false);
    const risk = await chronic.list({ id: admin.id, districtId: ROLL.district, email: admin.email, firstName: 'A', lastName: 'B', role: 'district_admin' }, { school: ROLL.elm, status: 'at-risk' }, 100, false);
    if (!view.ok || !risk.ok) throw new Error('list refused');
    expect(elm[0]).toMatchObject({
      date: '2027-06-01', district_id: ROLL.district, school_year: ROLL.year, enrolled: Number(active.n),
      chronic_state: view.value.rows.filter((r) => r.chronicState).length,
      chronic_district: view.value.rows.filter((r) => r.chronicDistrict).length,
      at_risk: risk.value.rows.length,
    });
    expect(elm[0].rate_bp).toBeGreaterThan(8000);
    expect(elm[0].rate_bp).toBeLessThan(10000);
    // A school with nobody enrolled is counted too (zeros), so the evening's later sweeps find the day done.
    expect(await t.deps.db.selectFrom('attendance_snapshots').select(['enrolled', 'chronic_state', 'rate_bp']).where('school_id', '=', ROLL.mission).where('date', '=', '2027-06-01').executeTakeFirst()).toEqual({ enrolled: 0, chronic_state: 0, rate_bp: 10000 });
    // Paramount's school gets its own, by the state's line only.
    const orchard = await t.deps.db.selectFrom('attendance_snapshots').selectAll().where('school_id', '=', PARAMOUNT).executeTakeFirstOrThrow();
    expect([orchard.chronic_state, orchard.chronic_district]).toEqual([1, 0]);
    // The trend: an SVG with its title and description, and the same numbers as a table (the page read at the tests' usual hour).
    t.clock.set(JUNE_1);
    const page = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}`);
    expect(page.html).toContain('<svg role="img" aria-labelledby="chronic-trend-title chronic-trend-desc"');
    expect(page.html).toContain('<title id="chronic-trend-title">Share of enrolled students chronically absent, by school day</title>');
    const share = ((elm[0].chronic_state * 10000) / elm[0].enrolled / 100).toFixed(2);
    expect(textOf(page.html)).toContain(`One count, on Tuesday, June 1, 2027: ${share}% chronically absent by the state's definition`);
    expect(textOf(page.html)).toContain('Chronic absence on each school day counted');
  });

  it('ATT-4 in Spanish, the list and its flags', async () => {
    await office.client.get('/language?to=es&next=/staff/attendance/chronic');
    const page = await office.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}`);
    await office.client.get('/language?to=en&next=/staff/attendance/chronic');
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('Ausentismo crónico: Elm Street');
    expect(rowOf(page.html, 'Edge, Mateo')).toContain('Crónico: estado (10%)');
    expect(rowOf(page.html, 'Edge, Mateo')).toContain('Crónico: distrito (91.00%)');
  });

  it('PRV-1 PRV-2 a teacher, the permit office and an auditor cannot open the list (403), each refusal audited', async () => {
    for (const role of ['teacher', 'permit_staff', 'auditor'] as const) {
      const m = await staffMember(t, ROLL.district, role, role === 'teacher' ? ['1001'] : []);
      const page = await m.client.get(`/staff/attendance/chronic?school=${encodeURIComponent(ROLL.elm)}`);
      expect(page.status).toBe(403);
      expect(textOf(page.html)).toContain('Your role cannot open the chronic absence list');
      expect((await m.client.get('/staff/attendance/chronic.csv')).status).toBe(403);
      const refused = await t.deps.db.selectFrom('audit_log').select(['action', 'outcome']).where('staff_id', '=', m.id).where('action', 'like', 'attendance.chronic.%').execute();
      expect(refused.map((r) => `${r.action} ${r.outcome}`).sort()).toEqual(['attendance.chronic.export refused', 'attendance.chronic.view refused']);
    }
  });
});
