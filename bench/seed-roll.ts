import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import { GRADES, gradeIndex } from '../src/modules/districts/config-schema.js';
import { newId } from '../src/platform/ids.js';
import { DISTRICT, ROOT, insertBatches, type BenchApp } from './support.js';

/**
 * A large district's roll for bench/roll.ts (issue 15, point 13): a copy of the sample districts
 * whose Los Angeles file has 1,000 schools (its 7 and 993 more: 6 in 10 elementary TK–5, 2 in 10
 * middle 6–8, 2 in 10 high 9–12), and a year of entries and exits at them — students, their
 * enrollments (with the grade's rank), the history of each, roll facts, emergency contacts and
 * the no-show list — inserted by multi-row INSERTs in transactions, not row by row; on SQLite
 * with synchronous=OFF during the seeding only (the bench's own database).
 */

export const SCHOOLS = env('BENCH_SCHOOLS', 1_000);
export const YEAR = '2026-2027';
const FIRST_DAY = '2026-08-13';

function env(name: string, fallback: number): number {
  return process.env[name] ? Number(process.env[name]) : fallback;
}

/** The school codes of the bench district, in order; a school's kind comes from its place (i % 10). */
export interface BenchSchool {
  code: string;
  id: string;
  lowest: string;
  highest: string;
}
const KINDS = [
  { lowest: 'TK', highest: '5', name: 'Elementary' },
  { lowest: '6', highest: '8', name: 'Middle School' },
  { lowest: '9', highest: '12', name: 'High School' },
];
const kindOf = (i: number) => KINDS[i % 10 < 6 ? 0 : i % 10 < 8 ? 1 : 2];

/**
 * A folder with the sample districts, the Los Angeles one with `count` schools: the sample's own
 * seven first (the address ranges name them), then generated ones, as YAML lines of the same shape.
 */
export function benchDistrictsDir(count = SCHOOLS): { dir: string; schools: BenchSchool[] } {
  const src = path.join(ROOT, 'config/districts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-bench-districts-'));
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  const file = path.join(dir, `${DISTRICT}.yaml`);
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const start = lines.indexOf('schools:');
  let end = start + 1;
  while (lines[end]?.startsWith('  - {')) end++;
  const sample = lines.slice(start + 1, end);
  const schools: BenchSchool[] = [];
  const generated: string[] = [];
  // The sample's seven keep their codes (1001, 1002, 1003 elementary/magnet, 2001/2002 middle, 3001/3002 high).
  for (const line of sample) {
    const code = /code: "([^"]+)"/.exec(line)![1];
    const lowest = /lowestGrade: "?([^",]+)"?/.exec(line)![1];
    const highest = /highestGrade: "?([^",]+)"?/.exec(line)![1];
    if (!/magnet: true/.test(line)) schools.push({ code, id: `${DISTRICT}:${code}`, lowest, highest });
  }
  for (let i = 0; schools.length < count; i++) {
    const k = kindOf(i);
    const code = String(5000 + i);
    schools.push({ code, id: `${DISTRICT}:${code}`, lowest: k.lowest, highest: k.highest });
    generated.push(`  - { code: "${code}", name: "Bench ${k.name} ${i + 1}", lowestGrade: ${k.lowest === 'TK' ? 'TK' : `"${k.lowest}"`}, highestGrade: "${k.highest}", address: "${100 + i} Bench Street, Los Angeles, CA 90011", phone: "(213) 555-0199", permitSeats: { perGrade: 3 } }`);
  }
  fs.writeFileSync(file, [...lines.slice(0, end), ...generated, ...lines.slice(end)].join('\n'));
  return { dir, schools };
}

// The same figures on every run: a small seeded generator, not Math.random.
let state = 15;
const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
const FIRST = ['Mateo', 'Sofía', 'Liam', 'Camila', 'Noah', 'Valentina', 'Ethan', 'Isabella', 'Diego', 'Mia', 'Daniel', 'Emma', 'Lucas', 'Ava', 'Gabriel', 'Aaliyah'];
const LAST = ['López', 'García', 'Hernández', 'Martínez', 'Nguyen', 'Kim', 'Smith', 'Johnson', 'Rodríguez', 'Pérez', 'Williams', 'Flores', 'Torres', 'Rivera', 'Brown', 'Lee'];
const EXITS = ['T160', 'T160', 'T160', 'T180', 'T200', 'T240', 'E140', 'N470'];
const POPULATIONS = ['', '', '', '', 'homeless', 'foster', 'iep', 'military', 'newcomer', 'homeless,iep'];

