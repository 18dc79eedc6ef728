import { OutboxSender } from '../src/platform/mail/sender.js';
import { openTransport } from '../src/platform/mail/open-transport.js';
import type { JourneyReport } from './families.js';
import { FamiliesChild } from './mail-child.js';
import { env, int, machineLine, ms, percentiles, seedFamilies, stamp, startApp, table, verdict, writeSection } from './support.js';

/**
 * The February rush for new families (issue 13): N families at a time, each doing the whole
 * journey over HTTP as a browser without JavaScript would — register (the human check's plain
 * question answered as a person reads it), the activation email read from a local SMTP sink,
 * create password, add a student, the application (start page, agreement, form, submit,
 * confirmation page) and its confirmation email at the sink. In the same run, the signed-in
 * journey (existing parents, the application only) as the baseline.
 *
 * The app is the real one (bench/support.ts startApp) with its outbox sender started as
 * src/server.ts starts it (a pool of MAIL_CONCURRENCY SMTP connections to the sink, woken by
 * each email's commit). The families and the sink run in a child process (bench/families.ts), so
 * process.cpuUsage() of this process is the app's: its requests, its password hashing (libuv's
 * threads count too) and its mail sender.
 *
 *   npm run bench:new-families
 *
 * Also MAIL_CONCURRENCY (the app's), and BENCH_MAIL_WRITER=0 to have the sender commit each
 * record on its own instead of through the app's writer (to compare).
 */
const LEVELS = (process.env.BENCH_LEVELS ?? '10,50').split(',').map(Number);
const NEW = env('BENCH_NEW_FAMILIES', 300); // journeys per level
const SIGNED_IN = env('BENCH_SIGNED_IN', 2_000); // applications per level
const WARMUP = env('BENCH_WARMUP', 20);
const GIBBON = 12.2; // Gibbon's public admissions form, per second, measured side by side on this machine class (issue 13)

console.log(machineLine());
const families = new FamiliesChild();
const smtpUrl = await families.sink();
const t = await startApp({ env: process.env.MAIL_CONCURRENCY ? { MAIL_CONCURRENCY: process.env.MAIL_CONCURRENCY } : {} });
const config = t.deps.config;
const transport = openTransport(smtpUrl, config.mailDir, { maxConnections: config.mailConcurrency, keepIdleMs: 10_000 });
const sender = new OutboxSender(t.deps.db, transport, t.deps.clock, config.mailFrom, { error: (o, m) => console.error(m, o) }, { concurrency: config.mailConcurrency, writer: t.deps.dialect === 'sqlite' && process.env.BENCH_MAIL_WRITER !== '0' ? t.deps.writer : undefined }); // as src/server.ts
sender.start(config.outboxIntervalMs);
console.log(`app at ${t.url}, mail to the sink at ${smtpUrl}, ${config.mailConcurrency} at a time`);

const seeded = await seedFamilies(t, WARMUP + LEVELS.length * SIGNED_IN);
let cursor = 0;
const signedIn = (n: number) => seeded.slice(cursor, (cursor += n)).map((f) => ({ cookie: f.cookie, email: f.email }));

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

interface Round {
  report: JourneyReport;
  cpuMs: number;
  /** In the app: an activation email's row written → marked sent (the sink's answer heard), ms. */
  outboxMs?: number[];
}
async function measured(job: Parameters<FamiliesChild['run']>[0]): Promise<Round> {
  const cpu = process.cpuUsage();
  const report = await families.run<JourneyReport>(job);
  const used = process.cpuUsage(cpu);
  return { report, cpuMs: (used.user + used.system) / 1000 };
}
const show = (name: string, r: Round) => {
  const a = r.report.activation.length ? percentiles(r.report.activation) : null;
  console.log(
    `  ${name.padEnd(22)} ${r.report.ok}/${r.report.ok + r.report.failures.length} in ${r.report.seconds.toFixed(1)} s = ${(r.report.ok / r.report.seconds).toFixed(1)}/s,` +
      ` CPU ${ms(r.cpuMs / Math.max(1, r.report.ok))} ms each (the families' process ${ms(r.report.cpuMs / Math.max(1, r.report.ok))} ms)` +
      (a ? `, activation p50 ${ms(a.p50)} ms p99 ${ms(a.p99)} ms` : '') +
      (r.outboxMs?.length ? ` (in the app, written → sent: p50 ${ms(percentiles(r.outboxMs).p50)} ms p99 ${ms(percentiles(r.outboxMs).p99)} ms)` : '') +
      (r.report.failures.length ? `  failures: ${r.report.failures.join('; ')}` : ''),
  );
};

