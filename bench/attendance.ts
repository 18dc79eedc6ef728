import fs from 'node:fs';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { sql } from 'kysely';
import { newId } from '../src/platform/ids.js';
import { AttendanceMarks } from '../src/modules/attendance/marks.js';
import { AttendanceRepository } from '../src/modules/attendance/repository.js';
import type { HttpSpec, LoadResult } from './load.js';
import { benchDistrictsDir } from './seed-roll.js';
import { attendanceClock, insertStaff, PERIODS, SECTION_SIZE, seedAttendance, signIn, TODAY, type BenchSection, type BenchStaff } from './seed-attendance.js';
import { DISTRICT, bareFastify, env, fsyncMs, int, listen, machineLine, ms, percentiles, runLoad, stamp, startApp, table, verdict, writeSection, type BenchApp } from './support.js';

/**
 * Attendance at a large district's size (issue 16, point 11): 50,000 students (BENCH_STUDENTS) at
 * 20 schools in period mode, 8,640 sections of 35, and a school year of period attendance up to
 * "today" (7 June 2027, 14:05 in Los Angeles) as the design stores it — a roster submission per
 * section and school day, a mark only where a student was not present, the days and the year's
 * totals kept from them —, seeded by bulk statements (seed-attendance.ts). Then:
 *  (a) today's rosters of periods 3 to 6, 35 students each with two marked absent or tardy,
 *      submitted at 50 connections by their teachers through POST
 *      /staff/attendance/sections/:sectionId/days/:date — or, while that route is not built,
 *      through the service it calls (AttendanceMarks.writeRoster inside deps.writer.run, after
 *      the roster's read), 50 at a time in-process;
 *  (b) with the year in the database, a school office's pages one request after another over
 *      HTTP: the "not submitted" report, the chronic-absence list, the truancy worklist and a
 *      student's year page — "not built" for a route not on main yet —, with the app's memory
 *      (RSS, and heap after a GC) before and after.
 * On SQLite, and on PostgreSQL when DATABASE_URL or TEST_DATABASE_URL is given (`npm run
 * bench:attendance:postgres` starts a throwaway cluster). Against, in the same run, a bare Fastify
 * "hello" route (the HTTP floor).
 */
const STUDENTS = env('BENCH_STUDENTS', 50_000);
const SCHOOLS = 20;
const REQUESTS = env('BENCH_REQUESTS', 200);
const CONNECTIONS = 50;

const pgUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : process.env.TEST_DATABASE_URL;
const databases = [{ name: 'sqlite', label: 'SQLite', url: undefined }, ...(pgUrl ? [{ name: 'postgres', label: 'PostgreSQL', url: pgUrl }] : [])].filter((d) => !process.env.BENCH_DATABASES || process.env.BENCH_DATABASES.split(',').includes(d.name));

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
function memory(): { rss: number; heap: number } {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

console.log(machineLine());
if (!gc) console.log('(no --expose-gc: heap figures are without a collection first)');
const hello = bareFastify();
hello.get('/', async () => 'hello');
hello.post('/', async () => 'hello');
const helloUrl = await listen(hello);
const { dir: districtsDir, schools: allSchools } = benchDistrictsDir(SCHOOLS);
const schools = allSchools.slice(0, SCHOOLS);
const HOME = schools[0];

const ROSTER_ROUTE = '/staff/attendance/sections/:sectionId/days/:date';
const rosterPath = (s: BenchSection) => `/staff/attendance/sections/${encodeURIComponent(s.id)}/days/${TODAY}`;

/** Which two students of a roster are marked (one absent, one tardy), the same on every run. */
const marked = (s: BenchSection) => {
  const n = s.students.length;
  const absent = s.index % n;
  return { absent: s.students[absent], tardy: s.students[(absent + 1 + ((s.index * 7) % Math.max(1, n - 1))) % n] };
};

/**
 * The roster form as the app renders it for a section today: the form posting to its own page,
 * its hidden fields and, for each student, the field that takes their code and the one that takes
 * their minutes late (found by the student's id in the field's name).
 */
interface RosterForm { action: string; hidden: Map<string, string>; codeField: (studentId: string) => string; minutesField: (studentId: string) => string | undefined; fixed: [string, string][] }
async function rosterForm(t: BenchApp, who: BenchStaff, s: BenchSection): Promise<RosterForm> {
  const res = await t.app.inject({ method: 'GET', url: rosterPath(s), headers: { cookie: who.cookie } });
  const form = [...res.body.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].find((m) => m[1].replace(/&amp;/g, '&').includes(`/days/${TODAY}`));
  if (res.statusCode !== 200 || !form) throw new Error(`${rosterPath(s)} answered ${res.statusCode}${form ? '' : ' without the roster form'}`);
  const hidden = new Map<string, string>();
  for (const m of form[2].matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
    if (name && !s.students.some((id) => name.includes(id))) hidden.set(name, value.replace(/&amp;/g, '&'));
  }
  const names = [...new Set([...form[2].matchAll(/name="([^"]+)"/g)].map((m) => m[1]))];
  const one = s.students[0];
  const codeName = names.find((n) => n.includes(one) && !/minute/i.test(n));
  const minutesName = names.find((n) => n.includes(one) && /minute/i.test(n));
  if (!codeName) throw new Error(`the roster form has no field for a student's code (fields: ${names.join(', ')})`);
  // Fields that are neither hidden nor a student's (a reason box, a paper record): sent empty.
  const fixed: [string, string][] = names.filter((n) => !hidden.has(n) && !s.students.some((id) => n.includes(id))).map((n) => [n, '']);
  return { action: form[1].replace(/&amp;/g, '&'), hidden, codeField: (id) => codeName.replace(one, id), minutesField: (id) => minutesName?.replace(one, id), fixed };
}

function rosterBody(f: RosterForm, who: BenchStaff, s: BenchSection): string {
  const body = new URLSearchParams();
  for (const [name, value] of f.hidden) {
    if (name === '_csrf') body.set(name, who.csrf);
    else if (name === '_idem' || name.endsWith('_key')) body.set(name, newId());
    else body.set(name, value);
  }
  for (const [name, value] of f.fixed) body.set(name, value);
  const m = marked(s);
  for (const id of s.students) {
    body.set(f.codeField(id), id === m.absent ? 'A' : id === m.tardy ? 'T' : 'P');
    const minutes = f.minutesField(id);
    if (minutes) body.set(minutes, id === m.tardy ? '7' : '');
  }
  return body.toString();
}

const sequential = async (url: string, specs: HttpSpec[]) => {
  const r = await runLoad({ kind: 'sequential', url, specs, expect: { status: 200 } });
  if (r.ok !== specs.length) throw new Error(`${specs[0].path}: ${specs.length - r.ok} failed (${r.unexpected.slice(0, 3).join('; ')})`);
  return percentiles(r.ms);
};
const gets = (paths: string[], cookie: string, n: number): HttpSpec[] => Array.from({ length: n }, (_, i) => ({ method: 'GET' as const, path: paths[i % paths.length], headers: { cookie } }));

/** The app's CPU (this process) per request since `from`, in ms. */
const cpuPer = (from: NodeJS.CpuUsage, n: number): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000 / Math.max(1, n);
};

/** Rosters written today since `since` and how many a second, from the first one's time to the last's (the app's clock). */
async function rostersPerSecond(t: BenchApp, since: string): Promise<{ n: number; perSec: number }> {
  const r = await t.deps.db.selectFrom('roster_submissions').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('submitted_at').as('first'), eb.fn.max('submitted_at').as('last')]).where('date', '=', TODAY).where('submitted_at', '>=', since).executeTakeFirstOrThrow();
  const n = Number(r.n);
  const span = (Date.parse(String(r.last)) - Date.parse(String(r.first))) / 1000;
  return { n, perSec: span > 0 ? (n - 1) / span : NaN };
}

const SIZED = ['roster_submissions', 'attendance_marks', 'attendance_days', 'attendance_totals', 'attendance_changes', 'absence_explanations', 'truancy_notices', 'section_students', 'sections'];

