import { performance } from 'node:perf_hooks';
import { QueueService, type QueueFilter } from '../src/modules/staff/queue.js';
import type { SessionStaff } from '../src/platform/http/sessions.js';
import { RARE_COMPOUND, RARE_LAST, seedRequests } from './seed-requests.js';
import { DISTRICT, bareFastify, env, int, listen, machineLine, ms, percentiles, runLoad, stamp, startApp, staffCookie, table, verdict, writeSection } from './support.js';

/**
 * The staff queue with a year of requests in the database (1,000,000 by default, BENCH_ROWS):
 * latency of its first page, a filtered page, name searches (one that finds nothing, a rare name,
 * a very common start of a name, a compound name, a second surname typed first, two common words
 * together, whole, begun, and shorter than a pair key's start) and a date of birth, each N requests one after another over HTTP through the whole app,
 * on SQLite, and on PostgreSQL when DATABASE_URL or TEST_DATABASE_URL is given (`npm run
 * bench:queue:postgres` starts a throwaway cluster). Against, in the same run, a bare Fastify
 * "hello" route (the HTTP floor) and the queue's query alone, without HTTP.
 */
const ROWS = env('BENCH_ROWS', 1_000_000);
const REQUESTS = env('BENCH_REQUESTS', 300);
const PAGES: { name: string; query: string; filter: QueueFilter; requests: number; warmUp: number }[] = [
  { name: 'first page', query: '', filter: {}, requests: REQUESTS, warmUp: 20 },
  { name: 'filtered: status=submitted&grade=3', query: '?status=submitted&grade=3', filter: { status: 'submitted', grade: '3' }, requests: REQUESTS, warmUp: 20 },
  // The search box at both ends. A name nobody has, and a rare one (1 request in 10,000, typed
  // without its accent): found from the name words' search index. The start of many names (Mateo,
  // Mia, Martínez, first or second surname: ~25% of the district): found by walking the queue's
  // order index until a page is full.
  { name: 'search, no match: q=Zzyzx', query: '?q=Zzyzx', filter: { q: 'Zzyzx' }, requests: REQUESTS, warmUp: 20 },
  { name: `search, rare name: q=avila (${RARE_LAST})`, query: '?q=avila', filter: { q: 'avila' }, requests: REQUESTS, warmUp: 20 },
  { name: 'search, common start: q=m', query: '?q=m', filter: { q: 'm' }, requests: REQUESTS, warmUp: 20 },
  // Any word of the names (ADR 0022): every typed word must start one. A rare compound first name
  // (1 request in 10,000) and the same student by her second surname, typed first: found from the
  // search index by the rarest word. Two common words that are rare together (Mateo, 1 in 16; López,
  // a first or second surname, about 1 in 12; both about 1 in 200): found from the pairs' search
  // index ("mat lopez"), whole or begun; both begun shorter than the pair key's three letters
  // ("ma lo", about 1 in 90 together): the order index is walked.
  { name: `search, compound name: q=maria jose (${RARE_COMPOUND.first} ${RARE_COMPOUND.last})`, query: '?q=maria+jose', filter: { q: 'maria jose' }, requests: REQUESTS, warmUp: 20 },
  { name: 'search, second surname first: q=hernandez maria', query: '?q=hernandez+maria', filter: { q: 'hernandez maria' }, requests: REQUESTS, warmUp: 20 },
  { name: 'search, two common words: q=mateo lopez', query: '?q=mateo+lopez', filter: { q: 'mateo lopez' }, requests: REQUESTS, warmUp: 20 },
  { name: 'search, two common words begun: q=mat lop', query: '?q=mat+lop', filter: { q: 'mat lop' }, requests: REQUESTS, warmUp: 20 },
  { name: 'search, two short starts: q=ma lo', query: '?q=ma+lo', filter: { q: 'ma lo' }, requests: REQUESTS, warmUp: 20 },
  // One day of birth among the ~970 the seeding draws: about 1 request in 1,000.
  { name: 'search, date of birth: q=2015-03-14', query: '?q=2015-03-14', filter: { q: '2015-03-14' }, requests: REQUESTS, warmUp: 20 },
];

const pgUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : process.env.TEST_DATABASE_URL;
const databases = [{ name: 'sqlite', label: 'SQLite', url: undefined }, ...(pgUrl ? [{ name: 'postgres', label: 'PostgreSQL', url: pgUrl }] : [])];

console.log(machineLine());
const hello = bareFastify();
hello.get('/', async () => 'hello');
const helloUrl = await listen(hello);

const sequential = async (url: string, path: string, headers: Record<string, string>, n: number) => {
  const r = await runLoad({ kind: 'sequential', url, specs: Array.from({ length: n }, () => ({ method: 'GET' as const, path, headers })), expect: { status: 200 } });
  if (r.ok !== n) throw new Error(`${path}: ${n - r.ok} failed (${r.unexpected.join('; ')})`);
  return percentiles(r.ms);
};

for (const database of databases) {
  console.log(`\n${database.label}: seeding ${int(ROWS)} requests`);
  const t = await startApp({ databaseUrl: database.url });
  const seconds = await seedRequests(t, ROWS, (done) => console.log(`  ${int(done)} rows`));
  console.log(`  seeded in ${seconds.toFixed(1)} s (${int(ROWS / seconds)} rows/s)`);
  const cookie = await staffCookie(t);
  const staffRow = await t.deps.db.selectFrom('staff').selectAll().executeTakeFirstOrThrow();
  const staff: SessionStaff = { id: staffRow.id, districtId: DISTRICT, email: staffRow.email, firstName: staffRow.first_name, lastName: staffRow.last_name, role: 'permit_staff' };
  const queue = new QueueService(t.deps);

  const floor = await sequential(helloUrl, '/', {}, REQUESTS);
  console.log(`  bare "hello" route: p50 ${ms(floor.p50)} p95 ${ms(floor.p95)} p99 ${ms(floor.p99)} ms`);
  const results = [];
  for (const page of PAGES) {
    const rows = (await queue.page(staff, page.filter)).rows.length;
    await sequential(t.url, `/staff/queue${page.query}`, { cookie }, page.warmUp);
    const http = await sequential(t.url, `/staff/queue${page.query}`, { cookie }, page.requests);
    // The query alone, in this process: how much of the page is the database.
    const alone: number[] = [];
    for (let i = 0; i < page.requests; i++) {
      const started = performance.now();
      await queue.page(staff, page.filter);
      alone.push(performance.now() - started);
    }
    const q = percentiles(alone);
    console.log(`  ${page.name} (${rows} rows): p50 ${ms(http.p50)} p95 ${ms(http.p95)} p99 ${ms(http.p99)} ms over HTTP; query alone p50 ${ms(q.p50)} p95 ${ms(q.p95)} ms`);
    results.push({ page, rows, http, q });
  }
  await t.close();

  writeSection(`queue-${database.name}`, `
### Staff queue at scale on ${database.label}

\`npm run bench:queue${database.name === 'postgres' ? ':postgres' : ''}\` — measured ${stamp()} with ${int(ROWS)} requests on: ${machineLine()}.

Seeded in ${seconds.toFixed(1)} s (${int(ROWS / seconds)} rows/s: multi-row INSERTs of 1,000 requests, then of their name words and of their pair keys, a transaction each${database.name === 'sqlite' ? ', synchronous=OFF during the seeding only' : ', then VACUUM ANALYZE'}). ${int(REQUESTS)} requests per page, one after another on one keep-alive connection (after a few to warm up), by a signed-in permit clerk of the district holding 85% of the rows, through the whole app over HTTP (session, query, audit-log write, rendering). "Query alone" is QueueService.page called in-process the same number of times.

${table(['page', 'rows shown', 'p50', 'p95', 'p99', 'goal', '', 'query alone p50 / p95'], [
  ['bare "hello" route (HTTP floor)', '—', ms(floor.p50), ms(floor.p95), ms(floor.p99), '—', '', '—'],
  ...results.map((r) => [r.page.name, r.rows, ms(r.http.p50), ms(r.http.p95), ms(r.http.p99), 'p95 < 50 ms', verdict(r.http.p95 < 50), `${ms(r.q.p50)} / ${ms(r.q.p95)}`]),
])}

Times in milliseconds.
`);
}
await hello.close();
