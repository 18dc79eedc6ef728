import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD, answerHumanQuestion, buildParent } from './support/parents.js';
import { staffMember } from './support/staff.js';
import { generateConfirmationNumber } from '../src/modules/applications/confirmation-number.js';
import { loadConfig } from '../src/config.js';
import { RATE_LIMIT_DEFAULTS, parseRateLimits } from '../src/rate-limits.js';

const MINUTE = 60_000;
let ipCounter = 0;
const nextIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

async function register(c: TestClient, email: string) {
  const page = await c.get('/register');
  return c.post('/register', { first_name: 'María', middle_name: '', last_name: 'García', email, email_confirm: email, answer: answerHumanQuestion(page.html) });
}

describe('rate limit settings', () => {
  it('RATE_LIMITS overrides a named limit and leaves the others at their defaults', () => {
    const limits = parseRateLimits('register.ip=1000/1h, sign-in.email=5/15m');
    expect(limits['register.ip']).toEqual({ limit: 1000, windowMs: 60 * MINUTE });
    expect(limits['sign-in.email']).toEqual({ limit: 5, windowMs: 15 * MINUTE });
    expect(limits['lookup.number']).toEqual(RATE_LIMIT_DEFAULTS['lookup.number']);
  });

  it('a wrong entry stops start-up naming it', () => {
    expect(() => loadConfig({ RATE_LIMITS: 'register.ip=lots' } as NodeJS.ProcessEnv)).toThrow(/RATE_LIMITS.*register\.ip=lots/s);
    expect(() => loadConfig({ RATE_LIMITS: 'signin.ip=10/1h' } as NodeJS.ProcessEnv)).toThrow(/"signin\.ip" is not a rate limit/);
    expect(() => loadConfig({ RATE_LIMITS: 'toString=10/1h' } as NodeJS.ProcessEnv)).toThrow(/not name=limit\/window|is not a rate limit/);
    expect(() => loadConfig({ RATE_LIMITS: 'register.ip=10/2d' } as NodeJS.ProcessEnv)).toThrow(/between 1s and 1d/);
  });

  it('per-address limits are generous and the per-email ones strict by default', () => {
    for (const name of Object.keys(RATE_LIMIT_DEFAULTS).filter((n) => n.endsWith('.ip'))) {
      const { limit, windowMs } = RATE_LIMIT_DEFAULTS[name as keyof typeof RATE_LIMIT_DEFAULTS];
      expect(limit / (windowMs / (60 * MINUTE)), name).toBeGreaterThanOrEqual(300);
    }
    expect(RATE_LIMIT_DEFAULTS['sign-in.email'].limit).toBeLessThanOrEqual(10);
    expect(RATE_LIMIT_DEFAULTS['lookup.number'].limit).toBeLessThanOrEqual(5);
  });
});

