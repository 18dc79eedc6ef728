import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { StaffService } from '../src/modules/staff/service.js';
import type { StaffRole } from '../src/platform/db/schema.js';
import { SESSION_COOKIE } from '../src/platform/http/sessions.js';
import { newId } from '../src/platform/ids.js';
import { TestClient } from '../test/support/client.js';
import { EnrollmentRepository, type RollQuery } from '../src/modules/enrollment/repository.js';
import { openNoShows } from '../src/modules/enrollment/no-shows.js';
import { performance } from 'node:perf_hooks';
import type { HttpSpec, LoadResult } from './load.js';
import { benchDistrictsDir, seedRoll, SCHOOLS, YEAR, type BenchSchool } from './seed-roll.js';
import { DISTRICT, bareFastify, env, fsyncMs, int, listen, machineLine, ms, percentiles, runLoad, stamp, startApp, table, verdict, writeSection, type BenchApp } from './support.js';

/**
 * A school's roll at a large district's size (issue 15, point 13): 500,000 students across 1,000
 * schools (BENCH_STUDENTS, BENCH_SCHOOLS) with a year of entries and exits, seeded by multi-row
 * INSERTs; then, over HTTP through the whole app, a signed-in school office's pages one request
 * after another (a school's roll with its filters, a student's enrollment history, the no-show
 * list) and a district administrator's roll page; then enrollments at the counter and withdrawals
 * (with their document) submitted at 50 connections. On SQLite, and on PostgreSQL when
 * DATABASE_URL or TEST_DATABASE_URL is given (`npm run bench:roll:postgres` starts a throwaway
 * cluster). Against, in the same run, a bare Fastify "hello" route (the HTTP floor).
 */
const STUDENTS = env('BENCH_STUDENTS', 500_000);
const REQUESTS = env('BENCH_REQUESTS', 200);
const WRITES = env('BENCH_WRITES', 2_000);
const CONNECTIONS = 50;

const pgUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : process.env.TEST_DATABASE_URL;
// BENCH_DATABASES=postgres (or sqlite) runs one of the two only.
const databases = [{ name: 'sqlite', label: 'SQLite', url: undefined }, ...(pgUrl ? [{ name: 'postgres', label: 'PostgreSQL', url: pgUrl }] : [])].filter((d) => !process.env.BENCH_DATABASES || process.env.BENCH_DATABASES.split(',').includes(d.name));

console.log(machineLine());
const hello = bareFastify();
hello.get('/', async () => 'hello');
hello.post('/', async () => 'hello');
const helloUrl = await listen(hello);
const { dir: districtsDir, schools } = benchDistrictsDir(SCHOOLS);
// The office keeps the first ten schools' rolls (elementary, middle and high); its page is the first one's.
const OFFICE_SCHOOLS = schools.slice(0, 10);
const HOME = schools[0];

/** A staff member of the role, created with StaffService and activated through the real activation page: the session's cookie and CSRF token. */
async function signedIn(t: BenchApp, role: StaffRole, schoolCodes?: string[]): Promise<{ id: string; cookie: string; csrf: string }> {
  const r = await new StaffService(t.deps).create({ districtSlug: DISTRICT, email: `bench.${role.replace('_', '.')}.${newId().toLowerCase().replace(/[^a-z0-9]/g, '')}@example.org`, firstName: 'Ana', lastName: 'López', role, schoolCodes });
  if (!r.ok) throw new Error(r.problem.code);
  const c = new TestClient(t.app);
  const link = new URL(r.value.activationLink).pathname;
  await c.get(link);
  const done = await c.post(link, { password: 'Tortuga7Verde', password_confirm: 'Tortuga7Verde' });
  if (done.status !== 303) throw new Error(`staff activation failed: ${done.status}`);
  const raw = c.cookies.get(SESSION_COOKIE)!;
  const session = await t.deps.db.selectFrom('sessions').select('csrf_token').where('staff_id', '=', r.value.id).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  return { id: r.value.id, cookie: `${SESSION_COOKIE}=${raw}`, csrf: session.csrf_token };
}

