import type { ExpressionBuilder, Kysely, Selectable, Transaction } from 'kysely';
import type { Database, OutboxTable } from '../db/schema.js';
import type { Db } from '../db/kysely.js';
import type { Writer } from '../db/group-commit.js';
import type { Clock } from '../clock.js';
import { MailInDoubt, type MailTransport } from './transport.js';
import { serverUnreachable } from './smtp-transport.js';
import { onOutboxRing } from './bell.js';

const LOCK_MS = 60_000;
const MAX_ATTEMPTS = 12;
/** A permanent refusal (5xx: no such mailbox, say) is tried this many times, not twelve. */
const MAX_ATTEMPTS_REFUSED = 3;

/** `last_error` of a message whose sender died between handing it over and hearing back. */
export const UNCONFIRMED =
  'handed over to the SMTP server (all but the final dot was sent after recording it), but no answer came: counted as sent, not confirmed';

export interface SenderLog {
  error(obj: unknown, msg?: string): void;
  /** Without it, warnings go to `error`. */
  warn?(obj: unknown, msg?: string): void;
}

export interface SenderOptions {
  /** Messages in flight at once (MAIL_CONCURRENCY); give the SMTP transport as many connections. Default 5. */
  concurrency?: number;
  /**
   * The app's writer (`deps.writer`): each message's records (the hand-over, then sent or the
   * retry) go through it, so on SQLite the records of the messages in flight share one durable
   * commit (docs/adr/0015) instead of one fsync each. Each record is still durable before the
   * step that depends on it (the final dot waits for the hand-over's commit), and each stays a
   * conditional update of its own row under its lease (docs/adr/0021). Without it, each record
   * commits on its own, as on PostgreSQL, where a single statement needs no transaction around it.
   */
  writer?: Writer;
}

type Q = Kysely<Database> | Transaction<Database>;

/**
 * The two ways a row is claimable: due and unclaimed, or claimed by a sender whose lease ran out
 * before it handed the message over. The due list reads each with its own index-served query;
 * the claim itself re-checks both (`claimable`), so a row taken meanwhile is not taken twice.
 */
const pendingDue = (eb: ExpressionBuilder<Database, 'outbox'>, atIso: string) =>
  eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', atIso)]);
const leaseRanOut = (eb: ExpressionBuilder<Database, 'outbox'>, atIso: string) =>
  eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', atIso)]);
const claimable = (eb: ExpressionBuilder<Database, 'outbox'>, atIso: string) => eb.or([pendingDue(eb, atIso), leaseRanOut(eb, atIso)]);

/**
 * The due and unclaimed messages, most urgent first, then by the time they fell due: read in the
 * order of the index outbox_claim (status, priority, next_attempt_at; migration 0013).
 */
export const dueList = (db: Db, atIso: string, n: number) =>
  db.selectFrom('outbox').select(['id', 'priority', 'next_attempt_at']).where((eb) => pendingDue(eb, atIso)).orderBy('priority').orderBy('next_attempt_at').limit(n);

type Outcome = 'sent' | 'not sent' | 'server unreachable';

/** What a sender needs of a message, read back by the claim itself (RETURNING). */
const CLAIMED = ['id', 'dedupe_key', 'to_address', 'subject', 'text_body', 'html_body', 'attempts'] as const;
type Claimed = Pick<Selectable<OutboxTable>, (typeof CLAIMED)[number]>;

