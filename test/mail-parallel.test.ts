import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { CompiledQuery, sql, type KyselyPlugin } from 'kysely';
import type { Db } from '../src/platform/db/kysely.js';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { enqueueEmail, type EmailToSend } from '../src/platform/mail/outbox.js';
import { onOutboxRing } from '../src/platform/mail/bell.js';
import { OutboxSender, UNCONFIRMED, dueList } from '../src/platform/mail/sender.js';
import type { MailTransport } from '../src/platform/mail/transport.js';
import { SmtpTransport } from '../src/platform/mail/smtp-transport.js';
import { MailPriority } from '../src/platform/mail/priority.js';

/**
 * A real SMTP server on loopback that keeps what it accepts. It can hold its answer to a message
 * (`hold`: until `release`), refuse recipients (`refuse`), and counts connections, messages whose
 * connection ended before the final dot (discarded), and the most messages it had at once.
 */
function smtpSink() {
  const received: { to: string; id: string | undefined }[] = [];
  const held: (() => void)[] = [];
  const sink = {
    received,
    connections: 0,
    discarded: 0,
    atOnce: 0,
    mostAtOnce: 0,
    /** Hold the answer to a message for this recipient until `release`. */
    hold: (_to: string) => false,
    /** Refuse this recipient at RCPT TO with this answer. */
    refuse: (_to: string): string | null => null,
    held: () => held.length,
    release: () => held.splice(0).forEach((answer) => answer()),
    ids: () => received.map((m) => m.id),
  };
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onConnect(_session, callback) {
      sink.connections++;
      callback();
    },
    onRcptTo(address, _session, callback) {
      const refusal = sink.refuse(address.address);
      if (refusal) return callback(Object.assign(new Error(refusal), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      let ended = false;
      sink.atOnce++;
      sink.mostAtOnce = Math.max(sink.mostAtOnce, sink.atOnce);
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('close', () => {
        if (!ended) {
          sink.discarded++;
          sink.atOnce--;
        }
      });
      stream.on('end', () => {
        ended = true;
        const to = session.envelope.rcptTo[0].address;
        received.push({ to, id: /^Message-ID: <([^@>]+)@/im.exec(raw)?.[1] });
        const answer = () => {
          sink.atOnce--;
          callback();
        };
        if (sink.hold(to)) held.push(answer);
        else answer();
      });
    },
  });
  return Object.assign(sink, {
    listen: (port = 0) => new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Waits (up to 5 s) for something the server or the sender does on its own time. */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
}

/**
 * The database as one process sees it, until `kill()`: from then on nothing it asks reaches the
 * database and no answer reaches it, as when the process is killed.
 */
function killable(db: Db) {
  let killed = false;
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      if (killed) throw new Error('process killed');
      return node;
    },
    async transformResult({ result }) {
      if (killed) throw new Error('process killed');
      return result;
    },
  };
  return { db: db.withPlugin(plugin), kill: () => (killed = true) };
}

const quiet = { error: () => {}, warn: () => {} };
const FROM = 'Student Permits <no-reply@example.org>';

