/**
 * Scale-out: the full incoming-application submit at 50 connections with 1, 2 and 3 app
 * instances behind nginx, all on one PostgreSQL database, against (in the same run) one
 * instance hit directly, without nginx.
 *
 *   npm run bench:scale-out        # BENCH_SUBMITS (2,000) per setup and round, BENCH_WARMUP (300) before each, BENCH_ROUNDS (2)
 *
 * Without TEST_DATABASE_URL it runs itself under scripts/with-postgres.sh (a throwaway cluster on a
 * free port); with it, it makes a fresh database on that server for the run and drops it after.
 * Instances, nginx and their clean-up are bench/crash-test.ts's; parents, sessions, the submit
 * body and the load generator are bench/support.ts's (as bench/submit.ts uses them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { wire } from '../src/wire.js';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/platform/db/kysely.js';
import type { HttpSpec, LoadResult } from './load.js';
import {
  CONFIRMATION, ROOT, env, int, machineLine, ms, pct, runLoad, seedFamilies, stamp, submitBody, submitForm, table, writeSection, type BenchApp,
} from './support.js';
import { Instance, freePort, signalGroup, startNginx, stopChild, waitHealthy } from './crash-test.js';

const CONNECTIONS = 50;
const N = env('BENCH_SUBMITS', 2_000); // per setup
const WARMUP = env('BENCH_WARMUP', 300); // per setup, before its measured run
const ROUNDS = env('BENCH_ROUNDS', 2); // even rounds run the setups in reverse order
// autocannon builds one request ahead on each connection: those specs are drawn but never sent.
const SPARE = 2 * CONNECTIONS;
const MAX_INSTANCES = 3;

// --- No PostgreSQL given: run again under scripts/with-postgres.sh ---------------------------------

async function underThrowawayPostgres(): Promise<number> {
  const port = process.env.PGPORT_TEST ?? String(await freePort());
  const child = spawn('bash', [path.join(ROOT, 'scripts/with-postgres.sh'), process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, PGPORT_TEST: port }, detached: true,
  });
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => signalGroup(child, s));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

// --- The run -----------------------------------------------------------------------------------

interface Measured {
  round: number;
  warm: LoadResult;
  r: LoadResult;
}
interface Setup {
  name: string;
  instances: number;
  runs: Measured[];
}

/**
 * autocannon stops an `amount` run only at its next 1-second sample tick, so its duration (and
 * LoadResult.okPerSec) is rounded up to whole seconds: up to 1 s in 7. In a closed loop with every
 * connection busy, Little's law gives the rate without that: connections ÷ mean latency.
 */
const littleRate = (r: LoadResult) => (r.requests ? (r.ok / r.requests) * (CONNECTIONS / (r.latency.mean / 1000)) : 0);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (e) {
      console.error(`clean-up step failed: ${(e as Error).message}`);
    }
  }
}