for (const db of databases) {
  describe(`rate limiter on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('allows up to the limit in a window, refuses after it, and allows again a window later', async () => {
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
    });

    it('slides: a burst just before the hour gets no fresh allowance at the hour', async () => {
      // Ten at 18:59 against 10 per hour; a fixed window would have let ten more through at 19:00.
      t.clock.set('2026-11-22T18:59:00Z');
      for (let i = 0; i < 10; i++) expect((await t.deps.rateLimiter.hit('burst', 10, 60 * MINUTE)).allowed).toBe(true);
      t.clock.set('2026-11-22T19:00:30Z');
      const refused = await t.deps.rateLimiter.hit('burst', 10, 60 * MINUTE);
      expect(refused.allowed).toBe(false);
      // The allowance comes back a tenth of the hour at a time: one more attempt six minutes on.
      expect(refused.retryAfterSeconds).toBe(6 * 60 - 90);
      t.clock.set('2026-11-22T19:05:00Z');
      expect((await t.deps.rateLimiter.hit('burst', 10, 60 * MINUTE)).allowed).toBe(true);
      expect((await t.deps.rateLimiter.hit('burst', 10, 60 * MINUTE)).allowed).toBe(false);
      // An hour after the last one the whole allowance is back, and no more.
      t.clock.set('2026-11-22T20:05:00Z');
      for (let i = 0; i < 10; i++) expect((await t.deps.rateLimiter.hit('burst', 10, 60 * MINUTE)).allowed).toBe(true);
      expect((await t.deps.rateLimiter.hit('burst', 10, 60 * MINUTE)).allowed).toBe(false);
    });

    it('a refused attempt adds nothing: trying again while locked out does not push the wait further', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      for (let i = 0; i < 5; i++) await t.deps.rateLimiter.hit('locked', 5, 60 * MINUTE);
      const first = await t.deps.rateLimiter.hit('locked', 5, 60 * MINUTE);
      for (let i = 0; i < 20; i++) await t.deps.rateLimiter.hit('locked', 5, 60 * MINUTE);
      const later = await t.deps.rateLimiter.hit('locked', 5, 60 * MINUTE);
      expect(first.allowed).toBe(false);
      expect(later.retryAfterSeconds).toBe(first.retryAfterSeconds);
      t.clock.advance(first.retryAfterSeconds * 1000);
      expect((await t.deps.rateLimiter.hit('locked', 5, 60 * MINUTE)).allowed).toBe(true);
    });

    it('counts a cost, such as the bytes of an upload, and refuses what would not fit', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      expect((await t.deps.rateLimiter.hit('bytes', 100, 60 * MINUTE, 60)).allowed).toBe(true);
      expect((await t.deps.rateLimiter.hit('bytes', 100, 60 * MINUTE, 50)).allowed).toBe(false);
      expect((await t.deps.rateLimiter.hit('bytes', 100, 60 * MINUTE, 40)).allowed).toBe(true);
      expect((await t.deps.rateLimiter.hit('bytes', 100, 60 * MINUTE, 1)).allowed).toBe(false);
      // More than the whole allowance at once never fits, even on a fresh key.
      expect((await t.deps.rateLimiter.hit('bytes-fresh', 100, 60 * MINUTE, 101)).allowed).toBe(false);
    });

    it('peek tells whether a cost would fit without counting it; refund gives back what was counted, never more', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      expect(await t.deps.rateLimiter.peek('quota', 10, 60 * MINUTE, 10)).toBe(true);
      expect((await t.deps.rateLimiter.hit('quota', 10, 60 * MINUTE, 9)).allowed).toBe(true);
      for (let i = 0; i < 5; i++) expect(await t.deps.rateLimiter.peek('quota', 10, 60 * MINUTE)).toBe(true);
      expect(await t.deps.rateLimiter.peek('quota', 10, 60 * MINUTE, 2)).toBe(false);
      expect((await t.deps.rateLimiter.hit('quota', 10, 60 * MINUTE, 1)).allowed).toBe(true);
      expect(await t.deps.rateLimiter.peek('quota', 10, 60 * MINUTE)).toBe(false);
      await t.deps.rateLimiter.refund('quota', 10, 60 * MINUTE, 4);
      expect((await t.deps.rateLimiter.hit('quota', 10, 60 * MINUTE, 4)).allowed).toBe(true);
      expect((await t.deps.rateLimiter.hit('quota', 10, 60 * MINUTE, 1)).allowed).toBe(false);
      // Giving back more than was counted leaves a whole allowance, not more than one.
      await t.deps.rateLimiter.refund('quota', 10, 60 * MINUTE, 50);
      expect((await t.deps.rateLimiter.hit('quota', 10, 60 * MINUTE, 10)).allowed).toBe(true);
      expect((await t.deps.rateLimiter.hit('quota', 10, 60 * MINUTE, 1)).allowed).toBe(false);
    });

    it('purges the keys whose allowance is whole again, and only those', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      await t.deps.rateLimiter.hit('old', 10, 10 * MINUTE);
      await t.deps.rateLimiter.hit('new', 10, 60 * MINUTE);
      t.clock.advance(5 * MINUTE);
      const purged = await t.deps.rateLimiter.purgeStale();
      expect(purged).toBeGreaterThanOrEqual(1);
      const keys = (await t.deps.db.selectFrom('rate_limits').select('key').where('key', 'in', ['old', 'new']).execute()).map((r) => r.key);
      expect(keys).toEqual(['new']);
    });

    it('ACC-1 a school enrollment night: 40 families register from one network address', async () => {
      const c = new TestClient(t.app, nextIp());
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await register(c, `family${i}.${db.name}@example.org`)).status);
      expect(statuses.every((s) => s === 303)).toBe(true);
    });

    it('ACC-1 ACC-2 the same email address cannot be registered over and over (no flood of activation mail)', async () => {
      const email = `again.${db.name}@example.org`;
      const mailsTo = async () => (await t.deps.db.selectFrom('outbox').select('id').where('to_address', '=', email).execute()).length;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await register(new TestClient(t.app, nextIp()), email)).status);
      const before = await mailsTo();
      const refused = await register(new TestClient(t.app, nextIp()), email);
      expect(statuses).toEqual([303, 303, 303, 303, 303]);
      expect(refused.status).toBe(429);
      expect(textOf(refused.html)).toContain('You have tried too many times');
      expect(before).toBeGreaterThan(0);
      expect(await mailsTo()).toBe(before);
    });

  });

  describe(`configured limits on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, env: { RATE_LIMITS: 'register.ip=10/1h,lookup.ip=20/1h,staff-sign-in.email=3/15m,password-change.account=3/15m' } });
    });
    afterAll(async () => t.close());

    it('ACC-1 rate-limits registration from one network address at the configured limit', async () => {
      const c = new TestClient(t.app, nextIp());
      await c.get('/register');
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await c.post('/register', { first_name: '', last_name: '', email: '', email_confirm: '', answer: '' })).status);
      expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
      expect(statuses[10]).toBe(429);
      const page = await c.get('/register');
      const blocked = await c.post('/register', { first_name: 'María', middle_name: '', last_name: 'García', email: 'blocked@example.org', email_confirm: 'blocked@example.org', answer: answerHumanQuestion(page.html) });
      expect(blocked.status).toBe(429);
      expect(textOf(blocked.html)).toContain('You have tried too many times');
      const mail = await t.deps.db.selectFrom('outbox').select('id').where('to_address', '=', 'blocked@example.org').execute();
      expect(mail).toHaveLength(0);
    });

    it('DOC-1 rate-limits look-ups from one address at the configured limit', async () => {
      const c = new TestClient(t.app, nextIp());
      await c.get('/status');
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) {
        // A different (valid) number each time, so only the per-address limit can stop it.
        statuses.push((await c.post('/status', { first_name: 'Ana', last_name: 'Ruiz', dob_month: '1', dob_day: '2', dob_year: '2017', confirmation: generateConfirmationNumber() })).status);
      }
      expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
      expect(statuses[20]).toBe(429);
    });

    it('the staff sign-in counter resets on success, as the parent one does', async () => {
      const { email } = await staffMember(t, 'lausd-sample');
      const c = new TestClient(t.app, nextIp());
      await c.get('/staff/sign-in');
      // Two typos and a success, twice: six attempts against a limit of three in a row.
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 2; i++) expect((await c.post('/staff/sign-in', { email, password: `Wrong${i}x99` })).status).toBe(400);
        expect((await c.post('/staff/sign-in', { email, password: PASSWORD })).status).toBe(303);
        await c.post('/staff/sign-out', {});
        await c.get('/staff/sign-in');
      }
      for (let i = 0; i < 3; i++) await c.post('/staff/sign-in', { email, password: `Wrong${i}x99` });
      const locked = await c.post('/staff/sign-in', { email, password: PASSWORD });
      expect(locked.status).toBe(429);
      expect(textOf(locked.html)).toContain('You have tried too many times');
    }, 60_000);

    it('changing the password is limited per account: a taken session cannot guess the current password', async () => {
      const user = await buildParent(t);
      const c = new TestClient(t.app, nextIp());
      await c.get('/sign-in');
      expect((await c.post('/sign-in', { email: user.email, password: PASSWORD })).status).toBe(303);
      await c.get('/account/password');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await c.post('/account/password', { current_password: `Guess${i}x99`, password: 'Nueva7Tortuga', password_confirm: 'Nueva7Tortuga' })).status);
      expect(statuses).toEqual([400, 400, 400, 429]);
    }, 60_000);
  });
}
