import type { Db } from '../db/kysely.js';
import type { Clock } from '../clock.js';

/**
 * Fixed-window counters in the database, shared by every instance. Used where guessing
 * is possible: sign-in, registration, password reset, confirmation-number look-ups.
 */
export class RateLimiter {
  constructor(private db: Db, private clock: Clock) {}

  /** Counts one attempt against `key`; `allowed` is false once `limit` is passed in the window. */
  async hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const now = this.clock.now();
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs).toISOString();
    const retryAfterSeconds = Math.ceil((new Date(windowStart).getTime() + windowMs - now.getTime()) / 1000);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('rate_limits').selectAll().where('key', '=', key).executeTakeFirst();
      if (!row) {
        await trx
          .insertInto('rate_limits')
          .values({ key, window_start: windowStart, count: 1 })
          .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ count: eb('rate_limits.count', '+', 1) })))
          .execute();
        return { allowed: true, retryAfterSeconds };
      }
      if (row.window_start !== windowStart) {
        await trx.updateTable('rate_limits').set({ window_start: windowStart, count: 1 }).where('key', '=', key).execute();
        return { allowed: true, retryAfterSeconds };
      }
      await trx.updateTable('rate_limits').set((eb) => ({ count: eb('count', '+', 1) })).where('key', '=', key).execute();
      return { allowed: row.count + 1 <= limit, retryAfterSeconds };
    });
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }
}
