import path from 'node:path';
import Database from 'better-sqlite3';
import formbody from '@fastify/formbody';
import { newId } from '../src/platform/ids.js';
import type { HttpSpec, LoadResult } from './load.js';
import {
  CONFIRMATION, bareFastify, env, fsyncMs, int, listen, machineLine, ms, pct, runLoad, seedFamilies, stamp, startApp, submitBody, submitForm,
  table, verdict, writeSection,
} from './support.js';

/**
 * The full incoming-application submit at 50 connections: a signed-in parent's session, the
 * CSRF token, validation, the durable write (request, history event, outbox email) and the 303
 * to the confirmation page. Against, in the same run: a bare Fastify route that parses the
 * same form and does one non-durable SQLite insert.
 */
const CONNECTIONS = 50;
const N = env('BENCH_SUBMITS', 10_000); // per round
const ROUNDS = env('BENCH_ROUNDS', 2);
const WARMUP = env('BENCH_WARMUP', 1_000);
// autocannon builds one request ahead on each connection: those specs are drawn but never sent.
const SPARE = 2 * CONNECTIONS;

console.log(machineLine());
const t = await startApp();

// Every request needs its own parent and student: one live request per student and year.
const families = await seedFamilies(t, WARMUP + SPARE + ROUNDS * (N + SPARE));
const { action, hidden } = await submitForm(t, families[0]);
const specs: HttpSpec[] = families.map((f) => ({
  method: 'POST', path: action, headers: { cookie: f.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: submitBody(f, hidden),
}));
let cursor = 0;
const take = (n: number) => specs.slice(cursor, (cursor += n));
console.log(`${int(families.length)} signed-in parents seeded; the form posts ${hidden.join(', ')} with the answers`);

// The baseline: same body parser, one insert, no fsync (synchronous=OFF), the same redirect.
const bare = bareFastify();
await bare.register(formbody);
const sqlite = new Database(path.join(t.dataDir, 'bare.sqlite'));
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = OFF');
sqlite.exec('CREATE TABLE submissions (id TEXT PRIMARY KEY, submission_key TEXT, school_year TEXT, grade TEXT, school TEXT, email TEXT, received_at TEXT)');
const insert = sqlite.prepare('INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?)');
bare.post(action, async (req, reply) => {
  const b = req.body as Record<string, string>;
  const id = newId();
  insert.run(id, b.submission_key, b.school_year, b.grade_requested, b.school, b.decision_email, new Date().toISOString());
  return reply.redirect(`/applications/${id}/confirmation`, 303);
});
const bareUrl = await listen(bare);

const run = (url: string, batch: HttpSpec[], amount: number) =>
  runLoad({ kind: 'load', url, connections: CONNECTIONS, amount, specs: batch, expect: { status: 303, location: CONFIRMATION } });
const show = (name: string, r: LoadResult) =>
  console.log(`  ${name.padEnd(5)} ${int(r.okPerSec).padStart(6)} ok/s  p50 ${ms(r.latency.p50)} ms  p99 ${ms(r.latency.p99)} ms  ok ${int(r.ok)}/${int(r.requests)}  errors ${r.errors}  ${r.unexpected.join('; ')}`);

console.log(`warm-up: ${int(WARMUP)} submits each`);
const w = take(WARMUP + SPARE);
show('bare', await run(bareUrl, w, WARMUP));
show('app', await run(t.url, w, WARMUP));

// Rounds alternate baseline and app, so a burst of other work on the machine hits both.
// The disk's fsync time just before each app run: a durable commit cannot be faster.
const rounds: { bare: LoadResult; app: LoadResult; fsync: number }[] = [];
for (let i = 1; i <= ROUNDS; i++) {
  const batch = take(N + SPARE);
  console.log(`round ${i}: ${int(N)} submits each, ${CONNECTIONS} connections`);
  const b = await run(bareUrl, batch, N);
  show('bare', b);
  const fsync = fsyncMs(t.dataDir);
  const a = await run(t.url, batch, N);
  show('app', a);
  console.log(`  fsync of the data disk before the app's run: ${ms(fsync)} ms`);
  rounds.push({ bare: b, app: a, fsync });
}

// What a success promised is on disk: each request with its history event and its email.
const count = async (table: 'applications' | 'application_events' | 'outbox') =>
  Number((await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const oks = rounds.reduce((s, r) => s + r.app.ok, 0);
const [apps, events, mails] = [await count('applications'), await count('application_events'), await count('outbox')];
const check = `${int(apps)} requests, ${int(events)} history events and ${int(mails)} outbox emails in the database for ${int(oks)} successes in the rounds plus the warm-up`;
console.log(check);

await bare.close();
sqlite.close();
await t.close();

const best = rounds.reduce((a, b) => (b.app.okPerSec > a.app.okPerSec ? b : a));
const ratio = best.app.okPerSec / best.bare.okPerSec;
console.log(`best round: ${int(best.app.okPerSec)} submits/s (goal 3,000), p99 ${ms(best.app.latency.p99)} ms (goal < 50), ${pct(ratio)} of the bare route (goal ≥ 100%)`);

writeSection('submit', `
## Submit

\`npm run bench:submit\` — measured ${stamp()} on: ${machineLine()}.

${int(N)} submits per round (plus ${int(WARMUP)} to warm up), ${CONNECTIONS} keep-alive connections from autocannon in a child process, ${ROUNDS} rounds alternating the bare route and the app. A success is a 303 to \`/applications/:id/confirmation\`; anything else counts against it. Each submit is a different signed-in parent and student, with their own session cookie and the form's hidden fields (${hidden.map((h) => `\`${h}\``).join(', ')}) filled as the form page fills them. The app runs on a file SQLite database (WAL, synchronous=FULL); the bare route is a Fastify with @fastify/formbody doing one INSERT into SQLite with synchronous=OFF. Figures are from the round with the app's best throughput.

${table(['figure', 'measured', 'goal', ''], [
  ['app submits/s (303s per second)', int(best.app.okPerSec), '≥ 3,000', verdict(best.app.okPerSec >= 3000)],
  ['app latency p50 / p99', `${ms(best.app.latency.p50)} / ${ms(best.app.latency.p99)} ms`, 'p99 < 50 ms', verdict(best.app.latency.p99 < 50)],
  ['bare route requests/s (same round)', int(best.bare.okPerSec), '—', ''],
  ['app ÷ bare route', pct(ratio), '≥ 100%', verdict(ratio >= 1)],
  ['fsync of the data disk (4 KiB + fsync, median), before the app ran', `${ms(best.fsync)} ms`, '—', ''],
])}

${table(['round', 'bare ok/s', 'bare p99', 'fsync', 'app ok/s', 'app p50', 'app p99', 'app ok / sent', 'errors, other answers'], rounds.map((r, i) => [
  i + 1, int(r.bare.okPerSec), `${ms(r.bare.latency.p99)} ms`, `${ms(r.fsync)} ms`, int(r.app.okPerSec), `${ms(r.app.latency.p50)} ms`, `${ms(r.app.latency.p99)} ms`,
  `${int(r.app.ok)} / ${int(r.app.requests)}`, [r.app.errors + r.bare.errors, ...r.app.unexpected, ...r.bare.unexpected].join('; '),
]))}

Afterwards: ${check}.
`);