/** A school day of the 2026-2027 year up to mid-January (weekdays; holidays are not avoided). */
function schoolDay(from: string, to: string): string {
  const a = Date.parse(`${from}T12:00:00Z`);
  const b = Date.parse(`${to}T12:00:00Z`);
  for (;;) {
    const d = new Date(a + Math.floor(random() * ((b - a) / 86_400_000 + 1)) * 86_400_000);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) return d.toISOString().slice(0, 10);
  }
}

export interface SeededRoll {
  seconds: number;
  counts: Record<string, number>;
  /** Students with two enrollments (an exit and a transfer in), for the history page, at the first school. */
  historyStudents: string[];
}

/**
 * `students` students spread evenly over `schools`, each with a year's enrollment at 2026-2027:
 * about 88% active (an entry date from the first day to mid-January), 8% exited with a code (half of
 * them moved to another school of the same grades: an exit and an entry there), 4% pre-enrolled with
 * a first expected day (half already past and on the no-show list, unresolved). Three in ten
 * students have roll facts (special populations, immunization), seven in ten emergency contacts.
 */
export async function seedRoll(t: BenchApp, schools: BenchSchool[], students: number, actor: string, onProgress: (done: number) => void = () => {}): Promise<SeededRoll> {
  const { db, dialect } = t.deps;
  const started = performance.now();
  if (dialect === 'sqlite') await sql`PRAGMA synchronous = OFF`.execute(db);
  const counts: Record<string, number> = { students: 0, enrollments: 0, enrollment_events: 0, roll_students: 0, emergency_contacts: 0, no_shows: 0 };
  const historyStudents: string[] = [];
  const perSchool = Math.ceil(students / schools.length);
  const BATCH = 10_000;
  for (let done = 0; done < students; ) {
    const st: Record<string, unknown>[] = [];
    const en: Record<string, unknown>[] = [];
    const ev: Record<string, unknown>[] = [];
    const facts: Record<string, unknown>[] = [];
    const contacts: Record<string, unknown>[] = [];
    const noShows: Record<string, unknown>[] = [];
    for (const end = Math.min(students, done + BATCH); done < end; done++) {
      const schoolIndex = Math.floor(done / perSchool) % schools.length;
      const school = schools[schoolIndex];
      const grade = GRADES[gradeIndex(school.lowest) + Math.floor(random() * (gradeIndex(school.highest) - gradeIndex(school.lowest) + 1))];
      const rank = gradeIndex(grade);
      const birthYear = 2026 - 5 - rank + (random() < 0.1 ? -1 : 0);
      const studentId = newId();
      const at = `${FIRST_DAY}T15:00:00.000Z`;
      st.push({
        id: studentId, account_id: null, first_name: pick(FIRST), middle_name: null, last_name: pick(LAST),
        date_of_birth: `${birthYear}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
        current_grade: grade, current_school: null, current_district: null, address_line1: `${100 + (done % 9000)} Main Street`, address_line2: null,
        city: 'Los Angeles', state: 'CA', zip: '90011', created_at: at, updated_at: at,
      });
      const enrollment = (o: { school: BenchSchool; status: 'active' | 'exited' | 'pre_enrolled'; entry: string | null; exitDate?: string; exitCode?: string; expected?: string; permit?: boolean }) => {
        const id = newId();
        // A pre-enrollment is made before its first expected day (all of them here by the first Monday of January).
        const created = `${o.entry ?? '2027-01-04'}T15:00:00.000Z`;
        en.push({
          id, district_id: DISTRICT, school_id: o.school.id, student_id: studentId, school_year: YEAR, grade, status: o.status,
          entry_type: o.permit ? 'inter-district-permit' : o.entry === FIRST_DAY ? 'next-year' : pick(['new', 'transfer', 're-entry']),
          entry_date: o.entry, exit_date: o.exitDate ?? null, exit_code: o.exitCode ?? null, is_primary: 1, application_id: null,
          transfer_code: o.permit ? '1' : null, residence_district: o.permit ? '1964733' : null, expected_first_day: o.expected ?? null,
          grade_rank: rank, exit_document_id: null, created_at: created, updated_at: o.exitDate ? `${o.exitDate}T20:00:00.000Z` : created,
        });
        ev.push({ id: newId(), enrollment_id: id, at: created, actor, what: 'enrolled', from_status: null, to_status: o.status === 'pre_enrolled' ? 'pre_enrolled' : 'active', note: null });
        if (o.exitDate) ev.push({ id: newId(), enrollment_id: id, at: `${o.exitDate}T20:00:00.000Z`, actor, what: 'exited', from_status: 'active', to_status: 'exited', note: null });
        return id;
      };
      const r = random();
      const permit = random() < 0.05;
      if (r < 0.04) {
        // Pre-enrolled: half expected on a day already past (flagged that evening), half next week.
        const past = random() < 0.5;
        const expected = past ? schoolDay('2027-01-04', '2027-01-29') : '2027-02-08';
        const id = enrollment({ school, status: 'pre_enrolled', entry: null, expected, permit });
        if (past) noShows.push({ enrollment_id: id, school_id: school.id, school_year: YEAR, expected_day: expected, flagged_at: `${expected}T02:00:00.000Z`, resolved_at: null, resolution: null });
      } else if (r < 0.12) {
        const entry = random() < 0.6 ? FIRST_DAY : schoolDay(FIRST_DAY, '2026-10-30');
        const exitDate = schoolDay('2026-11-02', '2026-12-18');
        const code = pick(EXITS);
        enrollment({ school, status: 'exited', entry, exitDate, exitCode: code, permit });
        // Half of them moved to another school of the district with the same grades, the next school day.
        if (code === 'T160' && random() < 0.9) {
          const to = schools[(schoolIndex + 10) % schools.length];
          const next = new Date(Date.parse(`${exitDate}T12:00:00Z`) + (new Date(`${exitDate}T12:00:00Z`).getUTCDay() === 5 ? 3 : 1) * 86_400_000).toISOString().slice(0, 10);
          enrollment({ school: to.lowest === school.lowest ? to : school, status: 'active', entry: next });
          if (schoolIndex === 0) historyStudents.push(studentId);
        }
      } else {
        enrollment({ school, status: 'active', entry: random() < 0.75 ? FIRST_DAY : schoolDay(FIRST_DAY, '2027-01-15'), permit });
      }
      if (random() < 0.3) {
        const immunization = pick(['complete', 'complete', 'complete', 'conditional', 'exempt'] as const);
        facts.push({
          student_id: studentId, district_id: DISTRICT, populations: pick(POPULATIONS), immunization,
          immunization_until: immunization === 'conditional' ? schoolDay('2027-01-18', '2027-04-30') : null,
          to_collect: random() < 0.2 ? '["records"]' : '[]', emancipated: 0, updated_at: at, updated_by: actor,
        });
      }
      if (random() < 0.7) {
        const n = random() < 0.5 ? 1 : 2;
        for (let p = 1; p <= n; p++) {
          contacts.push({
            id: newId(), student_id: studentId, position: p, name: `${pick(FIRST)} ${pick(LAST)}`, relationship: p === 1 ? 'parent' : 'grandparent',
            phone: `(213) 555-${String(1000 + (done % 9000)).slice(0, 4)}`, alt_phone: null, email: null, language: random() < 0.4 ? 'es' : 'en',
            created_at: at, updated_at: at, updated_by: actor,
          });
        }
      }
    }
    // Parents before children (the foreign keys): students, enrollments, then what hangs on them.
    await insertBatches(db, 'students', st, 1000);
    await insertBatches(db, 'enrollments', en, 1000);
    await insertBatches(db, 'enrollment_events', ev, 2000);
    await insertBatches(db, 'roll_students', facts, 2000);
    await insertBatches(db, 'emergency_contacts', contacts, 2000);
    await insertBatches(db, 'no_shows', noShows, 2000);
    counts.students += st.length;
    counts.enrollments += en.length;
    counts.enrollment_events += ev.length;
    counts.roll_students += facts.length;
    counts.emergency_contacts += contacts.length;
    counts.no_shows += noShows.length;
    if (done % 100_000 === 0 || done === students) onProgress(done);
  }
  // SQLite gets no ANALYZE: the app never runs one, so the planner sees what it sees in production.
  if (dialect === 'sqlite') await sql`PRAGMA synchronous = FULL`.execute(db);
  else {
    // What autovacuum would do within a minute or so of a load like this one; done now.
    for (const table of ['students', 'enrollments', 'enrollment_events', 'roll_students', 'emergency_contacts', 'no_shows']) await sql.raw(`VACUUM ANALYZE ${table}`).execute(db);
  }
  return { seconds: (performance.now() - started) / 1000, counts, historyStudents };
}
