import { addDays, localDate } from '../../platform/clock.js';
import type { EnrollmentDocumentsTable, EnrollmentEventsTable, EnrollmentStatus, EnrollmentsTable, RollStudentsTable, StudentsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Err, type Result } from '../../platform/result.js';
import { canKeepRoll, canReadRoll } from '../access/roles.js';
import { schoolYearOf } from '../decisions/rules.js';
import { GRADES, type DistrictConfig, type SchoolConfig } from '../districts/config-schema.js';
import { ageOn } from '../students/validation.js';
import type { RollContext } from './context.js';
import { isSpecialPopulation, type SpecialPopulation } from './populations.js';
import type { RollCursor, RollRow } from './repository.js';

/**
 * What the office reads of the roll (issue 15, points 10–11): a school's roll one page at a time,
 * with its filters, and the page of one student with every enrollment and its history. Each read
 * checks who may read it here, not only in the route: the roll is read by those who keep it and
 * by teachers (canReadRoll), each within their schools (RollScope, PRV-1); outside them a record
 * is "not found". The routes audit every read and every refusal (PRV-2).
 */

export const ROLL_PAGE_SIZE = 50;
/** The statuses a roll is read by, one at a time (the index serves one status's range). */
export const ROLL_STATUSES: readonly EnrollmentStatus[] = ['active', 'pre_enrolled', 'exited'];
/** ENR-2: a conditional admission is "ending" when its date is this many days away or fewer (or past). */
export const CONDITIONAL_ENDING_DAYS = 30;

/** The roll page's filters, as the query string gives them (anything unknown reads as absent). */
export interface RollFilter {
  /** `district:code`; default: the staff member's first school. */
  school?: string;
  /** One of the district's school years; default: the current one. */
  year?: string;
  grade?: string;
  /** Default: active. */
  status?: EnrollmentStatus;
  population?: SpecialPopulation;
  /** ENR-4: students with no emergency contact. */
  noContacts?: boolean;
  /** ENR-2: conditional admissions ending within CONDITIONAL_ENDING_DAYS, or already past. */
  conditionalEnding?: boolean;
  /** The keyset cursor, `<grade rank>.<enrollment id>`. */
  after?: string;
}

/** The filters as query parameters, for links that keep them (the next page). */
export function rollParams(f: RollFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['school', 'year', 'grade', 'status', 'population'] as const) if (f[k]) out[k] = f[k]!;
  if (f.noContacts) out.noContacts = '1';
  if (f.conditionalEnding) out.conditionalEnding = '1';
  return out;
}

/** The query string's values read as filters: a value the page does not offer reads as absent. */
export function parseRollFilter(q: Partial<Record<'school' | 'year' | 'grade' | 'status' | 'population' | 'noContacts' | 'conditionalEnding' | 'after', string | undefined>>): RollFilter {
  const str = (v: string | undefined, max = 80) => (v ?? '').slice(0, max) || undefined;
  const status = ROLL_STATUSES.find((s) => s === q.status);
  const grade = GRADES.find((g) => g === q.grade);
  const population = q.population && isSpecialPopulation(q.population) ? q.population : undefined;
  return {
    school: str(q.school),
    year: str(q.year, 9),
    grade,
    status,
    population,
    noContacts: q.noContacts === '1',
    conditionalEnding: q.conditionalEnding === '1',
    after: str(q.after, 80),
  };
}

const cursorText = (c: RollCursor): string => `${c.gradeRank}.${c.id}`;
function parseCursor(text: string | undefined): RollCursor | undefined {
  const m = /^(\d{1,2})\.([\w-]{1,64})$/.exec(text ?? '');
  return m ? { gradeRank: Number(m[1]), id: m[2] } : undefined;
}

export interface RollView {
  district: DistrictConfig;
  /** The schools the staff member may pick, by id (`district:code`). */
  schools: { id: string; school: SchoolConfig }[];
  schoolId: string;
  school: SchoolConfig;
  year: string;
  /** The filter as applied (defaults filled in). */
  filter: RollFilter & { school: string; year: string; status: EnrollmentStatus };
  /** ENR-2: a conditional admission ending on or before this day is flagged as ending. */
  conditionalBy: string;
  rows: RollRow[];
  next: string | null;
  /** Whether the reader may change the roll (the enrollment form's link). */
  canKeep: boolean;
}

export interface EnrollmentView {
  enrollment: EnrollmentsTable;
  events: (EnrollmentEventsTable & { by: string | null })[];
  document: EnrollmentDocumentsTable | null;
  school: SchoolConfig | undefined;
  /** Whether the reader may act on this enrollment (start, transfer, withdraw): they keep the roll of its school. */
  canAct: boolean;
}

export interface StudentView {
  district: DistrictConfig;
  student: StudentsTable;
  facts: RollStudentsTable | undefined;
  age: number;
  /** Earliest entry first (pre-enrollments last), this district's only. */
  enrollments: EnrollmentView[];
  canKeep: boolean;
}

