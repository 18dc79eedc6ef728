import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection, { type SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import wellKnown from 'nodemailer/lib/well-known';
import type { MailTransport, OutgoingMail } from './transport.js';

/**
 * The final dot may have reached the server, but no answer came back: the server may have taken
 * the message. Sending it again could deliver it twice.
 */
export class MailInDoubt extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MailInDoubt';
  }
}

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

/**
 * Sends each message over its own SMTP connection (nodemailer's client), and calls `handOver`
 * between the last byte of the message and the final dot (see HeldBackMessage).
 */
export class SmtpTransport implements MailTransport {
  private options: SMTPConnectionOptions;
  private auth: { user: string; credentials: { user: string; pass: string } } | null;

  constructor(url: string) {
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
  }

  async send(mail: OutgoingMail, handOver?: () => Promise<void>): Promise<void> {
    // Built in full before connecting: nothing slow is left between the hand-over and the dot.
    const message = new MailComposer({ ...mail, messageId: `<${mail.messageId}@student-permits>` }).compile();
    const envelope = message.getEnvelope();
    const raw = await message.build();
    const connection = new SMTPConnection(this.options);

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      let body: HeldBackMessage | null = null;
      let handingOver: Promise<void> | null = null;
      const finish = (err?: Error | null) => {
        if (settled) return;
        settled = true;
        // close() unpipes the DataStream from the socket before ending it, and a message stream
        // destroyed before its end is never ended: without a dot, the server discards the message.
        connection.close();
        if (body && !body.ending) body.destroy();
        const dotMayBeOut = body?.ending === true;
        // A refusal is an answer; anything else once the dot may be out leaves the outcome unknown.
        const outcome = !err ? null : dotMayBeOut && typeof (err as { responseCode?: unknown }).responseCode !== 'number' ? new MailInDoubt(err.message, { cause: err }) : err;
        // The caller hears the outcome only once its hand-over has settled, so that what it
        // recorded there is final when it decides what to do with the row.
        void Promise.resolve(handingOver)
          .catch(() => undefined)
          .then(() => (outcome ? reject(outcome) : resolve()));
      };
      connection.on('error', (err: Error) => finish(err));

      const transmit = () => {
        body = new HeldBackMessage(
          raw,
          async () => {
            handingOver = handOver ? handOver() : Promise.resolve();
            await handingOver;
          },
          (err) => finish(err),
        );
        connection.send({ from: envelope.from || '', to: envelope.to }, body, (err, info) => {
          finish(err ?? info?.rejectedErrors?.[0] ?? null); // LMTP answers per recipient
        });
      };

      connection.connect((err) => {
        if (err) return finish(err);
        if (this.auth && connection.allowsAuth) {
          connection.login(this.auth, (loginErr) => (loginErr ? finish(loginErr) : transmit()));
        } else {
          transmit();
        }
      });
    });
  }
}
