import { sql } from 'kysely';
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
    // One atomic statement: concurrent hits on any instance are all counted.
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, window_start: windowStart, count: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql<number>`case when rate_limits.window_start = excluded.window_start then rate_limits.count + 1 else 1 end`,
          window_start: sql<string>`excluded.window_start`,
        }),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    return { allowed: Number(row.count) <= limit, retryAfterSeconds };
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }
}