const sequential = async (url: string, specs: HttpSpec[]) => {
  const r = await runLoad({ kind: 'sequential', url, specs, expect: { status: 200 } });
  if (r.ok !== specs.length) throw new Error(`${specs[0].path}: ${specs.length - r.ok} failed (${r.unexpected.slice(0, 3).join('; ')})`);
  return percentiles(r.ms);
};
const gets = (paths: string[], cookie: string, n: number): HttpSpec[] => Array.from({ length: n }, (_, i) => ({ method: 'GET' as const, path: paths[i % paths.length], headers: { cookie } }));

/** The hidden fields of the form posted to `action` on the page at `path`, as the browser holds them. */
async function hiddenFields(t: BenchApp, cookie: string, pagePath: string, action: RegExp): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: pagePath, headers: { cookie } });
  const form = [...res.body.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].find((m) => action.test(m[1].replace(/&amp;/g, '&')));
  if (res.statusCode !== 200 || !form) throw new Error(`${pagePath} answered ${res.statusCode}${form ? '' : ' without the form'}`);
  return [...new Set([...form[2].matchAll(/<input type="hidden" name="([^"]+)"/g)].map((m) => m[1]))];
}

/** A name's letters for a number (a, b, … z, ba, bb …): names take no digits. */
const letters = (i: number): string => i.toString(26).split('').map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');

/** A new student enrolled at the counter, as the enrollment form posts it: the hidden fields, then the answers. */
function enrollBody(hidden: string[], csrf: string, school: BenchSchool, i: number): string {
  const form = new URLSearchParams();
  for (const name of hidden) {
    if (name === '_csrf') form.set(name, csrf);
    else if (name === '_idem' || name.endsWith('_key')) form.set(name, randomBytes(18).toString('base64url'));
    else throw new Error(`the enrollment form has a hidden field the bench does not fill: ${name}`);
  }
  const grade = school.lowest === 'TK' ? '2' : school.lowest === '6' ? '7' : '10';
  const fields: Record<string, string> = {
    school: school.id, school_year: YEAR, grade, entry_type: 'new', entry_month: '2', entry_day: '1', entry_year: '2027',
    first_name: 'Mateo', middle_name: '', last_name: `Bench ${letters(i)}`, dob_month: '3', dob_day: '14', dob_year: String(2027 - 6 - Number(grade)),
    address_line1: '1200 Elm Street', address_line2: '', city: 'Los Angeles', state: 'CA', zip: '90011', immunization: 'complete',
  };
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form.toString();
}

/** A withdrawal to another California public school (T160) with its records request, a small PDF, as a browser's multipart post. */
const PDF = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
function withdrawBody(csrf: string): { body: string; type: string } {
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body =
    field('_csrf', csrf) + field('exitCode', 'T160') + field('exitDate', '2027-01-29') + field('requestedBy', 'parent') + field('note', '') +
    `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="records-request.pdf"\r\nContent-Type: application/pdf\r\n\r\n${PDF}\r\n--${boundary}--\r\n`;
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/** The app's CPU (this process: the load generator is a child) per request since `from`, in ms. */
const cpuPer = (from: NodeJS.CpuUsage, n: number): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000 / Math.max(1, n);
};

/**
 * Rows written since `since` and how many a second, from the first one's time to the last's (the
 * app's clock): autocannon's own rate divides by a run time that ends on its one-second tick, up
 * to a second late, which at a few seconds a run is a large part.
 */
async function committedPerSecond(t: BenchApp, table: 'enrollments' | 'enrollment_events', column: 'created_at' | 'at', since: string): Promise<{ n: number; perSec: number }> {
  const r = await t.deps.db.selectFrom(table as 'enrollments').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min(column as 'created_at').as('first'), eb.fn.max(column as 'created_at').as('last')]).where(column as 'created_at', '>=', since).executeTakeFirstOrThrow();
  const n = Number(r.n);
  const span = (Date.parse(String(r.last)) - Date.parse(String(r.first))) / 1000;
  return { n, perSec: span > 0 ? (n - 1) / span : NaN };
}

