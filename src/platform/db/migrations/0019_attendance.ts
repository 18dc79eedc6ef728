import { Kysely, sql } from 'kysely';

/**
 * Attendance (issue 16, ATT-1…ATT-8), on the roll. Written only by `modules/attendance`.
 *
 * What is stored for a year of period attendance (ADR 0035): a submitted roster is one row
 * (`roster_submissions`), and a student on it who was present is nothing more — only a mark that
 * is not "present" (absent, tardy, excused…) is a row of `attendance_marks`. A district's year is
 * then some 1.5 million submissions and a few million marks for 50,000 students, not 54 million.
 * Every change of a mark keeps the mark before it in `attendance_changes` (ATT-7). What the
 * lists read is kept up to date as marks are written, in the same transaction: one row per
 * student and day with any mark (`attendance_days`) and one per student, school and year with its
 * counts (`attendance_totals`) — chronic absence and truancy are never counted from a year of
 * marks on a page view.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A school's bell schedule for a year: each period's start and end, local time 'HH:MM' (ATT-1's 15 minutes run from the start).
  await db.schema
    .createTable('bell_periods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bell_periods_code').on('bell_periods').columns(['school_id', 'school_year', 'code']).unique().execute();

  // Whether a school takes attendance once a day (one homeroom per teacher) or every period; daily when there is no row.
  await db.schema
    .createTable('attendance_schools')
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attendance_schools_pk', ['school_id', 'school_year'])
    .execute();

  // A class section: a period, a teacher (a staff member of the school) and, below, its students.
  await db.schema
    .createTable('sections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('school_year', 'text', (c) => c.notNull())
    // The school's own code for it (e.g. "ENG2-03"); the import's key within a school and year.
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('period_code', 'text', (c) => c.notNull())
    .addColumn('teacher_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sections_code').on('sections').columns(['school_id', 'school_year', 'code']).unique().execute();
  await db.schema.createIndex('sections_teacher').on('sections').columns(['teacher_id', 'school_year']).execute();

  // A student in a section from a day to a day (to_date null: still in it).
  await db.schema
    .createTable('section_students')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('section_id', 'text', (c) => c.notNull().references('sections.id'))
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('from_date', 'text', (c) => c.notNull())
    .addColumn('to_date', 'text')
    .execute();
  await db.schema.createIndex('section_students_section').on('section_students').columns(['section_id', 'from_date']).execute();
  await db.schema.createIndex('section_students_student').on('section_students').columns(['student_id', 'from_date']).execute();

  // ATT-1: a roster submitted for a section and a school day; once per section and day (a later submit is a change).
  await db.schema
    .createTable('roster_submissions')
    .addColumn('section_id', 'text', (c) => c.notNull().references('sections.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    // The last time a mark of it changed, or null.
    .addColumn('changed_at', 'text')
    // ATT-7: a roster the office entered after the day, from the paper record it rests on (a sign-in sheet…).
    .addColumn('paper_record', 'text')
    .addPrimaryKeyConstraint('roster_submissions_pk', ['section_id', 'date'])
    .execute();
  await db.schema.createIndex('roster_submissions_school').on('roster_submissions').columns(['school_id', 'date']).execute();

  // A mark that is not "present by default": one per section, day and student, changed in place with its history below.
  await db.schema
    .createTable('attendance_marks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('section_id', 'text', (c) => c.notNull().references('sections.id'))
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    // present | in-attendance | tardy | early-departure | excused | unexcused (the code's Ed-Fi category, kept for counting)
    .addColumn('category', 'text', (c) => c.notNull())
    // A tardy's minutes late, an early departure's minutes missed; null otherwise.
    .addColumn('minutes', 'integer')
    // ATT-8: whether this mark makes the day count toward truancy (the code's flag and, for a tardy, the minutes).
    .addColumn('truancy', 'integer', (c) => c.notNull())
    // The accepted explanation that excused it (ATT-2; ATT-3 counts a cap's incident by it), or null.
    .addColumn('explanation_id', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attendance_marks_once').on('attendance_marks').columns(['section_id', 'date', 'student_id']).unique().execute();
  await db.schema.createIndex('attendance_marks_student').on('attendance_marks').columns(['student_id', 'date']).execute();

  // ATT-7: every change of a mark, with the mark before it (from_code null: present by default).
  await db.schema
    .createTable('attendance_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('section_id', 'text', (c) => c.notNull())
    .addColumn('student_id', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('from_code', 'text')
    .addColumn('from_minutes', 'integer')
    .addColumn('to_code', 'text')
    .addColumn('to_minutes', 'integer')
    // 'staff:<id>', or 'explanation:<id>' for an accepted explanation.
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // After the fact: the paper record the change rests on (a sign-in sheet, a note's number…).
    .addColumn('paper_record', 'text')
    .execute();
  await db.schema.createIndex('attendance_changes_student').on('attendance_changes').columns(['student_id', 'date']).execute();

  // One student's day, kept from its marks (only days with a mark that is not "present by default").
  await db.schema
    .createTable('attendance_days')
    .addColumn('student_id', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('school_year', 'text', (c) => c.notNull())
    // Periods the student was in a section that day (1 in daily mode).
    .addColumn('scheduled', 'integer', (c) => c.notNull())
    .addColumn('absent_periods', 'integer', (c) => c.notNull())
    .addColumn('excused_periods', 'integer', (c) => c.notNull())
    .addColumn('tardies', 'integer', (c) => c.notNull())
    // present | tardy | partial | absent-excused | absent-unexcused: what the day counts as (days.ts).
    .addColumn('status', 'text', (c) => c.notNull())
    // ATT-8: 1 when the day counts toward truancy.
    .addColumn('truant', 'integer', (c) => c.notNull())
    // ATT-2: 1 while an absence of the day has no accepted explanation.
    .addColumn('unexplained', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attendance_days_pk', ['student_id', 'date'])
    .execute();
  await sql`create index attendance_days_unexplained on attendance_days (school_id, date) where unexplained = 1`.execute(db);

  // A student's counts at a school in a year, kept by days.ts as the days change (ATT-4, ATT-8).
  await db.schema
    .createTable('attendance_totals')
    .addColumn('student_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('district_id', 'text', (c) => c.notNull())
    // The position in the year's school days (1 = the first) of the first day counted as enrolled at the school.
    .addColumn('first_ordinal', 'integer', (c) => c.notNull())
    .addColumn('days_absent', 'integer', (c) => c.notNull())
    .addColumn('days_excused', 'integer', (c) => c.notNull())
    .addColumn('partial_days', 'integer', (c) => c.notNull())
    .addColumn('tardies', 'integer', (c) => c.notNull())
    .addColumn('truant_days', 'integer', (c) => c.notNull())
    .addColumn('unexplained_days', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attendance_totals_pk', ['student_id', 'school_id', 'school_year'])
    .execute();
  await db.schema.createIndex('attendance_totals_school').on('attendance_totals').columns(['school_id', 'school_year', 'days_absent']).execute();
  // A student's enrollment at one school in a year (attendance's lists join a student's totals to it):
  // without it SQLite, which keeps no statistics, walks the school's whole roll for each student.
  await db.schema.createIndex('enrollments_student_school').on('enrollments').columns(['student_id', 'school_id', 'school_year', 'status']).execute();
  // A district administrator's list of chronic absence across the district's schools.
  await db.schema.createIndex('attendance_totals_district').on('attendance_totals').columns(['district_id', 'school_year', 'days_absent']).execute();
  await db.schema.createIndex('attendance_totals_truant').on('attendance_totals').columns(['school_id', 'school_year', 'truant_days']).execute();

  // ATT-2: a parent's or the office's explanation of one or more days' absence, and the office's answer.
  await db.schema
    .createTable('absence_explanations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    // The parent's account, when the parent gave it from the account.
    .addColumn('account_id', 'text')
    // account | in-person | phone | paper
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('from_date', 'text', (c) => c.notNull())
    .addColumn('to_date', 'text', (c) => c.notNull())
    // whole | part
    .addColumn('part', 'text', (c) => c.notNull())
    // An EC 48205 reason (districts/state-codes.ts), or 'other'.
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    // The photo of a note, stored through the platform's storage (its key, the file's name and type), or null.
    .addColumn('document_key', 'text')
    .addColumn('document_name', 'text')
    .addColumn('document_type', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    // pending | accepted | refused
    .addColumn('status', 'text', (c) => c.notNull())
    // The attendance code an acceptance applied.
    .addColumn('code', 'text')
    .addColumn('refusal', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    // Five years on (ATT-2), the note and its document are removed and the row says when.
    .addColumn('removed_at', 'text')
    .execute();
  await db.schema.createIndex('absence_explanations_school').on('absence_explanations').columns(['school_id', 'status', 'created_at']).execute();
  await db.schema.createIndex('absence_explanations_student').on('absence_explanations').columns(['student_id', 'from_date']).execute();
  await db.schema.createIndex('absence_explanations_age').on('absence_explanations').columns(['created_at']).execute();

  // ATT-6: a lower limit of parent-excused absences for one student at a school in a year.
  await db.schema
    .createTable('attendance_limits')
    .addColumn('student_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('max_parent_excused', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('set_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attendance_limits_pk', ['student_id', 'school_id', 'school_year'])
    .execute();

  // ATT-5: truancy notifications 1 to 3 in a year; the first sent by itself, the others proposed to the office and sent by it.
  await db.schema
    .createTable('truancy_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    // proposed | sent
    .addColumn('status', 'text', (c) => c.notNull())
    // The student's truant days when it was proposed or sent.
    .addColumn('truant_days', 'integer', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('sent_by', 'text')
    .execute();
  await db.schema.createIndex('truancy_notices_once').on('truancy_notices').columns(['student_id', 'school_year', 'number']).unique().execute();
  await db.schema.createIndex('truancy_notices_school').on('truancy_notices').columns(['school_id', 'status', 'proposed_at']).execute();

  // ATT-5: a conference, SART, Resource Panel or SARB referral, with its date, participants and outcome.
  await db.schema
    .createTable('attendance_referrals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('school_year', 'text', (c) => c.notNull())
    // conference | sart | resource-panel | sarb
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('held_on', 'text', (c) => c.notNull())
    .addColumn('participants', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  // Issue 16 point 10: the attendance record behind a denial or revocation for attendance, kept with the decision (written by decisions).
  await db.schema
    .createTable('decision_attendance')
    .addColumn('decision_id', 'text', (c) => c.primaryKey().references('decisions.id'))
    .addColumn('student_id', 'text', (c) => c.notNull())
    // JSON: the record as it stood (attendance/record.ts, AttendanceSnapshot).
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .execute();

  // Issue 16 point 10: an attendance record issued from this system as a request's "latest attendance record" document, checked by its code.
  await db.schema
    .createTable('attendance_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('student_id', 'text', (c) => c.notNull())
    // The district whose staff issued it.
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('verification_code', 'text', (c) => c.notNull())
    // JSON: the record as issued (decisions/attendance-hooks.ts AttendanceSnapshot).
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attendance_records_code').on('attendance_records').column('verification_code').unique().execute();
  await db.schema.createIndex('attendance_records_day').on('attendance_records').columns(['application_id', 'issued_on']).unique().execute();

  // ATT-4's trend: each school day's counts at a school, written once by the evening step.
  await db.schema
    .createTable('attendance_snapshots')
    .addColumn('school_id', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('district_id', 'text', (c) => c.notNull())
    .addColumn('school_year', 'text', (c) => c.notNull())
    .addColumn('enrolled', 'integer', (c) => c.notNull())
    .addColumn('chronic_state', 'integer', (c) => c.notNull())
    .addColumn('chronic_district', 'integer', (c) => c.notNull())
    .addColumn('at_risk', 'integer', (c) => c.notNull())
    // The school's attendance rate that day over the year so far, in hundredths of a percent.
    .addColumn('rate_bp', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attendance_snapshots_pk', ['school_id', 'date'])
    .execute();
  await db.schema.createIndex('attendance_referrals_student').on('attendance_referrals').columns(['student_id', 'school_year']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['attendance_records', 'decision_attendance', 'attendance_snapshots', 'attendance_referrals', 'truancy_notices', 'attendance_limits', 'absence_explanations', 'attendance_totals', 'attendance_days', 'attendance_changes', 'attendance_marks', 'roster_submissions', 'section_students', 'sections', 'attendance_schools', 'bell_periods']) {
    await db.schema.dropTable(t).execute();
  }
}
