import { EventEmitter } from 'node:events';
import type { Kysely, TransactionBuilder } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * The outbox's doorbell: an email written into the outbox wakes this process's sender at once,
 * rather than at its next poll (docs/adr/0021). Only a wake-up: what the sender sends is what its
 * claim finds in the database, so a ring too early, too often or for nothing does no harm, and
 * messages written by other instances are still found by the poll.
 *
 * The outbox row is written inside the caller's transaction, and a sender woken before that
 * transaction commits would not see it (on PostgreSQL its claim runs on another connection). So
 * the ring waits for the commit: `ringsAfterCommit` makes a database's transactions ring, after
 * they commit, for the emails written in them. A rolled-back transaction does not ring.
 */
const bell = new EventEmitter();
bell.setMaxListeners(0);

/** Calls `listener` whenever an email was written into the outbox and committed; returns how to stop. */
export function onOutboxRing(listener: () => void): () => void {
  bell.on('ring', listener);
  return () => bell.off('ring', listener);
}

const ring = () => bell.emit('ring');

/** Transactions of a watched database, each with the one thing to do after its commit. */
const ringAfter = new WeakMap<object, () => void>();

/**
 * Called by `enqueueEmail` once its row is written through `db` (a transaction or not): rings now
 * when the row is already committed, after the commit when it is inside a watched transaction.
 * A transaction of an unwatched database rings now; its row may not be visible yet, in which case
 * the poll sends it.
 */
export function ringForEmail(db: Kysely<Database>): void {
  const later = ringAfter.get(db);
  if (later) later();
  else ring();
}

const WATCHED = Symbol('rings after commit');

/**
 * Makes `db.transaction().execute(…)` ring the outbox's bell after its commit when an email was
 * written in it. Changes this object only (not copies made from it with `withPlugin` and the like,
 * whose transactions then ring at once, as `ringForEmail` says). Idempotent.
 */
export function ringsAfterCommit(db: Kysely<Database>): void {
  const target = db as Kysely<Database> & { [WATCHED]?: true };
  if (target[WATCHED]) return;
  target[WATCHED] = true;
  const original = db.transaction.bind(db);
  db.transaction = () => watched(original());
}

function watched(builder: TransactionBuilder<Database>): TransactionBuilder<Database> {
  return new Proxy(builder, {
    get(target, prop, receiver) {
      if (prop === 'execute') {
        return async <T>(callback: (trx: Parameters<Parameters<TransactionBuilder<Database>['execute']>[0]>[0]) => Promise<T>): Promise<T> => {
          let emailed = false;
          const result = await target.execute((trx) => {
            ringAfter.set(trx, () => {
              emailed = true;
            });
            return callback(trx);
          });
          // Committed: the rows are visible to every connection now.
          if (emailed) ring();
          return result;
        };
      }
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      // setIsolationLevel() and setAccessMode() answer a new builder: it rings too.
      return (...args: unknown[]) => {
        const out = (value as (...a: unknown[]) => unknown).apply(target, args);
        return out && typeof out === 'object' && 'execute' in out ? watched(out as TransactionBuilder<Database>) : out;
      };
    },
  });
}
