import { sql } from 'kysely';
import type { Db } from '../db/kysely.js';
import type { Clock } from '../clock.js';

/** How many attempts (or how much of something, see `cost`) one subject may make per window. */
export interface RateLimitPolicy {
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Sliding limits in the database, shared by every instance. Used where guessing is possible or
 * where one person could exhaust something shared: sign-in, registration, password reset,
 * confirmation-number look-ups, uploads.
 *
 * "`limit` per `windowMs`" is kept as the generic cell rate algorithm: each attempt adds
 * `windowMs / limit` (times its cost) to the moment the key's allowance is whole again
 * (`drained_at_ms`), and an attempt is refused when that moment would lie more than one window
 * ahead. So at most `limit` pass in any window, the allowance comes back steadily rather than all
 * at once on the clock hour, and a key is one number. A refused attempt adds nothing: a parent
 * who was locked out and tries again is not pushed further back.
 */
export class RateLimiter {
  constructor(
    private db: Db,
    private clock: Clock,
    private policies: Readonly<Record<string, RateLimitPolicy>> = {},
  ) {}

  /** Counts `cost` against the named policy (docs/operations.md lists them) for one subject. */
  async take(policy: string, subject: string, cost = 1): Promise<RateLimitResult> {
    const p = this.policy(policy);
    return this.hit(`${policy}:${subject}`, p.limit, p.windowMs, cost);
  }

  /** Forgets a subject's count, e.g. after a successful sign-in. */
  async clear(policy: string, subject: string): Promise<void> {
    this.policy(policy);
    await this.reset(`${policy}:${subject}`);
  }

  policy(name: string): RateLimitPolicy {
    const p = Object.hasOwn(this.policies, name) ? this.policies[name] : undefined;
    if (!p) throw new Error(`No rate limit named ${name}`);
    return p;
  }

  /** Counts `cost` against `key`; refused once more than `limit` would have passed in the last `windowMs`. */
  async hit(key: string, limit: number, windowMs: number, cost = 1): Promise<RateLimitResult> {
    const now = this.clock.now().getTime();
    const add = (windowMs / limit) * cost;
    const num = (v: number) => sql<number>`cast(${v} as double precision)`;
    // The later of "drained" and now, plus this attempt: allowed while within one window of now.
    const next = sql<number>`(case when rate_limits.drained_at_ms > ${num(now)} then rate_limits.drained_at_ms else ${num(now)} end + ${num(add)})`;
    // A microsecond of slack: limit × (windowMs / limit) may come out a hair above windowMs.
    const fits = sql<boolean>`${next} - ${num(now)} <= ${num(windowMs + 0.001)}`;
    const firstFits = add <= windowMs + 0.001;
    // One atomic statement: concurrent hits on any instance are each counted against the row as
    // the previous one left it.
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, drained_at_ms: firstFits ? now + add : now, allowed: firstFits ? 1 : 0 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          drained_at_ms: sql<number>`case when ${fits} then ${next} else rate_limits.drained_at_ms end`,
          allowed: sql<number>`case when ${fits} then 1 else 0 end`,
        }),
      )
      .returning(['drained_at_ms', 'allowed'])
      .executeTakeFirstOrThrow();
    const allowed = Number(row.allowed) === 1;
    // Refused: the next single attempt fits once the allowance has drained by one step.
    const waitMs = allowed ? 0 : Number(row.drained_at_ms) + windowMs / limit - windowMs - now;
    return { allowed, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Would `cost` fit now? Reads, counts nothing: to tell a parent before an upload is read. */
  async peek(key: string, limit: number, windowMs: number, cost = 1): Promise<boolean> {
    const now = this.clock.now().getTime();
    const row = await this.db.selectFrom('rate_limits').select('drained_at_ms').where('key', '=', key).executeTakeFirst();
    const drained = row ? Math.max(Number(row.drained_at_ms), now) : now;
    return drained + (windowMs / limit) * cost - now <= windowMs + 0.001;
  }

  /** Gives back `cost` counted for something that then did not happen (an upload the store refused). */
  async refund(key: string, limit: number, windowMs: number, cost: number): Promise<void> {
    const now = this.clock.now().getTime();
    const back = (windowMs / limit) * cost;
    // Never below now: what was given back cannot become credit for later.
    await this.db
      .updateTable('rate_limits')
      .set({ drained_at_ms: sql<number>`case when rate_limits.drained_at_ms - cast(${back} as double precision) > cast(${now} as double precision) then rate_limits.drained_at_ms - cast(${back} as double precision) else cast(${now} as double precision) end` })
      .where('key', '=', key)
      .execute();
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }

  /** Keys whose allowance is whole again: they count as nothing, so they need no row. */
  async purgeStale(): Promise<number> {
    const res = await this.db.deleteFrom('rate_limits').where('drained_at_ms', '<', this.clock.now().getTime()).executeTakeFirst();
    return Number(res.numDeletedRows ?? 0);
  }
}