for (const db of databases) {
  describe(`email sent in parallel on ${db.name}`, () => {
    let t: TestApp;
    const sink = smtpSink();
    let url = '';
    const pools: SmtpTransport[] = [];
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
      sink.connections = 0;
      sink.discarded = 0;
      sink.mostAtOnce = 0;
      sink.hold = () => false;
      sink.refuse = () => null;
      await t.deps.db.updateTable('outbox').set({ status: 'sent' }).where('status', '!=', 'sent').execute();
    });
    afterEach(async () => {
      sink.release();
      for (const p of pools.splice(0)) await p.close();
    });

    const pool = (maxConnections: number, at = url) => {
      const p = new SmtpTransport(at, { maxConnections, keepIdleMs: 5_000 });
      pools.push(p);
      return p;
    };
    const sender = (concurrency: number, transport: MailTransport = pool(concurrency), on: Db = t.deps.db) =>
      new OutboxSender(on, transport, t.clock, FROM, quiet, { concurrency });
    const email = (dedupeKey: string, to = 'padre@example.org'): EmailToSend => ({
      dedupeKey, to, language: 'es', template: 'accounts.emails.reset', params: { firstName: 'Ana', link: 'http://localhost/reset', minutes: 60 },
    });
    const enqueue = (msg: EmailToSend) => t.deps.db.transaction().execute((trx) => enqueueEmail(trx, t.deps.catalogs, msg, t.clock.now().toISOString()));
    const row = (dedupeKey: string) => t.deps.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirstOrThrow();

    it('PRV-3 APP-10 sends several messages at once over a pool of connections, each once, reusing the connections', async () => {
      for (let i = 0; i < 9; i++) await enqueue(email(`par-${i}`));
      // The server answers nothing until three messages are with it at once: a sender that sent
      // one at a time would never get an answer.
      sink.hold = () => true;
      const releaseAtThree = setInterval(() => {
        if (sink.held() === 3) sink.release();
      }, 5);
      try {
        expect(await sender(3).runOnce()).toBe(9);
      } finally {
        clearInterval(releaseAtThree);
      }
      expect(sink.mostAtOnce).toBe(3);
      expect(sink.ids().sort()).toEqual([...Array(9).keys()].map((i) => `par-${i}`).sort());
      expect(sink.connections).toBe(3); // three connections carried nine messages
      expect(sink.discarded).toBe(0);
      for (let i = 0; i < 9; i++) expect(await row(`par-${i}`)).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    });

    it('PRV-3 APP-10 two senders sending in parallel, one killed between recording a hand-over and its final dot: every message reaches the server at most once, and every one not in doubt exactly once', async () => {
      const keys = [...Array(16).keys()].map((i) => `par-kill-${i}`);
      for (const k of keys) await enqueue(email(k));
      const dying = killable(t.deps.db);
      const poolA = pool(4);
      let victim = '';
      const b = sender(4);
      let bRun: Promise<number> | null = null;
      const transportA: MailTransport = {
        send: (mail, handOver) =>
          poolA.send(mail, async () => {
            if (victim === '') {
              victim = mail.messageId;
              await handOver!(); // 'committing' is committed…
              bRun = b.runOnce(); // (the other sender is at work meanwhile)
              await new Promise((r) => setImmediate(r));
              dying.kill(); // …and the process dies before the dot: its connections end with it
              poolA.destroy();
              await new Promise(() => {});
            }
            await handOver!();
          }),
      };
      const a = sender(4, transportA, dying.db);
      void a.runOnce().catch(() => undefined); // never returns: its process is dead
      await until(() => bRun !== null);
      await bRun;
      expect((await row(victim)).status).toBe('committing');

      // The dead sender's leases run out: what it had not handed over goes again, by the other;
      // what it had recorded is settled as sent, not confirmed, and never sent again.
      t.clock.advance(61_000);
      await b.runOnce();
      expect(await b.runOnce()).toBe(0);

      const rows = await t.deps.db.selectFrom('outbox').select(['dedupe_key', 'status', 'last_error']).where('dedupe_key', 'in', keys).execute();
      expect(rows.map((r) => r.status)).toEqual(keys.map(() => 'sent'));
      const ids = sink.ids();
      expect(ids.length).toBe(new Set(ids).size); // none twice
      for (const r of rows) {
        const times = ids.filter((id) => id === r.dedupe_key).length;
        if (r.last_error === UNCONFIRMED) expect(times).toBeLessThanOrEqual(1);
        else expect(times).toBe(1);
      }
      // The message whose record was the last thing the dead process did: in doubt, never sent.
      expect(rows.find((r) => r.dedupe_key === victim)?.last_error).toBe(UNCONFIRMED);
      expect(ids).not.toContain(victim);
      expect(sink.discarded).toBeGreaterThanOrEqual(1);
      expect(ids.length).toBeGreaterThanOrEqual(keys.length - rows.filter((r) => r.last_error === UNCONFIRMED).length);
    });

    it('PRV-3 APP-10 an email written in a transaction wakes the sender once it commits, without waiting for the poll; a rolled-back one does not ring', async () => {
      let rings = 0;
      const stopListening = onOutboxRing(() => rings++);
      const s = sender(2);
      s.start(60 * 60_000); // an hour between polls
      try {
        await new Promise((r) => setTimeout(r, 80)); // its first poll (after 50 ms) finds nothing
        await s.whenIdle();
        await t.deps.db
          .transaction()
          .execute(async (trx) => {
            await enqueueEmail(trx, t.deps.catalogs, email('wake-rolled-back'), t.clock.now().toISOString());
            throw new Error('the change that would have caused the email fails');
          })
          .catch(() => undefined);
        expect(rings).toBe(0);
        let ringsBeforeCommit = -1;
        await t.deps.db.transaction().execute(async (trx) => {
          await enqueueEmail(trx, t.deps.catalogs, email('wake-1'), t.clock.now().toISOString());
          ringsBeforeCommit = rings;
        });
        expect(ringsBeforeCommit).toBe(0);
        expect(rings).toBe(1);
        await s.whenIdle();
        expect(sink.ids()).toEqual(['wake-1']);
        expect((await row('wake-1')).status).toBe('sent');
      } finally {
        stopListening();
        await s.stop();
      }
    });

    it('PRV-3 APP-10 time-critical emails go before bulk ones: a reminder written first still goes after an activation and a reset', async () => {
      await enqueue({
        dedupeKey: 'prio-reminder', to: 'staff@example.org', language: 'en', template: 'decisions.email.staffReminder', signatureKey: 'common.staffEmailSignature',
        params: { count: 2, days: 5, list: '- A', link: 'http://localhost/staff/dashboard' },
      });
      t.clock.advance(1_000);
      await enqueue({ ...email('prio-decision'), template: 'decisions.email.approved' });
      t.clock.advance(1_000);
      await enqueue({ dedupeKey: 'prio-activation', to: 'new@example.org', language: 'en', template: 'accounts.emails.activation', params: { firstName: 'Ana', link: 'http://localhost/a', hours: 24 } });
      await enqueue(email('prio-reset'));
      expect((await row('prio-reminder')).priority).toBe(MailPriority.bulk);
      expect((await row('prio-decision')).priority).toBe(MailPriority.normal);
      expect((await row('prio-activation')).priority).toBe(MailPriority.urgent);
      expect(await sender(1).runOnce()).toBe(4);
      expect(sink.ids()).toEqual(['prio-activation', 'prio-reset', 'prio-decision', 'prio-reminder']);
    });

    it('PRV-3 the due list is read in priority order from the outbox_claim index, without sorting', async () => {
      const compiled = dueList(t.deps.db, t.clock.now().toISOString(), 5).compile();
      if (db.name === 'sqlite') {
        const plan = (await t.deps.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]))).rows;
        expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING INDEX outbox_claim/);
        expect(plan.map((p) => p.detail).join(' | ')).not.toMatch(/TEMP B-TREE/);
      } else {
        // On a table this small PostgreSQL would read it whole; without that choice, the index must
        // give the order by itself (no Sort step).
        const plan = await t.deps.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          const rows = (await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]))).rows;
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
        expect(plan).toMatch(/outbox_claim/);
        expect(plan).not.toMatch(/\bSort\b/);
      }
    });

    it('PRV-3 /healthz tells how many emails are due and unsent and how long the oldest has waited', async () => {
      const health = async () => (await t.app.inject({ method: 'GET', url: '/healthz' })).json() as { status: string; mail: { due: number; oldestDueSeconds: number | null } };
      expect(await health()).toMatchObject({ status: 'ok', mail: { due: 0, oldestDueSeconds: null } });
      await enqueue({ ...email('depth-bulk'), template: 'decisions.email.staffReminder', params: { count: 1, days: 5, list: '- A', link: 'http://localhost/' } });
      t.clock.advance(30_000);
      await enqueue(email('depth-1'));
      await enqueue(email('depth-2'));
      t.clock.advance(60_000);
      // The bulk reminder, written first, has waited longest: 90 s, whatever its priority.
      expect(await health()).toMatchObject({ status: 'ok', mail: { due: 3, oldestDueSeconds: 90 } });
      // One in back-off (not due yet) is not counted; one being sent is not either.
      await t.deps.db.updateTable('outbox').set({ next_attempt_at: new Date(t.clock.now().getTime() + 60_000).toISOString() }).where('dedupe_key', '=', 'depth-bulk').execute();
      await t.deps.db.updateTable('outbox').set({ status: 'sending', locked_until: new Date(t.clock.now().getTime() + 60_000).toISOString() }).where('dedupe_key', '=', 'depth-2').execute();
      expect(await health()).toMatchObject({ mail: { due: 1, oldestDueSeconds: 60 } });
      expect(await sender(2).runOnce()).toBe(1);
      expect(await health()).toMatchObject({ mail: { due: 0, oldestDueSeconds: null } });
    });

    it('PRV-3 APP-10 a recipient the server refuses is tried again, then given up with the reason kept, and never holds up the others', async () => {
      sink.refuse = (to) => (to === 'nadie@example.org' ? '550 5.1.1 No such user here' : null);
      await enqueue(email('refused', 'nadie@example.org'));
      for (let i = 0; i < 4; i++) await enqueue(email(`refused-others-${i}`));
      const s = sender(2);
      expect(await s.runOnce()).toBe(4);
      expect((await row('refused')).status).toBe('pending');
      expect((await row('refused')).last_error).toContain('No such user here');
      t.clock.advance(60 * 60_000);
      expect(await s.runOnce()).toBe(0);
      t.clock.advance(60 * 60_000);
      expect(await s.runOnce()).toBe(0);
      expect(await row('refused')).toMatchObject({ status: 'failed', attempts: 3 });
      expect((await row('refused')).last_error).toContain('550');
      expect((await row('refused')).last_error).toContain('No such user here');
      t.clock.advance(60 * 60_000);
      expect(await s.runOnce()).toBe(0);
      expect(sink.ids().sort()).toEqual(['refused-others-0', 'refused-others-1', 'refused-others-2', 'refused-others-3']);
    });

    it('PRV-3 APP-10 a server slow to take one message: the others go through the other connections meanwhile', async () => {
      sink.hold = (to) => to === 'lento@example.org';
      await enqueue(email('slow', 'lento@example.org'));
      for (let i = 0; i < 5; i++) await enqueue(email(`fast-${i}`));
      const run = sender(3).runOnce();
      const fastSent = async () =>
        (await t.deps.db.selectFrom('outbox').select('id').where('dedupe_key', 'like', 'fast-%').where('status', '=', 'sent').execute()).length;
      await until(async () => (await fastSent()) === 5);
      // The rest are sent while the slow one is with the server, unanswered.
      expect(sink.held()).toBe(1);
      expect((await row('slow')).status).toBe('committing');
      sink.release();
      expect(await run).toBe(6);
      expect((await row('slow')).status).toBe('sent');
      expect(new Set(sink.ids()).size).toBe(6);
    });

    it('PRV-3 APP-10 an email written while another is still with a slow server goes out at once in a free place, not after the slow one', async () => {
      sink.hold = (to) => to === 'lento@example.org';
      const s = sender(3);
      s.start(60 * 60_000); // an hour between polls: only the ring can bring the second email
      try {
        await enqueue(email('held-first', 'lento@example.org'));
        await until(() => sink.held() === 1);
        await enqueue(email('while-held'));
        await until(async () => (await row('while-held')).status === 'sent');
        // The run that took the held message has not ended: the new one did not wait for it.
        expect(sink.held()).toBe(1);
        expect((await row('held-first')).status).toBe('committing');
        sink.release();
        await until(async () => (await row('held-first')).status === 'sent');
        expect(sink.ids().sort()).toEqual(['held-first', 'while-held']);
      } finally {
        sink.release();
        await s.stop();
      }
    });

    it('PRV-3 APP-10 a server down for minutes: messages wait, none lost, and go once each when it is back', async () => {
      const down = smtpSink();
      const port = await down.listen();
      await down.close(); // nothing listens there now
      for (let i = 0; i < 8; i++) await enqueue(email(`down-${i}`));
      const s = sender(2, pool(2, `smtp://127.0.0.1:${port}`));
      expect(await s.runOnce()).toBe(0);
      const rows = await t.deps.db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).where('dedupe_key', 'like', 'down-%').execute();
      expect(rows.every((r) => r.status === 'pending')).toBe(true);
      // The first connections failed; the sender stopped there instead of trying every message.
      expect(rows.filter((r) => r.attempts === 1).length).toBe(2);
      expect(rows.filter((r) => r.attempts === 0).length).toBe(6);
      t.clock.advance(3 * 60_000);
      expect(await s.runOnce()).toBe(0);
      const up = smtpSink();
      await up.listen(port);
      try {
        t.clock.advance(5 * 60_000);
        expect(await s.runOnce()).toBe(8);
        expect(up.ids().sort()).toEqual([...Array(8).keys()].map((i) => `down-${i}`).sort());
      } finally {
        for (const p of pools.splice(0)) await p.close();
        await up.close();
      }
    });
  });
}
