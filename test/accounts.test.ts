import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD, answerHumanQuestion, buildParent, signedInParent } from './support/parents.js';
import { SESSION_COOKIE } from '../src/platform/http/sessions.js';
import { solveProofOfWork } from '../src/modules/accounts/human-check.js';
import { OutboxSender } from '../src/platform/mail/sender.js';
import { FolderTransport } from '../src/platform/mail/folder-transport.js';

let ipCounter = 0;
const freshClient = (t: TestApp) => new TestClient(t.app, `10.1.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`);

async function latestMail(t: TestApp, to: string) {
  return t.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', to).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
}
const START = '2026-11-22T18:00:00Z';
const NAMES = { first_name: 'María', middle_name: '', last_name: 'García' };
/** The page an email's first link opens (its path: the `?lang=` it carries is tested in languages.test.ts). */
const linkIn = (text: string) => new URL(/(https?:\/\/\S+)/.exec(text)![1]).pathname;

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
      t.clock.set(START);
    });

    it('ACC-2 a new activation link can be asked for, with the same answer for any address', async () => {
      const c = freshClient(t);
      await register(t, c, 'slow.reader@example.org');
      const first = linkIn((await latestMail(t, 'slow.reader@example.org'))!.text_body);
      // The first email went out (while it waits in the outbox, no other is written: activation-resend.test.ts).
      await t.deps.db.updateTable('outbox').set({ status: 'sent' }).where('to_address', '=', 'slow.reader@example.org').execute();
      t.clock.advance(60_000);
      await c.get('/activate/resend');
      const known = await c.post('/activate/resend', { email: 'slow.reader@example.org' });
      const unknown = await c.post('/activate/resend', { email: 'nobody.at.all@example.org' });
      expect(textOf(known.html).replace('slow.reader@example.org', 'X')).toBe(textOf(unknown.html).replace('nobody.at.all@example.org', 'X'));
      const second = linkIn((await latestMail(t, 'slow.reader@example.org'))!.text_body);
      expect(second).not.toBe(first);
      expect((await c.get(second)).status).toBe(200);
      t.clock.set(START);
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
      expect(textOf(weak.html)).toContain('Do not use your email address, or the part before the @, in the password');
      const ok = await client.post('/account/password', { current_password: PASSWORD, password: 'Nuevo4Camino', password_confirm: 'Nuevo4Camino' });
      expect(ok.status).toBe(303);
    });

    it('sessions end after the idle time-out and after the absolute time-out', async () => {
      const { client } = await signedInParent(t);
      t.clock.advance(31 * 60_000);
      expect((await client.get('/account')).status).toBe(303);
      t.clock.set(START);
      const s = await signedInParent(t);
      // Active every 25 minutes: the idle limit never bites, the 12-hour absolute limit does.
      let endedAfterMinutes = 0;
      for (let i = 1; i <= 30 && !endedAfterMinutes; i++) {
        t.clock.advance(25 * 60_000);
        if ((await s.client.get('/account')).status === 303) endedAfterMinutes = i * 25;
      }
      expect(endedAfterMinutes).toBe(725);
      t.clock.set(START);
    });

    it('ACC-1 with JavaScript, a solved proof of work is enough: no question needs an answer', async () => {
      const c = freshClient(t);
      const page = await c.get('/register');
      const challenge = /data-pow-challenge="([0-9a-f]+)"/.exec(page.html)![1];
      expect(page.html).toContain('data-pow-bits="16"');
      expect(page.html).toMatch(/<script src="\/assets\/human-check\.[0-9a-f]{12}\.js" defer><\/script>/);
      const nonce = solveProofOfWork({ challenge, a: 0, b: 0, issuedAt: 0 });
      const email = 'pow.solver@example.org';
      const res = await c.post('/register', { ...NAMES, email, email_confirm: email, answer: '', pow: nonce });
      expect(res.status).toBe(303);
      expect((await latestMail(t, email))?.template).toBe('accounts.emails.activation');
      // A nonce solved for another challenge does not pass, and the question is asked again.
      const other = await c.get('/register');
      const stale = await c.post('/register', { ...NAMES, email: 'stale@example.org', email_confirm: 'stale@example.org', answer: '', pow: nonce });
      expect(stale.status).toBe(400);
      expect(textOf(stale.html)).toContain('Answer the question to show you are a person');
      expect(other.status).toBe(200);
    });

    it('ACC-1 the honeypot is labelled "leave blank", out of the tab order, and the question is plain text', async () => {
      const page = await freshClient(t).get('/register');
      expect(page.html).toMatch(/<div class="app-honeypot" aria-hidden="true">\s*<label for="[^"]+">Leave this field blank<\/label>\s*<input[^>]*name="website"[^>]*tabindex="-1"/i);
      expect(textOf(page.html)).toMatch(/To show you are a person: what is (one|two|three|four|five|six|seven|eight|nine) plus (one|two|three|four|five|six|seven|eight|nine)\?/);
      expect(page.html).not.toMatch(/<img|<audio|<canvas/);
    });

    it('ACC-1 a question older than an hour has expired and a new one is asked', async () => {
      const c = freshClient(t);
      const page = await c.get('/register');
      const answer = answerHumanQuestion(page.html);
      // Keep the session alive (idle limit) while the question grows old.
      for (let i = 0; i < 3; i++) {
        t.clock.advance(21 * 60_000);
        await c.get('/');
      }
      const res = await c.post('/register', { ...NAMES, email: 'slow.typist@example.org', email_confirm: 'slow.typist@example.org', answer });
      expect(res.status).toBe(400);
      expect(textOf(res.html)).toContain('The question expired. Answer the new question');
      expect(res.html).toContain('value="slow.typist@example.org"');
      const retry = await c.post('/register', { ...NAMES, email: 'slow.typist@example.org', email_confirm: 'slow.typist@example.org', answer: answerHumanQuestion(res.html) });
      expect(retry.status).toBe(303);
      t.clock.set(START);
    });

    it('ACC-1 refuses an empty form, an email that is too long, and markup in every name field', async () => {
      const c = freshClient(t);
      const page = await c.get('/register');
      const empty = await c.post('/register', { first_name: '', middle_name: '', last_name: '', email: '', email_confirm: '', answer: '' });
      expect(empty.status).toBe(400);
      const text = textOf(empty.html);
      for (const msg of ['There is a problem', 'Enter your first name', 'Enter your last name', 'Enter your email address', 'Enter the email address again', 'Answer the question to show you are a person']) expect(text).toContain(msg);
      const long = `${'a'.repeat(250)}@example.org`;
      const tooLong = await c.post('/register', { first_name: 'Ana', middle_name: '<b>x</b>', last_name: 'Ruiz"><img src=x>', email: long, email_confirm: long, answer: answerHumanQuestion(empty.html) });
      expect(tooLong.status).toBe(400);
      expect(textOf(tooLong.html)).toContain('Enter an email address of 254 characters or fewer');
      expect(tooLong.html).not.toContain('<img src=x>');
      expect(tooLong.html).not.toContain('<b>x</b>');
      expect(tooLong.html.match(/Use only letters, spaces, hyphens, apostrophes and periods/g)!.length).toBeGreaterThanOrEqual(2);
      expect(page.status).toBe(200);
      expect(await t.deps.db.selectFrom('users').select('id').where('first_name', '=', 'Ana').where('last_name', 'like', 'Ruiz"%').execute()).toHaveLength(0);
    });

    it('ACC-1 the "check your email" page reads the same for a new address and one that has an account', async () => {
      const existing = await buildParent(t);
      const a = freshClient(t);
      const b = freshClient(t);
      const known = await a.follow(await register(t, a, existing.email));
      const fresh = await b.follow(await register(t, b, 'brand.new@example.org'));
      expect(textOf(known.html).replace(existing.email, 'EMAIL')).toBe(textOf(fresh.html).replace('brand.new@example.org', 'EMAIL'));
      const mail = await latestMail(t, existing.email);
      expect(mail!.text_body).toContain('http://localhost:3000/sign-in');
      expect(mail!.text_body).toContain('http://localhost:3000/forgot-password');
    });

    it('ACC-2 LNG-1 registering in Spanish sends the activation email in Spanish, written out as an .eml file', async () => {
      const c = freshClient(t);
      await c.get('/language?to=es&next=/register');
      const page = await c.get('/register');
      const email = 'lucia.ramos@example.org';
      const res = await c.post('/register', { first_name: 'Lucía', middle_name: '', last_name: 'Ramos', email, email_confirm: email, answer: answerHumanQuestion(page.html, 'es') });
      expect(res.status).toBe(303);
      expect(textOf((await c.follow(res)).html)).toContain('Revise su correo electrónico');
      const mail = (await latestMail(t, email))!;
      expect(mail.subject).toBe('Termine de crear su cuenta de Permisos Estudiantiles');
      expect(mail.text_body).toContain('Lucía');
      const user = await t.deps.db.selectFrom('users').select(['language', 'password_hash', 'activated_at']).where('email', '=', email).executeTakeFirstOrThrow();
      expect(user).toEqual({ language: 'es', password_hash: null, activated_at: null });
      // Only the hash of the link's token is stored.
      expect(mail.text_body).toMatch(/\/activate\/\S+\?lang=es\s/);
      const link = linkIn(mail.text_body);
      const token = link.split('/').pop()!;
      const tokens = await t.deps.db.selectFrom('user_tokens').select('token_hash').execute();
      expect(tokens.some((r) => r.token_hash.includes(token))).toBe(false);
      const dir = path.join(t.dataDir, 'mail');
      await new OutboxSender(t.deps.db, new FolderTransport(dir), t.clock, 'Student Permits <no-reply@example.org>', { error: () => {} }).runOnce(500);
      const file = fs.readdirSync(dir).find((f) => f.endsWith(`${mail.dedupe_key.replace(/[^A-Za-z0-9_-]/g, '_')}.eml`));
      expect(file).toBeTruthy();
      const raw = fs.readFileSync(path.join(dir, file!), 'utf8').replace(/=\r?\n/g, '');
      expect(raw).toContain(`To: ${email}`);
      expect(raw).toContain(token);
    });

    it('ACC-3 creating a password names each broken rule, in English and in Spanish', async () => {
      const c = freshClient(t);
      const email = 'rules.reader@example.org';
      await register(t, c, email);
      const link = linkIn((await latestMail(t, email))!.text_body);
      await c.get(link);
      const cases: [string, string][] = [
        ['Tor7', 'Use 8 to 20 characters'],
        ['Tortuga7Verde1234567890', 'Use 8 to 20 characters'],
        ['Tortuga 7 Verde', 'Do not use spaces'],
        ['Rules.Reader', 'Do not use your email address, or the part before the @, in the password'],
        [email, 'Do not use your email address, or the part before the @, in the password'],
        ['TortugaVerde', 'Use both letters and numbers'],
        ['Tortuga777Verde', 'Do not repeat a character three times in a row'],
        ['abcd1234', 'This password is too common'],
        ['Password1', 'This password is too common'],
      ];
      for (const [password, message] of cases) {
        const res = await c.post(link, { password, password_confirm: password });
        expect(res.status, password).toBe(400);
        expect(textOf(res.html), password).toContain(message);
        expect(res.html).not.toContain(`value="${password}"`);
      }
      const empty = await c.post(link, { password: '', password_confirm: '' });
      expect(textOf(empty.html)).toContain('Enter a password');
      await c.get(`/language?to=es&next=${encodeURIComponent(link)}`);
      const es = await c.post(link, { password: 'aaa a', password_confirm: 'aaa a' });
      const esText = textOf(es.html);
      for (const msg of ['Use de 8 a 20 caracteres', 'No use espacios', 'Use letras y números', 'No repita un carácter tres veces seguidas']) expect(esText).toContain(msg);
      const esCommon = await c.post(link, { password: 'password1', password_confirm: 'password1' });
      expect(textOf(esCommon.html)).toContain('Esta contraseña es demasiado común');
      // Nothing was used up by the refused attempts: the link still works.
      expect((await c.post(link, { password: 'Gato9Luna', password_confirm: 'Gato9Luna' })).status).toBe(303);
    });

    it('ACC-2 a link that is unknown or malformed gets the same clear page, with a way to a new link', async () => {
      const c = freshClient(t);
      for (const url of ['/activate/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/activate/x', '/activate/%3Cscript%3E', '/reset-password/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB']) {
        const res = await c.get(url);
        expect(res.status, url).toBe(410);
        expect(textOf(res.html)).toContain('This link does not work any more');
        expect(res.html).not.toContain('<script>');
      }
      expect((await c.get('/activate/x')).html).toContain('href="/activate/resend"');
      expect((await c.get('/reset-password/x')).html).toContain('href="/forgot-password"');
      const page = await c.get('/activate/resend');
      const posted = await c.post('/activate/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { password: 'Gato9Luna', password_confirm: 'Gato9Luna' });
      expect(posted.status).toBe(410);
      expect(page.status).toBe(200);
    });

    it('ACC-2 asking again and again for an activation link floods no inbox', async () => {
      const c = freshClient(t);
      await register(t, c, 'patient@example.org');
      await c.get('/activate/resend');
      for (let i = 0; i < 6; i++) {
        // Each email delivered before the next press: only the hourly limit holds them back.
        await t.deps.db.updateTable('outbox').set({ status: 'sent' }).where('to_address', '=', 'patient@example.org').execute();
        const res = await c.post('/activate/resend', { email: 'patient@example.org' });
        expect(res.status).toBe(200);
        expect(textOf(res.html)).toContain('we have sent it a new link');
      }
      const mails = await t.deps.db.selectFrom('outbox').select('id').where('to_address', '=', 'patient@example.org').execute();
      expect(mails).toHaveLength(1 + 3);
    });

    it('sign-in explains empty fields, keeps the email, never the password, and refuses a next link to another site', async () => {
      const user = await buildParent(t);
      const c = freshClient(t);
      const page = await c.get('/sign-in');
      expect(page.html).toContain('href="/forgot-password"');
      const empty = await c.post('/sign-in', { email: '', password: '' });
      expect(empty.status).toBe(400);
      expect(textOf(empty.html)).toContain('Enter your email address');
      expect(textOf(empty.html)).toContain('Enter a password');
      const wrong = await c.post('/sign-in', { email: user.email, password: 'Secret9Word' });
      expect(wrong.html).toContain(`value="${user.email}"`);
      expect(wrong.html).not.toContain('Secret9Word');
      const res = await c.post(`/sign-in?next=${encodeURIComponent('//evil.example/')}`, { email: user.email, password: PASSWORD });
      expect(res.status).toBe(303);
      expect(res.location).toBe('/account');
    });

    it('signing out ends the session everywhere it could be replayed, and says so', async () => {
      const { client } = await signedInParent(t);
      const signedInCookie = client.cookies.get(SESSION_COOKIE)!;
      const out = await client.post('/sign-out', {});
      expect(out.location).toBe('/');
      expect(textOf((await client.follow(out)).html)).toContain('You have signed out.');
      const replay = new TestClient(t.app, '10.250.0.1');
      replay.cookies.set(SESSION_COOKIE, signedInCookie);
      expect((await replay.get('/account')).status).toBe(303);
    });

    it('ACC-5 a reset link expires after one hour; the old password keeps working', async () => {
      const user = await buildParent(t);
      const c = freshClient(t);
      await c.get('/forgot-password');
      await c.post('/forgot-password', { email: user.email });
      const mail = (await latestMail(t, user.email))!;
      expect(mail.template).toBe('accounts.emails.reset');
      const link = linkIn(mail.text_body);
      t.clock.advance(61 * 60_000);
      const res = await c.get(link);
      expect(res.status).toBe(410);
      expect(res.html).toContain('href="/forgot-password"');
      t.clock.set(START);
      const c2 = freshClient(t);
      await c2.get('/sign-in');
      expect((await c2.post('/sign-in', { email: user.email, password: PASSWORD })).status).toBe(303);
    });

    it('ACC-5 forgot password explains a bad address and rate-limits one address', async () => {
      const user = await buildParent(t);
      const c = freshClient(t);
      await c.get('/forgot-password');
      const bad = await c.post('/forgot-password', { email: '<b>me</b>' });
      expect(bad.status).toBe(400);
      expect(textOf(bad.html)).toContain('Enter an email address like name@example.com');
      expect(bad.html).not.toContain('<b>me</b>');
      let last = 0;
      for (let i = 0; i < 6; i++) last = (await c.post('/forgot-password', { email: user.email })).status;
      expect(last).toBe(429);
    });

    it('changing the password ends the other sessions, keeps this one, and the old password stops working', async () => {
      const { client, user } = await signedInParent(t);
      const other = await signedInParentSession(t, user.email);
      const page = await client.get('/account/password');
      expect(textOf(page.html)).toContain('Current password');
      const empty = await client.post('/account/password', { current_password: '', password: '', password_confirm: '' });
      expect(textOf(empty.html)).toContain('Enter your current password');
      const mismatch = await client.post('/account/password', { current_password: PASSWORD, password: 'Nuevo4Camino', password_confirm: 'Nuevo4Caminos' });
      expect(textOf(mismatch.html)).toContain('The two passwords do not match');
      const ok = await client.post('/account/password', { current_password: PASSWORD, password: 'Nuevo4Camino', password_confirm: 'Nuevo4Camino' });
      expect(ok.status).toBe(303);
      expect(textOf((await client.follow(ok)).html)).toContain('Your password has been changed.');
      expect((await client.get('/account')).status).toBe(200);
      expect((await other.get('/account')).status).toBe(303);
      const c = freshClient(t);
      await c.get('/sign-in');
      expect((await c.post('/sign-in', { email: user.email, password: PASSWORD })).status).toBe(400);
      expect((await c.post('/sign-in', { email: user.email, password: 'Nuevo4Camino' })).status).toBe(303);
    });

    it('the change-password page needs a signed-in parent', async () => {
      const res = await freshClient(t).get('/account/password');
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/sign-in?next=${encodeURIComponent('/account/password')}`);
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
