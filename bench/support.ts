import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { wire } from '../src/wire.js';
import { buildApp } from '../src/app.js';
import { openDatabase, type Db, type DbHandle } from '../src/platform/db/kysely.js';
import type { Database } from '../src/platform/db/schema.js';
import type { Deps } from '../src/deps.js';
import type { Clock } from '../src/platform/clock.js';
import { SESSION_COOKIE } from '../src/platform/http/sessions.js';
import { newId, sha256 } from '../src/platform/ids.js';
import { StaffService } from '../src/modules/staff/service.js';
import { TestClient } from '../test/support/client.js';
import type { LoadJob, LoadResult, SequentialJob, SequentialResult, UploadJob, UploadResult } from './load.js';

/** Shared by every benchmark: the app on a port, seeded data, the load generator, the report. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DISTRICT = 'lausd-sample';
export const env = (name: string, fallback: number): number => (process.env[name] ? Number(process.env[name]) : fallback);

// --- The machine -----------------------------------------------------------------------------

const FILESYSTEMS: Record<number, string> = { 0xef53: 'ext4', 0x01021994: 'tmpfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs' };

const loadAtStart = os.loadavg();
const loadText = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');

/** What the figures were measured on; the load averages tell whether other work ran beside it. */
export function machine(dir = os.tmpdir()) {
  const cpus = os.cpus();
  const fsType = fs.statfsSync(dir).type;
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ram: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    disk: `${FILESYSTEMS[fsType] ?? `0x${fsType.toString(16)}`} at ${dir}`,
  };
}

export function machineLine(): string {
  const m = machine();
  return `${m.cpu}, ${m.cores} cores, ${m.ram} RAM, Node ${m.node}, ${m.os}; data on ${m.disk}; load average (1 / 5 / 15 min) ${loadText(loadAtStart)} at the start, ${loadText(os.loadavg())} at the end`;
}

/**
 * What the data disk takes to make a small write durable (4 KiB written, then fsync), median of
 * `n`: every commit of the app's SQLite (WAL, synchronous=FULL) pays about this, on the event loop.
 */
export function fsyncMs(dir: string, n = 200): number {
  const file = path.join(dir, `fsync-probe-${process.pid}`);
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    fs.writeSync(fd, block);
    fs.fsyncSync(fd);
    times.push(performance.now() - started);
  }
  fs.closeSync(fd);
  fs.rmSync(file);
  return percentiles(times).p50;
}

// --- The app -----------------------------------------------------------------------------------

/**
 * The February rush: the app's clock runs at real speed from 1 February 2027, 9:00 in Los
 * Angeles, when the 2027-2028 window opens, so a submit is accepted whatever day the bench runs.
 */
