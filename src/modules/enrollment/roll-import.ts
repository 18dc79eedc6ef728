import { PostgresAdapter, sql, type Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import { localDate } from '../../platform/clock.js';
import type { Database } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Problem, type Result } from '../../platform/result.js';
import { canKeepRoll } from '../access/roles.js';
import { scanCsv } from '../addresses/csv-import.js';
import { GRADES, gradeIndex, type DistrictConfig } from '../districts/config-schema.js';
import { insertRollStudents, type RollStudentInput } from '../students/roll-student.js';
import type { RollContext } from './context.js';
import { EnrollmentRefusal, enrollManyIn } from './roll.js';

/**
 * Existing enrollments from a student information system (issue 15 point 11, XCH-4): a CSV, one
 * row per enrollment, checked whole and imported ALL OR NOTHING, every bad row named by its line,
 * like the address ranges (STU-2, whose RFC 4180 reader this uses). The columns are documented in
 * docs/guide-for-school-offices.md:
 *
 *   source_student_id,first_name,middle_name,last_name,date_of_birth,address_line1,address_line2,city,state,zip,school_code,grade,school_year,entry_type,status,entry_date,expected_first_day
 *
 * Codes are the district's own (WDR-4); schools are the importer's (PRV-1). Students are created
 * with no family account (PRV-1: the school links one later), enrollments through roll.ts.
 *
 * Re-importing the same file adds nothing: the source system's identifier of each student is
 * kept (student_sources, one per district and identifier), and a row whose student is already
 * enrolled at that school for that year is "already on the roll". A later file naming the same
 * identifier at another school, or with a corrected name, enrolls the same student, never a
 * second one. The identifier also goes in the enrollment's history note ("import <id>") and must
 * be unique in the file, as must a student (names without case or accents, date of birth, school
 * and year).
 *
 * Size: two passes over the text. The first checks every row and keeps only the problems, the
 * identifiers seen and where each batch of rows starts; the second reads one batch at a time again
 * and writes it (students and enrollments in multi-row inserts, the enrollments through roll.ts `enrollManyIn`), all in one
 * transaction that a refusal anywhere rolls back whole.
 */

export const IMPORT_COLUMNS = [
  'source_student_id', 'first_name', 'middle_name', 'last_name', 'date_of_birth',
  'address_line1', 'address_line2', 'city', 'state', 'zip',
  'school_code', 'grade', 'school_year', 'entry_type', 'status', 'entry_date', 'expected_first_day',
] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
/** Columns a file may leave out of its header (empty in every row). */
const OPTIONAL: readonly Column[] = ['middle_name', 'address_line2', 'entry_date', 'expected_first_day'];
export const STATUSES = ['active', 'pre_enrolled'] as const;

/** One problem of a line, as a catalog key (namespace roll-import) and its parameters. */
export interface LineProblem {
  key: string;
  params?: Record<string, string | number>;
}
/** Every problem of one line of the file (the header is line 1; 0 is the file as a whole). */
export interface LineErrors {
  line: number;
  problems: LineProblem[];
}

/** How many bad lines a refused import keeps (and the page shows); the count is of all. */
export const KEPT_LINES = 1000;
/** Rows read again and written together. */
const BATCH = 500;

/** A checked row, ready to write. */
export interface ImportRow {
  line: number;
  sourceId: string;
  student: RollStudentInput;
  schoolId: string;
  schoolYear: string;
  grade: string;
  entryType: string;
  entryDate?: string;
  expectedFirstDay?: string;
}

export type ImportOutcome = { imported: number; already: number; rows: number };
export type ImportProblem = Problem & { lines?: LineErrors[]; badLines?: number };

const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u;
const TEXT = /^[^<>{}\\`]*$/u;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** "2018-04-09" or "4/9/2018" (a spreadsheet's US date) as YYYY-MM-DD; undefined when not a real date. */
export function importDate(text: string): string | undefined {
  let y: number, m: number, d: number;
  const iso = ISO.exec(text);
  const us = iso ? null : US.exec(text);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us) [y, m, d] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

/** "01" → "1", "k" → "K", "tk" → "TK"; undefined when not a grade. */
function importGrade(text: string): string | undefined {
  const g = text.trim().toUpperCase().replace(/^0(\d)$/, '$1');
  return (GRADES as readonly string[]).includes(g) ? g : undefined;
}

/**
 * A value echoed in a message: short, on one line, and formula-safe — a leading = + - @ (as the
 * staff's CSV lists do, OWASP) gets an apostrophe, so the list pasted into a spreadsheet runs nothing.
 */
const shown = (v: string): string => {
  const one = (v.length > 40 ? `${v.slice(0, 40)}…` : v).replace(/[\r\n\t]+/g, ' ');
  return /^[=+\-@]/.test(one) ? `'${one}` : one;
};

