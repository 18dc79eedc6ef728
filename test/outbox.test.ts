import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { enqueueEmail } from '../src/platform/mail/outbox.js';
import { OutboxSender } from '../src/platform/mail/sender.js';
import type { MailTransport, OutgoingMail } from '../src/platform/mail/transport.js';
import { FolderTransport } from '../src/platform/mail/folder-transport.js';

class FlakyTransport implements MailTransport {
  sent: OutgoingMail[] = [];
  failuresLeft: number;
  constructor(failures: number) {
    this.failuresLeft = failures;
  }
  async send(mail: OutgoingMail) {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('SMTP server unavailable');
    }
    this.sent.push(mail);
  }
}

const quiet = { error: () => {}, warn: () => {} };

for (const db of databases) {
  describe(`mail outbox on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    const enqueue = (dedupeKey: string, language = 'en') =>
      t.deps.db.transaction().execute((trx) =>
        enqueueEmail(trx, t.deps.catalogs, { dedupeKey, to: 'parent@example.org', language, template: 'applications.emails.submitted', params: { confirmation: 'AAAA-BBBB-C', student: 'Mateo López', district: 'X', schoolYear: '2026-2027', link: 'http://l', uploadLink: 'http://u' } }, t.clock.now().toISOString()),
      );

    it('writes each message once as an .eml file in the mail folder, in its language', async () => {
      await enqueue('test-eml-es', 'es');
      const dir = path.join(t.dataDir, 'mail-eml');
      const sender = new OutboxSender(t.deps.db, new FolderTransport(dir), t.clock, 'Student Permits <no-reply@example.org>', quiet);
      expect(await sender.runOnce()).toBeGreaterThanOrEqual(1);
      expect(await sender.runOnce()).toBe(0);
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));
      const raw = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
      expect(raw).toMatch(/Subject: =\?UTF-8\?|Subject: Solicitud recibida/);
      expect(raw).toContain('To: parent@example.org');
      const row = await t.deps.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', 'test-eml-es').executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');
      expect(row.subject).toBe('Solicitud recibida: número de confirmación AAAA-BBBB-C');
    });

    it('the same dedupe key twice makes one message', async () => {
      await enqueue('test-dedupe');
      await enqueue('test-dedupe');
      const rows = await t.deps.db.selectFrom('outbox').select('id').where('dedupe_key', '=', 'test-dedupe').execute();
      expect(rows).toHaveLength(1);
    });

    it('retries with back-off while the mail server is down, and loses nothing', async () => {
      await t.deps.db.updateTable('outbox').set({ status: 'sent' }).where('status', '=', 'pending').execute();
      await enqueue('test-retry');
      const transport = new FlakyTransport(2);
      const sender = new OutboxSender(t.deps.db, transport, t.clock, 'x@example.org', quiet);
      expect(await sender.runOnce()).toBe(0);
      let row = await t.deps.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', 'test-retry').executeTakeFirstOrThrow();
      expect(row.status).toBe('pending');
      expect(row.attempts).toBe(1);
      expect(row.last_error).toContain('SMTP server unavailable');
      expect(await sender.runOnce()).toBe(0); // not due yet: back-off
      t.clock.advance(5_000);
      expect(await sender.runOnce()).toBe(0); // second failure
      t.clock.advance(60_000);
      expect(await sender.runOnce()).toBe(1);
      row = await t.deps.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', 'test-retry').executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');
      expect(transport.sent).toHaveLength(1);
    });

    it('two senders running at once deliver each message exactly once', async () => {
      await t.deps.db.updateTable('outbox').set({ status: 'sent' }).where('status', '=', 'pending').execute();
      for (let i = 0; i < 10; i++) await enqueue(`test-race-${i}`);
      const transport = new FlakyTransport(0);
      const a = new OutboxSender(t.deps.db, transport, t.clock, 'x@example.org', quiet);
      const b = new OutboxSender(t.deps.db, transport, t.clock, 'x@example.org', quiet);
      const [na, nb] = await Promise.all([a.runOnce(), b.runOnce()]);
      expect(na + nb).toBe(10);
      expect(new Set(transport.sent.map((m) => m.messageId)).size).toBe(10);
      expect(transport.sent).toHaveLength(10);
    });

    it('a sender that dies between sending and marking: the message goes again after the lease, with the same Message-ID, and the mail folder keeps one copy', async () => {
      await t.deps.db.updateTable('outbox').set({ status: 'sent' }).where('status', '=', 'pending').execute();
      await enqueue('test-crash-1');
      const row = await t.deps.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', 'test-crash-1').executeTakeFirstOrThrow();
      const folder = new FolderTransport(path.join(t.dataDir, 'crash-mail'));
      const mail = { messageId: row.dedupe_key, from: 'x@example.org', to: row.to_address, subject: row.subject, text: row.text_body, html: row.html_body };
      // The dead process had claimed the message and handed it to the mail server…
      await t.deps.db.updateTable('outbox').set({ status: 'sending', locked_until: new Date(t.clock.now().getTime() + 60_000).toISOString() }).where('id', '=', row.id).execute();
      await folder.send(mail);
      // …and died before marking it sent. Nobody touches it while the claim lasts.
      const seen: OutgoingMail[] = [];
      const recorder: MailTransport = { send: async (m) => { seen.push(m); await folder.send(m); } };
      const sender = new OutboxSender(t.deps.db, recorder, t.clock, 'x@example.org', quiet);
      expect(await sender.runOnce()).toBe(0);
      t.clock.advance(10 * 60_000);
      expect(await sender.runOnce()).toBe(1);
      expect(seen.map((m) => m.messageId)).toEqual([row.dedupe_key]);
      expect(fs.readdirSync(path.join(t.dataDir, 'crash-mail')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
      expect((await t.deps.db.selectFrom('outbox').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status).toBe('sent');
      expect(await sender.runOnce()).toBe(0);
    });
  });
}
