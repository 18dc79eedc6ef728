import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Database } from './schema.js';

/** A SQLite database's one connection, by its Kysely adapter (shared by the database and its transactions). */
const sqliteOf = new WeakMap<object, SQLite.Database>();

/**
 * Lets prepared statements run inside a transaction straight on the SQLite connection (called by
 * openDatabase). Kysely's path for a query — the transaction's connection provider, its queue,
 * the executor, the driver, each a promise or two — made about a third of what a roster's
 * requests allocate; better-sqlite3 itself is synchronous. Only inside a transaction: it already
 * holds the connection (Kysely's lock), so nothing else can run on it meanwhile. Outside one, a
 * statement still takes the lock through Kysely, or it could land in another's open transaction.
 */
export function runsDirectly(db: Kysely<Database>, sqlite: SQLite.Database): void {
  sqliteOf.set(db.getExecutor().adapter, sqlite);
}

/** What Kysely's SQLite driver answers for a statement (kysely/dist/esm/dialect/sqlite/sqlite-driver.js). */
function runOn<R>(sqlite: SQLite.Database, sql: string, parameters: unknown[]): QueryResult<R> {
  const stmt = sqlite.prepare(sql);
  if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
  const { changes, lastInsertRowid } = stmt.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** What a stand-in value looks like in the compiled parameters: nothing a person types starts with a NUL. */
const SLOT = '\u0000slot:';

/** A compiled statement and, for each of its parameters, the value's name (null: a constant written in the query). */
interface Made {
  sql: string;
  names: (string | null)[];
  constants: unknown[];
}

/**
 * A query whose shape never changes, built and compiled by Kysely once per database kind and then run
 * with new values (Kysely's "splitting build, compile and execute" recipe). Kysely builds every
 * query anew — immutable nodes, then a compiler's visit — which on the product's busiest write, a
 * roster with its thirty-odd statements, cost as much CPU as SQLite running them (ADR 0044).
 *
 * `build` is given stand-ins for the values (`p.studentId`…). Each must reach the SQL as one bound
 * parameter — compared, inserted, set, added — and never decide the query's shape: not an `in`
 * list, not a value Kysely writes as SQL (`is null`), not a column left out when undefined. A
 * query whose shape varies is given a `variant` name for each shape, and builds that shape. Statements off the hot paths
 * are written the usual way.
 */
export function prepared<P extends object, R>(build: (db: Kysely<Database>, p: P, variant: string) => Compilable<R>) {
  // By the database's adapter (one per dialect a process opens), then by variant.
  const made = new WeakMap<object, Map<string, Made>>();
  return async (db: Kysely<Database>, values: P, variant = ''): Promise<QueryResult<R>> => {
    const adapter = db.getExecutor().adapter;
    let shapes = made.get(adapter);
    if (!shapes) made.set(adapter, (shapes = new Map()));
    let m = shapes.get(variant);
    if (!m) {
      const stand = new Proxy({}, { get: (_, name) => `${SLOT}${String(name)}` }) as P;
      const compiled = build(db, stand, variant).compile();
      const stood = (v: unknown) => typeof v === 'string' && v.startsWith(SLOT);
      m = { sql: compiled.sql, names: compiled.parameters.map((v) => (stood(v) ? (v as string).slice(SLOT.length) : null)), constants: compiled.parameters.map((v) => (stood(v) ? undefined : v)) };
      shapes.set(variant, m);
    }
    const given = values as Record<string, unknown>;
    const parameters = new Array<unknown>(m.names.length);
    for (let i = 0; i < parameters.length; i++) {
      const name = m.names[i];
      if (name === null) parameters[i] = m.constants[i];
      else if ((parameters[i] = given[name]) === undefined) throw new Error(`prepared query: no value for ${name}`);
    }
    const sqlite = db.isTransaction ? sqliteOf.get(adapter) : undefined;
    if (sqlite) return runOn<R>(sqlite, m.sql, parameters);
    return db.executeQuery(CompiledQuery.raw(m.sql, parameters) as CompiledQuery<R>);
  };
}