/** One post through the app first, in-process: a refusal stops the bench with the page's errors rather than counting 400s. */
async function tryOne(t: BenchApp, spec: HttpSpec): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: spec.path, headers: spec.headers, payload: spec.body });
  if (res.statusCode !== 303) {
    const errors = [...res.body.matchAll(/class="usa-error-message" id="([^"]+)"[\s\S]*?<\/span>([^<]*)<\/span>/g)].map((m) => `${m[1]}: ${m[2].trim()}`);
    throw new Error(`${spec.path} answered ${res.statusCode}: ${errors.join(' | ') || res.body.slice(0, 300)}`);
  }
}

const show = (name: string, r: LoadResult) =>
  console.log(`  ${name}: ${int(r.okPerSec)} ok/s  p50 ${ms(r.latency.p50)} ms  p99 ${ms(r.latency.p99)} ms  ok ${int(r.ok)}/${int(r.requests)}  errors ${r.errors}  ${r.unexpected.slice(0, 3).join('; ')}`);

for (const database of databases) {
  console.log(`\n${database.label}: seeding ${int(STUDENTS)} students across ${int(schools.length)} schools`);
  const t = await startApp({ databaseUrl: database.url, env: { DISTRICTS_DIR: districtsDir } });
  const office = await signedIn(t, 'school_office', OFFICE_SCHOOLS.map((s) => s.code));
  const admin = await signedIn(t, 'district_admin');
  const seeded = await seedRoll(t, schools, STUDENTS, `staff:${office.id}`, (done) => console.log(`  ${int(done)} students`));
  const rows = Object.values(seeded.counts).reduce((a, b) => a + b, 0);
  console.log(`  seeded in ${seeded.seconds.toFixed(1)} s (${int(rows)} rows, ${int(rows / seeded.seconds)} rows/s): ${Object.entries(seeded.counts).map(([k, v]) => `${k} ${int(v)}`).join(', ')}`);

  const floor = await sequential(helloUrl, gets(['/'], '', REQUESTS));
  console.log(`  bare "hello" route: p50 ${ms(floor.p50)} p95 ${ms(floor.p95)} p99 ${ms(floor.p99)} ms`);
  const school = encodeURIComponent(HOME.id);
  const repo = new EnrollmentRepository(t.deps.db);
  const roll = (q: Partial<RollQuery>) => () => repo.rollPage({ schoolId: HOME.id, schoolYear: YEAR, status: 'active', limit: 50, ...q });
  let h = 0;
  // Each page, and the query behind it called alone in this process (how much of the page is the database).
  const PAGES: { name: string; paths: string[]; cookie: string; query: () => Promise<unknown> }[] = [
    { name: `a school's roll, first page (${HOME.code}, active)`, paths: [`/staff/roll?school=${school}`], cookie: office.cookie, query: roll({}) },
    { name: 'roll filtered by grade: grade=3', paths: [`/staff/roll?school=${school}&grade=3`], cookie: office.cookie, query: roll({ grade: '3' }) },
    { name: 'roll filtered by status: status=exited', paths: [`/staff/roll?school=${school}&status=exited`], cookie: office.cookie, query: roll({ status: 'exited' }) },
    { name: 'roll filtered by status: status=pre_enrolled', paths: [`/staff/roll?school=${school}&status=pre_enrolled`], cookie: office.cookie, query: roll({ status: 'pre_enrolled' }) },
    { name: 'no emergency contacts: noContacts=1', paths: [`/staff/roll?school=${school}&noContacts=1`], cookie: office.cookie, query: roll({ noContacts: true }) },
    { name: 'grade and no contacts: grade=3&noContacts=1', paths: [`/staff/roll?school=${school}&grade=3&noContacts=1`], cookie: office.cookie, query: roll({ grade: '3', noContacts: true }) },
    { name: 'special population: population=homeless', paths: [`/staff/roll?school=${school}&population=homeless`], cookie: office.cookie, query: roll({ population: 'homeless' }) },
    { name: 'conditional admission ending: conditionalEnding=1', paths: [`/staff/roll?school=${school}&conditionalEnding=1`], cookie: office.cookie, query: roll({ conditionalBy: '2027-03-03' }) },
    { name: `district administrator: a school's roll (${int(schools.length)} schools to pick from)`, paths: [`/staff/roll?school=${school}&grade=3`], cookie: admin.cookie, query: roll({ grade: '3' }) },
    { name: "a student's enrollment history (an exit and a transfer)", paths: seeded.historyStudents.map((id) => `/staff/roll/students/${id}`), cookie: office.cookie, query: () => repo.history(seeded.historyStudents[h++ % seeded.historyStudents.length]) },
    { name: 'the no-show list', paths: [`/staff/roll/no-shows?school=${school}`], cookie: office.cookie, query: () => openNoShows(t.deps.db, HOME.id) },
  ];
  const results = [];
  for (const page of PAGES) {
    try {
      await sequential(t.url, gets(page.paths, page.cookie, 20));
      const http = await sequential(t.url, gets(page.paths, page.cookie, REQUESTS));
      const alone: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        await page.query();
        alone.push(performance.now() - started);
      }
      const q = percentiles(alone);
      console.log(`  ${page.name}: p50 ${ms(http.p50)} p95 ${ms(http.p95)} p99 ${ms(http.p99)} ms; query alone p50 ${ms(q.p50)} p95 ${ms(q.p95)} ms`);
      results.push({ name: page.name, path: page.paths[0], http, q });
    } catch (e) {
      console.log(`  ${page.name}: FAILED ${(e as Error).message}`);
      results.push({ name: page.name, path: page.paths[0], error: (e as Error).message });
    }
  }

  // --- Writes at 50 connections ---
  // What a durable commit costs on this disk now (4 KiB + fsync, median): each of a post's transactions pays it on the event loop (WAL, synchronous=FULL).
  const fsync = database.name === 'sqlite' ? fsyncMs(t.dataDir) : undefined;
  if (fsync !== undefined) console.log(`  fsync of the data disk: ${ms(fsync)} ms`);
  const writes: { name: string; r?: LoadResult; cpuMs?: number; kept?: { n: number; perSec: number }; error?: string; goal: string; met?: boolean }[] = [];
  const helloLoad = await runLoad({ kind: 'load', url: helloUrl, connections: CONNECTIONS, amount: WRITES, specs: [{ method: 'POST', path: '/', headers: {} }], cycle: true, expect: { status: 200 } });
  show('bare "hello" POST', helloLoad);
  writes.push({ name: `bare "hello" POST (${CONNECTIONS} connections)`, r: helloLoad, goal: '—' });
  try {
    const hidden = await hiddenFields(t, office.cookie, `/staff/roll/enroll?school=${school}`, /^\/staff\/roll\/enroll/);
    const enrollSpecs = (n: number, from: number): HttpSpec[] => Array.from({ length: n }, (_, i) => ({
      method: 'POST', path: '/staff/roll/enroll', headers: { cookie: office.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: enrollBody(hidden, office.csrf, OFFICE_SCHOOLS[(from + i) % OFFICE_SCHOOLS.length], from + i),
    }));
    const expect = { status: 303, location: '^/staff/roll/students/' };
    await tryOne(t, enrollSpecs(1, WRITES + 1000)[0]);
    show('enroll warm-up', await runLoad({ kind: 'load', url: t.url, connections: CONNECTIONS, amount: 200, specs: enrollSpecs(200, 0), expect }));
    const since = t.deps.clock.now().toISOString();
    const cpu = process.cpuUsage();
    const r = await runLoad({ kind: 'load', url: t.url, connections: CONNECTIONS, amount: WRITES, specs: enrollSpecs(WRITES, 200), expect });
    const cpuMs = cpuPer(cpu, r.requests);
    const kept = await committedPerSecond(t, 'enrollments', 'created_at', since);
    show('enroll', r);
    console.log(`  app CPU per enrollment: ${ms(cpuMs)} ms; ${int(kept.n)} enrollments written at ${int(kept.perSec)}/s (first to last)`);
    writes.push({ name: `enrollment at the counter, a new student (POST /staff/roll/enroll, ${CONNECTIONS} connections)`, r, cpuMs, kept, goal: database.name === 'sqlite' ? '≥ 500/s' : '—', met: database.name === 'sqlite' ? kept.perSec >= 500 && r.ok === r.requests : undefined });
  } catch (e) {
    console.log(`  enroll: FAILED ${(e as Error).message}`);
    writes.push({ name: 'enrollment at the counter (POST /staff/roll/enroll)', error: (e as Error).message, goal: '≥ 500/s' });
  }
  try {
    // Active enrollments at the office's schools that began before the exit date, each withdrawn once.
    const active = await t.deps.db.selectFrom('enrollments').select('id').where('school_id', 'in', OFFICE_SCHOOLS.map((s) => s.id)).where('status', '=', 'active').where('entry_date', '<=', '2027-01-15').limit(WRITES + 200).execute();
    const withdrawSpecs = (ids: { id: string }[]): HttpSpec[] => ids.map(({ id }) => {
      const { body, type } = withdrawBody(office.csrf);
      return { method: 'POST', path: `/staff/roll/enrollments/${id}/withdraw`, headers: { cookie: office.cookie, 'content-type': type }, body };
    });
    const expect = { status: 303, location: '^/staff/roll/students/' };
    await tryOne(t, withdrawSpecs(active.splice(0, 1))[0]);
    const warm = Math.min(200, Math.floor(active.length / 10));
    if (warm >= CONNECTIONS) show('withdraw warm-up', await runLoad({ kind: 'load', url: t.url, connections: CONNECTIONS, amount: warm, specs: withdrawSpecs(active.slice(0, warm)), expect }));
    const since = t.deps.clock.now().toISOString();
    const cpu = process.cpuUsage();
    const r = await runLoad({ kind: 'load', url: t.url, connections: CONNECTIONS, amount: active.length - warm, specs: withdrawSpecs(active.slice(warm)), expect });
    const cpuMs = cpuPer(cpu, r.requests);
    const kept = await committedPerSecond(t, 'enrollment_events', 'at', since);
    show('withdraw', r);
    console.log(`  app CPU per withdrawal: ${ms(cpuMs)} ms; ${int(kept.n)} exits written at ${int(kept.perSec)}/s (first to last)`);
    writes.push({ name: `withdrawal with its document (T160, a records request; POST /staff/roll/enrollments/:id/withdraw, ${CONNECTIONS} connections)`, r, cpuMs, kept, goal: '—' });
  } catch (e) {
    console.log(`  withdraw: FAILED ${(e as Error).message}`);
    writes.push({ name: 'withdrawal (POST /staff/roll/enrollments/:id/withdraw)', error: (e as Error).message, goal: '—' });
  }
  const after = async (table: 'enrollments' | 'enrollment_events' | 'enrollment_documents' | 'students') => Number((await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const check = `afterwards ${int(await after('students'))} students, ${int(await after('enrollments'))} enrollments, ${int(await after('enrollment_events'))} history lines, ${int(await after('enrollment_documents'))} withdrawal documents`;
  console.log(`  ${check}`);
  await t.close();

  if (!process.env.BENCH_NO_WRITE) writeSection(`roll-${database.name}`, `
### A school's roll at a large district's size on ${database.label}

\`npm run bench:roll${database.name === 'postgres' ? ':postgres' : ''}\` — measured ${stamp()} on: ${machineLine()}.

Seeded ${int(seeded.counts.students)} students across ${int(schools.length)} schools (a copy of the Los Angeles sample's file with ${int(schools.length - 6)} generated schools beside its own) in **${seeded.seconds.toFixed(1)} s** (${int(rows)} rows, ${int(rows / seeded.seconds)} rows/s; goal: minutes): ${Object.entries(seeded.counts).map(([k, v]) => `${k} ${int(v)}`).join(', ')}. Multi-row INSERTs in transactions of 1,000 to 2,000 rows${database.name === 'sqlite' ? ', synchronous=OFF during the seeding only, no ANALYZE (the app runs none)' : ', then VACUUM ANALYZE (what autovacuum does soon after a load)'}. A year of 2026-2027: about 88% active, 8% exited with a code (most T160 transfers entering another school the next school day), 4% pre-enrolled with a first expected day (half of them past and on the no-show list); three students in ten with roll facts, seven in ten with emergency contacts.

Pages: ${int(REQUESTS)} requests each, one after another on one keep-alive connection (after 20 to warm up), by a signed-in school office keeping ten schools' rolls (the page of the first, ${HOME.code}, about ${int(STUDENTS / schools.length)} students) — and one by a district administrator — through the whole app over HTTP (session, scope, query, audit-log write, rendering). "Query alone" is the page's read (EnrollmentRepository.rollPage or .history, openNoShows) called in-process the same number of times. The history page cycles over the students of that school with an exit and a transfer.

${table(['page', 'p50', 'p95', 'p99', 'goal', '', 'query alone p50 / p95'], [
  ['bare "hello" route (HTTP floor)', ms(floor.p50), ms(floor.p95), ms(floor.p99), '—', '', '—'],
  ...results.map((r) => ('http' in r && r.http && r.q ? [`${r.name} — \`${r.path.replace(/students\/[^/?]+/, 'students/:id')}\``, ms(r.http.p50), ms(r.http.p95), ms(r.http.p99), 'p95 < 50 ms', verdict(r.http.p95 < 50), `${ms(r.q.p50)} / ${ms(r.q.p95)}`] : [`${r.name} — \`${r.path}\``, '—', '—', '—', 'p95 < 50 ms', `**not measured**: ${'error' in r ? r.error : ''}`, '—'])),
])}

