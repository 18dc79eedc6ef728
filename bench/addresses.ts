import { performance } from 'node:perf_hooks';
import { AddressService, type Residence } from '../src/modules/addresses/service.js';
import { parseRanges } from '../src/modules/addresses/csv-import.js';
import { env, int, machineLine, ms, percentiles, stamp, startApp, table, verdict, writeSection } from './support.js';

/**
 * STU-2, STU-3: a district with 500,000 address ranges (BENCH_RANGES): the import of the CSV
 * through AddressService.importRanges (parse, check, replace in one transaction), then
 * resolve() for 20,000 addresses (BENCH_LOOKUPS), one after another, on SQLite, and on
 * PostgreSQL when DATABASE_URL or TEST_DATABASE_URL is given.
 */
const RANGES = env('BENCH_RANGES', 500_000);
const LOOKUPS = env('BENCH_LOOKUPS', 20_000);
const DISTRICT = 'lausd-sample';

/** A small seeded generator: the same file and the same addresses on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Walnut', 'Willow', 'Birch', 'Sycamore', 'Magnolia', 'Jacaranda', 'Olive', 'Palm', 'Laurel', 'Juniper', 'Alder', 'Cypress', 'Poplar', 'Hawthorn', 'Acacia'];
const PLACES = ['Vista', 'Park', 'Hill', 'Lake', 'Mesa', 'Canyon', 'Valley', 'Ridge', 'Harbor', 'Grove', 'Meadow', 'Sierra', 'Mission', 'Rancho', 'Del Mar', 'Alta', 'Buena', 'Santa Rosa', 'San Pedro', 'Los Feliz'];
const TYPES = ['St', 'Ave', 'Blvd', 'Dr', 'Rd', 'Ln', 'Pl', 'Ct', 'Way', 'Ter'];
const DIRS = ['', '', '', 'N ', 'S ', 'E ', 'W '];

interface Segment { zip: string; street: string; from: number; to: number }

/**
 * Block faces of 100 numbers along streets, three grade spans each (TK-5, 6-8, 9-12); every
 * fifth block splits TK-5 into odd and even sides with different schools. About 50 blocks per
 * street and ZIP, in the district's 18 ZIPs: the shape of a real large district's file.
 */
function generate(count: number, zips: string[]) {
  const rand = rng(20261122);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
  const lines = ['street,from,to,side,zip,grades,school'];
  const segments: Segment[] = [];
  const streets = new Set<string>();
  let rows = 0;
  while (rows < count) {
    const zip = pick(zips);
    let street = '';
    do street = `${pick(DIRS)}${pick(NAMES)} ${pick(PLACES)} ${Math.floor(rand() * 400) + 1} ${pick(TYPES)}`;
    while (streets.has(`${zip} ${street}`));
    streets.add(`${zip} ${street}`);
    const blocks = 10 + Math.floor(rand() * 80);
    const first = 1 + Math.floor(rand() * 40);
    for (let b = first; b < first + blocks && rows < count; b++) {
      const from = b * 100;
      const to = from + 99;
      segments.push({ zip, street, from, to });
      const elementary = rand() < 0.5 ? '1001' : '1002';
      if (b % 5 === 0) {
        lines.push(`${street},${from + 1},${to},odd,${zip},TK-5,1001`, `${street},${from},${to - 1},even,${zip},TK-5,1002`);
        rows += 2;
      } else {
        lines.push(`${street},${from},${to},both,${zip},TK-5,${elementary}`);
        rows += 1;
      }
      lines.push(`${street},${from},${to},both,${zip},6-8,${rand() < 0.5 ? '2001' : '2002'}`, `${street},${from},${to},both,${zip},9-12,${rand() < 0.5 ? '3001' : '3002'}`);
      rows += 2;
    }
  }
  return { csv: lines.slice(0, count + 1).join('\n'), segments, streets: streets.size };
}

const GRADES = ['TK', 'K', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];

/** 90% addresses inside a range (written as a parent might), 5% on a street of the ZIP with no range there, 5% outside every district. */
function addresses(n: number, segments: Segment[]) {
  const rand = rng(7);
  const out: { line1: string; zip: string; grade: string; expect: Residence['kind'] }[] = [];
  for (let i = 0; i < n; i++) {
    const s = segments[Math.floor(rand() * segments.length)];
    const grade = GRADES[Math.floor(rand() * GRADES.length)];
    const r = rand();
    const number = s.from + Math.floor(rand() * 100);
    const written = rand() < 0.5 ? s.street.toUpperCase() : s.street.replace(/ St$/, ' Street').replace(/^N /, 'North ');
    if (r < 0.9) out.push({ line1: `${number} ${written}${rand() < 0.3 ? ' Apt 4' : ''}`, zip: s.zip, grade, expect: 'resolved' });
    else if (r < 0.95) out.push({ line1: `${number} Nowhere Creek Rd`, zip: s.zip, grade, expect: 'unmatched' });
    else out.push({ line1: `${number} ${written}`, zip: '90241', grade, expect: 'outside' });
  }
  return out;
}

const pgUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : process.env.TEST_DATABASE_URL;
const databases = [{ name: 'sqlite', label: 'SQLite (file, WAL, synchronous=FULL)', url: undefined as string | undefined }, ...(pgUrl ? [{ name: 'postgres', label: 'PostgreSQL', url: pgUrl }] : [])];

console.log(machineLine());
const t0 = performance.now();
const probe = await startApp();
const zips = probe.deps.districts.get(DISTRICT)!.zipCodes;
const district = probe.deps.districts.get(DISTRICT)!;
await probe.close();
const data = generate(RANGES, zips);
const csvMb = Buffer.byteLength(data.csv) / 1024 / 1024;
console.log(`Generated ${int(RANGES)} ranges (${int(data.segments.length)} block faces on ${int(data.streets)} streets, ${csvMb.toFixed(1)} MB of CSV) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const parseStarted = performance.now();
const parsed = parseRanges(data.csv, district);
const parseMs = performance.now() - parseStarted;
if (!parsed.ok) throw new Error(`generated file refused: ${parsed.errors.slice(0, 3).map((e) => `${e.line}: ${e.message}`).join('; ')}`);
console.log(`Parse and check alone: ${int(parseMs)} ms`);
const queries = addresses(LOOKUPS, data.segments);

const results = [];
for (const database of databases) {
  console.log(`\n${database.label}`);
  const t = await startApp({ databaseUrl: database.url });
  const service = new AddressService(t.deps);
  const timeImport = async () => {
    const started = performance.now();
    const r = await service.importRanges(DISTRICT, data.csv);
    if (!r.ok) throw new Error(r.problem.code);
    return performance.now() - started;
  };
  const first = await timeImport();
  console.log(`  import of ${int(RANGES)} ranges (replacing the 21 sample rows): ${(first / 1000).toFixed(2)} s`);
  const again = await timeImport();
  console.log(`  import again (replacing ${int(RANGES)}): ${(again / 1000).toFixed(2)} s`);

  for (const q of queries.slice(0, 500)) await service.resolve({ line1: q.line1, zip: q.zip }, q.grade); // warm up
  const times: number[] = [];
  const kinds: Record<string, number> = {};
  let wrong = 0;
  const started = performance.now();
  for (const q of queries) {
    const s = performance.now();
    const r = await service.resolve({ line1: q.line1, zip: q.zip }, q.grade);
    times.push(performance.now() - s);
    kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
    if (r.kind !== q.expect || (r.kind === 'resolved' && !r.schoolCode)) wrong++;
  }
  const total = performance.now() - started;
  const p = percentiles(times);
  const perSecond = LOOKUPS / (total / 1000);
  console.log(`  ${int(LOOKUPS)} look-ups: p50 ${ms(p.p50)} p95 ${ms(p.p95)} p99 ${ms(p.p99)} max ${ms(p.max)} ms, ${int(perSecond)} look-ups/s; ${JSON.stringify(kinds)}, unexpected answers: ${wrong}`);
  results.push({ database, first, again, p, perSecond, kinds, wrong });
  await t.close();
}

writeSection('addresses', `
## Address look-up with 500,000 ranges

\`npm run bench:addresses\` — measured ${stamp()} on: ${machineLine()}.

STU-2, STU-3. A generated range file for \`${DISTRICT}\`: ${int(RANGES)} rows (${csvMb.toFixed(1)} MB of CSV) — ${int(data.segments.length)} block faces of 100 house numbers on ${int(data.streets)} streets in the district's ${zips.length} ZIPs, three grade spans per block (TK-5, 6-8, 9-12), every fifth block's TK-5 split into odd and even sides. Imported through \`AddressService.importRanges\` (RFC 4180 parse, every row checked, overlap check, then one transaction: delete the district's rows, then INSERT … SELECT from a JSON array of 10,000 rows per statement, rows in index order; ANALYZE afterwards on PostgreSQL), twice: into the district's 21 sample rows, then replacing the 500,000. Then \`resolve()\` for ${int(LOOKUPS)} addresses one after another in-process (after 500 to warm up): 90% inside a range (upper case or written out, some with "Apt 4"), 5% on a street with no range in a ranged ZIP (unmatched: the exact look-up, then the looser one), 5% in a ZIP no district lists (outside).${pgUrl ? ' PostgreSQL: the one named by DATABASE_URL/TEST_DATABASE_URL (\`scripts/with-postgres.sh\`: a throwaway local cluster with fsync=off), a schema of its own.' : ''} Parse and check alone, without the database: ${(parseMs / 1000).toFixed(2)} s.

${table(['database', 'import (into 21 rows)', 'import (replacing 500,000)', 'look-up p50', 'p95', 'p99', 'max', 'look-ups/s', 'goal: p95 < 5 ms', 'answers'], results.map((r) => [
  r.database.label, `${(r.first / 1000).toFixed(2)} s`, `${(r.again / 1000).toFixed(2)} s`, ms(r.p.p50), ms(r.p.p95), ms(r.p.p99), ms(r.p.max), int(r.perSecond), verdict(r.p.p95 < 5),
  `${Object.entries(r.kinds).map(([k, v]) => `${k} ${int(v)}`).join(', ')}; unexpected ${r.wrong}`,
]))}

Look-up times in milliseconds.
`);
