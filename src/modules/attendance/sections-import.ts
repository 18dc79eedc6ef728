import { PostgresAdapter, sql } from 'kysely';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { SectionsTable, SectionStudentsTable } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import { ok, type Problem, type Result } from '../../platform/result.js';
import { scanCsv } from '../addresses/csv-import.js';
import { importDate, KEPT_LINES, type LineErrors, type LineProblem } from '../enrollment/roll-import.js';
import type { AttendanceContext } from './context.js';
import { codeProblem, nameProblem, NS, type ImportPlan, type Sections } from './sections.js';

/**
 * Issue 16 point 1: a school's sections and their students from the student information system's
 * CSV, ALL OR NOTHING, every bad line named with what is wrong (as the roll's import, whose CSV
 * reader, date reading and line problems this uses). One row per student in a section; a row
 * with no student names a section only:
 *
 *   section_code,section_name,period,teacher_email,student_source_id,from_date,to_date
 *
 * - a section is keyed by its code at the school in the year: a new code is a new section, a
 *   known one takes the file's name, period and teacher (the file is the source); every line of
 *   one section must give it the same name, period and teacher;
 * - the period is one of the school's bell schedule that year; the teacher (by email) a teacher
 *   given the school, or none; in daily mode one homeroom per teacher;
 * - the student is the student information system's identifier (student_sources, kept by the
 *   roll's import) or the product's student id, enrolled at the school that year and not exited
 *   before from_date; from_date in the year, to_date (optional, the last day in the section) on
 *   or after it;
 * - a membership is keyed by section, student and from_date: the same file twice leaves the same
 *   state (nothing added the second time); a later file's to_date ends it; a line the same as an
 *   earlier one, or a membership overlapping another of the same student in the same section, is
 *   a bad line.
 *
 * Checked whole inside one transaction, then written through the one writer (Sections.applyImport).
 * Memberships are never deleted: a student left out of a later file stays in the section until a
 * file (or the office) gives the day they left.
 */

export const SECTION_COLUMNS = ['section_code', 'section_name', 'period', 'teacher_email', 'student_source_id', 'from_date', 'to_date'] as const;
type Column = (typeof SECTION_COLUMNS)[number];
const OPTIONAL: readonly Column[] = ['teacher_email', 'student_source_id', 'from_date', 'to_date'];
/** A large school's year of sections is some 25,000 lines (under 2 MB); anything far above is not a school's file. */
export const MAX_SECTIONS_IMPORT_BYTES = 10 * 1024 * 1024;
const BATCH = 500;

export interface SectionsImportOutcome {
  rows: number;
  sectionsCreated: number;
  sectionsChanged: number;
  membershipsAdded: number;
  membershipsEnded: number;
  unchanged: number;
}
export type SectionsImportProblem = Problem & { lines?: LineErrors[]; badLines?: number };

/** A value echoed in a message: short, on one line. */
const shown = (v: string): string => (v.length > 40 ? `${v.slice(0, 40)}…` : v).replace(/[\r\n\t]+/g, ' ');
const isBlank = (fields: string[]): boolean => fields.every((f) => f.trim() === '');

interface Row {
  line: number;
  code: string;
  name: string;
  period: string;
  email: string;
  student: string;
  from?: string;
  to?: string;
}

