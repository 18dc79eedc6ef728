import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';

for (const db of databases) {
  describe(`rate limiter on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('allows up to the limit in a window, refuses after it, and allows again in the next window', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      const results = [];
      for (let i = 0; i < 4; i++) results.push((await t.deps.rateLimiter.hit('k1', 3, 60_000)).allowed);
      expect(results).toEqual([true, true, true, false]);
      t.clock.advance(60_000);
      expect((await t.deps.rateLimiter.hit('k1', 3, 60_000)).allowed).toBe(true);
    });

    it('keeps separate counts per key and counts concurrent hits exactly', async () => {
      const hits = await Promise.all(Array.from({ length: 10 }, () => t.deps.rateLimiter.hit('k2', 5, 60_000)));
      expect(hits.filter((h) => h.allowed)).toHaveLength(5);
      expect((await t.deps.rateLimiter.hit('k3', 5, 60_000)).allowed).toBe(true);
      const row = await t.deps.db.selectFrom('rate_limits').selectAll().where('key', '=', 'k2').executeTakeFirstOrThrow();
      expect(row.count).toBe(10);
    });
  });
}