/** The key that finds one student twice in one file: the names (without case or accents), date of birth, school and year. */
export const rollKey = (first: string, last: string, dob: string, schoolId: string, year: string): string =>
  [first, last].map((n) => n.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()).join('\u0000') + `\u0000${dob}\u0000${schoolId}\u0000${year}`;

/** What a file is checked against: the district, the importer's schools (null: every school) and today. */
export interface ImportScope {
  district: DistrictConfig;
  schools: string[] | null;
  today: string;
}

/** Checks one data record; the row, or its problems. */
function checkRow(fields: string[], at: Partial<Record<Column, number>>, line: number, scope: ImportScope): { row?: ImportRow; problems: LineProblem[] } {
  const problems: LineProblem[] = [];
  const get = (c: Column) => (at[c] === undefined ? '' : (fields[at[c]!] ?? '').trim());
  const need = (c: Column) => {
    const v = get(c);
    if (!v) problems.push({ key: 'roll-import.errors.empty', params: { column: c } });
    return v;
  };
  const { district } = scope;

  const sourceId = need('source_student_id');
  if (sourceId.length > 50) problems.push({ key: 'roll-import.errors.tooLong', params: { column: 'source_student_id', max: 50 } });
  const names = (['first_name', 'middle_name', 'last_name'] as const).map((c) => {
    const v = c === 'middle_name' ? get(c) : need(c);
    if (v && (v.length > 50 || !NAME.test(v))) problems.push({ key: 'roll-import.errors.name', params: { column: c, value: shown(v) } });
    return v;
  });
  const dobText = need('date_of_birth');
  const dob = dobText ? importDate(dobText) : undefined;
  if (dobText && !dob) problems.push({ key: 'roll-import.errors.date', params: { column: 'date_of_birth', value: shown(dobText) } });
  else if (dob && (dob >= scope.today || dob < '1900-01-01')) problems.push({ key: 'roll-import.errors.dobPast', params: { value: dobText } });

  const address = (['address_line1', 'address_line2', 'city'] as const).map((c) => {
    const v = c === 'address_line2' ? get(c) : need(c);
    if (v && (v.length > 100 || !TEXT.test(v))) problems.push({ key: 'roll-import.errors.text', params: { column: c } });
    return v;
  });
  const stateText = need('state').toUpperCase();
  if (stateText && !/^[A-Z]{2}$/.test(stateText)) problems.push({ key: 'roll-import.errors.state', params: { value: shown(stateText) } });
  const zipText = need('zip');
  if (zipText && !/^\d{5}(-\d{4})?$/.test(zipText)) problems.push({ key: 'roll-import.errors.zip', params: { value: shown(zipText) } });

  // PRV-1: a school of the district, and one of the importer's.
  const code = need('school_code');
  const school = code ? district.schools.find((s) => s.code === code) : undefined;
  const schoolId = `${district.slug}:${code}`;
  if (code && !school) problems.push({ key: 'roll-import.errors.school', params: { value: shown(code) } });
  else if (school && scope.schools !== null && !scope.schools.includes(schoolId)) problems.push({ key: 'roll-import.errors.schoolNotYours', params: { value: code } });

  const gradeText = need('grade');
  const grade = gradeText ? importGrade(gradeText) : undefined;
  if (gradeText && !grade) problems.push({ key: 'roll-import.errors.grade', params: { value: shown(gradeText), grades: GRADES.join(', ') } });
  else if (grade && school && (gradeIndex(grade) < gradeIndex(school.lowestGrade) || gradeIndex(grade) > gradeIndex(school.highestGrade)))
    problems.push({ key: 'roll-import.errors.gradeNotServed', params: { grade, school: school.name } });

  const yearText = need('school_year');
  const year = yearText ? district.schoolYears.find((y) => y.year === yearText) : undefined;
  if (yearText && !year) problems.push({ key: 'roll-import.errors.year', params: { value: shown(yearText), years: district.schoolYears.map((y) => y.year).join(', ') } });

  // WDR-4: one of the district's entry types.
  const entryType = need('entry_type');
  if (entryType && !district.enrollmentCodes.entryTypes.some((e) => e.code === entryType))
    problems.push({ key: 'roll-import.errors.entryType', params: { value: shown(entryType), codes: district.enrollmentCodes.entryTypes.map((e) => e.code).join(', ') } });

  const statusText = need('status').toLowerCase().replace(/[- ]/g, '_');
  const status = (STATUSES as readonly string[]).includes(statusText) ? (statusText as (typeof STATUSES)[number]) : undefined;
  if (statusText && !status) problems.push({ key: 'roll-import.errors.status', params: { value: shown(get('status')) } });

  const entryText = get('entry_date');
  const entryDate = entryText ? importDate(entryText) : undefined;
  if (entryText && !entryDate) problems.push({ key: 'roll-import.errors.date', params: { column: 'entry_date', value: shown(entryText) } });
  const expectedText = get('expected_first_day');
  const expected = expectedText ? importDate(expectedText) : undefined;
  if (expectedText && !expected) problems.push({ key: 'roll-import.errors.date', params: { column: 'expected_first_day', value: shown(expectedText) } });
  if (status === 'active') {
    // ENR-3: an active enrollment's entry date is its first day in the seat, within the year, not in the future.
    if (!entryText) problems.push({ key: 'roll-import.errors.entryDateRequired' });
    else if (entryDate && year && (entryDate < year.firstDay || entryDate > year.lastDay)) problems.push({ key: 'roll-import.errors.entryOutsideYear', params: { value: entryDate, year: year.year } });
    else if (entryDate && entryDate > scope.today) problems.push({ key: 'roll-import.errors.entryInFuture', params: { value: entryDate } });
    if (expectedText) problems.push({ key: 'roll-import.errors.expectedOnlyPre' });
  } else if (status === 'pre_enrolled') {
    if (entryText) problems.push({ key: 'roll-import.errors.entryDateOnlyActive' });
    if (expected && year && (expected < year.firstDay || expected > year.lastDay)) problems.push({ key: 'roll-import.errors.expectedOutsideYear', params: { value: expected, year: year.year } });
  }

  if (problems.length) return { problems };
  return {
    problems,
    row: {
      line,
      sourceId,
      student: {
        firstName: names[0], middleName: names[1] || undefined, lastName: names[2], dateOfBirth: dob!, grade: grade!,
        addressLine1: address[0], addressLine2: address[1] || undefined, city: address[2], state: stateText, zip: zipText,
      },
      schoolId,
      schoolYear: year!.year,
      grade: grade!,
      entryType,
      entryDate: status === 'active' ? entryDate : undefined,
      expectedFirstDay: status === 'pre_enrolled' ? expected : undefined,
    },
  };
}

