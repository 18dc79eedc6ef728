import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../src/platform/clock.js';
import { SQLITE_CACHE_KIB } from '../src/platform/db/kysely.js';
import { SESSION_COOKIE } from '../src/platform/http/sessions.js';
import { newId, sha256 } from '../src/platform/ids.js';
import { GRADES, gradeIndex } from '../src/modules/districts/config-schema.js';
import { namedYear, ordinalOnOrBefore } from '../src/modules/attendance/school-days.js';
import type { BenchSchool } from './seed-roll.js';
import { DISTRICT, insertBatches, type BenchApp } from './support.js';

/**
 * A large district's year of period attendance for bench/attendance.ts (issue 16, point 11), as
 * the design stores it (migration 0019, ADR 0035): 50,000 students enrolled at 20 schools in
 * period mode (six 50-minute periods from 8:00), each in six sections of 35 with a teacher; a
 * roster submission for every section and school day up to today; a mark only for what is not
 * "present by default" (whole days absent — most excused, a quarter not —, tardies, a period
 * cut now and then; one student in eight chronically absent); the days and the year's totals
 * computed in SQL from those marks; explanations (accepted and pending), truancy notices 1 to 3
 * from the truant days, SART referrals, the daily snapshots. Students, sections and their
 * students are multi-row INSERTs from here; everything that grows with school days is INSERT …
 * SELECT over a small table of the year's school days, in the database, in one transaction.
 * Nothing goes through the services.
 */

export const YEAR = '2026-2027';
export const FIRST_DAY = '2026-08-13';
/** "Today": Monday 7 June 2027, near the year's end (about 175 school days behind it). */
export const TODAY = '2027-06-07';
/** 14:05 in Los Angeles (PDT): all six periods (8:00 … 13:00) have started; periods 1 and 2 are taken, 3 to 6 are the bench's to take. */
export function attendanceClock(): Clock {
  const offset = Date.parse(`${TODAY}T21:05:00Z`) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export const PERIODS = 6;
export const SECTION_SIZE = 35;

export interface BenchSection {
  id: string;
  schoolId: string;
  period: number;
  teacherId: string;
  /** Its place among all sections: one in 33 (index % 33 = 0) is left untaken today, for the "not submitted" report. */
  index: number;
  students: string[];
}

export interface SeededAttendance {
  seconds: number;
  counts: Record<string, number>;
  sections: BenchSection[];
  /** Students of the first school with the most marks (chronically absent, truant): the year page's heaviest. */
  heavyStudents: string[];
  /** Any students of the first school. */
  students: string[];
}

/** A signed-in staff member for the bench: the session row SessionStore.create writes at sign-in, the cookie and the CSRF token. */
export interface BenchStaff {
  id: string;
  cookie: string;
  csrf: string;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

type BenchRole = 'teacher' | 'school_office' | 'district_admin';

/**
 * Staff written straight into their tables, created and activated: argon2 at activation (tens of
 * ms each) for 1,440 teachers is not what the bench measures.
 */
export async function insertStaff(t: BenchApp, members: { id: string; role: BenchRole; schoolIds: string[] }[]): Promise<void> {
  const at = t.deps.clock.now().toISOString();
  const staff = members.map((m) => ({ id: m.id, district_id: DISTRICT, email: `bench.${m.role.replace('_', '.')}.${m.id.toLowerCase().replace(/[^a-z0-9]/g, '')}@example.org`, first_name: 'Ana', last_name: 'López', role: m.role, password_hash: null, activated_at: at, created_at: at, updated_at: at }));
  await insertBatches(t.deps.db, 'staff', staff, 1000);
  await insertBatches(t.deps.db, 'staff_schools', members.flatMap((m) => m.schoolIds.map((school_id) => ({ staff_id: m.id, school_id }))), 2000);
}

/** A signed-in session for each staff member: the row SessionStore.create writes at sign-in (sign-in itself is not measured). */
export async function signIn(t: BenchApp, staffIds: string[]): Promise<Map<string, BenchStaff>> {
  const now = t.deps.clock.now();
  const at = now.toISOString();
  const out = new Map<string, BenchStaff>();
  const sessions: Record<string, unknown>[] = [];
  for (const id of staffIds) {
    const raw = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    sessions.push({ id_hash: sha256(raw), user_id: null, staff_id: id, csrf_token: csrf, created_at: at, last_seen_at: at, expires_at: new Date(now.getTime() + t.deps.config.sessionAbsoluteMs).toISOString(), data: '{}' });
    out.set(id, { id, cookie: `${SESSION_COOKIE}=${raw}`, csrf });
  }
  await insertBatches(t.deps.db, 'sessions', sessions, 1000);
  return out;
}

/**
 * A bulk load's usual step: the table's secondary indexes dropped for the load and built again
 * after it, each from its own definition as the database holds it (the migration's, whatever it
 * is now), so the load does not update them row by row in random order.
 */
async function withoutIndexes(db: Kysely<any>, dialect: string, tables: string[], load: () => Promise<void>): Promise<void> {
  const defs: { name: string; sql: string }[] = [];
  for (const table of tables) {
    const rows =
      dialect === 'sqlite'
        ? (await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db)).rows
        : (await sql<{ name: string; sql: string }>`select i.indexname as name, i.indexdef as sql from pg_indexes i
            where i.tablename = ${table} and i.schemaname = current_schema()
              and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.connamespace = (select oid from pg_namespace where nspname = current_schema()))`.execute(db)).rows;
    defs.push(...rows);
  }
  for (const d of defs) await sql.raw(`drop index ${d.name}`).execute(db);
  await load();
  for (const d of defs) await sql.raw(d.sql).execute(db);
}

/** Rows into one of the bench's scratch tables (not the app's), in multi-row INSERTs. */
async function scratch(db: Kysely<any>, table: string, rows: Record<string, unknown>[], size = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table).values(rows.slice(i, i + size)).execute();
}

