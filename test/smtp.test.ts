import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { makeTestApp, type TestApp } from './support/app.js';
import { enqueueEmail } from '../src/platform/mail/outbox.js';
import { OutboxSender } from '../src/platform/mail/sender.js';
import { openTransport } from '../src/platform/mail/transport.js';

/** A real SMTP server on loopback that keeps what it receives. */
function smtpSink() {
  const received: { to: string[]; raw: string }[] = [];
  let refuse = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        if (refuse) return callback(new Error('451 try again later'));
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  return {
    received,
    refuseAll: (v: boolean) => (refuse = v),
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('email through SMTP_URL', () => {
  let t: TestApp;
  const sink = smtpSink();
  let port = 0;
  beforeAll(async () => {
    port = await sink.listen();
    t = await makeTestApp();
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  it('sends an outbox message through a real SMTP server, in its language, once; a refusal is retried later', async () => {
    await t.deps.db.transaction().execute((trx) =>
      enqueueEmail(trx, t.deps.catalogs, { dedupeKey: 'smtp-1', to: 'padre@example.org', language: 'es', template: 'accounts.emails.reset', params: { firstName: 'Ana', link: 'http://localhost/reset', minutes: 60 } }, t.clock.now().toISOString()),
    );
    const sender = new OutboxSender(t.deps.db, openTransport(`smtp://127.0.0.1:${port}`, t.dataDir), t.clock, 'Student Permits <no-reply@example.org>', { error: () => {} });
    sink.refuseAll(true);
    expect(await sender.runOnce()).toBe(0);
    expect(sink.received).toHaveLength(0);
    sink.refuseAll(false);
    t.clock.advance(10_000);
    expect(await sender.runOnce()).toBe(1);
    expect(await sender.runOnce()).toBe(0);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0].to).toEqual(['padre@example.org']);
    expect(sink.received[0].raw).toMatch(/Subject: =\?UTF-8\?.*|Subject: Elija una contrase/);
    expect(sink.received[0].raw).toContain('Message-ID: <smtp-1@student-permits>');
  });
});
