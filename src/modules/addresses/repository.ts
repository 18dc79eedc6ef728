import { PostgresAdapter, sql, type Transaction } from 'kysely';
import type { Db } from '../../platform/db/kysely.js';
import type { AddressRangesTable, Database } from '../../platform/db/schema.js';
import type { RangeRow } from './csv-import.js';

/**
 * Rows per INSERT: 10 columns each, so 3,000 rows are 30,000 bound values — under SQLite's limit
 * (32,766) and PostgreSQL's (65,535). Few statements keep a 500,000-range import to seconds.
 */
export const INSERT_CHUNK = 3_000;

/** Any number will do: it only has to be the same for every import, on every instance. */
const IMPORT_LOCK = 0x57_55_02;

export type StoredRange = Pick<AddressRangesTable, 'district_id' | 'school_code' | 'grade_from' | 'grade_to' | 'side' | 'number_from' | 'number_to' | 'line'>;

const isPostgres = (db: Db | Transaction<Database>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** STU-2: address_ranges, through Kysely only. */
export class AddressRepository {
  constructor(private db: Db) {}

  /**
   * Replaces a district's ranges in one transaction: all the new rows or, on any failure, the old
   * ones untouched. `onlyIfEmpty`: do nothing when the district already has ranges (start-up,
   * where several instances may start at once). Returns how many rows were written.
   */
  async replaceDistrict(districtId: string, rows: RangeRow[], opts: { onlyIfEmpty?: boolean } = {}): Promise<number | null> {
    return this.db.transaction().execute(async (trx) => {
      // Imports take turns: two at once on PostgreSQL would each delete, then both insert.
      if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${IMPORT_LOCK})`.execute(trx);
      if (opts.onlyIfEmpty) {
        const any = await trx.selectFrom('address_ranges').select('district_id').where('district_id', '=', districtId).limit(1).executeTakeFirst();
        if (any) return null;
      } else {
        await trx.deleteFrom('address_ranges').where('district_id', '=', districtId).execute();
      }
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const values = rows.slice(i, i + INSERT_CHUNK).map((r) => ({
          district_id: districtId,
          street: r.street,
          number_from: r.numberFrom,
          number_to: r.numberTo,
          side: r.side,
          zip: r.zip,
          grade_from: r.gradeFrom,
          grade_to: r.gradeTo,
          school_code: r.schoolCode,
          line: r.line,
        }));
        await trx.insertInto('address_ranges').values(values).execute();
      }
      return rows.length;
    });
  }

  /** Ranges per district. */
  async counts(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('address_ranges').select(['district_id', (eb) => eb.fn.countAll<number | string | bigint>().as('n')]).groupBy('district_id').execute();
    return new Map(rows.map((r) => [r.district_id, Number(r.n)]));
  }

  async count(districtId: string): Promise<number> {
    const row = await this.db.selectFrom('address_ranges').select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).where('district_id', '=', districtId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The widest range (number_to - number_from), which bounds the index scan of a look-up. */
  async widest(): Promise<number> {
    const row = await this.db.selectFrom('address_ranges').select((eb) => eb.fn.max<number | string | null>(sql<number>`number_to - number_from`).as('w')).executeTakeFirst();
    return Number(row?.w ?? 0);
  }

  /**
   * Ranges of a street in a ZIP whose numbers include `number`, every district and side.
   * `widest` (when known) lets the index on (zip, street, number_from) stop early: a range that
   * starts more than `widest` below the number cannot reach it.
   */
  matching(zip: string, street: string | string[], number: number, widest?: number): Promise<StoredRange[]> {
    if (Array.isArray(street) && street.length === 0) return Promise.resolve([]);
    let q = this.db
      .selectFrom('address_ranges')
      .select(['district_id', 'school_code', 'grade_from', 'grade_to', 'side', 'number_from', 'number_to', 'line'])
      .where('zip', '=', zip)
      .where('street', Array.isArray(street) ? 'in' : '=', street)
      .where('number_from', '<=', number);
    if (widest !== undefined) q = q.where('number_from', '>=', number - widest);
    return q.where('number_to', '>=', number).execute();
  }

  /** Street names of a ZIP that start with `prefix` (normalised names hold only A-Z, 0-9 and spaces: nothing to escape). */
  async streetsStartingWith(zip: string, prefix: string, limit = 10): Promise<string[]> {
    if (!/^[A-Z0-9 ]+$/.test(prefix)) return [];
    const rows = await this.db.selectFrom('address_ranges').select('street').distinct().where('zip', '=', zip).where('street', 'like', `${prefix}%`).limit(limit).execute();
    return rows.map((r) => r.street).filter((s) => s.startsWith(prefix));
  }
}