const isBlank = (fields: string[]): boolean => {
  for (const f of fields) if (f.trim() !== '') return false;
  return true;
};

/** The header's columns: where each is, or the problems of the header. */
function readHeader(fields: string[]): { at: Partial<Record<Column, number>>; problems: LineProblem[] } {
  const names = fields.map((f) => f.trim().toLowerCase());
  const at: Partial<Record<Column, number>> = {};
  const problems: LineProblem[] = [];
  for (const c of IMPORT_COLUMNS) {
    const i = names.indexOf(c);
    if (i === -1) continue;
    if (names.indexOf(c, i + 1) !== -1) problems.push({ key: 'roll-import.errors.columnTwice', params: { column: c } });
    at[c] = i;
  }
  const missing = IMPORT_COLUMNS.filter((c) => at[c] === undefined && !OPTIONAL.includes(c));
  if (missing.length) problems.push({ key: 'roll-import.errors.headerMissing', params: { columns: missing.join(', ') } });
  return { at, problems };
}

/** The result of the first pass: every problem, or what the second pass needs. */
export type Checked =
  | { ok: true; at: Partial<Record<Column, number>>; rows: number; batches: { startLine: number }[] }
  | { ok: false; lines: LineErrors[]; badLines: number };

/**
 * The first pass: checks every row of the file (nothing written), the source identifiers unique,
 * each student once per school and year; notes the line each batch of BATCH rows starts on.
 */
