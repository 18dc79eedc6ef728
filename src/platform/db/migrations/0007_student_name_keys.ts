import { Kysely, PostgresAdapter, sql } from 'kysely';
import { nameKey } from '../../name-key.js';

/** Rows keyed per UPDATE while filling the keys of the requests already there. */
const BATCH = 1000;

/**
 * The staff queue's name search (docs/adr/0013): a search key per student name, accent-folded and
 * lower-cased by `nameKey()`, with an index per name within a district, so that a prefix search
 * is a range on a plain b-tree index rather than `lower(name) LIKE 'term%'` over the whole queue.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // Keys compare as code points on both databases: SQLite's default (BINARY) does; PostgreSQL's
  // default collation may not (and would not serve a prefix range), hence "C" for these columns.
  for (const column of ['student_first_name_key', 'student_last_name_key']) {
    await db.schema
      .alterTable('applications')
      .addColumn(column, 'text', (c) => (postgres ? c.modifyFront(sql`collate "C"`) : c).notNull().defaultTo(''))
      .execute();
  }

  // The requests already there, keyed in JS (PostgreSQL has no unaccent here, and the key must be
  // the one the app computes), a batch at a time in primary-key order.
  for (let after = ''; ; ) {
    const rows: { id: string; student_first_name: string; student_last_name: string }[] = await db
      .selectFrom('applications')
      .select(['id', 'student_first_name', 'student_last_name'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (!rows.length) break;
    const values = sql.join(rows.map((r) => sql`(${r.id}, ${nameKey(r.student_first_name)}, ${nameKey(r.student_last_name)})`));
    // VALUES columns are column1, column2… on both databases.
    await sql`update applications set student_first_name_key = v.column2, student_last_name_key = v.column3
      from (values ${values}) as v where applications.id = v.column1`.execute(db);
    after = rows[rows.length - 1].id;
  }

  await db.schema.createIndex('applications_last_name_key').on('applications').columns(['district_id', 'student_last_name_key']).execute();
  await db.schema.createIndex('applications_first_name_key').on('applications').columns(['district_id', 'student_first_name_key']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('applications_first_name_key').execute();
  await db.schema.dropIndex('applications_last_name_key').execute();
  await db.schema.alterTable('applications').dropColumn('student_last_name_key').execute();
  await db.schema.alterTable('applications').dropColumn('student_first_name_key').execute();
}
