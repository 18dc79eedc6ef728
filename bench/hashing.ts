import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import argon2, { type HashOptions } from 'argon2';
import { ROOT, env, machineLine, ms, percentiles, stamp, table, writeSection } from './support.js';

/**
 * The argon2id profiles of OWASP's Password Storage Cheat Sheet (equal defence, traded between
 * memory and passes) and the library's defaults, measured on this machine: the CPU time of one
 * hash (which other work on the machine stretches less than the wall time), the wall time of one
 * hash (one after another, BENCH_HASHES of them), the memory one hash adds to the process (its
 * peak resident set, in a fresh process per profile), and hashes per second with 1, 2 and 4 in
 * flight. Writes its section of docs/benchmarks.md; the choice is docs/adr/0023-password-hashing.md.
 *
 *   npx tsx bench/hashing.ts
 */
const HASHES = env('BENCH_HASHES', 20);

const PROFILES = [
  { name: 'OWASP m=46 MiB t=1 p=1', memoryCost: 47104, timeCost: 1, parallelism: 1 },
  { name: 'OWASP m=19 MiB t=2 p=1', memoryCost: 19456, timeCost: 2, parallelism: 1 },
  { name: 'OWASP m=12 MiB t=3 p=1', memoryCost: 12288, timeCost: 3, parallelism: 1 },
  { name: 'OWASP m=9 MiB t=4 p=1', memoryCost: 9216, timeCost: 4, parallelism: 1 },
  { name: 'OWASP m=7 MiB t=5 p=1', memoryCost: 7168, timeCost: 5, parallelism: 1 },
  { name: 'library default m=64 MiB t=3 p=4', memoryCost: 65536, timeCost: 3, parallelism: 4 },
];
type Profile = (typeof PROFILES)[number];

const options = (p: Profile): HashOptions => ({ type: argon2.argon2id, memoryCost: p.memoryCost, timeCost: p.timeCost, parallelism: p.parallelism });

/** One profile's peak memory, in a fresh plain Node.js process (bench/hashing-memory.mjs), in KiB. */
function peakMemory(p: Profile): { one: number; two: number } {
  const script = path.join(ROOT, 'bench/hashing-memory.mjs');
  const out = execFileSync(process.execPath, ['--expose-gc', script, String(p.memoryCost), String(p.timeCost), String(p.parallelism)], { encoding: 'utf8' });
  return JSON.parse(out) as { one: number; two: number };
}

/** Wall time of each hash, one after another, and the process's CPU time per hash (user + system, every thread). */
async function timeOne(p: Profile): Promise<{ wall: number[]; cpuMs: number }> {
  await argon2.hash('warm-up 1', options(p));
  const wall: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < HASHES; i++) {
    const t0 = performance.now();
    await argon2.hash(`password ${i}`, options(p));
    wall.push(performance.now() - t0);
  }
  const used = process.cpuUsage(cpu);
  return { wall, cpuMs: (used.user + used.system) / 1000 / HASHES };
}

async function perSecond(p: Profile, inFlight: number): Promise<number> {
  const total = HASHES * 2;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        next++;
        await argon2.hash(`password ${next}`, options(p));
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

async function main() {
  const rows: (string | number)[][] = [];
  for (const p of PROFILES) {
    const mem = peakMemory(p);
    const one = await timeOne(p);
    const t = percentiles(one.wall);
    const rates = [];
    for (const n of [1, 2, 4]) rates.push(Math.round(await perSecond(p, n)));
    rows.push([p.name, ms(one.cpuMs), ms(t.p50), ms(t.p95), `${(mem.one / 1024).toFixed(1)} MiB`, `${(mem.two / 1024).toFixed(1)} MiB`, ...rates]);
  }
  const head = ['profile', 'CPU per hash (ms)', 'one hash p50 (ms)', 'p95 (ms)', 'memory, one hash', 'memory, 2 at once', 'hashes/s, 1 in flight', '2 in flight', '4 in flight'];
  const started = stamp();
  writeSection(
    'hashing',
    `## Password hashing

\`npx tsx bench/hashing.ts\` — measured ${started} on: ${machineLine()}.

OWASP's argon2id profiles (equal defence, memory traded for passes) and the \`argon2\` package's
defaults, which the app used before ADR 0023. CPU per hash is the process's CPU time (every
thread) over ${HASHES} hashes one after another: other work on the machine stretches it far less
than the wall times beside it. Memory is the growth of the peak resident set in a fresh process,
for one hash and for two at once. Hashes per second with 1, 2 and 4 in flight show the 2 cores
filling up; the app runs at most \`PASSWORD_HASH_CONCURRENCY\` (2) at once, at m = 19 MiB, t = 2,
p = 1 (ADR 0023).

${table(head, rows)}
`,
  );
}

await main();
