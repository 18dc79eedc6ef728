import { CompiledQuery, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { Db, DbHandle } from './kysely.js';
import type { WalSync } from './wal-sync.js';

/**
 * Runs a unit of work in a transaction; the work must use only the transaction it is given.
 *
 * The writer (`deps.writer.run`) or a plain transaction (`db.transaction().execute`)? The one rule
 * (ADR 0015):
 *
 * - The writer, for a unit on a path whose traffic grows with the families — a parent's or the
 *   public's form (registering, activating, setting a password, a new request, a report, a
 *   withdrawal), a change of a school's roll (an enrollment, an exit: its traffic grows with the
 *   students, hundreds a second in a large district's first days of the year), and the small
 *   writes every request makes (the idempotency key, a staff page's audit line, the outbox's
 *   records on SQLite) — when the unit touches only the database between its BEGIN and COMMIT
 *   and holds no lock beyond its own statements. On SQLite the units of the
 *   moment share one commit (one fsync); on PostgreSQL it is a plain transaction.
 * - A plain transaction for everything else: the staff office's actions (few people; longer units
 *   with seats, letters and audit lines), background steps (sweeps, the storage janitor: nobody
 *   waits on their commit, and a long step must not hold back a batch of confirmations),
 *   start-up and imports (large), and any unit that awaits something other than its own
 *   statements (a stored file, a hash, the network) or holds a lock across them (an upload checks
 *   its stored files under the blob lock): in a batch it would hold up every other unit.
 * - Never one inside the other: work already in a transaction or a unit writes with the `trx` it
 *   was given (a unit inside a unit waits for itself).
 */
export interface Writer {
  /**
   * Runs the unit; answers once it is committed and on disk. With `{ durable: false }`, once it is
   * committed (seen by every other request), maybe before it is on disk: only for a write whose
   * loss in a power cut would confirm nothing to anyone — a form's idempotency claim, which what
   * the form then writes and confirms puts on disk before it (the log is written in order).
   */
  run<T>(work: (trx: Transaction<Database>) => Promise<T>, opts?: RunOptions): Promise<T>;
  /**
   * Resolves once every unit already committed is on disk. A unit's own caller never needs it
   * (`run` answers after that); a request that reports what another one wrote (a retried form's
   * answer) awaits it first.
   */
  settled(): Promise<void>;
}

export interface RunOptions {
  durable?: boolean;
}

/** One transaction per unit of work: PostgreSQL already shares WAL flushes between commits. */
export class DirectWriter implements Writer {
  constructor(private db: Db) {}
  run<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }
  settled(): Promise<void> {
    return Promise.resolve();
  }
}

interface Pending {
  work: (trx: Transaction<Database>) => Promise<unknown>;
  durable: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Most units of work in one commit: enough to share the fsync, few enough to keep latency low. */
const MAX_BATCH = 64;

/**
 * Group commit for SQLite. With `synchronous = FULL`, each commit waits for the disk (an fsync),
 * and one connection commits one transaction at a time: that wait, not the CPU, bounds how many
 * applications a second can be confirmed. Here the units of work that arrive while a commit is
 * on the disk wait for the next one, and then all go in one transaction, each inside its own
 * savepoint: a unit that fails is rolled back alone and its caller gets its error; the others
 * commit together, and none of their callers hears "done" before the commit is on disk.
 *
 * better-sqlite3 is synchronous: while a commit waits for the disk, the event loop waits too,
 * so nothing "arrives while a commit runs". Before each batch the writer therefore lets the
 * event loop turn once (setImmediate runs right after the poll for I/O): every request whose
 * bytes came in meanwhile reaches its write and joins the batch. On a quiet system that turn
 * costs microseconds; under load it turns one fsync per unit into one per batch.
 *
 * For a database file (`wal`), the fsync itself leaves the main thread too (ADR 0045): the batch
 * commits with `synchronous = NORMAL` (SQLite writes the log without waiting for the disk), and
 * its callers are answered when `WalSync` has put the log on disk from the thread pool; the next
 * batch runs meanwhile. The connection is held from the first pragma to the last, so no other
 * transaction ever commits with NORMAL: everything else keeps FULL.
 */
export class GroupCommitWriter implements Writer {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private db: Db,
    private wal?: WalSync,
  ) {}