const notFound = (): Err => err('not-found', 'common.notFound.message');
const forbidden = (): Err => err('forbidden', 'common.notFound.message');

export class RollPages {
  constructor(private ctx: RollContext) {}

  private today(district: DistrictConfig): string {
    return localDate(this.ctx.deps.clock.now(), district.timeZone);
  }

  /** The school year a roll opens on: the configured year today falls in (July to June), else the next one configured, else the last. */
  currentYear(district: DistrictConfig): string {
    const today = this.today(district);
    const years = [...district.schoolYears].sort((a, b) => a.year.localeCompare(b.year));
    const now = schoolYearOf(today);
    return (years.find((y) => y.year === now) ?? years.find((y) => y.firstDay > today) ?? years[years.length - 1]).year;
  }

  /** The schools whose roll the staff member reads, in the district's order. */
  private async schoolsOf(staff: SessionStaff, district: DistrictConfig): Promise<{ id: string; school: SchoolConfig }[]> {
    const mine = await this.ctx.scope.schools(staff);
    return district.schools.map((school) => ({ id: `${district.slug}:${school.code}`, school })).filter((s) => mine === null || mine.includes(s.id));
  }

  /**
   * One page of a school's roll. `forbidden` for a role that does not read the roll or has no
   * school; `not-found` for a school that is not one of the reader's (another district's
   * included), as for any record outside the scope (PRV-1).
   */
  async roll(staff: SessionStaff, filter: RollFilter): Promise<Result<RollView>> {
    const district = this.ctx.deps.districts.get(staff.districtId);
    if (!district || !canReadRoll(staff)) return forbidden();
    const schools = await this.schoolsOf(staff, district);
    if (!schools.length) return forbidden();
    const picked = filter.school ? schools.find((s) => s.id === filter.school) : schools[0];
    if (!picked) return notFound();
    const year = district.schoolYears.some((y) => y.year === filter.year) ? filter.year! : this.currentYear(district);
    const status = filter.status ?? 'active';
    const conditionalBy = addDays(this.today(district), CONDITIONAL_ENDING_DAYS);
    const page = await this.ctx.repo.rollPage({
      schoolId: picked.id,
      schoolYear: year,
      status,
      grade: filter.grade,
      population: filter.population,
      noContacts: filter.noContacts,
      conditionalBy: filter.conditionalEnding ? conditionalBy : undefined,
      after: parseCursor(filter.after),
      limit: ROLL_PAGE_SIZE,
    });
    return ok({
      district,
      schools,
      schoolId: picked.id,
      school: picked.school,
      year,
      filter: { ...filter, school: picked.id, year, status },
      conditionalBy,
      rows: page.rows,
      next: page.next ? cursorText(page.next) : null,
      canKeep: canKeepRoll(staff),
    });
  }

  /**
   * The office's page of one student: who they are, and every enrollment of this district with
   * its history. `not-found` unless the student is on a roll the reader may see (a teacher or an
   * office of another school, another district's staff), `forbidden` for a role that does not
   * read the roll.
   */
  async student(staff: SessionStaff, studentId: string): Promise<Result<StudentView>> {
    const district = this.ctx.deps.districts.get(staff.districtId);
    if (!district || !canReadRoll(staff)) return forbidden();
    if (!(await this.ctx.scope.student(staff, studentId))) return notFound();
    const record = await this.ctx.repo.studentRecord(studentId);
    if (!record) return notFound();
    const history = (await this.ctx.repo.history(studentId)).filter((e) => e.district_id === staff.districtId);
    const documents = new Map((await this.ctx.repo.documents(history.flatMap((e) => (e.exit_document_id ? [e.exit_document_id] : [])))).map((d) => [d.id, d]));
    const staffIds = [...new Set(history.flatMap((e) => e.events.map((ev) => ev.actor)).filter((a) => a.startsWith('staff:')).map((a) => a.slice('staff:'.length)))];
    const names = await this.ctx.repo.staffNames(staffIds);
    const keeps = canKeepRoll(staff);
    const mine = keeps ? await this.ctx.scope.schools(staff) : [];
    const inMySchools = (schoolId: string) => schoolId.startsWith(`${staff.districtId}:`) && (mine === null || mine.includes(schoolId));
    return ok({
      district,
      student: record.student,
      facts: record.facts,
      age: ageOn(record.student.date_of_birth, this.today(district)),
      canKeep: keeps,
      enrollments: history.map(({ events, ...enrollment }) => ({
        enrollment,
        events: events.map((ev) => ({ ...ev, by: ev.actor.startsWith('staff:') ? (names.get(ev.actor.slice('staff:'.length)) ?? null) : null })),
        document: enrollment.exit_document_id ? (documents.get(enrollment.exit_document_id) ?? null) : null,
        school: this.ctx.deps.districts.schoolById(enrollment.school_id),
        canAct: keeps && inMySchools(enrollment.school_id),
      })),
    });
  }
}