export const RUSH_YEAR = '2027-2028';
export function rushClock(): Clock {
  const offset = Date.parse('2027-02-01T17:00:00Z') - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export interface BenchApp {
  app: FastifyInstance;
  deps: Deps & { handle: DbHandle };
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A PostgreSQL URL gets a schema of its own, dropped afterwards, as the tests do. */
async function openBenchDatabase(url: string): Promise<{ handle: DbHandle; drop(): Promise<void> }> {
  if (!url.startsWith('postgres')) return { handle: openDatabase(url), drop: async () => {} };
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sqlText: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(sqlText);
    await c.end();
  };
  await admin(`CREATE SCHEMA ${schema}`);
  return { handle: openDatabase(url, { schema }), drop: () => admin(`DROP SCHEMA ${schema} CASCADE`) };
}

/**
 * The real app (wire + buildApp, logger off) listening on 127.0.0.1, with a temporary data folder
 * and, unless a URL is given, a file SQLite database in it (WAL, synchronous=FULL, as in production);
 * on the February rush's clock unless the bench gives its own.
 */
export async function startApp(opts: { databaseUrl?: string; env?: Record<string, string>; clock?: Clock } = {}): Promise<BenchApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-bench-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    DISTRICTS_DIR: path.join(ROOT, 'config/districts'),
    LOG_LEVEL: 'silent',
    ...opts.env,
  } as NodeJS.ProcessEnv);
  const { handle, drop } = await openBenchDatabase(opts.databaseUrl ?? config.databaseUrl);
  const deps = await wire(config, { clock: opts.clock ?? rushClock(), handle });
  const app = await buildApp(deps, { logger: false });
  const url = await listen(app);
  return {
    app,
    deps,
    url,
    dataDir,
    close: async () => {
      await app.close();
      await handle.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bare Fastify, for the baselines: no plugins, no hooks, nothing but what the caller adds. */
export const bareFastify = (): FastifyInstance => Fastify({ logger: false });

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

// --- Seeded data -------------------------------------------------------------------------------

/** Rows in multi-row INSERTs of `size`, each batch in its own transaction. */
export async function insertBatches<T extends keyof Database & string>(db: Db, table: T, rows: Record<string, unknown>[], size = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    const batch = rows.slice(i, i + size);
    await db.transaction().execute((trx) => trx.insertInto(table).values(batch as never).execute());
  }
}

/** A parent with one student and a signed-in session that has done step 1 (the agreement) for DISTRICT. */
export interface Family {
  userId: string;
  email: string;
  studentId: string;
  cookie: string;
  csrf: string;
  /** The form page step 1 sends this parent to. */
  formPath: string;
}

function familyRows(deps: Deps, i: number) {
  const now = deps.clock.now();
  const at = now.toISOString();
  const userId = newId();
  const studentId = newId();
  const email = `parent-${userId.toLowerCase().replace(/[^a-z0-9]/g, '')}${i}@example.org`;
  const raw = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  return {
    family: { userId, email, studentId, cookie: `${SESSION_COOKIE}=${raw}`, csrf, formPath: '' },
    user: { id: userId, email, first_name: 'Ana', middle_name: null, last_name: 'López', password_hash: null, activated_at: at, language: 'en', created_at: at, updated_at: at },
    student: {
      id: studentId, account_id: userId, first_name: 'Mateo', middle_name: null, last_name: `López${i}`, date_of_birth: '2018-04-09', current_grade: '2',
      current_school: null, current_district: null, address_line1: '100 Main St', address_line2: null, city: 'Downey', state: 'CA', zip: '90241', created_at: at, updated_at: at,
    },
    // What SessionStore.create writes at sign-in.
    session: { id_hash: sha256(raw), user_id: userId, staff_id: null, csrf_token: csrf, created_at: at, last_seen_at: at, expires_at: new Date(now.getTime() + deps.config.sessionAbsoluteMs).toISOString(), data: '{}' },
  };
}

/**
 * Parents, students and sessions written straight into the tables, in batches. Sign-in (argon2,
 * tens of ms of CPU each) is left out on purpose: it is not part of a submit, and thousands of
 * them would dominate the setup. Step 1 (guidelines and agreement) goes through the app once;
 * the other sessions get a copy of what it stored, naming their own student, so the bench
 * follows the app's session format whatever it becomes.
 */
export async function seedFamilies(t: BenchApp, count: number): Promise<Family[]> {
  const rows = Array.from({ length: count }, (_, i) => familyRows(t.deps, i));
  const insert = async (part: typeof rows) => {
    await insertBatches(t.deps.db, 'users', part.map((r) => r.user), 500);
    await insertBatches(t.deps.db, 'students', part.map((r) => r.student), 500);
    await insertBatches(t.deps.db, 'sessions', part.map((r) => r.session), 500);
  };
  const first = rows[0];
  await insert([first]);
  const res = await t.app.inject({
    method: 'POST', url: `/apply/${DISTRICT}`, payload: new URLSearchParams({ _csrf: first.family.csrf, student: first.family.studentId, agree: 'yes' }).toString(),
    headers: { cookie: first.family.cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (res.statusCode !== 303 || !res.headers.location) throw new Error(`step 1 answered ${res.statusCode}`);
  const stored = await t.deps.db.selectFrom('sessions').select('data').where('id_hash', '=', first.session.id_hash).executeTakeFirstOrThrow();
  const mine = (text: string, r: (typeof rows)[number]) => text.replaceAll(first.family.studentId, r.family.studentId);
  for (const r of rows) {
    r.session.data = mine(stored.data, r);
    r.family.formPath = mine(String(res.headers.location), r);
  }
  await insert(rows.slice(1));
  return rows.map((r) => r.family);
}

/** The submit form as the app renders it: where it posts, and its hidden fields. */
export async function submitForm(t: BenchApp, f: Family): Promise<{ action: string; hidden: string[] }> {
  const res = await t.app.inject({ method: 'GET', url: f.formPath, headers: { cookie: f.cookie } });
  const form = [...res.body.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].find((m) => m[2].includes('name="submission_key"'));
  if (res.statusCode !== 200 || !form) throw new Error(`the form page answered ${res.statusCode}${form ? '' : ' without the form'}`);
  return { action: form[1], hidden: [...new Set([...form[2].matchAll(/<input type="hidden" name="([^"]+)"/g)].map((m) => m[1]))] };
}

/**
 * A complete, valid incoming request as a browser posts it: each hidden field of the form with
 * what the page would hold (fresh keys, as a fresh page has them), then the answers.
 */
export function submitBody(f: Family, hidden: string[]): string {
  const key = () => randomBytes(18).toString('base64url');
  const values: Record<string, () => string> = { _csrf: () => f.csrf, _idem: key, submission_key: key, student: () => f.studentId };
  const form = new URLSearchParams();
  for (const name of hidden) {
    if (!values[name]) throw new Error(`the form has a hidden field the bench does not fill: ${name}`);
    form.set(name, values[name]());
  }
  for (const [k, v] of Object.entries({ school_year: RUSH_YEAR, grade_requested: '3', current_grade: '2', reason: 'parent-employment', school: '1001', relationship: 'parent' })) form.set(k, v);
  form.set('decision_email', f.email);
  form.set('decision_email_confirm', f.email);
  return form.toString();
}

export const CONFIRMATION = '^/applications/[^/?]+/confirmation$';

/** Each family submits its request through the app (in-process, app.inject); returns the requests' ids. */
export async function submitAll(t: BenchApp, families: Family[]): Promise<string[]> {
  const { action, hidden } = await submitForm(t, families[0]);
  const ids: string[] = [];
  for (const f of families) {
    const res = await t.app.inject({
      method: 'POST', url: action, payload: submitBody(f, hidden),
      headers: { cookie: f.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });
    const m = new RegExp(CONFIRMATION.replace('[^/?]+', '([^/?]+)')).exec(String(res.headers.location ?? ''));
    if (res.statusCode !== 303 || !m) throw new Error(`submit failed: ${res.statusCode} ${res.headers.location ?? res.body.slice(0, 200)}`);
    ids.push(m[1]);
  }
  return ids;
}

/** A permit-office clerk created with StaffService and activated through the real activation page. */
export async function staffCookie(t: BenchApp, district = DISTRICT): Promise<string> {
  const r = await new StaffService(t.deps).create({ districtSlug: district, email: `bench.clerk.${newId().toLowerCase().replace(/[^a-z0-9]/g, '')}@example.org`, firstName: 'Permit', lastName: 'Clerk', role: 'permit_staff' });
  if (!r.ok) throw new Error(r.problem.code);
  const c = new TestClient(t.app);
  const link = new URL(r.value.activationLink).pathname;
  await c.get(link);
  const done = await c.post(link, { password: 'Tortuga7Verde', password_confirm: 'Tortuga7Verde' });
  if (done.status !== 303) throw new Error(`staff activation failed: ${done.status}`);
  return `${SESSION_COOKIE}=${c.cookies.get(SESSION_COOKIE)}`;
}

// --- The load generator ------------------------------------------------------------------------

/**
 * Runs a job in a child process (bench/load.ts), so the load generator never shares the app's
 * event loop. On 2 cores the two still share the CPU: the figures are for that, and say so.
 */
export function runLoad(job: LoadJob): Promise<LoadResult>;
export function runLoad(job: SequentialJob): Promise<SequentialResult>;
export function runLoad(job: UploadJob): Promise<UploadResult>;
export function runLoad(job: LoadJob | SequentialJob | UploadJob): Promise<unknown> {
  const child = fork(path.join(ROOT, 'bench/load.ts'), [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', cwd: ROOT });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => {
      child.kill();
      const msg = m as { error?: string; result?: unknown };
      if (msg.error) reject(new Error(msg.error));
      else resolve(msg.result);
    });
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
    child.send(job);
  });
}

// --- Figures and the report --------------------------------------------------------------------

export function percentiles(samples: number[]): { p50: number; p95: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
  return { p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1] ?? NaN };
}

export const ms = (n: number): string => (n < 10 ? n.toFixed(2) : n.toFixed(1));
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const pct = (n: number): string => `${Math.round(n * 100)}%`;
export const verdict = (met: boolean): string => (met ? 'met' : '**not met**');

export function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const DOC = path.join(ROOT, 'docs/benchmarks.md');

/** Replaces this benchmark's part of docs/benchmarks.md (between its markers), or adds it at the end. */
export function writeSection(name: string, markdown: string): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const doc = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  const next = start >= 0 && end > start ? doc.slice(0, start) + block + doc.slice(end + close.length) : `${doc.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(DOC, next);
  console.log(`\nWrote the "${name}" section of docs/benchmarks.md`);
}

export const stamp = (): string => new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