/** Bytes of each attendance table with its indexes on PostgreSQL; the whole file on SQLite (it keeps no per-table figure without dbstat). */
async function tableSizes(t: BenchApp): Promise<[string, number][]> {
  if (t.deps.dialect === 'sqlite') {
    const pages = await sql<{ page_count: number }>`PRAGMA page_count`.execute(t.deps.db);
    const size = await sql<{ page_size: number }>`PRAGMA page_size`.execute(t.deps.db);
    return [['whole database file', Number(pages.rows[0].page_count) * Number(size.rows[0].page_size)]];
  }
  const out: [string, number][] = [];
  for (const table of SIZED) {
    const r = await sql<{ n: string }>`select pg_total_relation_size(${table}::regclass) as n`.execute(t.deps.db);
    out.push([table, Number(r.rows[0].n)]);
  }
  return out;
}

interface WriteFigures { how: string; ok: number; sent: number; perSec: number; p50: number; p90: number; p99: number; cpuMs: number; gc: GcFigures; errors: string[] }
interface GcFigures { pauses: number; ms: number; longest: number }

/**
 * The roster goal and its verdict. Issue 16 sets it on SQLite (at least 500 rosters a second, p99
 * under 100 ms); PostgreSQL's run is measured beside it, against the same p99 line for reference.
 */
function rosterGoal(database: string, w: WriteFigures): [string, string] {
  if (database === 'sqlite') return ['≥ 500/s, p99 < 100 ms', verdict(w.perSec >= 500 && w.p99 < 100 && w.ok === w.sent)];
  return ['none set (SQLite\'s: p99 < 100 ms)', w.p99 < 100 && w.ok === w.sent ? 'under SQLite\'s line' : 'over SQLite\'s line'];
}

/**
 * The app's garbage-collection pauses while the rosters run: each one stops every request in
 * flight, so they are a share of the tail (p99) that no query plan explains.
 */
