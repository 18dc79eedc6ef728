import type { Expect, HttpSpec, LoadResult } from './load.js';
import {
  bareFastify, env, int, listen, machineLine, ms, pct, runLoad, seedFamilies, staffCookie, stamp, startApp, submitAll, table, verdict, writeSection,
} from './support.js';

/**
 * Two pages people keep open: the parent's status page (GET /applications/:id) and the staff
 * queue (GET /staff/queue), each against a bare Fastify "hello" route in the same process and run.
 */
const CONNECTIONS = 50;
const SECONDS = env('BENCH_SECONDS', 10);
const ROUNDS = env('BENCH_ROUNDS', 2);
const FAMILIES = env('BENCH_FAMILIES', 1_000);

console.log(machineLine());
const t = await startApp();
const families = await seedFamilies(t, FAMILIES);
// Real submits, so each status page has its history event and its email, as in life.
const ids = await submitAll(t, families);
const staff = await staffCookie(t);

const hello = bareFastify();
hello.get('/', async () => 'hello');
const helloUrl = await listen(hello);

interface Target { name: string; url: string; specs: HttpSpec[]; expect: Expect }
const targets: Target[] = [
  { name: 'bare "hello" route', url: helloUrl, specs: [{ method: 'GET', path: '/', headers: {} }], expect: { status: 200 } },
  // Each request is another parent's own page (1 of FAMILIES, in turn).
  { name: 'parent status page', url: t.url, specs: families.map((f, i) => ({ method: 'GET', path: `/applications/${ids[i]}`, headers: { cookie: f.cookie } })), expect: { status: 200 } },
  { name: 'staff queue page', url: t.url, specs: [{ method: 'GET', path: '/staff/queue', headers: { cookie: staff } }], expect: { status: 200 } },
];

// What the pages weigh, and a check that they are the real thing (a status page, a full queue page).
const sizes: string[] = [];
for (const target of targets.slice(1)) {
  const s = target.specs[0];
  const res = await t.app.inject({ method: 'GET', url: s.path, headers: s.headers });
  const rows = (res.body.match(/<tr/g) ?? []).length;
  if (res.statusCode !== 200) throw new Error(`${target.name}: ${res.statusCode}`);
  sizes.push(`${target.name}: ${int(res.body.length / 1024)} KiB of HTML${target.name.includes('queue') ? `, ${rows - 1} rows` : ''}`);
}
console.log(sizes.join('; '));

const run = (target: Target, duration: number) =>
  runLoad({ kind: 'load', url: target.url, connections: CONNECTIONS, duration, specs: target.specs, cycle: true, expect: target.expect });

console.log('warm-up: 2 s each');
for (const target of targets) await run(target, 2);

const rounds: LoadResult[][] = [];
for (let i = 1; i <= ROUNDS; i++) {
  console.log(`round ${i}: ${SECONDS} s each, ${CONNECTIONS} connections`);
  const results: LoadResult[] = [];
  for (const target of targets) {
    const r = await run(target, SECONDS);
    results.push(r);
    console.log(`  ${target.name.padEnd(20)} ${int(r.okPerSec).padStart(7)} req/s  p50 ${ms(r.latency.p50)} ms  p99 ${ms(r.latency.p99)} ms  ${pct(r.okPerSec / results[0].okPerSec)} of bare  errors ${r.errors} ${r.unexpected.join('; ')}`);
  }
  rounds.push(results);
}
await hello.close();
await t.close();

// For each page, the round where it did best, with the bare route of that same round.
const best = targets.map((_, i) => rounds.reduce((a, b) => (b[i].okPerSec / b[0].okPerSec > a[i].okPerSec / a[0].okPerSec ? b : a)));
const summary = targets.slice(1).map((target, k) => {
  const round = best[k + 1];
  const page = round[k + 1];
  const ratio = page.okPerSec / round[0].okPerSec;
  console.log(`${target.name}: ${int(page.okPerSec)} req/s = ${pct(ratio)} of the bare route's ${int(round[0].okPerSec)} (goal ≥ 25%)`);
  return [target.name, int(page.okPerSec), int(round[0].okPerSec), pct(ratio), '≥ 25%', verdict(ratio >= 0.25), `${ms(page.latency.p50)} / ${ms(page.latency.p99)} ms`];
});

writeSection('pages', `
## Pages

\`npm run bench:pages\` — measured ${stamp()} on: ${machineLine()}.

${CONNECTIONS} keep-alive connections from autocannon in a child process, ${SECONDS} s per page, ${ROUNDS} rounds, each round running the bare route, then the two pages. A success is a 200. The status page is read by ${int(FAMILIES)} different signed-in parents in turn, each for their own request (made by a real submit); the queue page by one signed-in permit clerk (created with StaffService, activated through the activation page) for a district with ${int(FAMILIES)} requests. ${sizes.join('; ')}. The bare route is a Fastify with one \`GET /\` answering "hello", in the same process as the app. Each page's figures are from its best round, next to the bare route of that round.

${table(['page', 'requests/s', 'bare route, same round', 'page ÷ bare', 'goal', '', 'p50 / p99'], summary)}

${table(['round', ...targets.map((x) => `${x.name} req/s (p99)`), 'errors, other answers'], rounds.map((r, i) => [
  i + 1, ...r.map((x) => `${int(x.okPerSec)} (${ms(x.latency.p99)} ms)`), [r.reduce((s, x) => s + x.errors, 0), ...r.flatMap((x) => x.unexpected)].join('; '),
]))}
`);
