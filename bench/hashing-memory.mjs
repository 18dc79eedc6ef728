// One argon2id profile's peak memory, for bench/hashing.ts, in a plain Node.js process (a
// TypeScript loader's own compiling would blur the figure). Arguments: memoryCost timeCost
// parallelism. Prints the growth of the peak resident set (Linux's VmHWM, reset to the present
// through /proc/self/clear_refs) for one hash, then for two at once, in KiB.
import fs from 'node:fs';
import argon2 from 'argon2';

const [memoryCost, timeCost, parallelism] = process.argv.slice(2).map(Number);
const options = { type: argon2.argon2id, memoryCost, timeCost, parallelism };
const kib = (field) => {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return parseInt(line.slice(field.length + 1), 10);
};
const growth = async (n) => {
  globalThis.gc?.();
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const base = kib('VmRSS');
  await Promise.all(Array.from({ length: n }, (_, i) => argon2.hash(`correct horse ${i}`, options)));
  return kib('VmHWM') - base;
};
await argon2.hash('warm-up', { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
const one = await growth(1);
const two = await growth(2);
process.stdout.write(JSON.stringify({ one, two }));
