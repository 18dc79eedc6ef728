import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection, { type SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import wellKnown from 'nodemailer/lib/well-known';
import { MailInDoubt, type MailTransport, type OutgoingMail } from './transport.js';

/**
 * The message as nodemailer's SMTP client reads it, holding back its end.
 *
 * nodemailer's SMTPConnection pipes the message into its DataStream only once the server has
 * answered DATA with 354, and the DataStream (dot-stuffing, CRLF) pipes into the socket and
 * writes the final "<CRLF>.<CRLF>" in its flush, that is, only when this stream ends. The
 * server takes a message only when that dot arrives; a connection that ends before it makes the
 * server discard what it got.
 *
 * The whole message is pushed on the first read. With a high-water mark of 0 the stream never
 * reads ahead, so the second read is asked for only once its buffer is empty: the message was
 * emitted to the pipe, which wrote it into the DataStream, which wrote it into the socket in
 * the same call (and if any of them had said "full", the pipe would have paused and asked again
 * only after they drained). So the second read means "every byte but the dot is in the socket".
 * Only then does `beforeEnd` run; when it succeeds the stream ends and the dot follows a few
 * ticks later, with no I/O in between. When it fails, `onFailed` tears the connection down
 * without the dot. A destroyed stream is never ended, so no dot can follow a teardown.
 */
class HeldBackMessage extends Readable {
  private reads = 0;
  /** Set just before the end: from here on the dot may be on its way. */
  ending = false;
  constructor(
    private raw: Buffer,
    private beforeEnd: () => Promise<void>,
    private onFailed: (err: Error) => void,
  ) {
    super({ highWaterMark: 0 });
  }
  override _read(): void {
    this.reads++;
    if (this.reads === 1) {
      this.push(this.raw);
    } else if (this.reads === 2) {
      this.beforeEnd().then(
        () => {
          if (this.destroyed) return;
          this.ending = true;
          this.push(null);
        },
        (e: unknown) => this.onFailed(e instanceof Error ? e : new Error(String(e))),
      );
    }
  }
}

export interface SmtpPoolOptions {
  /** At most this many connections at once (MAIL_CONCURRENCY); a send beyond them waits for one. Default 5. */
  maxConnections?: number;
  /**
   * How long a connection that delivered a message stays open for the next one (ms). 0, the
   * default, closes it after each message, as nodemailer's SMTP transport does without pooling.
   */
  keepIdleMs?: number;
  /** Messages over one connection before it is closed and a new one opened. Default 100. */
  maxMessagesPerConnection?: number;
}

/** An error that came before any mail transaction: the server could not be reached or refused us (greeting, TLS, sign-in). */
export const serverUnreachable = (e: unknown): boolean => (e as { serverUnreachable?: unknown } | null)?.serverUnreachable === true;

/** One of the pool's connections, signed in, carrying one message at a time. */
class PooledConnection {
  messages = 0;
  dead = false;
  idleTimer: NodeJS.Timeout | null = null;
  /** The exchange in progress, told of an error or the end of the connection. */
  onTrouble: ((err: Error) => void) | null = null;
  constructor(readonly connection: SMTPConnection) {
    connection.on('error', (err: Error) => {
      this.dead = true;
      this.onTrouble?.(err);
    });
    connection.on('end', () => {
      this.dead = true;
      this.onTrouble?.(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' }));
    });
  }
}

/**
 * Sends messages over a pool of SMTP connections (nodemailer's client), several at once, and calls
 * `handOver` between the last byte of each message and its final dot (see HeldBackMessage).
 *
 * Our own pool of `SMTPConnection`s rather than nodemailer's pooled transport (docs/adr/0021):
 * that one sends a message composed by nodemailer through its own streams, which read ahead (so
 * "the second read" would no longer mean "in the socket"), and it sends a message again by itself
 * when a connection closes mid-message — a second hand-over the outbox's lease knows nothing of.
 * Here each message is one exchange on one connection, exactly as before; the pool only keeps the
 * connection for the next message when the exchange ended with the server's acceptance. Any other
 * end closes the connection (no dot can follow: see `exchange`).
 */
export class SmtpTransport implements MailTransport {
  private options: SMTPConnectionOptions;
  private auth: { user: string; credentials: { user: string; pass: string } } | null;
  private maxConnections: number;
  private keepIdleMs: number;
  private maxMessages: number;
  /** Connections open or opening, idle or busy. */
  private count = 0;
  private all = new Set<PooledConnection>();
  private idle: PooledConnection[] = [];
  private waiting: (() => void)[] = [];
  private closed = false;

  constructor(url: string, pool: SmtpPoolOptions = {}) {
    // The same URL as nodemailer's own SMTP transport takes: smtp:// or smtps://, user:pass@,
    // and its query settings (service=, tls.*=, requireTLS=, ignoreTLS=, name=, timeouts…).
    const parsed = parseConnectionUrl(url);
    const service = typeof parsed.service === 'string' ? wellKnown(parsed.service) : false;
    const { auth, ...rest } = { ...(service || {}), ...parsed };
    this.options = {
      logger: false,
      // One attempt should end well within the sender's 60 s lease; a reply that comes later
      // than the lease is not lost (the row says "sent, not confirmed"), but it is not read either.
      connectionTimeout: 20_000,
      greetingTimeout: 20_000,
      socketTimeout: 30_000,
      ...(rest as SMTPConnectionOptions),
    };
    this.auth = auth ? { user: auth.user, credentials: { user: auth.user, pass: auth.pass } } : null;
    this.maxConnections = Math.max(1, pool.maxConnections ?? 5);
    this.keepIdleMs = Math.max(0, pool.keepIdleMs ?? 0);
    this.maxMessages = Math.max(1, pool.maxMessagesPerConnection ?? 100);
  }

  async send(mail: OutgoingMail, handOver?: () => Promise<void>): Promise<void> {
    // Built in full before connecting: nothing slow is left between the hand-over and the dot.
    const message = new MailComposer({ ...mail, messageId: `<${mail.messageId}@student-permits>` }).compile();
    const envelope = message.getEnvelope();
    const raw = await message.build();
    for (;;) {
      const { pc, reused } = await this.acquire();
      const outcome = await this.exchange(pc, { from: envelope.from || '', to: envelope.to }, raw, handOver);
      this.release(pc, outcome.error === null);
      if (!outcome.error) return;
      // A kept connection the server had meanwhile dropped (its idle time-out) fails before the
      // hand-over: nothing was recorded and no dot can have gone, so a new connection may carry
      // the message. A refusal (an answer other than 421, "closing") is the server's word on it.
      const code = (outcome.error as { responseCode?: unknown }).responseCode;
      if (reused && !outcome.handedOver && (typeof code !== 'number' || code === 421)) continue;
      throw outcome.error;
    }
  }

  /** Closes the kept connections (QUIT); messages on their way finish first. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pc of this.idle.splice(0)) this.retire(pc, 'quit');
  }

  /**
   * Ends every connection at once, as the death of the process would: a message short of its
   * final dot is discarded by the server. For tests of a sender killed mid-batch.
   */
  destroy(): void {
    this.closed = true;
    for (const pc of [...this.all]) {
      pc.connection.close();
    }
  }

  private async acquire(): Promise<{ pc: PooledConnection; reused: boolean }> {
    for (;;) {
      if (this.closed) throw new Error('the mail transport is closed');
      const pc = this.idle.pop();
      if (pc) {
        if (pc.idleTimer) clearTimeout(pc.idleTimer);
        pc.idleTimer = null;
        if (!pc.dead) return { pc, reused: true };
        this.retire(pc, 'close');
        continue;
      }
      if (this.count < this.maxConnections) {
        this.count++;
        try {
          return { pc: await this.open(), reused: false };
        } catch (e) {
          this.count--;
          this.waiting.shift()?.();
          throw e;
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(pc: PooledConnection, healthy: boolean): void {
    pc.messages++;
    if (healthy && !pc.dead && !this.closed && this.keepIdleMs > 0 && pc.messages < this.maxMessages) {
      pc.idleTimer = setTimeout(() => {
        const at = this.idle.indexOf(pc);
        if (at >= 0) this.idle.splice(at, 1);
        this.retire(pc, 'quit');
      }, this.keepIdleMs);
      pc.idleTimer.unref();
      this.idle.push(pc);
      this.waiting.shift()?.();
      return;
    }
    // After an error the exchange has already closed it; close() is a no-op then.
    this.retire(pc, healthy ? 'quit' : 'close');
  }

  private retire(pc: PooledConnection, how: 'quit' | 'close'): void {
    if (!this.all.delete(pc)) return;
    if (pc.idleTimer) clearTimeout(pc.idleTimer);
    this.count--;
    if (how === 'quit' && !pc.dead) {
      pc.onTrouble = null;
      pc.connection.quit();
    } else {
      pc.connection.close();
    }
    this.waiting.shift()?.();
  }

  /** A new connection, greeted and signed in; its failure is marked `serverUnreachable`. */
  private open(): Promise<PooledConnection> {
    const pc = new PooledConnection(new SMTPConnection(this.options));
    this.all.add(pc);
    return new Promise<PooledConnection>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        pc.onTrouble = null;
        this.all.delete(pc); // counted down by acquire()
        pc.connection.close();
        reject(Object.assign(err, { serverUnreachable: true }));
      };
      pc.onTrouble = fail;
      const ready = () => {
        if (settled) return;
        settled = true;
        pc.onTrouble = null;
        resolve(pc);
      };
      pc.connection.connect((err) => {
        if (err) return fail(err);
        if (this.auth && pc.connection.allowsAuth) {
          pc.connection.login(this.auth, (loginErr) => (loginErr ? fail(loginErr) : ready()));
        } else {
          ready();
        }
      });
    });
  }

  /**
   * One message over one connection. Resolves (never rejects) once the outcome is known and any
   * hand-over has settled: `error` null when the server accepted it; a `MailInDoubt` when the dot
   * may be out but no answer came; otherwise the error, and the server did not take the message.
   */
  private exchange(
    pc: PooledConnection,
    envelope: { from: string; to: string[] },
    raw: Buffer,
    handOver?: () => Promise<void>,
  ): Promise<{ error: Error | null; handedOver: boolean }> {
    const connection = pc.connection;
    return new Promise((resolve) => {
      let settled = false;
      let body: HeldBackMessage | null = null;
      let handingOver: Promise<void> | null = null;
      const finish = (err?: Error | null) => {
        if (settled) return;
        settled = true;
        pc.onTrouble = null;
        if (err) {
          // close() unpipes the DataStream from the socket before ending it, and a message stream
          // destroyed before its end is never ended: without a dot, the server discards the message.
          connection.close();
          if (body && !body.ending) body.destroy();
        }
        const dotMayBeOut = body?.ending === true;
        // A refusal is an answer; anything else once the dot may be out leaves the outcome unknown.
        const outcome = !err ? null : dotMayBeOut && typeof (err as { responseCode?: unknown }).responseCode !== 'number' ? new MailInDoubt(err.message, { cause: err }) : err;
        // The caller hears the outcome only once its hand-over has settled, so that what it
        // recorded there is final when it decides what to do with the row.
        void Promise.resolve(handingOver)
          .catch(() => undefined)
          .then(() => resolve({ error: outcome, handedOver: handingOver !== null }));
      };
      if (pc.dead) return finish(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' }));
      pc.onTrouble = (err) => finish(err);

      body = new HeldBackMessage(
        raw,
        async () => {
          handingOver = handOver ? handOver() : Promise.resolve();
          await handingOver;
        },
        (err) => finish(err),
      );
      connection.send(envelope, body, (err, info) => {
        finish(err ?? info?.rejectedErrors?.[0] ?? null); // LMTP answers per recipient
      });
    });
  }
}