  settled(): Promise<void> {
    return this.wal ? this.wal.settled() : Promise.resolve();
  }

  run<T>(work: (trx: Transaction<Database>) => Promise<T>, opts: RunOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, durable: opts.durable !== false, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.queue.splice(0, MAX_BATCH);
        const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
        const units = async (trx: Transaction<Database>) => {
          for (let i = 0; i < batch.length; i++) {
            const sp = SAVEPOINTS[i];
            await trx.executeQuery(sp.begin);
            try {
              const value = await batch[i].work(trx);
              await trx.executeQuery(sp.release);
              outcomes.push({ ok: true, value });
            } catch (error) {
              await trx.executeQuery(sp.rollback);
              await trx.executeQuery(sp.release);
              outcomes.push({ ok: false, error });
            }
          }
        };
        try {
          if (this.wal) await this.db.connection().execute(async (c) => {
            for (const q of BATCH_SETTINGS) await c.executeQuery(q);
            try {
              await c.transaction().execute(units);
            } finally {
              for (const q of USUAL_SETTINGS) await c.executeQuery(q);
            }
          });
          else await this.db.transaction().execute(units);
        } catch (error) {
          // The commit itself failed (disk full, I/O error): nothing of the batch was kept.
          for (const p of batch) p.reject(error);
          continue;
        }
        // A unit that failed on its own keeps its error; the others hear of the disk's.
        const answer = (durable: boolean, syncError?: unknown) => batch.forEach((p, i) => {
          if (p.durable !== durable) return;
          const o = outcomes[i];
          if (!o.ok) p.reject(o.error);
          else if (syncError) p.reject(syncError);
          else p.resolve(o.value);
        });
        answer(false);
        // The durable ones once on disk; the loop goes on to the next batch while the log is synced.
        if (!this.wal) answer(true);
        else if (batch.some((p) => p.durable)) this.wal.committed().then(() => answer(true), (error: Error) => answer(true, error));
        else this.wal.wrote();
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** A unit's savepoint statements, written once for each place in a batch (every form post runs two or three units). */
const SAVEPOINTS = Array.from({ length: MAX_BATCH }, (_, i) => ({
  begin: CompiledQuery.raw(`savepoint unit_${i}`),
  release: CompiledQuery.raw(`release savepoint unit_${i}`),
  rollback: CompiledQuery.raw(`rollback to savepoint unit_${i}`),
}));

/**
 * A batch's settings on a database file, and the connection's usual ones restored after it:
 * - its log is synced by WalSync (NORMAL), everything else's by SQLite at its commit (FULL);
 * - its savepoints' journal (each unit's pages as they were, to roll a failed unit back alone)
 *   stays in memory: past 64 KiB SQLite would write it to a temporary file, one more write for
 *   each page a unit changes, on the main thread. A batch's journal is a few megabytes at most;
 *   the rest of the app keeps temporary storage on disk (large sorts).
 */
const BATCH_SETTINGS = [CompiledQuery.raw('pragma synchronous = NORMAL'), CompiledQuery.raw('pragma temp_store = MEMORY')];
const USUAL_SETTINGS = [CompiledQuery.raw('pragma synchronous = FULL'), CompiledQuery.raw('pragma temp_store = DEFAULT')];

export const openWriter = (handle: Pick<DbHandle, 'db' | 'dialect' | 'walSync'>): Writer =>
  handle.dialect === 'sqlite' ? new GroupCommitWriter(handle.db, handle.walSync) : new DirectWriter(handle.db);
