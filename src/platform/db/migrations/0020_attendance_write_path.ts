import { Kysely, PostgresAdapter, sql, type CreateTableBuilder } from 'kysely';

/**
 * Rosters are the product's heaviest write (issue 16, point 11): every b-tree a roster's row goes
 * into is one more page written at the commit and copied again at the checkpoint (ADR 0044).
 *
 * - The index on a school's students by truant days served no list — the truancy worklist reads
 *   the school's notices, a student's truant days are read by student — yet it moved each time a
 *   truant day was counted. Dropped on both databases.
 * - A roster's seats, a marked student's periods of the day and the enrollment each seat is
 *   checked against are read from their indexes alone: the indexes carry the dates and ids.
 * - On SQLite, a table with a primary key other than an integer is two b-trees (the rows by rowid,
 *   and the key's own index), and a mark's table had a third for its natural key. The mark, the
 *   day and the roster submission are made tables that are their key (WITHOUT ROWID): a mark's
 *   insert writes two b-trees instead of four, a day's one instead of two, a submission's two
 *   instead of three. PostgreSQL keeps its heap and indexes as they are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('attendance_totals_truant').execute();
  // A roster's seats and a marked student's periods that day are read from the indexes alone
  // (their dates and the ids they lead to are in them), and so is the enrollment each seat checks.
  await db.schema.dropIndex('section_students_section').execute();
  await db.schema.createIndex('section_students_section').on('section_students').columns(['section_id', 'from_date', 'to_date', 'student_id']).execute();
  await db.schema.dropIndex('section_students_student').execute();
  await db.schema.createIndex('section_students_student').on('section_students').columns(['student_id', 'from_date', 'to_date', 'school_id', 'section_id']).execute();
  // Its own index, not a longer enrollments_student_school: that one's four equal columns are what
  // keeps SQLite (no statistics) joining a chronic list's totals to their enrollments by student.
  await db.schema.createIndex('enrollments_seat').on('enrollments').columns(['student_id', 'school_id', 'entry_date', 'exit_date']).execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;

  await rebuild(db, 'attendance_marks', ['section_id', 'date', 'student_id'], (t) =>
    t
      // The mark's own id, kept for what refers to a mark; its key is where it is (section, day, student).
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('district_id', 'text', (c) => c.notNull())
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('section_id', 'text', (c) => c.notNull().references('sections.id'))
      .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('minutes', 'integer')
      .addColumn('truancy', 'integer', (c) => c.notNull())
      .addColumn('explanation_id', 'text')
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('attendance_marks_pk', ['section_id', 'date', 'student_id']),
  );
  await db.schema.createIndex('attendance_marks_student').on('attendance_marks').columns(['student_id', 'date']).execute();

  await rebuild(db, 'attendance_days', ['student_id', 'date'], (t) =>
    t
      .addColumn('student_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('district_id', 'text', (c) => c.notNull())
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('school_year', 'text', (c) => c.notNull())
      .addColumn('scheduled', 'integer', (c) => c.notNull())
      .addColumn('absent_periods', 'integer', (c) => c.notNull())
      .addColumn('excused_periods', 'integer', (c) => c.notNull())
      .addColumn('tardies', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('truant', 'integer', (c) => c.notNull())
      .addColumn('unexplained', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('attendance_days_pk', ['student_id', 'date']),
  );
  await sql`create index attendance_days_unexplained on attendance_days (school_id, date) where unexplained = 1`.execute(db);

  await rebuild(db, 'roster_submissions', ['section_id', 'date'], (t) =>
    t
      .addColumn('section_id', 'text', (c) => c.notNull().references('sections.id'))
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('submitted_by', 'text', (c) => c.notNull())
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .addColumn('changed_at', 'text')
      .addColumn('paper_record', 'text')
      .addPrimaryKeyConstraint('roster_submissions_pk', ['section_id', 'date']),
  );
  await db.schema.createIndex('roster_submissions_school').on('roster_submissions').columns(['school_id', 'date']).execute();
}

/** SQLite: the table made again as its key (WITHOUT ROWID) with the same columns, its rows copied in key order. */
async function rebuild(db: Kysely<any>, table: string, key: string[], columns: (t: CreateTableBuilder<string, never>) => CreateTableBuilder<string, any>): Promise<void> {
  const next = `${table}_next`;
  await columns(db.schema.createTable(next)).modifyEnd(sql`without rowid`).execute();
  const names = (await sql<{ name: string }>`select name from pragma_table_info(${next})`.execute(db)).rows.map((r) => sql.ref(r.name));
  const list = sql.join(names);
  await sql`insert into ${sql.table(next)} (${list}) select ${list} from ${sql.table(table)} order by ${sql.join(key.map((k) => sql.ref(k)))}`.execute(db);
  await db.schema.dropTable(table).execute();
  await sql`alter table ${sql.table(next)} rename to ${sql.table(table)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, table, columns] of [
    ['section_students_section', 'section_students', ['section_id', 'from_date']],
    ['section_students_student', 'section_students', ['student_id', 'from_date']],
  ] as const) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on(table).columns([...columns]).execute();
  }
  await db.schema.dropIndex('enrollments_seat').execute();
  await db.schema.createIndex('attendance_totals_truant').on('attendance_totals').columns(['school_id', 'school_year', 'truant_days']).execute();
}
