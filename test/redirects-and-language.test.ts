import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD, buildParent, buildStudent, signedInParent } from './support/parents.js';
import { staffMember } from './support/staff.js';
import { safeNext } from '../src/platform/http/guards.js';

/**
 * Return addresses a browser would take to another site, written as they would stand in a link's
 * query string (so `%5C` arrives as a backslash, `%09` as a tab, `%252F` as `%2F`).
 */
const TRICKS: [string, string][] = [
  ['backslash', '/%5Cevil.example'],
  ['two backslashes', '%5C%5Cevil.example'],
  ['slash and backslash', '/%5C/evil.example'],
  ['tab', '/%09/evil.example'],
  ['carriage return', '/%0D/evil.example'],
  ['line feed', '/%0A/evil.example'],
  ['leading space', '%20//evil.example'],
  ['no-break space', '/%C2%A0/evil.example'],
  ['two slashes', '//evil.example'],
  ['two slashes, percent-encoded', '%2F%2Fevil.example'],
  ['three slashes', '///evil.example/'],
  ['a dot segment before two slashes', '/.//evil.example'],
  ['dot-dot segments, percent-encoded', '/%2e%2e//evil.example'],
  ['an absolute address', 'https://evil.example/'],
  ['an absolute address, percent-encoded', 'https%3A%2F%2Fevil.example'],
  ['a scheme without slashes', 'https:evil.example'],
  ['javascript:', 'javascript:alert(1)'],
  ['javascript: after a slash and a tab', '/%09javascript:alert(1)'],
  ['an address of our host written out', 'http://localhost:3000/account'],
];

/** Encoded twice: they arrive as percent-escapes, which a browser keeps in the path (our site). */
const STAYS_HOME: { name: string; next: string; location: string }[] = [
  { name: '%2F%2F kept as an escape', next: '/%252F%252Fevil.example', location: '/%2F%2Fevil.example' },
  { name: '%5C kept as an escape', next: '/%255Cevil.example', location: '/%5Cevil.example' },
  { name: '%09 kept as an escape', next: '/%2509/evil.example', location: '/%09/evil.example' },
];

let ipCounter = 0;
const freshClient = (t: TestApp) => new TestClient(t.app, `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`);

