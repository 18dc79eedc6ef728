import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** What a stand-in value looks like in the compiled parameters: nothing a person types starts with a NUL. */
const SLOT = '\u0000slot:';

type Slot = { name: string } | { value: unknown };

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
  const made = new WeakMap<object, Map<string, { sql: string; slots: Slot[] }>>();
  return async (db: Kysely<Database>, values: P, variant = ''): Promise<QueryResult<R>> => {
    const adapter = db.getExecutor().adapter;
    let shapes = made.get(adapter);
    if (!shapes) made.set(adapter, (shapes = new Map()));
    let m = shapes.get(variant);
    if (!m) {
      const stand = new Proxy({}, { get: (_, name) => `${SLOT}${String(name)}` }) as P;
      const compiled = build(db, stand, variant).compile();
      m = { sql: compiled.sql, slots: compiled.parameters.map((v): Slot => (typeof v === 'string' && v.startsWith(SLOT) ? { name: v.slice(SLOT.length) } : { value: v })) };
      shapes.set(variant, m);
    }
    const parameters = m.slots.map((s) => {
      if ('value' in s) return s.value;
      const v = (values as Record<string, unknown>)[s.name];
      if (v === undefined) throw new Error(`prepared query: no value for ${s.name}`);
      return v;
    });
    return db.executeQuery(CompiledQuery.raw(m.sql, parameters) as CompiledQuery<R>);
  };
}
