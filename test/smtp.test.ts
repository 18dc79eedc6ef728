import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { KyselyPlugin, UpdateQueryNode } from 'kysely';
import type { Db } from '../src/platform/db/kysely.js';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { enqueueEmail } from '../src/platform/mail/outbox.js';
import { OutboxSender, UNCONFIRMED } from '../src/platform/mail/sender.js';
import type { MailTransport } from '../src/platform/mail/transport.js';
import { openTransport } from '../src/platform/mail/open-transport.js';
import { SmtpTransport } from '../src/platform/mail/smtp-transport.js';

/** A real SMTP server on loopback that keeps what it accepts, and notes what it was sent but did not accept. */
function smtpSink(opts: { secure?: boolean; password?: string } = {}) {
  const received: { to: string[]; raw: string; user?: string }[] = [];
  const sink = {
    received,
    /** The message arriving now, as far as it has come. */
    partial: '',
    /** Messages whose connection ended before the final dot: discarded by the server. */
    discarded: 0,
    refuse: false,
    /** Take the next message but never answer. */
    silenceNext: false,
  };
  const server = new SMTPServer({
    secure: opts.secure ?? false,
    logger: false,
    authOptional: !opts.password,
    allowInsecureAuth: true,
    disabledCommands: opts.secure ? [] : ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.password !== opts.password) return callback(new Error('535 bad credentials'));
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      let raw = '';
      let ended = false;
      sink.partial = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString('utf8');
        sink.partial = raw;
      });
      stream.on('close', () => {
        if (!ended) sink.discarded++;
      });
      stream.on('end', () => {
        ended = true;
        if (sink.refuse) return callback(new Error('451 try again later'));
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, user: session.user as string | undefined });
        if (sink.silenceNext) {
          sink.silenceNext = false;
          return; // taken, but the answer never leaves
        }
        callback();
      });
    },
  });
  return Object.assign(sink, {
    ids: () => received.map((m) => /^Message-ID: (<[^>]+>)/im.exec(m.raw)?.[1]),
    /**
     * Resolves once the whole message has reached the server: its closing MIME boundary
     * ("--b--"), but for the last 4 bytes, which the server holds back until it knows whether
     * they begin the final dot.
     */
    wholeMessageArrived: async () => {
      for (let i = 0; i < 200; i++) {
        const boundary = /boundary="?([^";\r\n]+)"?/.exec(sink.partial)?.[1];
        const last = boundary ? sink.partial.lastIndexOf(`\r\n--${boundary}`) : -1;
        if (last > 0 && /^-*$/.test(sink.partial.slice(last + boundary!.length + 4))) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('the message never arrived in full');
    },
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Waits (up to 2 s) for something the server does on its own time. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error('timed out');
}

/**
 * The database as one sender sees it, failing at the update that records the hand-over:
 * 'unreachable' fails it and every update after it; 'answer lost' lets it commit, then fails.
 */
function failingAtHandOver(db: Db, how: 'unreachable' | 'answer lost') {
  let down = false;
  const recording = new WeakSet<object>();
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      const records = node.kind === 'UpdateQueryNode' && JSON.stringify((node as UpdateQueryNode).updates ?? []).includes('"committing"');
      if (records && how === 'unreachable') down = true;
      if (down && node.kind === 'UpdateQueryNode') throw new Error('database unreachable');
      if (records) recording.add(queryId);
      return node;
    },
    async transformResult({ result, queryId }) {
      if (recording.has(queryId)) throw new Error('connection lost before the answer');
      return result;
    },
  };
  return { db: db.withPlugin(plugin) };
}

const quiet = { error: () => {}, warn: () => {} };
const FROM = 'Student Permits <no-reply@example.org>';

