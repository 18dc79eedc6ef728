import { afterEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type DbHandle } from './kysely.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

let handle: DbHandle;
afterEach(async () => handle?.close());

/** A scratch table, reached through the app's typed database as the attendance tables are. */
async function setup(): Promise<Kysely<Database>> {
  handle = openDatabase('sqlite::memory:');
  await sql`create table t (k text primary key, n integer not null, note text)`.execute(handle.db);
  return handle.db;
}
type Row = { k: string; n: number; note: string | null };
const t = (db: Kysely<Database>) => db as unknown as Kysely<{ t: Row }>;

describe('prepared queries', () => {
  it('builds a query once and runs it with each call\'s own values, nulls included', async () => {
    const db = await setup();
    let builds = 0;
    const insert = prepared((d, p: Row) => {
      builds++;
      return t(d).insertInto('t').values({ k: p.k, n: p.n, note: p.note });
    });
    const read = prepared((d, p: { min: number }) => t(d).selectFrom('t').select(['k', 'n', 'note']).where('n', '>=', p.min).orderBy('k'));
    await insert(db, { k: 'a', n: 1, note: 'first' });
    await insert(db, { k: 'b', n: 5, note: null });
    await db.transaction().execute((trx) => insert(trx, { k: 'c', n: 9, note: 'in a transaction' }));
    expect(builds).toBe(1);
    expect((await read(db, { min: 5 })).rows).toEqual([{ k: 'b', n: 5, note: null }, { k: 'c', n: 9, note: 'in a transaction' }]);
    expect((await read(db, { min: 2 })).rows.map((r) => r.k)).toEqual(['b', 'c']);
  });

  it('keeps the constants written in the query among the values given', async () => {
    const db = await setup();
    await sql`insert into t (k, n, note) values ('a', 1, null), ('b', 2, 'kept'), ('c', 3, 'kept')`.execute(db);
    const kept = prepared((d, p: { max: number }) => t(d).selectFrom('t').select('k').where('note', '=', 'kept').where('n', '<=', p.max).limit(1));
    expect((await kept(db, { max: 3 })).rows).toEqual([{ k: 'b' }]);
    expect((await kept(db, { max: 1 })).rows).toEqual([]);
  });

  it('builds each variant of a query\'s shape once, each shape its own SQL', async () => {
    const db = await setup();
    await sql`insert into t (k, n, note) values ('a', 1, 'x')`.execute(db);
    const shapes: string[] = [];
    const set = prepared((d, p: { k: string; n?: number; note?: string }, variant) => {
      shapes.push(variant);
      return t(d).updateTable('t').set(variant === 'n' ? { n: p.n! } : { note: p.note! }).where('k', '=', p.k).returningAll();
    });
    expect((await set(db, { k: 'a', n: 7 }, 'n')).rows).toEqual([{ k: 'a', n: 7, note: 'x' }]);
    expect((await set(db, { k: 'a', note: 'y' }, 'note')).rows).toEqual([{ k: 'a', n: 7, note: 'y' }]);
    expect((await set(db, { k: 'a', n: 8 }, 'n')).rows).toEqual([{ k: 'a', n: 8, note: 'y' }]);
    expect(shapes).toEqual(['n', 'note']);
  });

  it('refuses to run without a value it needs rather than binding nothing', async () => {
    const db = await setup();
    const read = prepared((d, p: { k: string }) => t(d).selectFrom('t').select('n').where('k', '=', p.k));
    await expect(read(db, {} as { k: string })).rejects.toThrow(/no value for k/);
  });
});
