import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { enqueueEmail } from '../src/platform/mail/outbox.js';
import { OutboxSender } from '../src/platform/mail/sender.js';
import { SmtpTransport } from '../src/platform/mail/smtp-transport.js';
import type { Writer } from '../src/platform/db/group-commit.js';
import { ringForEmail } from '../src/platform/mail/bell.js';
import type { MailTransport } from '../src/platform/mail/transport.js';

/**
 * The outbox sender's records through the app's writer (issue 13's outbox throughput, ADR 0015
 * and 0021): on SQLite the records of the messages in flight share commits, and each message is
 * still handed over once (ADR 0014), its hand-over committed before the final dot.
 */
function smtpSink() {
  const ids: string[] = [];
  const held: (() => void)[] = [];
  const sink = { ids, hold: false, held, release: () => held.splice(0).forEach((answer) => answer()) };
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        // The final dot has arrived: the server has the message.
        ids.push(/^Message-ID: <([^@>]+)@/im.exec(raw)?.[1] ?? '');
        if (sink.hold) held.push(() => callback());
        else callback();
      });
    },
  });
  return Object.assign(sink, {
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
}

const quiet = { error: () => {}, warn: () => {} };
const FROM = 'Student Permits <no-reply@example.org>';

for (const db of databases) {
  describe(`outbox records through the app's writer on ${db.name}`, () => {
    let t: TestApp;
    const sink = smtpSink();
    let url = '';
    beforeAll(async () => {
      url = `smtp://127.0.0.1:${await sink.listen()}`;
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => {
      sink.release();
      await t.close();
      await sink.close();
    });
    beforeEach(async () => {
      sink.ids.length = 0;
      sink.hold = false;
      await t.deps.db.updateTable('outbox').set({ status: 'sent' }).where('status', '!=', 'sent').execute();
    });

    const enqueue = async (prefix: string, n: number) => {
      const nowIso = t.clock.now().toISOString();
      await t.deps.db.transaction().execute(async (trx) => {
        for (let i = 0; i < n; i++) {
          await enqueueEmail(trx, t.deps.catalogs, { dedupeKey: `${prefix}-${i}`, to: `family-${i}@example.org`, language: 'en', template: 'accounts.emails.activation', params: { firstName: 'Ana', link: 'https://permits.example.org/activate/x', hours: 48 } }, nowIso);
        }
      });
    };
    /** An outbox row written straight into the table: no ring. */
    const silently = async (dedupeKey: string) => {
      const nowIso = t.clock.now().toISOString();
      await t.deps.db.insertInto('outbox').values({
        id: `id-${dedupeKey}`, dedupe_key: dedupeKey, account_id: null, application_id: null, to_address: 'late@example.org', language: 'en', template: 'accounts.emails.activation',
        subject: 'Activate', text_body: 'Activate', html_body: '<p>Activate</p>', status: 'pending', priority: 0, attempts: 0, next_attempt_at: nowIso, locked_until: null, sent_at: null, last_error: null, created_at: nowIso,
      }).execute();
    };
    /** The app's writer, counting the units it is given and the transactions it opens. */
    const counting = () => {
      const count = { units: 0, commits: 0 };
      const original = t.deps.db.transaction.bind(t.deps.db);
      (t.deps.db as { transaction: typeof original }).transaction = () => {
        count.commits++;
        return original();
      };
      const writer: Writer = { run: (work) => (count.units++, t.deps.writer.run(work)), settled: () => t.deps.writer.settled() };
      return { count, writer, restore: () => ((t.deps.db as { transaction: typeof original }).transaction = original) };
    };

    it('APP-10 thirty messages, ten in flight: each handed over once, every row sent, each record a unit of the writer', async () => {
      await enqueue('shared', 30);
      const { count, writer, restore } = counting();
      const transport = new SmtpTransport(url, { maxConnections: 10, keepIdleMs: 5_000 });
      try {
        const sender = new OutboxSender(t.deps.db, transport, t.clock, FROM, quiet, { concurrency: 10, writer });
        expect(await sender.runOnce()).toBe(30);
      } finally {
        restore();
        await transport.close();
      }
      expect([...sink.ids].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `shared-${i}`).sort());
      const rows = await t.deps.db.selectFrom('outbox').select('status').where('dedupe_key', 'like', 'shared-%').execute();
      expect(rows.map((r) => r.status)).toEqual(Array(30).fill('sent'));
      // The hand-over and 'sent' of each message went through the writer.
      expect(count.units).toBe(60);
      // On SQLite those of the messages in flight share commits (one transaction for several units).
      if (db.name === 'sqlite') expect(count.commits).toBeLessThan(count.units);
    });

    it('ADR 0014 a message the server has (the final dot arrived) has its hand-over committed: the row reads committing until the answer, then sent', async () => {
      await enqueue('held', 3);
      sink.hold = true;
      const transport = new SmtpTransport(url, { maxConnections: 3, keepIdleMs: 5_000 });
      const sender = new OutboxSender(t.deps.db, transport, t.clock, FROM, quiet, { concurrency: 3, writer: t.deps.writer });
      try {
        const run = sender.runOnce();
        await until(() => sink.held.length === 3);
        const during = await t.deps.db.selectFrom('outbox').select('status').where('dedupe_key', 'like', 'held-%').execute();
        expect(during.map((r) => r.status)).toEqual(['committing', 'committing', 'committing']);
        sink.release();
        expect(await run).toBe(3);
      } finally {
        sink.hold = false;
        sink.release();
        await transport.close();
      }
      const after = await t.deps.db.selectFrom('outbox').select('status').where('dedupe_key', 'like', 'held-%').execute();
      expect(after.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    });

    it('PRV-3 APP-10 an email rung in just as a run ends (after its last check, before it lets go) is sent at once, not at the next poll', async () => {
      const sent: string[] = [];
      // While the first message is with the server, a second is written without a ring: the run
      // has claimed all it found, so it ends without it.
      const transport: MailTransport = {
        send: async (mail, handOver) => {
          if (mail.messageId === 'edge-first-0') await silently('edge-second-0');
          await handOver?.();
          sent.push(mail.messageId);
        },
      };
      await enqueue('edge-first', 1);
      const sender = new OutboxSender(t.deps.db, transport, t.clock, FROM, quiet, { concurrency: 2 });
      // The ring lands exactly between the run loop's last check and the end of the run: a
      // reaction on the run's promise registered before the loop's own await queues it last.
      const runs = sender as unknown as { run(limit: number): Promise<unknown> };
      const original = runs.run.bind(sender);
      let armed = true;
      runs.run = (limit) => {
        const p = original(limit);
        if (armed) {
          armed = false;
          void p.then(() => queueMicrotask(() => ringForEmail({} as never)));
        }
        return p;
      };
      sender.start(60_000); // the poll would come after the test's time-out
      try {
        await until(() => sent.includes('edge-second-0'));
      } finally {
        await sender.stop();
      }
      expect(sent).toEqual(['edge-first-0', 'edge-second-0']);
    });
  });
}