async function run(adminUrl: string): Promise<void> {
  console.log(machineLine());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-scale-'));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const dataDir = path.join(tmp, 'data');
  const logs = path.join(tmp, 'logs');
  for (const d of [dataDir, logs]) fs.mkdirSync(d, { recursive: true });

  // A fresh database for this run on the given server.
  const dbName = `scale_${randomBytes(5).toString('hex')}`;
  const admin = async (text: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      return await c.query(text);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${dbName}`);
  cleanups.push(() => admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const pgUrl = u.toString();
  const pgVersion = String((await admin('SHOW server_version')).rows[0].server_version);
  const pgFsync = String((await admin('SHOW fsync')).rows[0].fsync);

  // In-process app on the same database (real clock, as the instances have): it migrates, seeds
  // parents and sessions, and renders the form once. It serves no load.
  const config = loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, DISTRICTS_DIR: path.join(ROOT, 'config/districts'), LOG_LEVEL: 'silent', DATABASE_URL: pgUrl } as NodeJS.ProcessEnv);
  const handle = openDatabase(pgUrl);
  const deps = await wire(config, { handle });
  const app = await buildApp(deps, { logger: false });
  const seeder: BenchApp = { app, deps, url: '', dataDir, close: async () => {} };
  cleanups.push(async () => {
    await app.close();
    await handle.close();
  });

  const setupCount = 1 + MAX_INSTANCES;
  let t = Date.now();
  const families = await seedFamilies(seeder, ROUNDS * setupCount * (WARMUP + SPARE + N + SPARE));
  const { action, hidden } = await submitForm(seeder, families[0]);
  // The school year open today for incoming requests (the instances run on the real clock).
  const page = await app.inject({ method: 'GET', url: families[0].formPath, headers: { cookie: families[0].cookie } });
  const year = /name="school_year"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="school_year"/.exec(page.body);
  const openYear = year?.[1] ?? year?.[2];
  if (!openYear) throw new Error('the form offers no school year open for incoming requests');
  const specs: HttpSpec[] = families.map((f) => ({
    method: 'POST', path: action, headers: { cookie: f.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: submitBody(f, hidden).replace(/school_year=[^&]*/, `school_year=${openYear}`),
  }));
  let cursor = 0;
  const take = (n: number) => specs.slice(cursor, (cursor += n));
  console.log(`${int(families.length)} signed-in parents seeded on PostgreSQL ${pgVersion} (fsync=${pgFsync}) in ${((Date.now() - t) / 1000).toFixed(1)} s; school year ${openYear}`);

  // Three instances, started once; a setup with k instances puts the first k behind nginx.
  const ports = await Promise.all(Array.from({ length: MAX_INSTANCES + 1 }, () => freePort()));
  const instanceEnv = {
    NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: pgUrl, DATA_DIR: dataDir, DISTRICTS_DIR: path.join(ROOT, 'config/districts'),
    // The outbox sender and the deadline sweeper are not on a request's path: kept out, as in bench:submit.
    OUTBOX_INTERVAL_MS: String(3_600_000), SWEEP_INTERVAL_MS: String(3_600_000), SHUTDOWN_DELAY_SECONDS: '0',
  };
  const instances = ports.slice(0, MAX_INSTANCES).map(
    (p, i) => new Instance(`pg-${i + 1}`, p, { ...instanceEnv, PORT: String(p), PUBLIC_URL: `http://127.0.0.1:${p}` }, path.join(logs, `pg-${i + 1}.log`)),
  );
  cleanups.push(() => Promise.all(instances.map((i) => i.stop())));
  t = Date.now();
  for (const i of instances) i.start();
  await Promise.all(instances.map((i) => i.waitHealthy()));
  console.log(`${MAX_INSTANCES} instances up in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const load = (url: string, batch: HttpSpec[], amount: number) =>
    runLoad({ kind: 'load', url, connections: CONNECTIONS, amount, specs: batch, expect: { status: 303, location: CONFIRMATION } });
  const show = (name: string, r: LoadResult) =>
    console.log(`  ${name.padEnd(8)} ${int(r.okPerSec).padStart(5)} ok/s  p50 ${ms(r.latency.p50)} ms  p99 ${ms(r.latency.p99)} ms  ok ${int(r.ok)}/${int(r.requests)}  errors ${r.errors}  ${r.unexpected.join('; ')}`);

  const setups: Setup[] = [
    { name: '1 instance, direct (no nginx)', instances: 0, runs: [] },
    ...Array.from({ length: MAX_INSTANCES }, (_, i) => ({ name: `${i + 1} instance${i ? 's' : ''} behind nginx`, instances: i + 1, runs: [] as Measured[] })),
  ];
  const measure = async (setup: Setup, round: number, url: string) => {
    console.log(`round ${round}, ${setup.name}: ${int(WARMUP)} submits to warm up, then ${int(N)} measured, ${CONNECTIONS} connections`);
    const warm = await load(url, take(WARMUP + SPARE), WARMUP);
    show('warm-up', warm);
    const r = await load(url, take(N + SPARE), N);
    show('measured', r);
    console.log(`           ${CONNECTIONS} ÷ mean latency: ${int(littleRate(r))} ok/s`);
    setup.runs.push({ round, warm, r });
  };

  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? setups : [...setups].reverse();
    for (const setup of order) {
      if (setup.instances === 0) {
        await measure(setup, round, instances[0].url);
        continue;
      }
      const k = setup.instances;
      const dir = path.join(tmp, `nginx-${round}-${k}`);
      const port = await freePort();
      const nginx: ChildProcess = await startNginx(dir, port, instances.slice(0, k).map((i) => i.port));
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitHealthy(url, 'nginx', 20_000).catch((e) => {
          throw new Error(`${(e as Error).message}; nginx: ${fs.readFileSync(path.join(dir, 'logs/error.log'), 'utf8').slice(-500)}`);
        });
        await measure(setup, round, url);
      } finally {
        await stopChild(nginx, 'SIGQUIT', 5000);
      }
    }
  }

  // What a success promised is in the database: one request per 303.
  const stored = Number((await deps.db.selectFrom('applications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const oks = setups.reduce((s, x) => s + x.runs.reduce((a, m) => a + m.warm.ok + m.r.ok, 0), 0);
  const check = `${int(stored)} requests in the database for ${int(oks)} 303s (measured runs and warm-ups)`;
  console.log(check);
  const problems = instances.flatMap((i) => [...i.unexpectedExits, ...i.problems().slice(0, 3).map((l) => `${i.name}: ${l.slice(0, 200)}`)]);
  if (problems.length) console.log(`Instance problems:\n  ${problems.join('\n  ')}`);

  // Per setup, its best round (by the Little's-law rate); every round is in the second table.
  const best = (x: Setup) => x.runs.reduce((a, b) => (littleRate(b.r) > littleRate(a.r) ? b : a));
  const direct = littleRate(best(setups[0]).r);
  const one = littleRate(best(setups[1]).r);
  const head = ['setup', 'submits/s (50 ÷ mean latency)', 'submits/s (autocannon, 1 s steps)', 'p50', 'p99', 'vs direct', 'vs 1 behind nginx'];
  const rows = setups.map((x) => {
    const { r } = best(x);
    return [x.name, int(littleRate(r)), int(r.okPerSec), `${ms(r.latency.p50)} ms`, `${ms(r.latency.p99)} ms`, pct(littleRate(r) / direct), x.instances ? `${(littleRate(r) / one).toFixed(2)}×` : '—'];
  });
  const roundHead = ['round', 'setup', 'submits/s (50 ÷ mean)', 'autocannon ok/s', 'p50', 'p99', 'ok / sent', 'errors, other answers'];
  const roundRows = setups
    .flatMap((x) => x.runs.map((m) => ({ x, m })))
    .sort((a, b) => a.m.round - b.m.round)
    .map(({ x, m }) => [m.round, x.name, int(littleRate(m.r)), int(m.r.okPerSec), `${ms(m.r.latency.p50)} ms`, `${ms(m.r.latency.p99)} ms`, `${int(m.r.ok)} / ${int(m.r.requests)}`, [m.r.errors, ...m.r.unexpected].join('; ')]);
  console.log('');
  console.log(table(head, rows));
  console.log('');
  console.log(table(roundHead, roundRows));

  writeSection('scale-out', `
## Scale-out

\`npm run bench:scale-out\` — measured ${stamp()} on: ${machineLine()}.

PostgreSQL ${pgVersion} (throwaway cluster from \`scripts/with-postgres.sh\`, fsync=${pgFsync}), one database for every setup. ${MAX_INSTANCES} app instances (\`src/server.ts\`, NODE_ENV=production, one pool of 10 connections each, outbox sender and sweeper intervals set to an hour) are started once as child processes; a setup with *k* instances runs a fresh nginx (Debian's, the crash test's configuration: 2 workers, round-robin, 32 keep-alive connections per worker to the instances) in front of the first *k*. The baseline is instance 1 hit directly. Each setup, in each of ${ROUNDS} rounds: ${int(WARMUP)} submits to warm up, then ${int(N)} measured, ${CONNECTIONS} keep-alive connections from autocannon in a child process; setups run one after another, in the order shown in odd rounds and in reverse in even rounds, so that warm-up order and database growth do not favour one setup. The first table gives each setup's best round. Submits/s is given twice: autocannon's figure is rounded because an \`amount\` run ends only at its next 1-second tick (a run that ends after 5.1 s is reported as 6.03 s), so the first column uses Little's law instead, ${CONNECTIONS} connections ÷ mean latency × the share of 303s. A success is a 303 to \`/applications/:id/confirmation\`; each submit is a different signed-in parent and student (sessions written straight into the database, as in bench:submit), for school year ${openYear}. The instances, nginx, PostgreSQL and autocannon all share the machine's ${os.cpus().length} cores.

${table(head, rows)}

${table(roundHead, roundRows)}

Afterwards: ${check}.${problems.length ? ` Instance problems: ${problems.length} (see the run's output).` : ''}
`);
}

async function main(): Promise<number> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return underThrowawayPostgres();
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => void cleanUp().finally(() => process.exit(130)));
  try {
    await run(adminUrl);
    return 0;
  } catch (e) {
    console.error(`Scale-out bench could not run: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    await cleanUp();
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