function watchGc(): () => GcFigures {
  const figures: GcFigures = { pauses: 0, ms: 0, longest: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      figures.pauses++;
      figures.ms += e.duration;
      figures.longest = Math.max(figures.longest, e.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    return figures;
  };
}

/**
 * With BENCH_CPU_PROFILE=<file.cpuprofile>, the app's CPU profile of the measured rosters alone
 * (not the seeding or the pages), to open in a browser's developer tools.
 */
async function startProfile(): Promise<() => Promise<void>> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return async () => {};
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/** (a) over HTTP: each roster posted by its own teacher's session, autocannon at 50 connections in a child process. */
async function rostersOverHttp(t: BenchApp, targets: BenchSection[], teachers: Map<string, BenchStaff>): Promise<WriteFigures> {
  const form = await rosterForm(t, teachers.get(targets[0].teacherId)!, targets[0]);
  const specs = (list: BenchSection[]): HttpSpec[] => list.map((s) => {
    const who = teachers.get(s.teacherId)!;
    return { method: 'POST', path: rosterPath(s), headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: rosterBody(form, who, s) };
  });
  const first = specs(targets.slice(0, 1))[0];
  const res = await t.app.inject({ method: 'POST', url: first.path, headers: first.headers, payload: first.body });
  if (res.statusCode !== 303) throw new Error(`${first.path} answered ${res.statusCode}: ${res.body.replace(/\s+/g, ' ').slice(0, 400)}`);
  const expect = { status: 303 };
  const warm = targets.slice(1, 201);
  if (warm.length) await runLoad({ kind: 'load', url: t.url, connections: Math.min(CONNECTIONS, warm.length), amount: warm.length, specs: specs(warm), expect });
  const rest = targets.slice(201);
  const since = t.deps.clock.now().toISOString();
  const cpu = process.cpuUsage();
  if (rest.length === 0) throw new Error(`only ${targets.length} rosters to take: too few students for a run after the warm-up`);
  const stopProfile = await startProfile();
  const stopGc = watchGc();
  const r: LoadResult = await runLoad({ kind: 'load', url: t.url, connections: Math.min(CONNECTIONS, rest.length), amount: rest.length, specs: specs(rest), expect });
  const gcFigures = stopGc();
  await stopProfile();
  const cpuMs = cpuPer(cpu, r.requests);
  const kept = await rostersPerSecond(t, since);
  return { how: `HTTP POST ${ROSTER_ROUTE}`, ok: r.ok, sent: r.requests, perSec: kept.perSec, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, cpuMs, gc: gcFigures, errors: [...r.unexpected.slice(0, 3), ...(r.errors ? [`${r.errors} socket errors`] : [])] };
}

/** (a) at the service, while the route is not built: the roster's read, then writeRoster inside the app's writer, 50 at a time. */
async function rostersAtService(t: BenchApp, targets: BenchSection[]): Promise<WriteFigures> {
  const district = t.deps.districts.get(DISTRICT)!;
  const marks = new AttendanceMarks(t.deps.dialect);
  const repo = new AttendanceRepository(t.deps.db);
  const latencies: number[] = [];
  const errors: string[] = [];
  let ok = 0;
  const one = async (s: BenchSection) => {
    const started = performance.now();
    try {
      const section = (await repo.section(s.id))!;
      const roster = await repo.rosterOn(section, TODAY);
      const m = marked(s);
      const entries = roster.map((r) => ({ studentId: r.studentId, code: r.studentId === m.absent ? 'A' : r.studentId === m.tardy ? 'T' : 'P', minutes: r.studentId === m.tardy ? 7 : null }));
      const at = t.deps.clock.now().toISOString();
      const w = await t.deps.writer.run((trx) => marks.writeRoster(trx, { district, section, date: TODAY, by: `staff:${s.teacherId}`, at, entries, reason: null }));
      if (w.first && w.written === 2) ok++;
      else errors.push(`${s.id}: first ${w.first}, written ${w.written}`);
    } catch (e) {
      errors.push((e as Error).message);
    }
    latencies.push(performance.now() - started);
  };
  const run = async (list: BenchSection[]) => {
    let next = 0;
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (next < list.length) await one(list[next++]);
    }));
  };
  await run(targets.slice(0, 200));
  latencies.length = 0;
  ok = 0;
  const rest = targets.slice(200);
  const since = t.deps.clock.now().toISOString();
  const cpu = process.cpuUsage();
  const stopGc = watchGc();
  await run(rest);
  const gcFigures = stopGc();
  const cpuMs = cpuPer(cpu, rest.length);
  const kept = await rostersPerSecond(t, since);
  const p = percentiles(latencies);
  const sorted = [...latencies].sort((a, b) => a - b);
  return { how: 'service: AttendanceRepository.section + rosterOn, then AttendanceMarks.writeRoster inside deps.writer.run (the route is not built)', ok, sent: rest.length, perSec: kept.perSec, p50: p.p50, p90: sorted[Math.ceil(0.9 * sorted.length) - 1], p99: p.p99, cpuMs, gc: gcFigures, errors: errors.slice(0, 3) };
}

