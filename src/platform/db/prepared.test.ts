import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('inside a transaction, answers as Kysely would, straight on the connection: what it wrote is seen by the transaction and undone with it', async () => {
    const db = await setup();
    const insert = prepared((d, p: Row) => t(d).insertInto('t').values({ k: p.k, n: p.n, note: p.note }));
    const bump = prepared((d, p: { min: number }) => t(d).updateTable('t').set((eb) => ({ n: eb('n', '+', 1) })).where('n', '>=', p.min));
    const read = prepared((d, p: { min: number }) => t(d).selectFrom('t').select(['k', 'n']).where('n', '>=', p.min).orderBy('k'));
    const outside = await insert(db, { k: 'a', n: 1, note: null });
    expect(outside.numAffectedRows).toBe(1n);
    await db.transaction().execute(async (trx) => {
      const throughKysely = vi.spyOn(trx, 'executeQuery');
      const inserted = await insert(trx, { k: 'b', n: 2, note: null });
      expect(inserted).toEqual({ numAffectedRows: 1n, insertId: 2n, rows: [] });
      expect(await bump(trx, { min: 1 })).toMatchObject({ numAffectedRows: 2n, rows: [] });
      expect((await read(trx, { min: 0 })).rows).toEqual([{ k: 'a', n: 2 }, { k: 'b', n: 3 }]);
      expect(throughKysely).not.toHaveBeenCalled();
    });
    await expect(db.transaction().execute(async (trx) => {
      await insert(trx, { k: 'c', n: 9, note: null });
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    expect((await read(db, { min: 0 })).rows).toEqual([{ k: 'a', n: 2 }, { k: 'b', n: 3 }]);
  });

  it('outside a transaction, waits for the connection: never runs inside another request\'s open transaction', async () => {
    const db = await setup();
    const read = prepared((d, p: { min: number }) => t(d).selectFrom('t').select('k').where('n', '>=', p.min));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let began!: () => void;
    const open = new Promise<void>((r) => (began = r));
    const other = db.transaction().execute(async (trx) => {
      await sql`insert into t (k, n) values ('uncommitted', 1)`.execute(trx);
      began();
      await held;
      throw new Error('rolled back');
    });
    await open;
    const seen = read(db, { min: 0 });
    let answered = false;
    void seen.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    release();
    await expect(other).rejects.toThrow('rolled back');
    expect((await seen).rows).toEqual([]);
  });
});
