/**
 * `record[key]` only when the record itself holds `key`. A plain lookup with a key that came
 * from a request also finds what every object inherits — `__proto__` gives the prototype,
 * `constructor`, `toString`, `valueOf`, `hasOwnProperty` give functions — and `key in record`
 * is true for them too; such a query string (`?type=__proto__`) once made a page answer 500.
 * Use this (or a Map, or a schema's enum) wherever the key is not a constant of the code.
 */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
