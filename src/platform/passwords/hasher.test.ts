import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, HASHING_BUSY, PasswordHasher, isBusy, type HashEngine } from './hasher.js';

/** An engine whose every call waits until the test lets it through, one at a time, in the order they came. */
function heldEngine() {
  const held: { label: string; go: () => void }[] = [];
  const started: string[] = [];
  const engine: HashEngine = {
    hash: (password) =>
      new Promise<string>((resolve) => {
        started.push(password);
        held.push({ label: password, go: () => resolve(`hash of ${password}`) });
      }),
    verify: async () => true,
  };
  const release = () => held.shift()!.go();
  return { engine, started, held, release };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PasswordHasher', () => {
  it('runs at most `concurrency` at once, lets `queue` wait in order, and refuses the next at once', async () => {
    const e = heldEngine();
    const hasher = new PasswordHasher(DEFAULT_PROFILE, { concurrency: 1, queue: 2 }, e.engine);
    const a = hasher.hash('a');
    const b = hasher.hash('b');
    const c = hasher.hash('c');
    await flush();
    expect(e.started).toEqual(['a']);
    expect(hasher.load).toEqual({ running: 1, waiting: 2 });

    const d = await hasher.hash('d');
    expect(isBusy(d)).toBe(true);
    expect(d.ok ? null : d.problem).toMatchObject({ code: HASHING_BUSY, messageKey: 'common.passwordsBusy.message' });
    expect(isBusy(d) && d.problem.params.seconds).toBeGreaterThanOrEqual(1);
    expect(e.started).toEqual(['a']); // the refused one never reached the engine

    e.release();
    expect(await a).toEqual({ ok: true, value: 'hash of a' });
    await flush();
    expect(e.started).toEqual(['a', 'b']);
    expect(hasher.load).toEqual({ running: 1, waiting: 1 });
    e.release();
    await b;
    await flush();
    e.release();
    expect(await c).toEqual({ ok: true, value: 'hash of c' });
    expect(hasher.load).toEqual({ running: 0, waiting: 0 });
    expect(hasher.counts).toMatchObject({ peakRunning: 1, peakWaiting: 2, refused: 1, done: 3 });
  });

  it('a failing hash gives its turn to the next', async () => {
    let calls = 0;
    const engine: HashEngine = {
      hash: async () => {
        if (++calls === 1) throw new Error('out of memory');
        return 'ok';
      },
      verify: async () => true,
    };
    const hasher = new PasswordHasher(DEFAULT_PROFILE, { concurrency: 1, queue: 1 }, engine);
    const first = hasher.hash('x');
    const second = hasher.hash('y');
    await expect(first).rejects.toThrow('out of memory');
    expect(await second).toEqual({ ok: true, value: 'ok' });
    expect(hasher.load).toEqual({ running: 0, waiting: 0 });
  });

  it('asks for a re-hash of anything not argon2id at exactly the configured m, t and p', async () => {
    const hasher = new PasswordHasher({ memoryKiB: 8192, passes: 5, lanes: 1 }, { concurrency: 1, queue: 0 });
    const same = await argon2.hash('pw', { type: argon2.argon2id, memoryCost: 8192, timeCost: 5, parallelism: 1 });
    expect(hasher.needsRehash(same)).toBe(false);
    expect(hasher.needsRehash(await argon2.hash('pw', { type: argon2.argon2i, memoryCost: 8192, timeCost: 5, parallelism: 1 }))).toBe(true);
    expect(hasher.needsRehash(await argon2.hash('pw', { type: argon2.argon2id, memoryCost: 8192, timeCost: 6, parallelism: 1 }))).toBe(true);
    expect(hasher.needsRehash(await argon2.hash('pw', { type: argon2.argon2id, memoryCost: 9216, timeCost: 5, parallelism: 1 }))).toBe(true);
    expect(hasher.needsRehash('$argon2id$not a hash')).toBe(true);

    expect(await hasher.verify(same, 'pw')).toEqual({ ok: true, value: { matches: true, rehash: false } });
    expect(await hasher.verify(same, 'other')).toEqual({ ok: true, value: { matches: false, rehash: false } });
    expect(await hasher.verify('garbage', 'pw')).toEqual({ ok: true, value: { matches: false, rehash: false } });
  });
});
