import { sql } from 'kysely';
import type { Db } from '../db/kysely.js';
import { MailPriority } from './priority.js';

/** Counting due messages stops here, so that /healthz stays cheap whatever the backlog. */
export const DEPTH_COUNTED_UP_TO = 10_000;

export interface OutboxDepth {
  /** Messages due and not yet sent (pending, their time come), counted up to DEPTH_COUNTED_UP_TO. */
  due: number;
  /** How long the longest-waiting due message has been due, in whole seconds; null when none is. */
  oldestDueSeconds: number | null;
}

/**
 * How far mail is behind (docs/operations.md): read from the index outbox_claim (status, priority,
 * next_attempt_at). The count reads at most DEPTH_COUNTED_UP_TO index entries and no rows; the
 * oldest is one index seek per priority.
 */
export async function outboxDepth(db: Db, now: Date): Promise<OutboxDepth> {
  const nowIso = now.toISOString();
  const dueRows = db
    .selectFrom('outbox')
    .select(sql.lit(1).as('one'))
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso)
    .limit(DEPTH_COUNTED_UP_TO)
    .as('due');
  const [count, ...oldest] = await Promise.all([
    db.selectFrom(dueRows).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
    ...Object.values(MailPriority).map((priority) =>
      db
        .selectFrom('outbox')
        .select('next_attempt_at')
        .where('status', '=', 'pending')
        .where('priority', '=', priority)
        .where('next_attempt_at', '<=', nowIso)
        .orderBy('next_attempt_at')
        .limit(1)
        .executeTakeFirst(),
    ),
  ]);
  const since = oldest.map((r) => r?.next_attempt_at).filter((v): v is string => !!v).sort()[0];
  return {
    due: Number(count.n),
    oldestDueSeconds: since ? Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 1000)) : null,
  };
}
