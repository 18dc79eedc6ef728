import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Db } from '../db/kysely.js';
import type { Clock } from '../clock.js';
import { MailInDoubt, type MailTransport } from './transport.js';

const LOCK_MS = 60_000;
const MAX_ATTEMPTS = 12;

/** `last_error` of a message whose sender died between handing it over and hearing back. */
export const UNCONFIRMED =
  'handed over to the SMTP server (all but the final dot was sent after recording it), but no answer came: counted as sent, not confirmed';

export interface SenderLog {
  error(obj: unknown, msg?: string): void;
  /** Without it, warnings go to `error`. */
  warn?(obj: unknown, msg?: string): void;
}

/**
 * Delivers outbox messages with retries and back-off, never handing one to the SMTP server twice.
 *
 * A row goes pending → sending (claimed with a conditional UPDATE and a 60 s lease, so several
 * instances can run the sender at once) → committing (recorded, still under the lease, before
 * the SMTP transport writes the final dot that makes the server take the message) → sent.
 * A 'sending' row whose lease ran out was never taken by the server (no dot), so it goes again.
 * A 'committing' row is never sent again: when its lease runs out, its sender died before it
 * heard the answer, and the row is marked sent with UNCONFIRMED (docs/adr/0014).
 */
/** Due and unclaimed, or claimed by a sender whose lease ran out before it handed the message over. */
const claimable = (eb: ExpressionBuilder<Database, 'outbox'>, atIso: string) =>
  eb.or([
    eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', atIso)]),
    eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', atIso)]),
  ]);

export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private db: Db,
    private transport: MailTransport,
    private clock: Clock,
    private from: string,
    private log: SenderLog = console,
  ) {}

  /** Sends what is due now; returns how many this call delivered. */
  async runOnce(limit = 20): Promise<number> {
    const nowIso = this.clock.now().toISOString();
    await this.settleUnconfirmed(nowIso);
    const due = await this.db
      .selectFrom('outbox')
      .select(['id'])
      .where((eb) => claimable(eb, nowIso))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    let sent = 0;
    for (const { id } of due) {
      // The lease is told apart by its end: a claim is taken only after the previous one ended,
      // so its end is later. Taken at the time of the claim, not of the batch.
      const at = this.clock.now();
      const atIso = at.toISOString();
      const lease = new Date(at.getTime() + LOCK_MS).toISOString();
      const claim = await this.db
        .updateTable('outbox')
        .set({ status: 'sending', locked_until: lease })
        .where('id', '=', id)
        .where((eb) => claimable(eb, atIso))
        .executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) continue; // another instance has it
      if (await this.deliver(id, lease)) sent++;
    }
    return sent;
  }

  /** One claimed message; true when the server confirmed it and the row says so. */
  private async deliver(id: string, lease: string): Promise<boolean> {
    const msg = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    let recording = false;
    const handOver = async () => {
      recording = true;
      const r = await this.whileOurs(id, lease, ['sending']).set({ status: 'committing' }).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new Error('outbox lease lost before the hand-over');
      recording = false;
    };
    try {
      await this.transport.send(
        { messageId: msg.dedupe_key, from: this.from, to: msg.to_address, subject: msg.subject, text: msg.text_body, html: msg.html_body },
        handOver,
      );
    } catch (e) {
      if (e instanceof MailInDoubt) {
        // Stays 'committing': settled as sent (unconfirmed) when the lease runs out.
        this.warn({ err: e, outboxId: id }, 'email handed over but the SMTP server never answered; it will not be sent again');
        return false;
      }
      // Not taken by the server: refused, or the connection ended before the final dot.
      if (recording) {
        // The hand-over could not be recorded: the lease was lost (the update changes nothing)
        // or the database is unreachable (the row goes again once its lease runs out). If the
        // update did commit but its answer was lost, this puts the row back while it is ours.
        this.warn({ err: e, outboxId: id }, 'email not handed over (lease lost or database unreachable); the server discarded it');
        await this.retryLater(id, lease, msg.attempts + 1, e).catch(() => undefined);
        return false;
      }
      this.log.error({ err: e, outboxId: id }, 'email delivery failed; will retry');
      await this.retryLater(id, lease, msg.attempts + 1, e);
      return false;
    }
    // Delivered. If marking fails, a 'committing' row is settled as sent after its lease; a
    // transport without the hand-over (the mail folder) finds its file there and writes nothing.
    try {
      const r = await this.whileOurs(id, lease, ['sending', 'committing'])
        .set({ status: 'sent', sent_at: this.clock.now().toISOString(), attempts: msg.attempts + 1, locked_until: null, last_error: null })
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    } catch (e) {
      this.log.error({ err: e, outboxId: id }, 'email delivered but not marked sent; it will not be delivered twice');
      return false;
    }
  }

  /** An update of the row that changes it only while this sender's lease holds. */
  private whileOurs(id: string, lease: string, statuses: ('sending' | 'committing')[]) {
    return this.db.updateTable('outbox').where('id', '=', id).where('locked_until', '=', lease).where('status', 'in', statuses);
  }

  private async retryLater(id: string, lease: string, attempts: number, e: unknown): Promise<void> {
    const backoffMs = Math.min(60 * 60_000, 2 ** attempts * 1000);
    await this.whileOurs(id, lease, ['sending', 'committing'])
      .set({
        status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
        attempts,
        locked_until: null,
        last_error: String((e as Error).message).slice(0, 500),
        next_attempt_at: new Date(this.clock.now().getTime() + backoffMs).toISOString(),
      })
      .execute();
  }

  /**
   * A 'committing' row whose lease ran out: its sender wrote everything but the final dot, recorded
   * that, and died (or lost the connection) before the server's answer. The dot most likely went
   * out; sending again could deliver it twice, so it counts as sent, with a note.
   */
  private async settleUnconfirmed(nowIso: string): Promise<void> {
    const stale = await this.db
      .selectFrom('outbox')
      .select(['id', 'dedupe_key'])
      .where('status', '=', 'committing')
      .where('locked_until', '<', nowIso)
      .execute();
    for (const row of stale) {
      const r = await this.db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: nowIso, locked_until: null, last_error: UNCONFIRMED })
        .where('id', '=', row.id)
        .where('status', '=', 'committing')
        .where('locked_until', '<', nowIso)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) {
        this.warn({ outboxId: row.id, dedupeKey: row.dedupe_key }, 'email handed over to the SMTP server but never confirmed; marked sent, not sent again');
      }
    }
  }

  private warn(obj: unknown, msg: string): void {
    if (this.log.warn) this.log.warn(obj, msg);
    else this.log.error(obj, msg);
  }

  start(intervalMs: number): void {
    const tick = async () => {
      this.running = this.runOnce().catch((e) => this.log.error({ err: e }, 'outbox sender failed'));
      await this.running;
      this.running = null;
      if (this.timer) this.timer = setTimeout(tick, intervalMs);
    };
    this.timer = setTimeout(tick, 50);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
