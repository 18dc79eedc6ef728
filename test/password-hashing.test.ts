import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD, buildParent } from './support/parents.js';
import { staffMember } from './support/staff.js';
import { loadConfig } from '../src/config.js';
import { newId, newToken, sha256 } from '../src/platform/ids.js';
import { DEFAULT_PROFILE, PasswordHasher, argon2Engine, type HashEngine } from '../src/platform/passwords/hasher.js';

/**
 * Password hashing at a chosen cost, bounded (issue 13, docs/adr/0023-password-hashing.md):
 * argon2id at the configured profile for parents and staff, hashes made at other parameters
 * replaced at the next sign-in, and at most N hashes in flight with a bounded queue, past which
 * the password forms answer 503 with Retry-After, in the reader's language, having saved nothing.
 */

let ip = 0;
const client = (t: TestApp) => new TestClient(t.app, `10.13.${Math.floor(++ip / 250)}.${ip % 250}`);

/** m, t and p as a stored hash writes them (the library writes them as m, p, t). */
function params(hash: string | null | undefined) {
  const m = /^\$argon2id\$v=19\$([^$]+)\$/.exec(hash ?? '');
  if (!m) throw new Error(`not an argon2id hash: ${hash}`);
  const p = Object.fromEntries(m[1].split(',').map((kv) => kv.split('='))) as Record<string, string>;
  return { m: Number(p.m), t: Number(p.t), p: Number(p.p) };
}

/** A registered parent who has not yet created a password, and the path of their activation link. */
async function pendingParent(t: TestApp) {
  const id = newId();
  const token = newToken();
  const now = t.clock.now().toISOString();
  const email = `new-${id.toLowerCase().replace(/[^a-z0-9]/g, '')}@example.org`;
  await t.deps.db.insertInto('users').values({ id, email, first_name: 'Lucía', middle_name: null, last_name: 'Ramos', password_hash: null, activated_at: null, language: 'en', created_at: now, updated_at: now }).execute();
  await t.deps.db.insertInto('user_tokens').values({ token_hash: sha256(token), user_id: id, purpose: 'activate', expires_at: new Date(t.clock.now().getTime() + 3_600_000).toISOString(), used_at: null, created_at: now }).execute();
  return { id, email, link: `/activate/${token}` };
}

const userRow = (t: TestApp, id: string) => t.deps.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const tokenRow = (t: TestApp, link: string) => t.deps.db.selectFrom('user_tokens').selectAll().where('token_hash', '=', sha256(link.split('/').pop()!)).executeTakeFirstOrThrow();

/**
 * argon2 with a gate: every hash or verification waits until the test opens it, and the engine
 * counts how many are inside it at once — the bound is seen from below the hasher, not timed.
 */
function gatedEngine() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const seen = { inside: 0, most: 0, calls: 0 };
  const through = async <T>(work: () => Promise<T>): Promise<T> => {
    seen.calls++;
    seen.inside++;
    seen.most = Math.max(seen.most, seen.inside);
    try {
      await gate;
      return await work();
    } finally {
      seen.inside--;
    }
  };
  const engine: HashEngine = {
    hash: (password, profile) => through(() => argon2Engine.hash(password, profile)),
    verify: (hash, password) => through(() => argon2Engine.verify(hash, password)),
  };
  return { engine, seen, open: () => open() };
}