for (const db of databases) {
  describe(`email through SMTP_URL on ${db.name}`, () => {
    let t: TestApp;
    const sink = smtpSink();
    let url = '';
    beforeAll(async () => {
      url = `smtp://127.0.0.1:${await sink.listen()}`;
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => {
      await t.close();
      await sink.close();
    });
    beforeEach(async () => {
      sink.received.length = 0;
      sink.discarded = 0;
      await t.deps.db.updateTable('outbox').set({ status: 'sent' }).where('status', '!=', 'sent').execute();
    });

    const enqueue = (dedupeKey: string) =>
      t.deps.db.transaction().execute((trx) =>
        enqueueEmail(trx, t.deps.catalogs, { dedupeKey, to: 'padre@example.org', language: 'es', template: 'accounts.emails.reset', params: { firstName: 'Ana', link: 'http://localhost/reset', minutes: 60 } }, t.clock.now().toISOString()),
      );
    const row = (dedupeKey: string) => t.deps.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirstOrThrow();
    const sender = (transport: MailTransport = new SmtpTransport(url)) => new OutboxSender(t.deps.db, transport, t.clock, FROM, quiet);
    /** The SMTP transport, with something done at the hand-over in place of (or before) the sender's own. */
    const withHandOver = (atHandOver: (senders: () => Promise<void>) => Promise<void>): MailTransport => {
      const smtp = new SmtpTransport(url);
      return { send: (mail, handOver) => smtp.send(mail, () => atHandOver(handOver!)) };
    };

    it('PRV-3 APP-10 sends an outbox message through a real SMTP server, in its language, once; a refusal is retried later', async () => {
      await enqueue('smtp-1');
      const s = new OutboxSender(t.deps.db, openTransport(url, t.dataDir), t.clock, FROM, quiet);
      sink.refuse = true;
      expect(await s.runOnce()).toBe(0);
      sink.refuse = false;
      expect(sink.received).toHaveLength(0);
      expect((await row('smtp-1')).status).toBe('pending');
      t.clock.advance(10_000);
      expect(await s.runOnce()).toBe(1);
      expect(await s.runOnce()).toBe(0);
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0].to).toEqual(['padre@example.org']);
      expect(sink.received[0].raw).toMatch(/Subject: =\?UTF-8\?.*|Subject: Elija una contrase/);
      expect(sink.received[0].raw).toContain('Message-ID: <smtp-1@student-permits>');
      expect(await row('smtp-1')).toMatchObject({ status: 'sent', last_error: null });
    });

    it('PRV-3 APP-10 records the hand-over when the whole message is at the server, and the server takes it only after that', async () => {
      await enqueue('smtp-hand-over');
      let seen: { status: string; accepted: number } | null = null;
      const transport = withHandOver(async (handOver) => {
        await sink.wholeMessageArrived();
        await handOver();
        seen = { status: (await row('smtp-hand-over')).status, accepted: sink.received.length };
      });
      expect(await sender(transport).runOnce()).toBe(1);
      expect(seen).toEqual({ status: 'committing', accepted: 0 });
      expect(sink.ids()).toEqual(['<smtp-hand-over@student-permits>']);
      expect((await row('smtp-hand-over')).status).toBe('sent');
    });

    it('PRV-3 APP-10 a sender that dies after recording the hand-over and after the server took the message: nobody sends it again; it is marked sent, not confirmed', async () => {
      await enqueue('smtp-died-after');
      const smtp = new SmtpTransport(url);
      // The server answers 250, and the process dies before it marks the row: runOnce never returns.
      const dying: MailTransport = { send: async (mail, handOver) => { await smtp.send(mail, handOver); await new Promise(() => {}); } };
      void sender(dying).runOnce();
      await until(() => sink.received.length === 1);
      expect(sink.ids()).toEqual(['<smtp-died-after@student-permits>']);
      expect((await row('smtp-died-after')).status).toBe('committing');
      const next = sender();
      expect(await next.runOnce()).toBe(0); // the lease still holds
      t.clock.advance(61_000);
      expect(await next.runOnce()).toBe(0);
      expect(await next.runOnce()).toBe(0);
      expect(sink.received).toHaveLength(1);
      expect(await row('smtp-died-after')).toMatchObject({ status: 'sent', last_error: UNCONFIRMED });
    });

    it('PRV-3 APP-10 a connection that breaks after the dot with no answer: in doubt, never sent again', async () => {
      await enqueue('smtp-no-answer');
      sink.silenceNext = true;
      const s = sender(new SmtpTransport(`${url}?socketTimeout=300`));
      expect(await s.runOnce()).toBe(0);
      expect(sink.received).toHaveLength(1);
      expect((await row('smtp-no-answer')).status).toBe('committing');
      t.clock.advance(61_000);
      expect(await s.runOnce()).toBe(0);
      expect(sink.received).toHaveLength(1);
      expect(await row('smtp-no-answer')).toMatchObject({ status: 'sent', last_error: UNCONFIRMED });
    });

    it('PRV-3 APP-10 a sender that cannot record the hand-over (database unreachable): the server discards the message; it goes once, after the lease', async () => {
      await enqueue('smtp-db-down');
      const { db: failing } = failingAtHandOver(t.deps.db, 'unreachable');
      expect(await new OutboxSender(failing, new SmtpTransport(url), t.clock, FROM, quiet).runOnce()).toBe(0);
      await until(() => sink.discarded === 1);
      expect(sink.received).toHaveLength(0);
      expect((await row('smtp-db-down')).status).toBe('sending');
      const next = sender();
      expect(await next.runOnce()).toBe(0); // the lease still holds
      t.clock.advance(61_000);
      expect(await next.runOnce()).toBe(1);
      expect(await next.runOnce()).toBe(0);
      expect(sink.ids()).toEqual(['<smtp-db-down@student-permits>']);
      expect(await row('smtp-db-down')).toMatchObject({ status: 'sent', last_error: null });
    });

    it('PRV-3 APP-10 a hand-over that was recorded but whose answer was lost: the server discards the message, the row is put back, and it goes once', async () => {
      await enqueue('smtp-answer-lost');
      const { db: failing } = failingAtHandOver(t.deps.db, 'answer lost');
      expect(await new OutboxSender(failing, new SmtpTransport(url), t.clock, FROM, quiet).runOnce()).toBe(0);
      await until(() => sink.discarded === 1);
      expect(sink.received).toHaveLength(0);
      // Left 'committing', it would have been counted as sent without ever being delivered.
      expect(await row('smtp-answer-lost')).toMatchObject({ status: 'pending', attempts: 1 });
      t.clock.advance(10_000);
      expect(await sender().runOnce()).toBe(1);
      expect(sink.ids()).toEqual(['<smtp-answer-lost@student-permits>']);
    });

    it('PRV-3 APP-10 a sender whose lease was taken over while it was sending: it stops before the dot; the message is delivered once, by the other', async () => {
      await enqueue('smtp-lease-lost');
      let other = 0;
      const slow = withHandOver(async (handOver) => {
        await sink.wholeMessageArrived();
        // Meanwhile the lease ran out and another instance took the message over and sent it.
        t.clock.advance(61_000);
        other = await sender().runOnce();
        await handOver();
      });
      expect(await sender(slow).runOnce()).toBe(0);
      expect(other).toBe(1);
      await until(() => sink.discarded === 1);
      expect(sink.ids()).toEqual(['<smtp-lease-lost@student-permits>']);
      expect(sink.discarded).toBe(1);
      expect(await row('smtp-lease-lost')).toMatchObject({ status: 'sent', last_error: null });
    });

    it('PRV-3 APP-10 two senders running at once deliver each message exactly once', async () => {
      for (let i = 0; i < 10; i++) await enqueue(`smtp-race-${i}`);
      const [a, b] = await Promise.all([sender().runOnce(), sender().runOnce()]);
      expect(a + b).toBe(10);
      expect(sink.received).toHaveLength(10);
      expect(new Set(sink.ids()).size).toBe(10);
      expect(sink.discarded).toBe(0);
    });
  });
}

describe('SMTP_URL with smtps:// and a user name and password', () => {
  let t: TestApp;
  const sink = smtpSink({ secure: true, password: 'pa:ss' });
  let port = 0;
  beforeAll(async () => {
    port = await sink.listen();
    t = await makeTestApp();
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  it('connects over TLS, signs in, and delivers', async () => {
    await t.deps.db.transaction().execute((trx) =>
      enqueueEmail(trx, t.deps.catalogs, { dedupeKey: 'smtps-1', to: 'padre@example.org', language: 'en', template: 'accounts.emails.reset', params: { firstName: 'Ana', link: 'http://localhost/reset', minutes: 60 } }, t.clock.now().toISOString()),
    );
    // The test server has a self-signed certificate.
    const url = `smtps://mailer:${encodeURIComponent('pa:ss')}@127.0.0.1:${port}?tls.rejectUnauthorized=false`;
    expect(await new OutboxSender(t.deps.db, openTransport(url, t.dataDir), t.clock, FROM, quiet).runOnce()).toBe(1);
    expect(sink.received.map((m) => m.user)).toEqual(['mailer']);
    expect(sink.ids()).toEqual(['<smtps-1@student-permits>']);
  });
});
