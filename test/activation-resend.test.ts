import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { answerHumanQuestion } from './support/parents.js';
import { AccountsService } from '../src/modules/accounts/service.js';

/**
 * Issue 13's fault: a family pressing "resend activation" ten times in a rush. One activation
 * email at a time (none written while one is still unsent in the outbox), and a few an hour.
 */
let ipCounter = 0;
const freshClient = (t: TestApp) => new TestClient(t.app, `10.13.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`);
const START = '2026-11-22T18:00:00Z';

const activations = (t: TestApp, to: string) =>
  t.deps.db.selectFrom('outbox').select(['id', 'status', 'text_body']).where('to_address', '=', to).where('template', '=', 'accounts.emails.activation').execute();
const unsent = async (t: TestApp, to: string) => (await activations(t, to)).filter((m) => m.status !== 'sent');
/** What the sender does once the SMTP server took the message. */
const deliverAll = (t: TestApp, to: string) => t.deps.db.updateTable('outbox').set({ status: 'sent' }).where('to_address', '=', to).execute();
const linkIn = (text: string) => new URL(/(https?:\/\/\S+)/.exec(text)![1]).pathname;

async function register(c: TestClient, email: string) {
  const page = await c.get('/register');
  const res = await c.post('/register', { first_name: 'María', middle_name: '', last_name: 'García', email, email_confirm: email, answer: answerHumanQuestion(page.html) });
  expect(res.status).toBe(303);
}

for (const db of databases) {
  describe(`resend activation pressed again and again on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
      t.clock.set(START);
    });
    afterAll(async () => t.close());

    it('ACC-1 ACC-2 ten presses while the activation email waits in the outbox write no other: the one waiting keeps its place and its link works', async () => {
      const c = freshClient(t);
      await register(c, 'ten.presses@example.org');
      const [first] = await activations(t, 'ten.presses@example.org');
      await c.get('/activate/resend');
      for (let i = 0; i < 10; i++) {
        const res = await c.post('/activate/resend', { email: 'ten.presses@example.org' });
        expect(res.status).toBe(200);
        expect(textOf(res.html)).toContain('we have sent it a new link');
      }
      const mails = await activations(t, 'ten.presses@example.org');
      expect(mails.map((m) => m.id)).toEqual([first.id]);
      expect((await c.get(linkIn(first.text_body))).status).toBe(200);
    });

    it('ACC-2 presses while an email waits use none of the hourly limit: once it is delivered, the next press sends a new link', async () => {
      const c = freshClient(t);
      await register(c, 'waiting.family@example.org');
      await c.get('/activate/resend');
      for (let i = 0; i < 10; i++) await c.post('/activate/resend', { email: 'waiting.family@example.org' });
      await deliverAll(t, 'waiting.family@example.org');
      await c.post('/activate/resend', { email: 'waiting.family@example.org' });
      const waiting = await unsent(t, 'waiting.family@example.org');
      expect(waiting).toHaveLength(1);
      expect((await c.get(linkIn(waiting[0].text_body))).status).toBe(200);
      expect(await activations(t, 'waiting.family@example.org')).toHaveLength(2);
    });

    it('ACC-2 ten presses at the same moment, the last email delivered: one new email, not ten', async () => {
      const c = freshClient(t);
      await register(c, 'same.moment@example.org');
      await deliverAll(t, 'same.moment@example.org');
      // Straight to the service, all ten reading the outbox before any writes (the pages of one
      // client follow each other): the dedupe key made of the emails read keeps one.
      const service = new AccountsService(t.deps);
      const written = await Promise.all(Array.from({ length: 10 }, () => service.resendActivation('same.moment@example.org')));
      // On SQLite all ten read before any writes and think they wrote one (with a key of their
      // own the outbox would hold ten); on PostgreSQL some may already see the new email.
      expect(written.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      expect(await unsent(t, 'same.moment@example.org')).toHaveLength(1);
      expect(await activations(t, 'same.moment@example.org')).toHaveLength(2);
    });

    it('ACC-2 each email delivered before the next press: three new links an hour, then none until the window has passed', async () => {
      const c = freshClient(t);
      await register(c, 'hourly@example.org');
      await c.get('/activate/resend');
      for (let i = 0; i < 10; i++) {
        await deliverAll(t, 'hourly@example.org');
        expect((await c.post('/activate/resend', { email: 'hourly@example.org' })).status).toBe(200);
      }
      expect(await activations(t, 'hourly@example.org')).toHaveLength(1 + 3);
      await deliverAll(t, 'hourly@example.org');
      t.clock.advance(2 * 60 * 60_000); // the sliding window (ADR 0017) has let go of the last hour
      const later = freshClient(t); // the page of two hours ago has expired: a new visit
      await later.get('/activate/resend');
      expect((await later.post('/activate/resend', { email: 'hourly@example.org' })).status).toBe(200);
      expect(await unsent(t, 'hourly@example.org')).toHaveLength(1);
      expect(await activations(t, 'hourly@example.org')).toHaveLength(1 + 3 + 1);
      t.clock.set(START);
    });
  });
}
