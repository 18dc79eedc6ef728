import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD, answerHumanQuestion, buildParent, signedInParent } from './support/parents.js';
import { SESSION_COOKIE } from '../src/platform/http/sessions.js';

let ipCounter = 0;
const freshClient = (t: TestApp) => new TestClient(t.app, `10.1.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`);

async function latestMail(t: TestApp, to: string) {
  return t.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', to).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
}
const linkIn = (text: string) => /(https?:\/\/\S+)/.exec(text)![1].replace('http://localhost:3000', '');

async function register(t: TestApp, c: TestClient, email: string, extra: Record<string, string> = {}) {
  const page = await c.get('/register');
  return c.post('/register', { first_name: 'María', middle_name: '', last_name: 'García', email, email_confirm: email, answer: answerHumanQuestion(page.html), ...extra });
}

for (const db of databases) {
  describe(`accounts on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('ACC-1 ACC-2 registers, sends a single-use activation link, and the password is created under ACC-3', async () => {
      const c = freshClient(t);
      const res = await register(t, c, 'Maria.Garcia@Example.org');
      expect(res.status).toBe(303);
      const check = await c.follow(res);
      expect(textOf(check.html)).toContain('Check your email');
      const mail = await latestMail(t, 'maria.garcia@example.org');
      expect(mail?.template).toBe('accounts.emails.activation');
      const link = linkIn(mail!.text_body);
      // The account cannot sign in before activation.
      await c.get('/sign-in');
      const early = await c.post('/sign-in', { email: 'maria.garcia@example.org', password: PASSWORD });
      expect(early.status).toBe(400);
      const form = await c.get(link);
      expect(textOf(form.html)).toContain('Create your password');
      const weak = await c.post(link, { password: 'aaaa', password_confirm: 'aaaa' });
      expect(weak.status).toBe(400);
      const weakText = textOf(weak.html);
      for (const msg of ['Use 8 to 20 characters', 'Use both letters and numbers', 'Do not repeat a character three times in a row']) expect(weakText).toContain(msg);
      const common = await c.post(link, { password: 'password1', password_confirm: 'password1' });
      expect(textOf(common.html)).toContain('This password is too common');
      const mismatch = await c.post(link, { password: PASSWORD, password_confirm: `${PASSWORD}x` });
      expect(textOf(mismatch.html)).toContain('The two passwords do not match');
      const done = await c.post(link, { password: PASSWORD, password_confirm: PASSWORD });
      expect(done.status).toBe(303);
      expect(done.location).toBe('/account');
      const account = await c.follow(done);
      expect(textOf(account.html)).toContain('Your account is ready');
      expect(textOf(account.html)).toContain('Welcome, María');
      // Single use.
      const again = await freshClient(t).get(link);
      expect(again.status).toBe(410);
      const user = await t.deps.db.selectFrom('users').selectAll().where('email', '=', 'maria.garcia@example.org').executeTakeFirstOrThrow();
      expect(user.password_hash).toMatch(/^\$argon2id\$/);
    });

    it('ACC-2 an activation link expires after 48 hours', async () => {
      const c = freshClient(t);
      await register(t, c, 'late@example.org');
      const link = linkIn((await latestMail(t, 'late@example.org'))!.text_body);
      t.clock.advance(49 * 3_600_000);
      const res = await c.get(link);
      expect(res.status).toBe(410);
      expect(textOf(res.html)).toContain('This link does not work any more');
      t.clock.set('2026-11-22T18:00:00Z');
    });

    it('ACC-2 a new activation link can be asked for, with the same answer for any address', async () => {
      const c = freshClient(t);
      await register(t, c, 'slow.reader@example.org');
      const first = linkIn((await latestMail(t, 'slow.reader@example.org'))!.text_body);
      t.clock.advance(60_000);
      await c.get('/activate/resend');
      const known = await c.post('/activate/resend', { email: 'slow.reader@example.org' });
      const unknown = await c.post('/activate/resend', { email: 'nobody.at.all@example.org' });
      expect(textOf(known.html).replace('slow.reader@example.org', 'X')).toBe(textOf(unknown.html).replace('nobody.at.all@example.org', 'X'));
      const second = linkIn((await latestMail(t, 'slow.reader@example.org'))!.text_body);
      expect(second).not.toBe(first);
      expect((await c.get(second)).status).toBe(200);
      t.clock.set('2026-11-22T18:00:00Z');
      const bad = await c.post('/activate/resend', { email: 'not an email' });
      expect(bad.status).toBe(400);
      expect(textOf(bad.html)).toContain('Enter an email address like name@example.com');
    });

    it('ACC-1 shows every problem and keeps what was typed; names with markup are refused and shown escaped', async () => {
      const c = freshClient(t);
      await c.get('/register');
      const res = await c.post('/register', { first_name: '<script>alert(1)</script>', middle_name: '', last_name: '', email: 'ana@example', email_confirm: 'other@example.org', answer: '' });
      expect(res.status).toBe(400);
      const text = textOf(res.html);
      for (const msg of ['Use only letters, spaces, hyphens, apostrophes and periods', 'Enter your last name', 'Enter an email address like name@example.com', 'Answer the question to show you are a person']) expect(text).toContain(msg);
      expect(res.html).not.toContain('<script>alert(1)</script>');
      expect(res.html).toContain('value="&lt;script>alert(1)&lt;/script>"');
      expect(res.html).toContain('value="ana@example"');
      const mismatch = await c.post('/register', { first_name: 'Ana', last_name: 'Ruiz', email: 'ana@example.org', email_confirm: 'ana@example.com', answer: answerHumanQuestion(res.html) });
      expect(textOf(mismatch.html)).toContain('The two email addresses do not match');
      const long = await c.post('/register', { first_name: 'A'.repeat(51), last_name: 'Ruiz', email: 'ana@example.org', email_confirm: 'ana@example.org', answer: '1' });
      expect(textOf(long.html)).toContain('Use 50 characters or fewer');
    });

    it('ACC-1 a wrong answer or a filled honeypot creates no account', async () => {
      const c = freshClient(t);
      const page = await c.get('/register');
      const right = answerHumanQuestion(page.html);
      const wrong = await c.post('/register', { first_name: 'Bot', last_name: 'Bot', email: 'bot@example.org', email_confirm: 'bot@example.org', answer: String(Number(right) + 1) });
      expect(textOf(wrong.html)).toContain('That answer is not right');
      const honey = await c.post('/register', { first_name: 'Bot', last_name: 'Bot', email: 'bot@example.org', email_confirm: 'bot@example.org', answer: answerHumanQuestion(wrong.html), website: 'http://spam.example' });
      expect(honey.status).toBe(400);
      expect(await t.deps.db.selectFrom('users').select('id').where('email', '=', 'bot@example.org').execute()).toHaveLength(0);
    });

    it('ACC-1 registering an address that has an account says the same, and emails the owner instead', async () => {
      const existing = await buildParent(t);
      const c = freshClient(t);
      const res = await register(t, c, existing.email);
      expect(res.status).toBe(303);
      expect(res.location).toBe('/register/check-email');
      const mail = await latestMail(t, existing.email);
      expect(mail?.template).toBe('accounts.emails.alreadyRegistered');
      expect(await t.deps.db.selectFrom('users').select('id').where('email', '=', existing.email).execute()).toHaveLength(1);
    });

    it('signs in, rotates the session id, and signs out', async () => {
      const user = await buildParent(t);
      const c = freshClient(t);
      await c.get('/sign-in');
      const before = c.cookies.get(SESSION_COOKIE);
      expect(before).toBeTruthy();
      const res = await c.post('/sign-in?next=/account/password', { email: user.email.toUpperCase(), password: PASSWORD });
      expect(res.status).toBe(303);
      expect(res.location).toBe('/account/password');
      expect(c.cookies.get(SESSION_COOKIE)).not.toBe(before);
      const account = await c.get('/account');
      expect(account.status).toBe(200);
      const out = await c.post('/sign-out', {});
      expect(out.status).toBe(303);
      expect((await c.get('/account')).status).toBe(303);
    });

    it('refuses a wrong password with one message that does not say which part was wrong', async () => {
      const user = await buildParent(t);
      const c = freshClient(t);
      await c.get('/sign-in');
      const wrongPw = await c.post('/sign-in', { email: user.email, password: 'Wrong1234x' });
      const noUser = await c.post('/sign-in', { email: 'nobody@example.org', password: 'Wrong1234x' });
      expect(wrongPw.status).toBe(400);
      expect(textOf(wrongPw.html)).toContain('The email address or the password is not right');
      expect(textOf(noUser.html)).toContain('The email address or the password is not right');
    });

    it('rate-limits password guessing on one account', async () => {
      const user = await buildParent(t);
      const c = freshClient(t);
      await c.get('/sign-in');
      let last = 0;
      for (let i = 0; i < 11; i++) last = (await c.post('/sign-in', { email: user.email, password: `Wrong${i}x99` })).status;
      expect(last).toBe(429);
      const right = await c.post('/sign-in', { email: user.email, password: PASSWORD });
      expect(right.status).toBe(429);
    });

    it('ACC-5 forgot password answers the same whether or not the account exists, and the link resets once', async () => {
      const user = await buildParent(t);
      const c = freshClient(t);
      await c.get('/forgot-password');
      const known = await c.post('/forgot-password', { email: user.email });
      const unknown = await c.post('/forgot-password', { email: 'nobody-here@example.org' });
      const strip = (html: string, email: string) => textOf(html).replace(email, 'EMAIL');
      expect(strip(known.html, user.email)).toBe(strip(unknown.html, 'nobody-here@example.org'));
      expect(await latestMail(t, 'nobody-here@example.org')).toBeUndefined();
      const link = linkIn((await latestMail(t, user.email))!.text_body);
      // Another session of this user ends at reset.
      const other = await signedInParentSession(t, user.email);
      await c.get(link);
      const res = await c.post(link, { password: 'Nuevo4Camino', password_confirm: 'Nuevo4Camino' });
      expect(res.status).toBe(303);
      expect((await other.get('/account')).status).toBe(303);
      expect((await freshClient(t).get(link)).status).toBe(410);
      const c2 = freshClient(t);
      await c2.get('/sign-in');
      expect((await c2.post('/sign-in', { email: user.email, password: 'Nuevo4Camino' })).status).toBe(303);
    });

    it('changes the password after checking the current one', async () => {
      const { client, user } = await signedInParent(t);
      await client.get('/account/password');
      const wrong = await client.post('/account/password', { current_password: 'Nope1234x', password: 'Nuevo4Camino', password_confirm: 'Nuevo4Camino' });
      expect(textOf(wrong.html)).toContain('The current password is not right');
      const weak = await client.post('/account/password', { current_password: PASSWORD, password: user.email, password_confirm: user.email });
      expect(textOf(weak.html)).toContain('Do not use your email address as the password');
      const ok = await client.post('/account/password', { current_password: PASSWORD, password: 'Nuevo4Camino', password_confirm: 'Nuevo4Camino' });
      expect(ok.status).toBe(303);
    });

    it('sessions end after the idle time-out and after the absolute time-out', async () => {
      const { client } = await signedInParent(t);
      t.clock.advance(31 * 60_000);
      expect((await client.get('/account')).status).toBe(303);
      t.clock.set('2026-11-22T18:00:00Z');
      const s = await signedInParent(t);
      // Active every 25 minutes: the idle limit never bites, the 12-hour absolute limit does.
      let endedAfterMinutes = 0;
      for (let i = 1; i <= 30 && !endedAfterMinutes; i++) {
        t.clock.advance(25 * 60_000);
        if ((await s.client.get('/account')).status === 303) endedAfterMinutes = i * 25;
      }
      expect(endedAfterMinutes).toBe(725);
      t.clock.set('2026-11-22T18:00:00Z');
    });

    it('LNG-1 registration errors read in Spanish', async () => {
      const c = freshClient(t);
      await c.get('/language?to=es&next=/register');
      const page = await c.get('/register');
      expect(textOf(page.html)).toContain('Crear una cuenta');
      const res = await c.post('/register', { first_name: '', last_name: '', email: '', email_confirm: '', answer: answerHumanQuestion(page.html, 'es') });
      const text = textOf(res.html);
      expect(text).toContain('Escriba su nombre');
      expect(text).toContain('Escriba su correo electrónico');
    });
  });
}

async function signedInParentSession(t: TestApp, email: string) {
  const c = new TestClient(t.app, '10.200.0.1');
  await c.get('/sign-in');
  const r = await c.post('/sign-in', { email, password: PASSWORD });
  if (r.status !== 303) throw new Error('sign-in failed');
  return c;
}
