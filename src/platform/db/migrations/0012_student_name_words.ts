import { Kysely, PostgresAdapter, sql } from 'kysely';
import { namePairs, nameWords } from '../../name-key.js';
import * as m0007 from './0007_student_name_keys.js';

/** Requests read per batch while writing the words of the requests already there. */
const BATCH = 1000;

/**
 * The staff queue finds a request by any word of the student's names (docs/adr/0022): a table of
 * name words, one row per request and word (`nameWords()`: "María José O'Neil-Hernández" →
 * maria, jose, mariajose, oneil, neil, hernandez, oneilhernandez), with the request's district
 * for the index that serves a prefix search within a district. It replaces the two whole-name
 * keys of migration 0007, which found a name only by its start. Beside it, a table of the pair
 * keys of those words (`namePairs()`: "mat lopez", "lop mateo"), so that two words each common
 * but rare together are found from an index too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // Words compare as code points on both databases (SQLite's BINARY; "C" on PostgreSQL), so that
  // a prefix is a range a plain b-tree serves whatever the database's collation (ADR 0013).
  // On SQLite the table is its primary key (WITHOUT ROWID): looking up one request's words, as
  // the queue does row by row when it walks its order index, reads one b-tree.
  await db.schema
    .createTable('student_name_words')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('word', 'text', (c) => (postgres ? c.modifyFront(sql`collate "C"`) : c).notNull())
    .addPrimaryKeyConstraint('student_name_words_pk', ['application_id', 'word'])
    .$call((b) => (postgres ? b : b.modifyEnd(sql`without rowid`)))
    .execute();
  await db.schema
    .createTable('student_name_pairs')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('pair', 'text', (c) => (postgres ? c.modifyFront(sql`collate "C"`) : c).notNull())
    // The request's place in the queue (its received_at, which never changes), so that a pair's
    // requests are read in queue order from the search index alone.
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('student_name_pairs_pk', ['application_id', 'pair'])
    .$call((b) => (postgres ? b : b.modifyEnd(sql`without rowid`)))
    .execute();

  // The requests already there, a batch at a time in primary-key order, with the student's middle
  // name as the student record holds it (requests keep no copy of it).
  for (let after = ''; ; ) {
    const rows: { id: string; district_id: string; received_at: string; student_first_name: string; student_last_name: string; middle_name: string | null }[] = await db
      .selectFrom('applications')
      .leftJoin('students', 'students.id', 'applications.student_id')
      .select(['applications.id', 'applications.district_id', 'applications.received_at', 'applications.student_first_name', 'applications.student_last_name', 'students.middle_name'])
      .where('applications.id', '>', after)
      .orderBy('applications.id')
      .limit(BATCH)
      .execute();
    if (!rows.length) break;
    const words = rows.map((r) => ({ r, words: nameWords(r.student_first_name, r.middle_name, r.student_last_name) }));
    const wordRows = words.flatMap(({ r, words }) => words.map((word) => ({ application_id: r.id, district_id: r.district_id, word })));
    const pairRows = words.flatMap(({ r, words }) => namePairs(words).map((pair) => ({ application_id: r.id, district_id: r.district_id, pair, received_at: r.received_at })));
    // A few words (and pairs) per request: inserted 1,000 at a time (3,000 or 4,000 parameters, within both limits).
    for (let i = 0; i < wordRows.length; i += 1000) await db.insertInto('student_name_words').values(wordRows.slice(i, i + 1000)).execute();
    for (let i = 0; i < pairRows.length; i += 1000) await db.insertInto('student_name_pairs').values(pairRows.slice(i, i + 1000)).execute();
    after = rows[rows.length - 1].id;
  }

  // The search: a word's prefix within a district, a range on this index (the request's id in it,
  // so that finding the requests reads the index alone).
  await db.schema.createIndex('student_name_words_search').on('student_name_words').columns(['district_id', 'word', 'application_id']).execute();
  // The same for a pair key's start ("mat lop") within a district, with each request's place in
  // the queue: a pair's requests are sorted into queue order from the index alone.
  await db.schema.createIndex('student_name_pairs_search').on('student_name_pairs').columns(['district_id', 'pair', 'received_at', 'application_id']).execute();

  // The whole-name keys of 0007 are no longer read: two fewer indexes to keep on every insert.
  await db.schema.dropIndex('applications_first_name_key').execute();
  await db.schema.dropIndex('applications_last_name_key').execute();
  await db.schema.alterTable('applications').dropColumn('student_last_name_key').execute();
  await db.schema.alterTable('applications').dropColumn('student_first_name_key').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('student_name_pairs').execute();
  await db.schema.dropTable('student_name_words').execute();
  // The keys of 0007 again, computed for every request, and their indexes.
  await m0007.up(db);
}