for (const db of databases) {
  describe(`return addresses and the language of emails and letters on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2026-11-22T18:00:00Z'));

    /** Where a browser on our site goes with this Location header. */
    const resolved = (location: string | undefined) => new URL(location ?? '', t.config.publicUrl);
    const expectHome = (location: string | undefined, expected: string, what: string) => {
      expect(location, what).toBe(expected);
      expect(resolved(location).origin, what).toBe(new URL(t.config.publicUrl).origin);
    };
    const savedLanguage = async (id: string) => (await t.deps.db.selectFrom('users').select('language').where('id', '=', id).executeTakeFirstOrThrow()).language;

    describe('no open redirect', () => {
      it('the language switch refuses every return address that leaves the site, and goes home instead', async () => {
        const c = freshClient(t);
        for (const [name, next] of TRICKS) {
          const res = await c.get(`/language?to=es&next=${next}`);
          expect(res.status, name).toBe(303);
          expectHome(res.location, '/', name);
        }
      });

      it('parent sign-in: the form carries only a safe return address, and signing in never leaves the site', async () => {
        const user = await buildParent(t);
        for (const [name, next] of TRICKS) {
          const c = freshClient(t);
          const form = await c.get(`/sign-in?next=${next}`);
          expect(form.html, name).toContain(`action="/sign-in?next=${encodeURIComponent('/account')}"`);
          const res = await c.post(`/sign-in?next=${next}`, { email: user.email, password: PASSWORD });
          expect(res.status, name).toBe(303);
          expectHome(res.location, '/account', name);
        }
      }, 120_000);

      it('staff sign-in never leaves the site either', async () => {
        const staff = await staffMember(t, 'lausd-sample');
        for (const [name, next] of TRICKS) {
          // An hour between tries: each is a real sign-in, and the per-address limit is not what is tested here.
          t.clock.advance(60 * 60_000);
          const c = freshClient(t);
          const form = await c.get(`/staff/sign-in?next=${next}`);
          expect(form.html, name).toContain(`action="/staff/sign-in?next=${encodeURIComponent('/staff/queue')}"`);
          const res = await c.post(`/staff/sign-in?next=${next}`, { email: staff.email, password: PASSWORD });
          expect(res.status, name).toBe(303);
          expectHome(res.location, '/staff/queue', name);
        }
      }, 120_000);

      it('adding or editing a student goes back only to a page of this site', async () => {
        const { client, user } = await signedInParent(t);
        const student = await buildStudent(t, user.id);
        const answers = { first_name: 'Mateo', middle_name: '', last_name: 'López', dob_month: '4', dob_day: '9', dob_year: '2018', current_grade: '2', current_school: '', current_district: '', address_line1: '100 Main St', address_line2: '', city: 'Downey', state: 'CA', zip: '90241' };
        for (const [name, next] of TRICKS) {
          const page = await client.get(`/students/${student.id}/edit?next=${next}`);
          expect(page.status, name).toBe(200);
          // The form does not carry the refused address on: saving goes to the students page.
          expect(page.html, name).toContain(`action="/students/${student.id}/edit"`);
          const res = await client.post(`/students/${student.id}/edit?next=${next}`, answers);
          expect(res.status, name).toBe(303);
          expectHome(res.location, '/students', name);
        }
      });

      it('addresses encoded twice stay paths of this site, redirected to exactly as checked', async () => {
        const c = freshClient(t);
        for (const { name, next, location } of STAYS_HOME) {
          const res = await c.get(`/language?to=en&next=${next}`);
          expectHome(res.location, location, name);
          expect(resolved(res.location).pathname, name).toBe(location);
        }
      });

      it('a legitimate return address still works, with its query and fragment, after the language switch and after sign-in', async () => {
        const target = '/students/abc?x=1#y';
        const res = await freshClient(t).get(`/language?to=es&next=${encodeURIComponent(target)}`);
        expectHome(res.location, target, 'language');
        const user = await buildParent(t);
        const c = freshClient(t);
        await c.get('/sign-in');
        const signIn = await c.post(`/sign-in?next=${encodeURIComponent('/account/language?from=mail#field-language')}`, { email: user.email, password: PASSWORD });
        expectHome(signIn.location, '/account/language?from=mail#field-language', 'sign-in');
        expect((await c.follow(signIn)).status).toBe(200);
      });

      it('a page that needs signing in comes back to itself after the sign-in', async () => {
        const user = await buildParent(t);
        const c = freshClient(t);
        const guarded = await c.get('/account/language');
        expect(guarded.location).toBe(`/sign-in?next=${encodeURIComponent('/account/language')}`);
        const form = await c.follow(guarded);
        expect(form.html).toContain(`action="/sign-in?next=${encodeURIComponent('/account/language')}"`);
        const res = await c.post(guarded.location!, { email: user.email, password: PASSWORD });
        expectHome(res.location, '/account/language', 'back');
      });

      it('the check itself: only strings that are paths of this site, given back as parsed', () => {
        expect(safeNext(['/account', '//evil.example'], '/')).toBe('/');
        expect(safeNext(undefined, '/')).toBe('/');
        expect(safeNext('', '/')).toBe('/');
        expect(safeNext(`/${'a'.repeat(3000)}`, '/')).toBe('/');
        expect(safeNext('/\u3000/evil.example', '/')).toBe('/');
        expect(safeNext('/a/./b/../c?q=L%C3%B3pez', '/')).toBe('/a/c?q=L%C3%B3pez');
        // Characters a browser would escape come back escaped: the header is what was checked.
        expect(safeNext('/students/López', '/')).toBe('/students/L%C3%B3pez');
      });
    });

    describe('a GET changes nothing stored (LNG-1)', () => {
      it('LNG-1 the language switch, followed by a signed-in parent, changes the page and not the saved language', async () => {
        const { client, user } = await signedInParent(t, { language: 'en' });
        const res = await client.get(`/language?to=es&next=${encodeURIComponent('/account')}`);
        const page = await client.follow(res);
        expect(page.html).toContain('<html lang="es"');
        expect(textOf(page.html)).toContain('Mi cuenta');
        expect(await savedLanguage(user.id)).toBe('en');
        // Its emails stay in English: a password reset asked for now is written in the saved language.
        await client.get('/forgot-password');
        await client.post('/forgot-password', { email: user.email });
        const mail = await t.deps.db.selectFrom('outbox').selectAll().where('account_id', '=', user.id).where('template', '=', 'accounts.emails.reset').executeTakeFirstOrThrow();
        expect(mail.language).toBe('en');
        expect(mail.subject).toBe('Choose a new password for Student Permits');
      });

      it('LNG-1 ?lang=es switches any page that carries it, stays for the next pages, and saves nothing', async () => {
        const client = new TestClient(t.app);
        for (const path of ['/register?lang=es', '/sign-in?lang=es', '/status?lang=es', '/districts/lausd-sample?lang=es', '/?lang=es']) {
          const page = await client.get(path);
          expect(page.status, path).toBe(200);
          expect(page.html, path).toContain('<html lang="es"');
        }
        // The next page, without the parameter, keeps Spanish: the link's choice is this browser's now.
        expect((await client.get('/register')).html).toContain('<html lang="es"');
        expect((await client.get('/register?lang=en')).html).toContain('<html lang="en"');
        // A language we do not have is ignored, not an error.
        const unknown = await client.get('/register?lang=xx');
        expect(unknown.status).toBe(200);
        expect(unknown.html).toContain('<html lang="en"');
        // A signed-in parent's saved language (for emails and letters) is not touched by a GET.
        const { client: parent, user } = await signedInParent(t, { language: 'en' });
        expect((await parent.get('/account?lang=es')).html).toContain('<html lang="es"');
        expect(await savedLanguage(user.id)).toBe('en');
      });

      it('LNG-1 the district page sends the family to the request form in the language it reads', async () => {
        const page = await new TestClient(t.app).get('/districts/lausd-sample?lang=es');
        expect(page.html).toContain('href="/apply/lausd-sample?lang=es"');
      });

      it('LNG-1 the account page names the language of emails and letters and links to the form that changes it', async () => {
        const { client } = await signedInParent(t, { language: 'es' });
        await client.get('/language?to=en&next=/account');
        const account = textOf((await client.get('/account')).html);
        expect(account).toContain('Emails and letters: Español');
        const page = await client.get('/account/language');
        expect(page.status).toBe(200);
        expect(page.html).toMatch(/<input[^>]*value="es"[^>]*checked/);
        expect(page.html).not.toMatch(/<input[^>]*value="en"[^>]*checked/);
        expect(page.html).toContain('name="_idem"');
      });

      it('LNG-1 the form saves the language, and the next email about a move comes in it', async () => {
        const { client, user } = await signedInParent(t, { language: 'en' });
        await client.get('/account/language');
        const res = await client.post('/account/language', { language: 'es' });
        expect(res.status).toBe(303);
        expect(res.location).toBe('/account');
        expect(await savedLanguage(user.id)).toBe('es');
        // The page itself stays in the language it was in: the pages are this browser's choice.
        const account = await client.follow(res);
        expect(account.html).toContain('<html lang="en"');
        expect(textOf(account.html)).toContain('The language for emails and letters has been saved.');
        expect(textOf(account.html)).toContain('Emails and letters: Español');

        const s = await buildStudent(t, user.id);
        await client.get(`/students/${s.id}/move`);
        const moved = await client.post(`/students/${s.id}/move`, { address_line1: '8312 Garfield Ave', address_line2: '', city: 'Paramount', state: 'CA', zip: '90723', moved_month: '10', moved_day: '23', moved_year: '2026' });
        expect(moved.status).toBe(303);
        const mail = await t.deps.db.selectFrom('outbox').selectAll().where('account_id', '=', user.id).where('template', '=', 'moves.emails.moved').executeTakeFirstOrThrow();
        expect(mail.language).toBe('es');
        expect(mail.subject).toContain('Mudanza registrada');

        // Another browser, with no language of its own, opens in the saved language.
        const elsewhere = freshClient(t);
        await elsewhere.get('/sign-in');
        const signIn = await elsewhere.post('/sign-in', { email: user.email, password: PASSWORD });
        expect((await elsewhere.follow(signIn)).html).toContain('<html lang="es"');
      });

      it('LNG-1 the form posted without its CSRF token is refused and changes nothing', async () => {
        const { client, user } = await signedInParent(t, { language: 'en' });
        await client.get('/account/language');
        const res = await client.post('/account/language', { language: 'es', _csrf: 'forged' });
        expect(res.status).toBe(403);
        expect(await savedLanguage(user.id)).toBe('en');
        const bare = await t.app.inject({ method: 'POST', url: '/account/language', payload: 'language=es', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
        expect(bare.statusCode).toBe(403);
        expect(await savedLanguage(user.id)).toBe('en');
      });

      it('LNG-1 a language we do not have, or none, is named as an error in the page\'s language, and nothing is saved', async () => {
        const { client, user } = await signedInParent(t, { language: 'en' });
        await client.get('/language?to=es&next=/account/language');
        await client.get('/account/language');
        for (const language of ['xx', '']) {
          const res = await client.post('/account/language', { language });
          expect(res.status, language).toBe(400);
          expect(textOf(res.html), language).toContain('Elija un idioma para los correos y las cartas');
          expect(res.html).toContain('<title>Error:');
        }
        expect(await savedLanguage(user.id)).toBe('en');
      });

      it('LNG-1 a repeated post of the same form does the work once', async () => {
        const { client, user } = await signedInParent(t, { language: 'en' });
        const page = await client.get('/account/language');
        const idem = /name="_idem" value="([^"]+)"/.exec(page.html)![1];
        const first = await client.post('/account/language', { language: 'es', _idem: idem });
        expect(first.status).toBe(303);
        await t.deps.db.updateTable('users').set({ language: 'en' }).where('id', '=', user.id).execute();
        const again = await client.post('/account/language', { language: 'es', _idem: idem });
        expect(again.status).toBe(303);
        expect(again.location).toBe(first.location);
        expect(await savedLanguage(user.id)).toBe('en');
      });
    });
  });
}