/** Reads the file: its rows, or the problems of its header and shape. */
function readFile(text: string): { rows: Row[]; lines: Map<number, LineProblem[]> } {
  const lines = new Map<number, LineProblem[]>();
  const bad = (line: number, p: LineProblem) => lines.set(line, [...(lines.get(line) ?? []), p]);
  const rows: Row[] = [];
  let at: Partial<Record<Column, number>> | null = null;
  let headerFields = 0;
  let headerBad = false;
  const csvError = scanCsv(text, (line, fields) => {
    if (isBlank(fields)) return;
    if (at === null) {
      const names = fields.map((f) => f.trim().toLowerCase());
      at = {};
      headerFields = fields.length;
      for (const c of SECTION_COLUMNS) {
        const i = names.indexOf(c);
        if (i === -1) continue;
        if (names.indexOf(c, i + 1) !== -1) bad(line, { key: `${NS}.import.errors.columnTwice`, params: { column: c } });
        at[c] = i;
      }
      const missing = SECTION_COLUMNS.filter((c) => at![c] === undefined && !OPTIONAL.includes(c));
      if (missing.length) bad(line, { key: `${NS}.import.errors.headerMissing`, params: { columns: missing.join(', ') } });
      headerBad = lines.has(line);
      return;
    }
    if (headerBad) return;
    if (fields.length > headerFields) return bad(line, { key: `${NS}.import.errors.tooManyFields`, params: { count: fields.length, header: headerFields } });
    const get = (c: Column) => (at![c] === undefined ? '' : (fields[at![c]!] ?? '').trim());
    const row: Row = { line, code: get('section_code'), name: get('section_name'), period: get('period'), email: get('teacher_email').toLowerCase(), student: get('student_source_id') };
    const cp = codeProblem(row.code, 'sectionCode');
    if (cp) bad(line, cp);
    const np = nameProblem(row.name);
    if (np) bad(line, np);
    if (!row.period) bad(line, { key: `${NS}.errors.periodRequired` });
    if (row.email && (row.email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(row.email))) bad(line, { key: `${NS}.import.errors.email`, params: { value: shown(row.email) } });
    if (row.student.length > 60) bad(line, { key: `${NS}.import.errors.tooLong`, params: { column: 'student_source_id', max: 60 } });
    const fromText = get('from_date');
    const toText = get('to_date');
    if (row.student) {
      if (!fromText) bad(line, { key: `${NS}.import.errors.fromRequired` });
      else if (!(row.from = importDate(fromText))) bad(line, { key: `${NS}.import.errors.date`, params: { column: 'from_date', value: shown(fromText) } });
      if (toText && !(row.to = importDate(toText))) bad(line, { key: `${NS}.import.errors.date`, params: { column: 'to_date', value: shown(toText) } });
      if (row.from && row.to && row.to < row.from) bad(line, { key: `${NS}.import.errors.toBeforeFrom`, params: { from: row.from, to: row.to } });
    } else if (fromText || toText) bad(line, { key: `${NS}.import.errors.datesWithoutStudent` });
    rows.push(row);
  });
  if (csvError) bad(csvError.line, { key: `${NS}.import.errors.quote` });
  if (at === null && !csvError) bad(0, { key: `${NS}.import.errors.fileEmpty` });
  else if (!lines.size && rows.length === 0) bad(0, { key: `${NS}.import.errors.noRows` });
  return { rows, lines };
}

const overlaps = (a: { from: string; to: string | null }, b: { from: string; to: string | null }) => (a.to === null || b.from <= a.to) && (b.to === null || a.from <= b.to);

/** The import of a school's sections, checked whole, written in one transaction through the section rules of sections.ts. */
export class SectionsImport {
  constructor(private ctx: AttendanceContext, private sections: Sections) {}