export function checkFile(text: string, scope: ImportScope): Checked {
  const lines: LineErrors[] = [];
  let badLines = 0;
  const bad = (line: number, problems: LineProblem[]) => {
    badLines++;
    if (lines.length < KEPT_LINES) lines.push({ line, problems });
  };
  let header: ReturnType<typeof readHeader> | null = null;
  let headerFields = 0;
  const seenIds = new Map<string, number>();
  const seenKeys = new Map<string, number>();
  const batches: { startLine: number }[] = [];
  let rows = 0;
  const csvError = scanCsv(text, (line, fields) => {
    if (isBlank(fields)) return;
    if (header === null) {
      header = readHeader(fields);
      headerFields = fields.length;
      if (header.problems.length) bad(line, header.problems);
      return;
    }
    if (header.problems.length) return;
    if (fields.length > headerFields) {
      bad(line, [{ key: 'roll-import.errors.tooManyFields', params: { count: fields.length, header: headerFields } }]);
      return;
    }
    const r = checkRow(fields, header.at, line, scope);
    const problems = r.problems;
    if (r.row) {
      const first = seenIds.get(r.row.sourceId);
      if (first !== undefined) problems.push({ key: 'roll-import.errors.idTwice', params: { id: shown(r.row.sourceId), line: first } });
      else seenIds.set(r.row.sourceId, line);
      const key = rollKey(r.row.student.firstName, r.row.student.lastName, r.row.student.dateOfBirth, r.row.schoolId, r.row.schoolYear);
      const same = seenKeys.get(key);
      if (same !== undefined) problems.push({ key: 'roll-import.errors.studentTwice', params: { line: same } });
      else seenKeys.set(key, line);
    }
    if (problems.length) return bad(line, problems);
    if (rows % BATCH === 0) batches.push({ startLine: line });
    rows++;
  });
  if (csvError) bad(csvError.line, [{ key: 'roll-import.errors.quote' }]);
  if (header === null && !csvError) return { ok: false, lines: [{ line: 0, problems: [{ key: 'roll-import.errors.fileEmpty' }] }], badLines: 1 };
  if (badLines) return { ok: false, lines: lines.sort((a, b) => a.line - b.line), badLines };
  if (rows === 0) return { ok: false, lines: [{ line: 0, problems: [{ key: 'roll-import.errors.noRows' }] }], badLines: 1 };
  return { ok: true, at: (header as unknown as ReturnType<typeof readHeader>).at, rows, batches };
}

/** Where each wanted (physical) line starts in the text, counting line breaks as the CSV reader does (CRLF, LF or a lone CR). */
function lineOffsets(text: string, wanted: number[]): Map<number, number> {
  const out = new Map<number, number>();
  const want = new Set(wanted);
  let line = 1;
  if (want.has(1)) out.set(1, 0);
  for (let i = 0; i < text.length && out.size < want.size; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      if (want.has(line)) out.set(line, i + 1);
    }
  }
  return out;
}

/** A refusal of roll.ts on a row: the line it came from. */
class RowRefused extends Error {
  constructor(readonly line: number, readonly problem: Problem) {
    super(problem.code);
  }
}

type Trx = Transaction<Database>;
const isPostgres = (trx: Trx): boolean => trx.getExecutor().adapter instanceof PostgresAdapter;

/**
 * The importer of existing enrollments. Checks who may (district administrators for the
 * district; the school office for its own schools; PRV-1) and audits each import (PRV-2).
 */
export class RollImport {
  constructor(private ctx: RollContext) {}

  mayImport(staff: SessionStaff): boolean {
    return canKeepRoll(staff);
  }

  async scopeOf(staff: SessionStaff): Promise<ImportScope | undefined> {
    const district = this.ctx.deps.districts.get(staff.districtId);
    if (!district || !canKeepRoll(staff)) return undefined;
    return { district, schools: await this.ctx.scope.schools(staff), today: localDate(this.ctx.deps.clock.now(), district.timeZone) };
  }