Writes: ${int(WRITES)} posts at ${CONNECTIONS} keep-alive connections from autocannon in a child process (after 200 to warm up), each a different new student enrolled at the counter into one of the office's schools, or a different active enrollment withdrawn with its PDF (multipart, CSRF token first, as the form sends it). A success is a 303 to the student's page; anything else counts against it. Autocannon reports p50, p90 and p99, not p95. Its ok/s divides by a run time that ends on its one-second tick (up to a second late, a large part of a run of a few seconds); "written/s" is from the rows themselves: the rows the run wrote (enrollments, or exits in the history) over the time from the first one's to the last one's, by the app's clock. "App CPU per post" is this process's CPU time (user and system, all threads; the load generator is a child process) over the run, divided by the posts.${fsync !== undefined ? ` The data disk's fsync (4 KiB written, then fsync, median) just before: ${ms(fsync)} ms.` : ''}

${table(['post', 'ok / sent', 'ok/s (autocannon)', 'written/s (first to last)', 'p50', 'p90', 'p99', 'app CPU per post', 'goal', ''], writes.map((w) => (w.r ? [w.name, `${int(w.r.ok)} / ${int(w.r.requests)}`, int(w.r.okPerSec), w.kept ? int(w.kept.perSec) : '—', ms(w.r.latency.p50), ms(w.r.latency.p90), ms(w.r.latency.p99), w.cpuMs === undefined ? '—' : ms(w.cpuMs), w.goal, w.met === undefined ? '' : verdict(w.met)] : [w.name, '—', '—', '—', '—', '—', '—', '—', w.goal, `**not measured**: ${w.error}`])))}

Times in milliseconds; ${check}.
`);
}
await hello.close();
fs.rmSync(districtsDir, { recursive: true, force: true });