  async importFile(staff: SessionStaff, schoolId: string, yearName: string, text: string, ip: string): Promise<Result<SectionsImportOutcome> | { ok: false; problem: SectionsImportProblem }> {
    const access = await this.sections.school(staff, schoolId, yearName);
    if (!access.ok) return access;
    const { district, year } = access.value;
    const read = readFile(text);
    const refuse = (lines: Map<number, LineProblem[]>) => {
      const all = [...lines.entries()].sort((a, b) => a[0] - b[0]).map(([line, problems]) => ({ line, problems }));
      return { ok: false as const, problem: { code: 'invalid-file', messageKey: `${NS}.import.result.intro`, lines: all.slice(0, KEPT_LINES), badLines: all.length } };
    };
    if (read.lines.has(0) || (read.lines.size > 0 && read.rows.length === 0)) return refuse(read.lines);
    const lines = read.lines;
    const bad = (line: number, p: LineProblem) => lines.set(line, [...(lines.get(line) ?? []), p]);

    return this.ctx.deps.db.transaction().execute(async (trx) => {
      // A school's section writes take turns, the import's with the pages' (sections.ts, lockSchool).
      if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(hashtext(${`sections:${schoolId}`}))`.execute(trx);
      // Every read inside the transaction (on SQLite it holds the one connection).
      const periods = new Set((await trx.selectFrom('bell_periods').select('code').where('school_id', '=', schoolId).where('school_year', '=', year.year).execute()).map((p) => p.code));
      const mode = (await trx.selectFrom('attendance_schools').select('mode').where('school_id', '=', schoolId).where('school_year', '=', year.year).executeTakeFirst())?.mode ?? 'daily';
      const teachers = new Map((await this.sections.teachersAt(schoolId, trx)).map((t) => [t.email.toLowerCase(), t.id]));
      const existing = new Map((await trx.selectFrom('sections').selectAll().where('school_id', '=', schoolId).where('school_year', '=', year.year).execute()).map((s) => [s.code, s]));

      // The students the file names: by the student information system's identifier, else by the product's id.
      const typed = [...new Set(read.rows.map((r) => r.student).filter(Boolean))];
      const studentOf = new Map<string, string>();
      for (let i = 0; i < typed.length; i += BATCH) {
        const part = typed.slice(i, i + BATCH);
        for (const s of await trx.selectFrom('student_sources').select(['source_id', 'student_id']).where('district_id', '=', district.slug).where('source_id', 'in', part).execute()) studentOf.set(s.source_id, s.student_id);
        const rest = part.filter((p) => !studentOf.has(p));
        if (rest.length) for (const s of await trx.selectFrom('students').select('id').where('id', 'in', rest).execute()) studentOf.set(s.id, s.id);
      }
      // Their enrollments at the school that year: the last day each may be in a section (null: not exited).
      const ids = [...new Set(studentOf.values())];
      const enrolledUntil = new Map<string, string | null>();
      for (let i = 0; i < ids.length; i += BATCH) {
        const es = await trx.selectFrom('enrollments').select(['student_id', 'exit_date']).where('school_id', '=', schoolId).where('school_year', '=', year.year).where('student_id', 'in', ids.slice(i, i + BATCH)).execute();
        for (const e of es) {
          const was = enrolledUntil.get(e.student_id);
          enrolledUntil.set(e.student_id, was === null || e.exit_date === null ? null : was === undefined || e.exit_date > was ? e.exit_date : was);
        }
      }
      const sectionIds = [...existing.values()].map((s) => s.id);
      const memberships = new Map<string, SectionStudentsTable[]>();
      for (let i = 0; i < sectionIds.length; i += BATCH) {
        for (const m of await trx.selectFrom('section_students').selectAll().where('section_id', 'in', sectionIds.slice(i, i + BATCH)).execute()) {
          const k = `${m.section_id}\u0000${m.student_id}`;
          memberships.set(k, [...(memberships.get(k) ?? []), m]);
        }
      }

      // Each line against the school, then against the lines before it.
      const sectionAt = new Map<string, Row>();
      const seen = new Map<string, { line: number; from: string; to: string | null }[]>();
      for (const r of read.rows) {
        if (r.period && !periods.has(r.period)) bad(r.line, periods.size ? { key: `${NS}.errors.periodUnknown`, params: { period: shown(r.period), periods: [...periods].join(', ') } } : { key: `${NS}.errors.noSchedule` });
        if (r.email && !teachers.has(r.email)) bad(r.line, { key: `${NS}.import.errors.teacherNotHere`, params: { email: shown(r.email) } });
        const first = sectionAt.get(r.code);
        if (!first) sectionAt.set(r.code, r);
        else if (first.name !== r.name || first.period !== r.period || first.email !== r.email) bad(r.line, { key: `${NS}.import.errors.sectionDiffers`, params: { code: shown(r.code), line: first.line } });
        if (!r.student) continue;
        const studentId = studentOf.get(r.student);
        if (!studentId) { bad(r.line, { key: `${NS}.import.errors.studentUnknown`, params: { value: shown(r.student) } }); continue; }
        const until = enrolledUntil.get(studentId);
        if (until === undefined || (r.from && until !== null && until < r.from)) { bad(r.line, { key: `${NS}.import.errors.notEnrolled`, params: { value: shown(r.student) } }); continue; }
        if (!r.from) continue;
        if (r.from < year.firstDay || r.from > year.lastDay || (r.to && r.to > year.lastDay)) { bad(r.line, { key: `${NS}.errors.outsideYear`, params: { year: year.year } }); continue; }
        const span = { line: r.line, from: r.from, to: r.to ?? null };
        const key = `${r.code}\u0000${studentId}`;
        const earlier = seen.get(key) ?? [];
        const same = earlier.find((e) => e.from === span.from);
        if (same) bad(r.line, { key: `${NS}.import.errors.lineTwice`, params: { line: same.line } });
        else {
          const clash = earlier.find((e) => overlaps(e, span));
          if (clash) bad(r.line, { key: `${NS}.import.errors.overlapInFile`, params: { line: clash.line } });
        }
        seen.set(key, [...earlier, span]);
        const sec = existing.get(r.code);
        const inDb = sec ? (memberships.get(`${sec.id}\u0000${studentId}`) ?? []) : [];
        const clashDb = inDb.find((m) => m.from_date !== span.from && overlaps({ from: m.from_date, to: m.to_date }, span));
        if (clashDb) bad(r.line, { key: `${NS}.errors.alreadyIn`, params: { from: clashDb.from_date } });
      }
      // Daily mode: one homeroom per teacher, counting the sections the file leaves as they are.
      if (mode === 'daily') {
        const codesOf = new Map<string, Set<string>>();
        const add = (teacher: string, code: string) => codesOf.set(teacher, (codesOf.get(teacher) ?? new Set()).add(code));
        for (const [code, r] of sectionAt) if (r.email && teachers.has(r.email)) add(teachers.get(r.email)!, code);
        for (const s of existing.values()) if (s.teacher_id && !sectionAt.has(s.code)) add(s.teacher_id, s.code);
        for (const [code, r] of sectionAt) {
          const tid = r.email ? teachers.get(r.email) : undefined;
          const codes = tid ? codesOf.get(tid)! : undefined;
          if (codes && codes.size > 1) bad(r.line, { key: `${NS}.import.errors.secondHomeroom`, params: { email: shown(r.email), codes: [...codes].filter((c) => c !== code).join(', ') } });
        }
      }
      if (lines.size) return refuse(lines);

      // The plan: what is new or different; a key already there with the same dates is left as it is.
      const at = this.ctx.deps.clock.now().toISOString();
      const plan: ImportPlan = { created: [], changed: [], added: [], ended: [] };
      let unchanged = 0;
      const sectionId = new Map<string, string>();
      for (const [code, r] of sectionAt) {
        const teacherId = r.email ? teachers.get(r.email)! : null;
        const was = existing.get(code);
        if (!was) {
          const row: SectionsTable = { id: newId(), district_id: district.slug, school_id: schoolId, school_year: year.year, code, name: r.name, period_code: r.period, teacher_id: teacherId, created_at: at, updated_at: at };
          plan.created.push(row);
          sectionId.set(code, row.id);
          continue;
        }
        sectionId.set(code, was.id);
        if (was.name !== r.name || was.period_code !== r.period || was.teacher_id !== teacherId) plan.changed.push({ id: was.id, name: r.name, period: r.period, teacherId });
      }
      for (const r of read.rows) {
        if (!r.student) continue;
        const sid = sectionId.get(r.code)!;
        const studentId = studentOf.get(r.student)!;
        const was = (memberships.get(`${sid}\u0000${studentId}`) ?? []).find((m) => m.from_date === r.from);
        if (!was) plan.added.push({ id: newId(), section_id: sid, student_id: studentId, school_id: schoolId, from_date: r.from!, to_date: r.to ?? null });
        // The same, or a file that gives no last day for a membership already ended: left as it is.
        else if (!r.to || r.to === was.to_date) unchanged++;
        else plan.ended.push({ id: was.id, to: r.to });
      }
      await this.sections.applyImport(trx, plan, at);
      const out: SectionsImportOutcome = {
        rows: read.rows.length, sectionsCreated: plan.created.length, sectionsChanged: plan.changed.length, membershipsAdded: plan.added.length, membershipsEnded: plan.ended.length, unchanged,
      };
      await this.ctx.audit.in(trx).record(staff, 'attendance.sections.import', { type: 'school', id: schoolId }, ip, { year: year.year, result: 'imported', ...out });
      return ok(out);
    });
  }
}