  /** Imports a whole file, or nothing: every problem with its line. */
  async importFile(staff: SessionStaff, text: string): Promise<Result<ImportOutcome> | { ok: false; problem: ImportProblem }> {
    const scope = await this.scopeOf(staff);
    if (!scope) return err('forbidden', 'roll-import.errors.forbidden');
    const checked = checkFile(text, scope);
    if (!checked.ok) return { ok: false, problem: { code: 'invalid-file', messageKey: 'roll-import.result.intro', lines: checked.lines, badLines: checked.badLines } };
    try {
      const outcome = await this.ctx.deps.db.transaction().execute((trx) => this.write(trx, staff, text, scope, checked));
      return ok(outcome);
    } catch (e) {
      if (e instanceof RowRefused) {
        const params = e.problem.params ? { ...e.problem.params } : undefined;
        return { ok: false, problem: { code: 'invalid-file', messageKey: 'roll-import.result.intro', badLines: 1, lines: [{ line: e.line, problems: [{ key: e.problem.messageKey, params }] }] } };
      }
      throw e;
    }
  }

  /** The second pass, inside the one transaction: each batch read again, its new students and enrollments written. */
  private async write(trx: Trx, staff: SessionStaff, text: string, scope: ImportScope, checked: Extract<Checked, { ok: true }>): Promise<ImportOutcome> {
    // Imports of a district take turns (two at once would each find the other's rows absent).
    if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(hashtext(${`roll-import:${scope.district.slug}`}))`.execute(trx);
    const deps = this.ctx.deps;
    const actor = `staff:${staff.id}`;
    const at = deps.clock.now().toISOString();
    const offsets = lineOffsets(text, checked.batches.map((b) => b.startLine));
    let imported = 0;
    let already = 0;
    for (let b = 0; b < checked.batches.length; b++) {
      const start = offsets.get(checked.batches[b].startLine)!;
      const end = b + 1 < checked.batches.length ? offsets.get(checked.batches[b + 1].startLine)! : text.length;
      const firstLine = checked.batches[b].startLine;
      const rows: ImportRow[] = [];
      scanCsv(text.slice(start, end), (line, fields) => {
        if (isBlank(fields)) return;
        const r = checkRow(fields, checked.at, firstLine + line - 1, scope);
        // Checked in the first pass: the same text gives the same rows.
        if (!r.row) throw new Error(`roll import: line ${firstLine + line - 1} changed between the passes`);
        rows.push(r.row);
      });
      // The students the source system's identifiers already name, and where they are enrolled.
      const known = new Map(
        (await trx.selectFrom('student_sources').select(['source_id', 'student_id']).where('district_id', '=', scope.district.slug).where('source_id', 'in', rows.map((r) => r.sourceId)).execute()).map((k) => [k.source_id, k.student_id]),
      );
      const enrolled = new Set(
        known.size
          ? (await trx.selectFrom('enrollments').select(['student_id', 'school_id', 'school_year']).where('student_id', 'in', [...known.values()]).execute()).map((e) => `${e.student_id}\u0000${e.school_id}\u0000${e.school_year}`)
          : [],
      );
      const fresh: ImportRow[] = [];
      const studentIds: (string | undefined)[] = [];
      for (const r of rows) {
        const studentId = known.get(r.sourceId);
        if (studentId && enrolled.has(`${studentId}\u0000${r.schoolId}\u0000${r.schoolYear}`)) {
          already++;
          continue;
        }
        fresh.push(r);
        studentIds.push(studentId);
      }
      if (!fresh.length) continue;
      // New to the roll: the student is created (no family account) and their identifier kept.
      const newRows = fresh.filter((_, i) => studentIds[i] === undefined);
      const newIds = await insertRollStudents(trx, newRows.map((r) => r.student), at);
      for (let i = 0; i < newRows.length; i += BATCH) {
        await trx
          .insertInto('student_sources')
          .values(newRows.slice(i, i + BATCH).map((r, j) => ({ district_id: scope.district.slug, source_id: r.sourceId, student_id: newIds[i + j], created_at: at })))
          .execute();
      }
      let n = 0;
      const ids = studentIds.map((id) => id ?? newIds[n++]);
      try {
        await enrollManyIn(trx, deps, actor, fresh.map((r, i) => ({
          studentId: ids[i],
          schoolId: r.schoolId,
          schoolYear: r.schoolYear,
          grade: r.grade,
          entryType: r.entryType,
          ...(r.entryDate ? { entryDate: r.entryDate } : {}),
          ...(r.expectedFirstDay ? { expectedFirstDay: r.expectedFirstDay } : {}),
          note: `import ${r.sourceId}`,
        })));
      } catch (e) {
        if (e instanceof EnrollmentRefusal) throw new RowRefused(fresh[e.index].line, e.problem.problem);
        throw e;
      }
      imported += fresh.length;
    }
    return { imported, already, rows: checked.rows };
  }
}
