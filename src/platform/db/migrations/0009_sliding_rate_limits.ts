import { Kysely } from 'kysely';

// Rate limits slide instead of resetting on the clock hour (docs/operations.md, "Rate limits").
// Each key keeps one moment: when everything counted against it has drained away (the generic
// cell rate algorithm). The old fixed-window counters are dropped, not converted: they are
// transient, and a deploy forgetting the last hour's counts once is harmless.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    // Milliseconds since 1970, fractional: a byte of an upload allowance is a sliver of an hour.
    .addColumn('drained_at_ms', 'double precision', (c) => c.notNull())
    // Whether the last attempt was let through: returned by the same statement that counts it.
    .addColumn('allowed', 'integer', (c) => c.notNull())
    .execute();
  // Keys whose allowance is whole again are purged hourly; per-address and per-email keys add up.
  await db.schema.createIndex('rate_limits_drained_at').on('rate_limits').column('drained_at_ms').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
}
