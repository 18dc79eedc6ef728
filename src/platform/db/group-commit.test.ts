import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DbHandle } from './kysely.js';
import { GroupCommitWriter } from './group-commit.js';

let handle: DbHandle;
afterEach(async () => handle?.close());

async function setup() {
  handle = openDatabase('sqlite::memory:');
  await sql`create table t (id integer primary key, v text not null unique)`.execute(handle.db);
  return new GroupCommitWriter(handle.db);
}
/** Counts the transactions the writer opens: one each commit. */
function countCommits(): { n: number } {
  const count = { n: 0 };
  const original = handle.db.transaction.bind(handle.db);
  (handle.db as { transaction: typeof original }).transaction = () => {
    count.n++;
    return original();
  };
  return count;
}
const rows = async () => (await sql<{ v: string }>`select v from t order by id`.execute(handle.db)).rows.map((r) => r.v);

describe('group commit', () => {
  it('units arriving together share commits, each answered after its commit', async () => {
    const w = await setup();
    const commits = countCommits();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => w.run(async (trx) => {
      await sql`insert into t (v) values (${`v${i}`})`.execute(trx);
      return i;
    })));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await rows()).toHaveLength(20);
    // The first unit starts alone; the other 19 arrive while it runs and share the next commit.
    expect(commits.n).toBeLessThanOrEqual(3);
  });

  it('units arriving in separate event-loop callbacks, as requests do, still share a commit', async () => {
    // better-sqlite3 blocks the event loop for a whole transaction, so without the writer's
    // turn of the loop each request here would commit alone (20 commits, 20 fsyncs).
    const w = await setup();
    const commits = countCommits();
    const arrivals = Array.from({ length: 20 }, (_, i) => new Promise<number>((resolve, reject) => {
      setImmediate(() => {
        w.run(async (trx) => {
          await sql`insert into t (v) values (${`r${i}`})`.execute(trx);
          return i;
        }).then(resolve, reject);
      });
    }));
    expect(await Promise.all(arrivals)).toHaveLength(20);
    expect(await rows()).toHaveLength(20);
    expect(commits.n).toBeLessThanOrEqual(2);
  });

  it('a failing unit is rolled back alone: its caller gets its error, the others are kept', async () => {
    const w = await setup();
    const outcomes = await Promise.allSettled([
      w.run((trx) => sql`insert into t (v) values ('a')`.execute(trx)),
      w.run(async (trx) => {
        await sql`insert into t (v) values ('half')`.execute(trx);
        await sql`insert into t (v) values ('a')`.execute(trx); // unique violation
      }),
      w.run((trx) => sql`insert into t (v) values ('b')`.execute(trx)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await rows()).toEqual(['a', 'b']);
  });
});