/** Waits until every email written so far is sent, so one round's mail does not delay the next; how long, s. */
async function drained(): Promise<number> {
  const started = Date.now();
  for (;;) {
    const left = await t.deps.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['pending', 'sending', 'committing']).executeTakeFirstOrThrow();
    if (Number(left.n) === 0) return (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let prefix = 0;
async function newFamilies(concurrency: number, total: number): Promise<Round> {
  const tag = `family${++prefix}-${Date.now().toString(36)}`;
  const round = await measured({ kind: 'new-families', url: t.url, concurrency, total, prefix: tag });
  const rows = await t.deps.db.selectFrom('outbox').select(['created_at', 'sent_at', 'attempts', 'last_error']).where('to_address', 'like', `${tag}-%`).where('template', '=', 'accounts.emails.activation').execute();
  round.outboxMs = rows.filter((r) => r.sent_at).map((r) => Date.parse(r.sent_at!) - Date.parse(r.created_at));
  const slowest = rows.filter((r) => r.sent_at).sort((a, b) => Date.parse(b.sent_at!) - Date.parse(b.created_at) - (Date.parse(a.sent_at!) - Date.parse(a.created_at))).slice(0, 3);
  for (const r of slowest) console.log(`    slowest: written ${r.created_at.slice(11, 23)}, sent ${r.sent_at!.slice(11, 23)}, attempts ${r.attempts}${r.last_error ? `, ${r.last_error}` : ''}`);
  return round;
}

console.log(`warm-up: ${WARMUP} new families, ${WARMUP} signed-in applications`);
show('new families', await newFamilies(5, WARMUP));
show('signed in', await measured({ kind: 'signed-in', url: t.url, concurrency: 5, families: signedIn(WARMUP) }));

globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
peakRss = rssBefore;
const results: { level: number; fresh: Round; baseline: Round }[] = [];
/** After each signed-in round: how long its confirmation emails took to be all sent once the applications stopped, s. */
const drains: number[] = [];
for (const level of LEVELS) {
  console.log(`${level} families at a time`);
  const baseline = await measured({ kind: 'signed-in', url: t.url, concurrency: level, families: signedIn(SIGNED_IN) });
  show('signed in', baseline);
  const drain = await drained();
  drains.push(drain);
  console.log(`    its confirmation emails all sent ${drain.toFixed(1)} s after the last application`);
  const fresh = await newFamilies(level, NEW);
  show('new families', fresh);
  results.push({ level, fresh, baseline });
}
const rssAfter = process.memoryUsage().rss;
clearInterval(sampler);

// Where a new family's CPU goes: PROFILE families one at a time, the app's CPU (every thread)
// read at each request's start and end (the raw server's 'request' event, so no hook changes the
// app). One family at a time, a request's CPU is its own: its handler, its rendering and
// compression, its commits, and a password's hash in libuv's pool; what the process spends
// between requests is the outbox sender's (two emails a family) and the timers'.
const PROFILE = env('BENCH_PROFILE_FAMILIES', 30);
const byRoute = new Map<string, { cpu: number; n: number }>();
const route = (method: string, url: string) =>
  `${method} ${url
    .replace(/\?.*$/, '')
    .replace(/^\/activate\/[^/]+$/, '/activate/:token')
    .replace(/^\/applications\/[^/]+\//, '/applications/:id/')
    .replace(/^(\/apply\/[^/]+\/)[^/]+/, '$1…')}`;
const onRequest = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
  const start = process.cpuUsage();
  res.once('finish', () => {
    const used = process.cpuUsage(start);
    const key = route(req.method ?? '', req.url ?? '');
    const e = byRoute.get(key) ?? { cpu: 0, n: 0 };
    e.cpu += (used.user + used.system) / 1000;
    e.n++;
    byRoute.set(key, e);
  });
};
t.app.server.on('request', onRequest);
const profiled = await newFamilies(1, PROFILE);
t.app.server.off('request', onRequest);
const inRequests = [...byRoute.values()].reduce((a, e) => a + e.cpu, 0);
show('one at a time (profile)', profiled);

// Where a new family's CPU goes, from the same run: the signed-in application is measured on its
// own; what the new family adds is registration, activation and password, the student, two emails.
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const rate = (r: Round) => r.report.ok / r.report.seconds;
const perApp = (r: Round) => r.cpuMs / Math.max(1, r.report.ok);
const at50 = results.find((r) => r.level === 50) ?? results[results.length - 1];
const p99At50 = percentiles(at50.fresh.report.activation).p99;
const growth = rssAfter - rssBefore;
const failures = results.flatMap((r) => [...r.fresh.report.failures, ...r.baseline.report.failures]);

await sender.stop();
await t.close();
families.close();

const stepRows = (r: Round) =>
  Object.entries(r.report.steps)
    .sort((a, b) => b[1] - a[1])
    .map(([name, total]) => [name, ms(total / Math.max(1, r.report.ok))]);

const md = `## New families' whole journey (\`npm run bench:new-families\`)

Run ${stamp()}. ${machineLine()}.

The real app (SQLite file, WAL, synchronous=FULL) with its outbox sender as \`src/server.ts\`
starts it (MAIL_CONCURRENCY=${config.mailConcurrency}, pooled connections) sending to a local
SMTP sink (smtp-server) in a child process with the families' browsers (fetch, no JavaScript).
A new family: register (the plain question answered) → the activation email read from the sink →
create password → add a student → start page, agreement, form, submit, confirmation page → the
confirmation email at the sink; ${int(NEW)} families per level, each slot starting the next
family as one finishes. Signed-in: ${int(SIGNED_IN)} existing parents (sessions written into the
table) doing the application only, in the same run. App CPU is the app process's (every thread:
requests, argon2 in libuv's pool, the mail sender) divided by the applications; the families'
process (browsers, pages decompressed and read, the sink) shares the same 2 cores.

${table(
  ['families at a time', 'new-family applications/s', 'signed-in applications/s', 'Gibbon (reference)', 'app CPU per new-family application', 'app CPU per signed-in application', "families' process CPU per new family / signed-in application", 'activation email p50 / p99', 'confirmation email p50 / p99', 'requests per new family'],
  results.map((r) => {
    const a = percentiles(r.fresh.report.activation);
    const c = percentiles(r.fresh.report.confirmation);
    return [
      r.level, rate(r.fresh).toFixed(1), rate(r.baseline).toFixed(1), `${GIBBON}`, `${ms(perApp(r.fresh))} ms`, `${ms(perApp(r.baseline))} ms`, `${ms(r.fresh.report.cpuMs / Math.max(1, r.fresh.report.ok))} / ${ms(r.baseline.report.cpuMs / Math.max(1, r.baseline.report.ok))} ms`,
      `${ms(a.p50)} / ${ms(a.p99)} ms`, `${ms(c.p50)} / ${ms(c.p99)} ms`, (r.fresh.report.requests / Math.max(1, r.fresh.report.ok)).toFixed(0),
    ];
  }),
)}

The signed-in rounds' confirmation emails were still being sent ${drains.map((d) => `${d.toFixed(1)} s`).join(' and ')} after their last
application (the sender fell behind under the load); each new-family round starts once they are
all sent, so its activation emails do not queue behind them.

App memory (resident set) ${mib(rssBefore)} before the measured rounds, ${mib(rssAfter)} after (peak
${mib(peakRss)}): growth ${mib(growth)}.${failures.length ? ` Failures: ${failures.join('; ')}.` : ''}

Goals: ≥ 25 new-family applications/s — ${verdict(results.every((r) => rate(r.fresh) >= 25))};
activation email within 2 s p99 at 50 families — ${verdict(p99At50 <= 2000)} (${ms(p99At50)} ms);
memory growth < 256 MB — ${verdict(growth < 256 * 2 ** 20)}.

Where a new family's ${ms(perApp(profiled))} ms of app CPU goes, measured ${PROFILE} families one at a time (CPU of
the whole process, every thread, from each request's start to its end; the rest is the outbox
sender's and the timers' between requests):

${table(
  ['request', 'per family', 'CPU per family'],
  [
    ...[...byRoute.entries()].sort((a, b) => b[1].cpu - a[1].cpu).map(([name, e]) => [`\`${name}\``, (e.n / Math.max(1, profiled.report.ok)).toFixed(0), `${ms(e.cpu / Math.max(1, profiled.report.ok))} ms`]),
    ['between requests (mail sender, timers)', '', `${ms((profiled.cpuMs - inRequests) / Math.max(1, profiled.report.ok))} ms`],
  ],
)}

Wall time per new family by step at ${at50.level} at a time (ms, the families' side; waits
included):

${table(['step', 'ms per family'], stepRows(at50.fresh))}
`;
console.log(`\n${md}`);
if (!process.env.BENCH_NO_WRITE) writeSection('new-families', md);
