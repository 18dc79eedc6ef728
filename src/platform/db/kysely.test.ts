import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from './kysely.js';

describe('SQLite statement cache', () => {
  it('reuses prepared statements by SQL text, with the values bound each time, and survives its limit', async () => {
    const { db, close } = openDatabase('sqlite::memory:');
    try {
      await sql`create table t (n integer)`.execute(db);
      for (let i = 0; i < 5; i++) await db.insertInto('t' as never).values({ n: i } as never).execute();
      const read = async (min: number) => (await sql<{ c: number }>`select count(*) as c from t where n >= ${min}`.execute(db)).rows[0].c;
      // The same text with other values: each call answers for its own value.
      expect([await read(0), await read(3), await read(5)]).toEqual([5, 2, 0]);
      // More distinct texts than the cache holds: the oldest are dropped and prepared again when needed.
      for (let i = 0; i < 1_100; i++) expect((await sql.raw<{ v: number }>(`select ${i} as v`).execute(db)).rows[0].v).toBe(i);
      expect(await read(1)).toBe(4);
      expect((await sql.raw<{ v: number }>('select 0 as v').execute(db)).rows[0].v).toBe(0);
    } finally {
      await close();
    }
  });
});