/**
 * Delivers outbox messages with retries and back-off, several at once, never handing one to the
 * SMTP server twice.
 *
 * A row goes pending → sending (claimed with a conditional UPDATE and a 60 s lease, so several
 * instances can run the sender at once) → committing (recorded, still under the lease, before
 * the SMTP transport writes the final dot that makes the server take the message) → sent.
 * A 'sending' row whose lease ran out was never taken by the server (no dot), so it goes again.
 * A 'committing' row is never sent again: when its lease runs out, its sender died before it
 * heard the answer, and the row is marked sent with UNCONFIRMED (docs/adr/0014).
 *
 * Parallel (docs/adr/0021): up to `concurrency` messages are in flight, each its own claim, its
 * own hand-over and its own connection of the transport's pool. The sender claims as many as it
 * has free places, most urgent first (priority, then the time each fell due), so a claimed
 * message starts at once and its lease is not spent waiting behind the others; it claims again
 * as places free up, until nothing is due. An email written in this process wakes it
 * (`onOutboxRing`), during a run too: it is claimed in the first free place, not behind the run's
 * slowest message; it also polls, for the emails of other instances and for retries.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private intervalMs = 2000;
  private unsubscribe: (() => void) | null = null;
  /** Until when (process time) a ring does not start a run: the server was just found unreachable. */
  private quietUntil = 0;
  private concurrency: number;
  private writer: Writer | null;
  /** An email rang while a run was going on: the run claims again as soon as it has a free place. */
  private rangDuringRun = false;
  /** Wakes a run waiting for a message in flight to end, when a ring gives it something to claim. */
  private nudge: (() => void) | null = null;

  constructor(
    private db: Db,
    private transport: MailTransport,
    private clock: Clock,
    private from: string,
    private log: SenderLog = console,
    opts: SenderOptions = {},
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? 5);
    this.writer = opts.writer ?? null;
  }

  /** One record of one message: through the writer (sharing its commit) when there is one. */
  private record<T>(work: (q: Q) => Promise<T>): Promise<T> {
    return this.writer ? this.writer.run((trx) => work(trx)) : work(this.db);
  }

  /** Sends what is due now, up to `limit` messages, `concurrency` at a time; returns how many this call delivered. */
  async runOnce(limit = 500): Promise<number> {
    return (await this.run(limit)).sent;
  }

  private async run(limit: number): Promise<{ sent: number; claimed: number; unreachable: boolean }> {
    await this.settleUnconfirmed(this.clock.now().toISOString());
    let sent = 0;
    let claimed = 0;
    let more = true;
    let unreachable = false;
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      const free = Math.min(this.concurrency - inFlight.size, limit - claimed);
      // An email that came during this run is claimed in the first free place, not after the run.
      if (this.rangDuringRun) {
        this.rangDuringRun = false;
        more = true;
      }
      if (more && !unreachable && free > 0) {
        // A claim that fails (the database unreachable) ends the run once the messages in flight
        // have ended, so that a next run never adds to them beyond `concurrency`.
        const batch = await this.claim(free).catch((e: unknown) => {
          this.log.error({ err: e }, 'outbox claim failed');
          return { rows: [], more: false };
        });
        more = batch.more;
        claimed += batch.rows.length;
        for (const { id, lease, msg } of batch.rows) {
          const p: Promise<void> = this.deliver(msg, lease)
            .then((outcome) => {
              if (outcome === 'sent') sent++;
              // Every connection would fail alike: the rest waits for the next run.
              if (outcome === 'server unreachable') unreachable = true;
            })
            .catch((e: unknown) => this.log.error({ err: e, outboxId: id }, 'email delivery step failed'))
            .finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        if (batch.rows.length > 0 || more) continue;
      }
      if (inFlight.size === 0) break;
      // Wait for a place to free up, or for a ring when a place is already free.
      const rung = new Promise<void>((resolve) => {
        this.nudge = inFlight.size < this.concurrency && claimed < limit && !unreachable ? resolve : null;
      });
      await Promise.race([...inFlight, rung]);
      this.nudge = null;
    }
    return { sent, claimed, unreachable };
  }

  /**
   * Claims up to `n` due messages, most urgent first, under one lease. `more` when there may be
   * others due: the due list was full, or another instance took some of it meanwhile.
   */
  private async claim(n: number): Promise<{ rows: { id: string; lease: string; msg: Claimed }[]; more: boolean }> {
    // The lease is told apart by its end: a claim is taken only after the previous one ended,
    // so its end is later. Taken at the time of the claim, not of the run.
    const at = this.clock.now();
    const atIso = at.toISOString();
    const lease = new Date(at.getTime() + LOCK_MS).toISOString();
    const [pending, abandoned] = await Promise.all([
      dueList(this.db, atIso, n).execute(),
      // Few: only rows whose sender died with them (outbox_claim's status, then a filter on the lease).
      this.db.selectFrom('outbox').select(['id', 'priority', 'next_attempt_at']).where((eb) => leaseRanOut(eb, atIso)).orderBy('priority').orderBy('next_attempt_at').limit(n).execute(),
    ]);
    const due = [...abandoned, ...pending]
      .sort((a, b) => a.priority - b.priority || (a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : 0))
      .slice(0, n);
    if (due.length === 0) return { rows: [], more: false };
    const taken = await this.db
      .updateTable('outbox')
      .set({ status: 'sending', locked_until: lease })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .where((eb) => claimable(eb, atIso))
      .returning(CLAIMED)
      .execute();
    const order = new Map(due.map((d, i) => [d.id, i]));
    const rows = taken.map((msg) => ({ id: msg.id, lease, msg })).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return { rows, more: pending.length === n || abandoned.length === n || rows.length < due.length };
  }

  /** One claimed message: 'sent' when the server confirmed it and the row says so. */
  private async deliver(msg: Claimed, lease: string): Promise<Outcome> {
    const id = msg.id;
    let recording = false;
    const handOver = async () => {
      recording = true;
      const r = await this.record((q) => this.whileOurs(q, id, lease, ['sending']).set({ status: 'committing' }).executeTakeFirst());
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
        return 'not sent';
      }
      // Not taken by the server: refused, or the connection ended before the final dot.
      if (recording) {
        // The hand-over could not be recorded: the lease was lost (the update changes nothing)
        // or the database is unreachable (the row goes again once its lease runs out). If the
        // update did commit but its answer was lost, this puts the row back while it is ours.
        this.warn({ err: e, outboxId: id }, 'email not handed over (lease lost or database unreachable); the server discarded it');
        await this.retryLater(id, lease, msg.attempts + 1, e).catch(() => undefined);
        return 'not sent';
      }
      this.log.error({ err: e, outboxId: id }, 'email delivery failed; will retry');
      await this.retryLater(id, lease, msg.attempts + 1, e);
      return serverUnreachable(e) ? 'server unreachable' : 'not sent';
    }
    // Delivered. If marking fails, a 'committing' row is settled as sent after its lease; a
    // transport without the hand-over (the mail folder) finds its file there and writes nothing.
    try {
      const r = await this.record((q) =>
        this.whileOurs(q, id, lease, ['sending', 'committing'])
          .set({ status: 'sent', sent_at: this.clock.now().toISOString(), attempts: msg.attempts + 1, locked_until: null, last_error: null })
          .executeTakeFirst(),
      );
      return Number(r.numUpdatedRows) === 1 ? 'sent' : 'not sent';
    } catch (e) {
      this.log.error({ err: e, outboxId: id }, 'email delivered but not marked sent; it will not be delivered twice');
      return 'not sent';
    }
  }

  /** An update of the row that changes it only while this sender's lease holds. */
  private whileOurs(q: Q, id: string, lease: string, statuses: ('sending' | 'committing')[]) {
    return q.updateTable('outbox').where('id', '=', id).where('locked_until', '=', lease).where('status', 'in', statuses);
  }

  /**
   * Back to 'pending' with back-off (2 s, 4 s, … up to an hour), or 'failed' with the reason kept
   * in `last_error`: after 12 attempts, or after 3 when the server refused it for good (a 5xx
   * answer, such as an address that does not exist).
   */
  private async retryLater(id: string, lease: string, attempts: number, e: unknown): Promise<void> {
    const backoffMs = Math.min(60 * 60_000, 2 ** attempts * 1000);
    const code = (e as { responseCode?: unknown } | null)?.responseCode;
    const maxAttempts = typeof code === 'number' && code >= 500 ? MAX_ATTEMPTS_REFUSED : MAX_ATTEMPTS;
    await this.record((q) =>
      this.whileOurs(q, id, lease, ['sending', 'committing'])
        .set({
          status: attempts >= maxAttempts ? 'failed' : 'pending',
          attempts,
          locked_until: null,
          last_error: String((e as Error).message).slice(0, 500),
          next_attempt_at: new Date(this.clock.now().getTime() + backoffMs).toISOString(),
        })
        .execute(),
    );
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

  /**
   * Runs in the background: every `intervalMs` once idle, and at once when an email is written in
   * this process (after its transaction commits). A run that finds a full batch goes straight on.
   */
  start(intervalMs: number): void {
    this.stopped = false;
    this.intervalMs = intervalMs;
    this.unsubscribe = onOutboxRing(() => {
      // The server was just found unreachable: the poll tries again, not every new email.
      if (performance.now() < this.quietUntil) return;
      this.wake();
    });
    this.timer = setTimeout(() => this.wake(), 50);
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true; // something may have come after this run's last claim
      this.rangDuringRun = true;
      this.nudge?.();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const limit = 500;
    this.running = (async () => {
      do {
        this.again = false;
        try {
          const r = await this.run(limit);
          if (r.unreachable) this.quietUntil = performance.now() + this.intervalMs;
          else if (r.claimed >= limit) this.again = true;
        } catch (e) {
          this.log.error({ err: e }, 'outbox sender failed');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
      if (this.stopped) return;
      // A ring between the loop's last check and here found a run going on and only set `again`:
      // it starts the next run now, or its email would wait for the poll.
      if (this.again) this.wake();
      else this.timer = setTimeout(() => this.wake(), this.intervalMs);
    });
  }

  /** Resolves once no run is going on (a run started by a ring or the poll has finished). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.transport.close?.();
  }
}
