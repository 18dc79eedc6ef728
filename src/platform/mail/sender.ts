import type { Db } from '../db/kysely.js';
import type { Clock } from '../clock.js';
import type { MailTransport } from './transport.js';

const LOCK_MS = 60_000;
const MAX_ATTEMPTS = 12;

/**
 * Delivers outbox messages with retries and back-off. Each message is claimed with a
 * conditional UPDATE, so several instances can run the sender at once without sending
 * a message twice.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private db: Db,
    private transport: MailTransport,
    private clock: Clock,
    private from: string,
    private log: { error(obj: unknown, msg?: string): void } = console,
  ) {}

  /** Sends what is due now; returns how many were sent. */
  async runOnce(limit = 20): Promise<number> {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const due = await this.db
      .selectFrom('outbox')
      .select(['id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]),
          eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', nowIso)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    let sent = 0;
    for (const { id } of due) {
      const lockedUntil = new Date(now.getTime() + LOCK_MS).toISOString();
      const claim = await this.db
        .updateTable('outbox')
        .set({ status: 'sending', locked_until: lockedUntil })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', nowIso)])]),
        )
        .executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) continue; // another instance has it
      const msg = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      try {
        await this.transport.send({
          messageId: msg.dedupe_key,
          from: this.from,
          to: msg.to_address,
          subject: msg.subject,
          text: msg.text_body,
          html: msg.html_body,
        });
      } catch (e) {
        const attempts = msg.attempts + 1;
        const backoffMs = Math.min(60 * 60_000, 2 ** attempts * 1000);
        await this.db
          .updateTable('outbox')
          .set({
            status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
            attempts,
            locked_until: null,
            last_error: String((e as Error).message).slice(0, 500),
            next_attempt_at: new Date(this.clock.now().getTime() + backoffMs).toISOString(),
          })
          .where('id', '=', id)
          .execute();
        this.log.error({ err: e, outboxId: id }, 'email delivery failed; will retry');
        continue;
      }
      // Sent. If marking fails (the database is restarting), the claim runs out and the message
      // goes again with the same Message-ID, which mail systems use to drop the copy: SMTP has no
      // way to ask "did you already take this one?", so at-least-once is the honest promise.
      try {
        await this.db
          .updateTable('outbox')
          .set({ status: 'sent', sent_at: this.clock.now().toISOString(), attempts: msg.attempts + 1, locked_until: null, last_error: null })
          .where('id', '=', id)
          .execute();
        sent++;
      } catch (e) {
        this.log.error({ err: e, outboxId: id }, 'email sent but not marked; it will be sent again with the same Message-ID');
      }
    }
    return sent;
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