for (const database of databases) {
  console.log(`\n${database.label}: seeding ${int(STUDENTS)} students at ${schools.length} schools and a year of period attendance to ${TODAY}`);
  const t = await startApp({ databaseUrl: database.url, env: { DISTRICTS_DIR: districtsDir }, clock: attendanceClock() });
  const seeded = await seedAttendance(t, schools, STUDENTS, (what, s) => console.log(`  ${what}: ${s.toFixed(1)} s`));
  const rows = Object.values(seeded.counts).reduce((a, b) => a + b, 0);
  console.log(`  seeded in ${seeded.seconds.toFixed(1)} s: ${Object.entries(seeded.counts).map(([k, v]) => `${k} ${int(v)}`).join(', ')}`);
  const studentPeriods = seeded.counts.roster_submissions * SECTION_SIZE;
  // What the year takes on disk (tables and their indexes): for docs/scaling.md's arithmetic.
  const sizes = await tableSizes(t);
  console.log(`  on disk: ${sizes.map(([k, v]) => `${k} ${mib(v)}`).join(', ')}`);
  const officeId = newId();
  await insertStaff(t, [{ id: officeId, role: 'school_office', schoolIds: [HOME.id] }]);

  const floor = await sequential(helloUrl, gets(['/'], '', REQUESTS));
  console.log(`  bare "hello" route: p50 ${ms(floor.p50)} p95 ${ms(floor.p95)} p99 ${ms(floor.p99)} ms`);

  // --- (a) Today's rosters of periods 3 to 6 at 50 connections (one section in 33 left untaken for the report) ---
  const fsync = database.name === 'sqlite' ? fsyncMs(t.dataDir) : undefined;
  if (fsync !== undefined) console.log(`  fsync of the data disk: ${ms(fsync)} ms`);
  const targets = seeded.sections.filter((s) => s.period > 2 && s.index % 33 !== 0).sort((a, b) => a.period - b.period || a.index - b.index);
  let write: WriteFigures | { error: string };
  const http = t.app.hasRoute({ method: 'POST', url: ROSTER_ROUTE });
  try {
    const teachers = http ? await signIn(t, [...new Set(targets.map((s) => s.teacherId))]) : new Map();
    write = http ? await rostersOverHttp(t, targets, teachers) : await rostersAtService(t, targets);
    console.log(`  rosters (${write.how}): ${int(write.ok)}/${int(write.sent)} ok, ${int(write.perSec)} rosters/s, p50 ${ms(write.p50)} p90 ${ms(write.p90)} p99 ${ms(write.p99)} ms, app CPU ${ms(write.cpuMs)} ms each, GC ${write.gc.pauses} pauses ${ms(write.gc.ms)} ms (longest ${ms(write.gc.longest)}) ${write.errors.join('; ')}`);
  } catch (e) {
    write = { error: (e as Error).message };
    console.log(`  rosters: FAILED ${write.error}`);
  }
  const taken = Number((await t.deps.db.selectFrom('roster_submissions').select((eb) => eb.fn.countAll().as('n')).where('date', '=', TODAY).executeTakeFirstOrThrow()).n);

  // --- (b) A school office's pages with the year in the database ---
  const office = (await signIn(t, [officeId])).get(officeId)!;
  const school = encodeURIComponent(HOME.id);
  const PAGES: { name: string; route: string; paths: string[] }[] = [
    { name: `"not submitted" report (${HOME.code})`, route: '/staff/attendance/not-submitted', paths: [`/staff/attendance/not-submitted?school=${school}`] },
    { name: `chronic-absence list (${HOME.code})`, route: '/staff/attendance/chronic', paths: [`/staff/attendance/chronic?school=${school}`] },
    { name: `truancy worklist (${HOME.code})`, route: '/staff/attendance/truancy', paths: [`/staff/attendance/truancy?school=${school}`] },
    { name: "a student's year page (the school's 50 most absent, in turn)", route: '/staff/attendance/students/:studentId', paths: seeded.heavyStudents.map((id) => `/staff/attendance/students/${encodeURIComponent(id)}`) },
    { name: "a student's year page (any student of the school, in turn)", route: '/staff/attendance/students/:studentId', paths: seeded.students.slice(0, 200).map((id) => `/staff/attendance/students/${encodeURIComponent(id)}`) },
  ];
  const before = memory();
  const results: { name: string; path: string; http?: ReturnType<typeof percentiles>; bytes?: number; note?: string }[] = [];
  for (const page of PAGES) {
    const path = page.paths[0].replace(/students\/[^/?]+/, 'students/:id');
    if (!t.app.hasRoute({ method: 'GET', url: page.route })) {
      console.log(`  ${page.name}: not built`);
      results.push({ name: page.name, path, note: 'not built' });
      continue;
    }
    try {
      const probe = await t.app.inject({ method: 'GET', url: page.paths[0], headers: { cookie: office.cookie } });
      await sequential(t.url, gets(page.paths, office.cookie, 20));
      const r = await sequential(t.url, gets(page.paths, office.cookie, REQUESTS));
      console.log(`  ${page.name}: p50 ${ms(r.p50)} p95 ${ms(r.p95)} p99 ${ms(r.p99)} ms (${int(probe.body.length / 1024)} KiB)`);
      results.push({ name: page.name, path, http: r, bytes: probe.body.length });
    } catch (e) {
      console.log(`  ${page.name}: FAILED ${(e as Error).message}`);
      results.push({ name: page.name, path, note: `**failed**: ${(e as Error).message}` });
    }
  }
  const after = memory();
  console.log(`  memory: RSS ${mib(before.rss)} → ${mib(after.rss)}, heap after GC ${mib(before.heap)} → ${mib(after.heap)}`);
  await t.close();

  if (!process.env.BENCH_NO_WRITE) writeSection(`attendance-${database.name}`, `
### Attendance at a large district's size on ${database.label}

\`npm run bench:attendance${database.name === 'postgres' ? ':postgres' : ''}\` — measured ${stamp()} on: ${machineLine()}.

Seeded ${int(seeded.counts.students)} students at ${schools.length} schools in period mode (${PERIODS} periods), ${int(seeded.counts.sections)} sections of ${SECTION_SIZE} (${int(seeded.counts.section_students)} seats) and the year 2026-2027 of period attendance up to ${TODAY} (${int(studentPeriods)} student-periods) in **${seeded.seconds.toFixed(0)} s** (${int(rows)} rows${database.name === 'sqlite' ? '; synchronous=OFF during the seeding only, no ANALYZE (the app runs none)' : '; then VACUUM ANALYZE, what autovacuum does soon after a load'}): ${Object.entries(seeded.counts).map(([k, v]) => `${k} ${int(v)}`).join(', ')}. Marks are ${(100 * seeded.counts.attendance_marks / studentPeriods).toFixed(1)}% of the student-periods. On disk with their indexes: ${sizes.map(([k, v]) => `${k} ${mib(v)}`).join(', ')}.

Rosters: today's periods 3 to 6 (${int(targets.length)} sections, one in 33 left untaken for the report), each of ${SECTION_SIZE} students with one absent (A) and one tardy 7 minutes (T), each by its own teacher, 50 at a time after 200 to warm up. Rosters/s counts the submissions written, from the first one's time to the last one's (the app's clock); p90 and p99 are of each post.${fsync !== undefined ? ` fsync of the data disk (4 KiB, median) just before: ${ms(fsync)} ms.` : ' PostgreSQL runs with fsync=off (the throwaway cluster of scripts/with-postgres.sh).'}

${'error' in write
    ? `Rosters: **not measured**: ${write.error}`
    : table(['how', 'ok / sent', 'rosters/s', 'p50', 'p90', 'p99', 'app CPU per roster', 'GC pauses (total, longest)', 'goal', ''], [[write.how, `${int(write.ok)} / ${int(write.sent)}`, int(write.perSec), ms(write.p50), ms(write.p90), ms(write.p99), ms(write.cpuMs), `${write.gc.pauses} (${ms(write.gc.ms)} ms, ${ms(write.gc.longest)} ms)`, ...rosterGoal(database.name, write)]])}

Pages: ${int(REQUESTS)} requests each, one after another on one keep-alive connection (after 20 to warm up), by a signed-in school office of ${HOME.code} (${int(seeded.students.length)} students, ${int(taken)} rosters taken today in the district), over HTTP through the whole app.

${table(['page', 'p50', 'p95', 'p99', 'size', 'goal', ''], [
  ['bare "hello" route (HTTP floor)', ms(floor.p50), ms(floor.p95), ms(floor.p99), '—', '—', ''],
  ...results.map((r) => (r.http ? [`${r.name} — \`${r.path}\``, ms(r.http.p50), ms(r.http.p95), ms(r.http.p99), `${int((r.bytes ?? 0) / 1024)} KiB`, 'p95 < 50 ms', verdict(r.http.p95 < 50)] : [`${r.name} — \`${r.path}\``, '—', '—', '—', '—', 'p95 < 50 ms', r.note ?? ''])),
])}

The app's memory around the pages: RSS ${mib(before.rss)} → ${mib(after.rss)}, heap used after a GC ${mib(before.heap)} → ${mib(after.heap)}${gc ? '' : ' (no GC exposed)'}.
`);
}
await hello.close();
fs.rmSync(districtsDir, { recursive: true, force: true });