describe('password hashing settings', () => {
  it("defaults to OWASP's argon2id m=19 MiB, t=2, p=1, two hashes at once and 64 waiting", () => {
    const c = loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv);
    expect(c.passwordHashing).toEqual({ profile: { memoryKiB: 19_456, passes: 2, lanes: 1 }, concurrency: 2, queue: 64 });
    const set = loadConfig({ NODE_ENV: 'test', PASSWORD_HASH_MEMORY_KIB: '47104', PASSWORD_HASH_PASSES: '1', PASSWORD_HASH_CONCURRENCY: '3', PASSWORD_HASH_QUEUE: '0', UV_THREADPOOL_SIZE: '8' } as NodeJS.ProcessEnv);
    expect(set.passwordHashing).toEqual({ profile: { memoryKiB: 47_104, passes: 1, lanes: 1 }, concurrency: 3, queue: 0 });
  });

  it("refuses a cost below OWASP's profiles, and a bound that takes every thread of libuv's pool", () => {
    const load = (env: Record<string, string>) => () => loadConfig({ NODE_ENV: 'test', ...env } as NodeJS.ProcessEnv);
    expect(load({ PASSWORD_HASH_MEMORY_KIB: '4096', PASSWORD_HASH_PASSES: '10' })).toThrow(/PASSWORD_HASH_MEMORY_KIB: at least 7168/);
    expect(load({ PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_PASSES: '1' })).toThrow(/PASSWORD_HASH_PASSES: memory × passes is 19456, below OWASP's profiles/);
    expect(load({ PASSWORD_HASH_CONCURRENCY: '4' })).toThrow(/PASSWORD_HASH_CONCURRENCY: 4 hashes at once would take every thread of libuv's pool \(UV_THREADPOOL_SIZE=4\)/);
    expect(load({ PASSWORD_HASH_CONCURRENCY: '4', UV_THREADPOOL_SIZE: '6' })).not.toThrow();
    expect(load({ PASSWORD_HASH_QUEUE: '-1' })).toThrow(/PASSWORD_HASH_QUEUE/);
  });
});

for (const db of databases) {
  describe(`password hashing on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('ACC-2 a new password is hashed with argon2id at the configured profile', async () => {
      const p = await pendingParent(t);
      const c = client(t);
      await c.get(p.link);
      expect((await c.post(p.link, { password: PASSWORD, password_confirm: PASSWORD })).status).toBe(303);
      const hash = (await userRow(t, p.id)).password_hash;
      expect(params(hash)).toEqual({ m: 19_456, t: 2, p: 1 });
      expect(await argon2.verify(hash!, PASSWORD)).toBe(true);
    });

    it("a parent's hash made at other parameters is replaced at the next sign-in, and the new one verifies", async () => {
      const parent = await buildParent(t);
      const old = await argon2.hash(PASSWORD, { type: argon2.argon2id }); // the library's defaults, as hashes were made before
      expect(params(old)).toEqual({ m: 65_536, t: 3, p: 4 });
      await t.deps.db.updateTable('users').set({ password_hash: old }).where('id', '=', parent.id).execute();

      // A wrong password changes nothing.
      const c = client(t);
      await c.get('/sign-in');
      expect((await c.post('/sign-in', { email: parent.email, password: 'Wrong5Guess' })).status).toBe(400);
      expect((await userRow(t, parent.id)).password_hash).toBe(old);

      const signedIn = await c.post('/sign-in', { email: parent.email, password: PASSWORD });
      expect(signedIn.status).toBe(303);
      const fresh = (await userRow(t, parent.id)).password_hash!;
      expect(fresh).not.toBe(old);
      expect(params(fresh)).toEqual({ m: 19_456, t: 2, p: 1 });
      expect(await argon2.verify(fresh, PASSWORD)).toBe(true);

      // The new hash signs in, and is not replaced again.
      const again = client(t);
      await again.get('/sign-in');
      expect((await again.post('/sign-in', { email: parent.email, password: PASSWORD })).status).toBe(303);
      expect((await userRow(t, parent.id)).password_hash).toBe(fresh);
    });

    it("a staff member's hash made at other parameters is replaced at the next staff sign-in", async () => {
      const staff = await staffMember(t, 'lausd-sample');
      const old = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 12_288, timeCost: 3, parallelism: 1 });
      await t.deps.db.updateTable('staff').set({ password_hash: old }).where('id', '=', staff.id).execute();
      const c = client(t);
      await c.get('/staff/sign-in');
      const res = await c.post('/staff/sign-in', { email: staff.email, password: PASSWORD });
      expect(res.status).toBe(303);
      expect(res.location).toBe('/staff/queue');
      const fresh = (await t.deps.db.selectFrom('staff').select('password_hash').where('id', '=', staff.id).executeTakeFirstOrThrow()).password_hash!;
      expect(params(fresh)).toEqual({ m: 19_456, t: 2, p: 1 });
      expect(await argon2.verify(fresh, PASSWORD)).toBe(true);
    });

    it('the dummy hash of an unknown address is made at the configured profile too', async () => {
      const made: { m: number; t: number; p: number }[] = [];
      const engine: HashEngine = {
        hash: async (password, profile) => {
          const h = await argon2Engine.hash(password, profile);
          made.push(params(h));
          return h;
        },
        verify: argon2Engine.verify,
      };
      const hasher = new PasswordHasher(t.deps.passwords.profile, t.deps.passwords.limits, engine);
      const r = await hasher.verify(null, PASSWORD);
      expect(r).toEqual({ ok: true, value: { matches: false, rehash: false } });
      expect(made).toEqual([{ m: 19_456, t: 2, p: 1 }]);
    });

    it('more password sets at once than the bound all finish, never more than two hashing at a time', async () => {
      const before = { ...t.deps.passwords.counts };
      const parents = await Promise.all(Array.from({ length: 8 }, () => pendingParent(t)));
      const clients = parents.map(() => client(t));
      await Promise.all(parents.map((p, i) => clients[i].get(p.link)));
      const results = await Promise.all(parents.map((p, i) => clients[i].post(p.link, { password: PASSWORD, password_confirm: PASSWORD })));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(303));
      for (const p of parents) expect(params((await userRow(t, p.id)).password_hash)).toEqual({ m: 19_456, t: 2, p: 1 });
      const counts = t.deps.passwords.counts;
      expect(counts.done - before.done).toBe(8);
      expect(counts.peakRunning).toBe(2); // memory: at most 2 × 19 MiB for hashing, however many families
      expect(counts.peakWaiting).toBeGreaterThan(0);
      expect(counts.refused).toBe(before.refused);
    });

    describe('past the queue', () => {
      let saved: PasswordHasher;
      let gated: ReturnType<typeof gatedEngine>;
      beforeAll(() => {
        saved = t.deps.passwords;
        gated = gatedEngine();
        t.deps.passwords = new PasswordHasher(DEFAULT_PROFILE, { concurrency: 2, queue: 3 }, gated.engine);
      });
      afterAll(() => {
        gated.open();
        t.deps.passwords = saved;
      });

      it('answers 503 with Retry-After in Spanish, saves nothing, and the same form sent again works', async () => {
        const hasher = t.deps.passwords;
        // Five families set their passwords at once: two hash, three wait.
        const parents = await Promise.all(Array.from({ length: 5 }, () => pendingParent(t)));
        const clients = parents.map(() => client(t));
        await Promise.all(parents.map((p, i) => clients[i].get(p.link)));
        const pending = parents.map((p, i) => clients[i].post(p.link, { password: PASSWORD, password_confirm: PASSWORD }));
        await vi.waitFor(() => expect(hasher.load).toEqual({ running: 2, waiting: 3 }));
        expect(gated.seen.inside).toBe(2);

        // A sixth, reading in Spanish, is refused at once: nothing written, its link still unused.
        const late = await pendingParent(t);
        const c = client(t);
        const form = await c.get(`${late.link}?lang=es`);
        expect(form.html).toContain('<html lang="es"');
        const refused = await c.post(late.link, { password: PASSWORD, password_confirm: PASSWORD });
        expect(refused.status).toBe(503);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(refused.html).toContain('<html lang="es"');
        const text = textOf(refused.html);
        expect(text).toContain('En este momento el sitio está muy ocupado');
        expect(text).toContain('No se guardó nada');
        expect(refused.html).toContain(`href="${late.link}"`);
        expect((await userRow(t, late.id)).password_hash).toBeNull();
        expect((await userRow(t, late.id)).activated_at).toBeNull();
        expect((await tokenRow(t, late.link)).used_at).toBeNull();
        expect(hasher.counts.refused).toBe(1);

        // The parent signing in and the one changing a password are refused the same way.
        const parent = await buildParent(t, { language: 'es' });
        const sIp = '10.13.250.1';
        const s = new TestClient(t.app, sIp);
        await s.get('/sign-in?lang=es');
        const signIn = await s.post('/sign-in', { email: parent.email, password: PASSWORD });
        expect(signIn.status).toBe(503);
        expect(signIn.headers['retry-after']).toBeDefined();
        expect(textOf(signIn.html)).toContain('En este momento el sitio está muy ocupado');
        expect((await s.get('/account')).status).toBe(303); // not signed in
        // The refused attempt counts against no rate limit: its counts were given back.
        const now = t.clock.now().getTime();
        const counted = await t.deps.db.selectFrom('rate_limits').select(['key', 'drained_at_ms']).where('key', 'in', [`sign-in.email:${parent.email}`, `sign-in.ip:${sIp}`]).execute();
        expect(counted).toHaveLength(2);
        for (const row of counted) expect(Number(row.drained_at_ms)).toBe(now);

        // The gate opens: the five finish, never more than two inside argon2 at once.
        gated.open();
        expect((await Promise.all(pending)).map((r) => r.status)).toEqual(Array(5).fill(303));
        expect(gated.seen.most).toBe(2);
        expect(hasher.counts.peakRunning).toBe(2);
        expect(hasher.counts.peakWaiting).toBe(3);

        // The refused form, sent again as it was, now works.
        const retried = await c.post(late.link, { password: PASSWORD, password_confirm: PASSWORD });
        expect(retried.status).toBe(303);
        expect(params((await userRow(t, late.id)).password_hash)).toEqual({ m: 19_456, t: 2, p: 1 });
        const retriedSignIn = await s.post('/sign-in', { email: parent.email, password: PASSWORD });
        expect(retriedSignIn.status).toBe(303);
      });

      it('staff sign-in, a reset link and changing a password are refused with 503 while the hasher is full, in English', async () => {
        // Made while the hasher has room: a staff member, a signed-in parent, a parent's reset link.
        t.deps.passwords = saved;
        const member = await staffMember(t, 'lausd-sample');
        const parent = await buildParent(t);
        const signedIn = client(t);
        await signedIn.get('/sign-in');
        expect((await signedIn.post('/sign-in', { email: parent.email, password: PASSWORD })).status).toBe(303);
        const reset = newToken();
        await t.deps.db.insertInto('user_tokens').values({ token_hash: sha256(reset), user_id: parent.id, purpose: 'reset', expires_at: new Date(t.clock.now().getTime() + 3_600_000).toISOString(), used_at: null, created_at: t.clock.now().toISOString() }).execute();
        const hashBefore = (await userRow(t, parent.id)).password_hash;

        // One hash in flight, none may wait.
        gated = gatedEngine();
        const full = new PasswordHasher(DEFAULT_PROFILE, { concurrency: 1, queue: 0 }, gated.engine);
        t.deps.passwords = full;
        const holder = full.hash('held in flight');
        await vi.waitFor(() => expect(full.load.running).toBe(1));

        const refusedPage = (res: { status: number; headers: Record<string, unknown>; html: string }) => {
          expect(res.status).toBe(503);
          expect(String(res.headers['retry-after'])).toMatch(/^[1-9]\d*$/);
          expect(textOf(res.html)).toContain('The site is very busy right now');
          expect(textOf(res.html)).toContain('Nothing was saved');
        };
        const c = client(t);
        await c.get('/staff/sign-in');
        refusedPage(await c.post('/staff/sign-in', { email: member.email, password: PASSWORD }));

        const r = client(t);
        await r.get(`/reset-password/${reset}`);
        refusedPage(await r.post(`/reset-password/${reset}`, { password: 'Nuevo8Camino', password_confirm: 'Nuevo8Camino' }));

        await signedIn.get('/account/password');
        refusedPage(await signedIn.post('/account/password', { current_password: PASSWORD, password: 'Nuevo8Camino', password_confirm: 'Nuevo8Camino' }));
        const now = t.clock.now().getTime();
        const counted = await t.deps.db.selectFrom('rate_limits').select(['key', 'drained_at_ms']).where('key', 'in', [`staff-sign-in.email:${member.email}`, `password-change.account:${parent.id}`]).execute();
        expect(counted).toHaveLength(2);
        for (const row of counted) expect(Number(row.drained_at_ms)).toBe(now);

        // Nothing changed: the password, the reset link.
        expect((await userRow(t, parent.id)).password_hash).toBe(hashBefore);
        expect((await tokenRow(t, `/reset-password/${reset}`)).used_at).toBeNull();
        expect(full.counts.refused).toBe(3);

        gated.open();
        await holder;
        expect((await c.post('/staff/sign-in', { email: member.email, password: PASSWORD })).status).toBe(303);
        expect((await r.post(`/reset-password/${reset}`, { password: 'Nuevo8Camino', password_confirm: 'Nuevo8Camino' })).status).toBe(303);
        expect(await argon2.verify((await userRow(t, parent.id)).password_hash!, 'Nuevo8Camino')).toBe(true);
      });
    });
  });
}