export async function seedAttendance(t: BenchApp, schools: BenchSchool[], studentCount: number, onStep: (what: string, seconds: number) => void = () => {}): Promise<SeededAttendance> {
  const { db, dialect } = t.deps;
  const any = db as unknown as Kysely<any>;
  const started = performance.now();
  let lap = started;
  const step = (what: string) => {
    const now = performance.now();
    onStep(what, (now - lap) / 1000);
    lap = now;
  };
  const district = t.deps.districts.get(DISTRICT)!;
  const y = namedYear(district, YEAR)!;
  const todayOrdinal = ordinalOnOrBefore(y, TODAY);
  if (y.days[todayOrdinal - 1] !== TODAY) throw new Error(`${TODAY} is not a school day of ${YEAR}`);
  // On SQLite, during the seeding only: no fsync, and a cache of 1 GiB so that the marks' three indexes are not rebuilt from disk page by page.
  if (dialect === 'sqlite') {
    await sql`PRAGMA synchronous = OFF`.execute(db);
    await sql`PRAGMA cache_size = -1048576`.execute(db);
  }
  const at = `${FIRST_DAY}T15:00:00.000Z`;
  const perSchool = Math.ceil(studentCount / schools.length);
  const perPeriod = Math.ceil(perSchool / SECTION_SIZE);
  // Each period seats the school's students in a different order (i × m mod n, m prime to n): six different classes of 35.
  const multipliers: number[] = [];
  for (let m = 1; multipliers.length < PERIODS; m += 2) if (gcd(m, perSchool) === 1) multipliers.push(m);

  const students: Record<string, unknown>[] = [];
  const enrollments: Record<string, unknown>[] = [];
  const benchStudents: Record<string, unknown>[] = [];
  const studentIds: string[][] = schools.map(() => []);
  for (let i = 0; i < studentCount; i++) {
    const s = Math.floor(i / perSchool);
    const school = schools[s];
    const lo = gradeIndex(school.lowest);
    const grade = GRADES[lo + (i % (gradeIndex(school.highest) - lo + 1))];
    const id = newId();
    studentIds[s].push(id);
    students.push({
      id, account_id: null, first_name: ['Mateo', 'Sofía', 'Liam', 'Camila', 'Noah', 'Valentina'][i % 6], middle_name: null, last_name: ['López', 'García', 'Nguyen', 'Kim', 'Pérez', 'Flores', 'Rivera'][i % 7],
      date_of_birth: `${2021 - gradeIndex(grade)}-0${1 + (i % 9)}-1${i % 10}`, current_grade: grade, current_school: null, current_district: null,
      address_line1: `${100 + (i % 9000)} Main Street`, address_line2: null, city: 'Los Angeles', state: 'CA', zip: '90011', created_at: at, updated_at: at,
    });
    enrollments.push({
      id: newId(), district_id: DISTRICT, school_id: school.id, student_id: id, school_year: YEAR, grade, status: 'active', entry_type: 'next-year',
      entry_date: FIRST_DAY, exit_date: null, exit_code: null, is_primary: 1, application_id: null, transfer_code: null, residence_district: null,
      expected_first_day: null, grade_rank: gradeIndex(grade), exit_document_id: null, created_at: at, updated_at: at,
    });
    benchStudents.push({ student_id: id, sidx: i });
  }
  await insertBatches(db, 'students', students, 1000);
  await insertBatches(db, 'enrollments', enrollments, 1000);
  step(`${studentCount} students and their enrollments`);

  // Bell schedules, period mode, teachers (one per section of each period: six sections each), sections and their students.
  const bell: Record<string, unknown>[] = [];
  const modes: Record<string, unknown>[] = [];
  const sections: BenchSection[] = [];
  const sectionRows: Record<string, unknown>[] = [];
  const sectionStudents: Record<string, unknown>[] = [];
  const benchSections: Record<string, unknown>[] = [];
  const teachers: { id: string; role: BenchRole; schoolIds: string[] }[] = [];
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  schools.forEach((school, s) => {
    for (let p = 1; p <= PERIODS; p++) bell.push({ id: newId(), school_id: school.id, school_year: YEAR, code: String(p), label: `Period ${p}`, starts_at: hhmm(480 + (p - 1) * 60), ends_at: hhmm(480 + (p - 1) * 60 + 50), position: p });
    modes.push({ school_id: school.id, school_year: YEAR, mode: 'period', updated_at: at, updated_by: 'staff:bench' });
    const ids = studentIds[s];
    if (ids.length === 0) return;
    const schoolTeachers = Array.from({ length: perPeriod }, () => newId());
    for (const id of schoolTeachers) teachers.push({ id, role: 'teacher', schoolIds: [school.id] });
    for (let p = 1; p <= PERIODS; p++) {
      const seats: string[][] = Array.from({ length: perPeriod }, () => []);
      for (let i = 0; i < ids.length; i++) seats[Math.floor(((i * multipliers[p - 1]) % perSchool) / SECTION_SIZE)].push(ids[i]);
      seats.forEach((seated, k) => {
        if (seated.length === 0) return;
        const section: BenchSection = { id: newId(), schoolId: school.id, period: p, teacherId: schoolTeachers[k], index: sections.length, students: seated };
        sections.push(section);
        sectionRows.push({ id: section.id, district_id: DISTRICT, school_id: school.id, school_year: YEAR, code: `P${p}-${String(k + 1).padStart(3, '0')}`, name: `Period ${p} class ${k + 1}`, period_code: String(p), teacher_id: section.teacherId, created_at: at, updated_at: at });
        benchSections.push({ section_id: section.id, school_id: school.id, teacher_id: section.teacherId, period: p, secidx: section.index });
        for (const studentId of seated) sectionStudents.push({ id: newId(), section_id: section.id, student_id: studentId, school_id: school.id, from_date: FIRST_DAY, to_date: null });
      });
    }
  });
  await insertStaff(t, teachers);
  await insertBatches(db, 'bell_periods', bell, 1000);
  await insertBatches(db, 'attendance_schools', modes, 1000);
  await insertBatches(db, 'sections', sectionRows, 1000);
  await insertBatches(db, 'section_students', sectionStudents, 2000);
  step(`${teachers.length} teachers, ${sections.length} sections, ${sectionStudents.length} seats`);

  // The scratch tables the INSERT … SELECTs read: the year's school days up to today, the sections, the seats with a number per student.
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  await sql.raw(`create table bench_days (date text not null, ord ${big} not null)`).execute(db);
  await sql.raw(`create table bench_sections (section_id text not null, school_id text not null, teacher_id text not null, period ${big} not null, secidx ${big} not null)`).execute(db);
  await sql.raw(`create table bench_students (student_id text primary key, sidx ${big} not null)`).execute(db);
  await scratch(any, 'bench_days', y.days.slice(0, todayOrdinal).map((date, i) => ({ date, ord: i + 1 })));
  await scratch(any, 'bench_sections', benchSections);
  await scratch(any, 'bench_students', benchStudents);
  await sql.raw(`create table bench_ss (section_id text not null, student_id text not null, school_id text not null, teacher_id text not null, period ${big} not null, secidx ${big} not null, sidx ${big} not null)`).execute(db);
  await sql`insert into bench_ss select ss.section_id, ss.student_id, ss.school_id, bs.teacher_id, bs.period, bs.secidx, b.sidx
    from section_students ss join bench_sections bs on bs.section_id = ss.section_id join bench_students b on b.student_id = ss.student_id`.execute(db);
  const today = todayOrdinal;
  // Today: periods 1 and 2 taken, but for one section in 33; the bench takes periods 3 to 6.
  const taken = (d: string, s: string) => sql.raw(`(${d}.ord < ${today} or (${d}.ord = ${today} and ${s}.period <= 2 and ${s}.secidx % 33 <> 0))`);

  // In key order: on SQLite these tables are their key (WITHOUT ROWID), built fastest from the front.
  await withoutIndexes(any, dialect, ['roster_submissions', 'attendance_marks', 'attendance_days'], () => db.transaction().execute(async (trx) => {
    await sql`insert into roster_submissions (section_id, date, school_id, submitted_by, submitted_at, changed_at)
      select s.section_id, d.date, s.school_id, 'staff:' || s.teacher_id, d.date || 'T' || (14 + s.period) || ':05:00.000Z', null
      from bench_sections s cross join bench_days d where ${taken('d', 's')}
      order by s.section_id, d.date`.execute(trx);
    step('roster submissions');
    // Whole days absent (all six periods): 2.2% of days, or 12.5% for one student in eight (chronically absent); of them 60% IL
    // (illness), 25% MD (medical), 15% A (unexcused, counting toward truancy). Otherwise per period: 0.04% a cut (A), 2.5% tardy
    // (1 to 15 minutes, one in 100 of them 35 minutes: past ATT-8's 30). One excused day in 50 was excused by an accepted explanation.
    const mins = sql.raw(`(case when (x.sidx + x.ord + x.period) % 100 = 0 then 35 else 1 + (x.ph * 7 + x.sidx) % 15 end)`);
    await sql`insert into attendance_marks (id, district_id, school_id, section_id, student_id, date, code, category, minutes, truancy, explanation_id, recorded_by, recorded_at)
      select 'bm-' || x.sidx || '-' || x.ord || '-' || x.period, ${DISTRICT}, x.school_id, x.section_id, x.student_id, x.date,
        case when x.whole = 1 then (case when x.pick < 12 then 'IL' when x.pick < 17 then 'MD' else 'A' end) when x.ph < 4 then 'A' else 'T' end,
        case when x.whole = 1 then (case when x.pick < 17 then 'excused' else 'unexcused' end) when x.ph < 4 then 'unexcused' else 'tardy' end,
        case when x.whole = 0 and x.ph >= 4 then ${mins} end,
        case when x.whole = 1 then (case when x.pick < 17 then 0 else 1 end) when x.ph < 4 then 1 when ${mins} > 30 then 1 else 0 end,
        case when x.whole = 1 and x.pick < 17 and (x.sidx + x.ord) % 50 = 0 then 'bx-' || x.sidx || '-' || x.ord end,
        'staff:' || x.teacher_id, x.date || 'T' || (14 + x.period) || ':05:00.000Z'
      from (
        select ss.section_id, ss.student_id, ss.school_id, ss.teacher_id, ss.period, ss.sidx, d.date, d.ord,
          case when ((ss.sidx * 7919 + d.ord * 104729 + 17) * 2654435761) % 1000003 % 1000 < (case when ss.sidx % 100 < 12 then 125 else 22 end) then 1 else 0 end as whole,
          ((ss.sidx * 31 + d.ord * 1009 + ss.period * 100003 + 5) * 2654435761) % 999983 % 10000 as ph,
          (ss.sidx + d.ord * 7) % 20 as pick
        from bench_ss ss cross join bench_days d
        where ${taken('d', 'ss')}
      ) x
      where x.whole = 1 or x.ph < 254
      order by x.section_id, x.date, x.student_id`.execute(trx);
    step('marks');
    // ATT-7: the accepted explanations' changes (the teacher's A, then the office's code).
    await sql`insert into attendance_changes (id, district_id, school_id, section_id, student_id, date, from_code, from_minutes, to_code, to_minutes, changed_by, changed_at, reason, paper_record)
      select 'bc-' || m.id, m.district_id, m.school_id, m.section_id, m.student_id, m.date, 'A', null, m.code, null, 'explanation:' || m.explanation_id, m.date || 'T22:00:00.000Z', 'Explanation accepted', null
      from attendance_marks m where m.explanation_id is not null`.execute(trx);
    await sql`insert into absence_explanations (id, district_id, school_id, student_id, account_id, channel, from_date, to_date, part, reason, note, document_key, document_name, document_type, language, status, code, refusal, created_by, created_at, decided_by, decided_at, removed_at)
      select m.explanation_id, ${DISTRICT}, min(m.school_id), m.student_id, null, 'phone', m.date, m.date, 'whole', case when min(m.code) = 'IL' then 'illness' else 'medical' end,
        'Called the office.', null, null, null, 'en', 'accepted', min(m.code), null, 'staff:bench', m.date || 'T17:00:00.000Z', 'staff:bench', m.date || 'T22:00:00.000Z', null
      from attendance_marks m where m.explanation_id is not null group by m.explanation_id, m.student_id, m.date`.execute(trx);
    step('accepted explanations and their changes');
    await sql`insert into attendance_days (student_id, date, district_id, school_id, school_year, scheduled, absent_periods, excused_periods, tardies, status, truant, unexplained, updated_at)
      select m.student_id, m.date, ${DISTRICT}, min(m.school_id), ${YEAR}, ${PERIODS},
        sum(case when m.category in ('excused', 'unexcused') then 1 else 0 end), sum(case when m.category = 'excused' then 1 else 0 end), sum(case when m.category = 'tardy' then 1 else 0 end),
        case when sum(case when m.category in ('excused', 'unexcused') then 1 else 0 end) >= ${PERIODS}
               then (case when sum(case when m.category = 'unexcused' then 1 else 0 end) = 0 then 'absent-excused' else 'absent-unexcused' end)
             when sum(case when m.category in ('excused', 'unexcused', 'early-departure') then 1 else 0 end) > 0 then 'partial'
             when sum(case when m.category = 'tardy' then 1 else 0 end) > 0 then 'tardy' else 'present' end,
        max(m.truancy), max(case when m.category = 'unexcused' then 1 else 0 end), max(m.recorded_at)
      from attendance_marks m group by m.student_id, m.date`.execute(trx);
    step('days');
    // Pending explanations for a third of the whole days unexcused in the last ten school days (given by phone or on paper).
    const recent = y.days[Math.max(0, todayOrdinal - 10)];
    await sql`insert into absence_explanations (id, district_id, school_id, student_id, account_id, channel, from_date, to_date, part, reason, note, document_key, document_name, document_type, language, status, code, refusal, created_by, created_at, decided_by, decided_at, removed_at)
      select 'bp-' || b.sidx || '-' || d.date, ${DISTRICT}, d.school_id, d.student_id, null, case when b.sidx % 2 = 0 then 'phone' else 'paper' end, d.date, d.date, 'whole', 'illness',
        'Sick at home.', null, null, null, case when b.sidx % 5 < 2 then 'es' else 'en' end, 'pending', null, null, 'staff:bench', d.date || 'T23:00:00.000Z', null, null, null
      from attendance_days d join bench_students b on b.student_id = d.student_id
      where d.status = 'absent-unexcused' and d.date >= ${recent} and b.sidx % 3 = 0`.execute(trx);
    await sql`update attendance_days set unexplained = 0 where unexplained = 1 and exists (select 1 from absence_explanations e
      where e.student_id = attendance_days.student_id and e.from_date <= attendance_days.date and e.to_date >= attendance_days.date and e.removed_at is null)`.execute(trx);
    step('pending explanations');
    await sql`insert into attendance_totals (student_id, school_id, school_year, district_id, first_ordinal, days_absent, days_excused, partial_days, tardies, truant_days, unexplained_days, updated_at)
      select d.student_id, d.school_id, ${YEAR}, ${DISTRICT}, 1,
        sum(case when d.status in ('absent-excused', 'absent-unexcused') then 1 else 0 end), sum(case when d.status = 'absent-excused' then 1 else 0 end),
        sum(case when d.status = 'partial' then 1 else 0 end), sum(case when d.tardies > 0 then 1 else 0 end), sum(d.truant), sum(d.unexplained), max(d.updated_at)
      from attendance_days d group by d.student_id, d.school_id`.execute(trx);
    step('totals');
    // ATT-5: the first notice sent on the third truant day's evening; the second on the sixth (sent for half, proposed for the others); the third proposed on the ninth when the second was sent.
    await sql`insert into truancy_notices (id, district_id, school_id, student_id, school_year, number, status, truant_days, language, proposed_at, sent_at, sent_by)
      select 'bt-' || t.n || '-' || b.sidx, ${DISTRICT}, t.school_id, t.student_id, ${YEAR}, t.n / 3,
        case when t.n = 3 or (t.n = 6 and b.sidx % 2 = 0) then 'sent' else 'proposed' end, t.n, case when b.sidx % 5 < 2 then 'es' else 'en' end,
        t.date || 'T03:00:00.000Z', case when t.n = 3 or (t.n = 6 and b.sidx % 2 = 0) then t.date || 'T03:00:00.000Z' end, case when t.n = 3 then 'system' when b.sidx % 2 = 0 then 'staff:bench' end
      from (select student_id, school_id, date, row_number() over (partition by student_id order by date) as n from attendance_days where truant = 1) t
      join bench_students b on b.student_id = t.student_id
      where t.n = 3 or t.n = 6 or (t.n = 9 and b.sidx % 2 = 0)`.execute(trx);
    await sql`insert into attendance_referrals (id, district_id, school_id, student_id, school_year, kind, held_on, participants, outcome, recorded_by, recorded_at)
      select 'br-' || n.id, ${DISTRICT}, n.school_id, n.student_id, ${YEAR}, 'sart', substr(n.proposed_at, 1, 10), 'Parent, counselor, attendance office', 'An attendance plan agreed', 'staff:bench', n.proposed_at
      from truancy_notices n where n.number = 3`.execute(trx);
    step('truancy notices and referrals');
  }));
  step('indexes built again');

  // ATT-4's trend: each school's daily snapshot up to yesterday (figures of the right size, not recomputed here).
  const snapshots: Record<string, unknown>[] = [];
  for (const school of schools) for (let i = 0; i < todayOrdinal - 1; i++) {
    const enrolled = perSchool;
    snapshots.push({ school_id: school.id, date: y.days[i], district_id: DISTRICT, school_year: YEAR, enrolled, chronic_state: Math.round(enrolled * (0.08 + 0.06 * Math.min(1, i / 60))), chronic_district: Math.round(enrolled * (0.1 + 0.07 * Math.min(1, i / 60))), at_risk: Math.round(enrolled * 0.05), rate_bp: 9450 - (i % 7) * 10, created_at: `${y.days[i]}T04:00:00.000Z` });
  }
  await insertBatches(db, 'attendance_snapshots', snapshots, 1000);

  const first = schools[0].id;
  const heavy = await db.selectFrom('attendance_totals').select('student_id').where('school_id', '=', first).orderBy('days_absent', 'desc').orderBy('student_id').limit(50).execute();
  for (const table of ['bench_ss', 'bench_days', 'bench_sections', 'bench_students']) await sql.raw(`drop table ${table}`).execute(db);
  if (dialect === 'sqlite') {
    await sql`PRAGMA synchronous = FULL`.execute(db);
    await sql.raw(`PRAGMA cache_size = -${SQLITE_CACHE_KIB}`).execute(db);
    // And the seeding's cache given back (the app's own size), so that the memory measured afterwards is the app's.
    await sql`PRAGMA shrink_memory`.execute(db);
  } else {
    // What autovacuum would do within a minute or so of a load like this one; done now.
    for (const table of ['students', 'enrollments', 'staff', 'staff_schools', 'sessions', 'bell_periods', 'attendance_schools', 'sections', 'section_students', 'roster_submissions', 'attendance_marks', 'attendance_changes', 'attendance_days', 'attendance_totals', 'absence_explanations', 'truancy_notices', 'attendance_referrals', 'attendance_snapshots']) await sql.raw(`VACUUM ANALYZE ${table}`).execute(db);
  }
  step('scratch tables dropped, statistics');
  const counts: Record<string, number> = {};
  for (const table of ['students', 'sections', 'section_students', 'roster_submissions', 'attendance_marks', 'attendance_changes', 'attendance_days', 'attendance_totals', 'absence_explanations', 'truancy_notices', 'attendance_referrals', 'attendance_snapshots'] as const) {
    counts[table] = Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  }
  return { seconds: (performance.now() - started) / 1000, counts, sections, heavyStudents: heavy.map((r) => r.student_id), students: studentIds[0] };
}
