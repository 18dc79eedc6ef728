import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { Database } from '../../platform/db/schema.js';
import { localDate } from '../../platform/clock.js';
import { err, ok, type Result } from '../../platform/result.js';
import { gradeIndex, type DistrictConfig, type PermitKind, type SchoolConfig } from '../districts/config-schema.js';
import { decisionDueDate } from '../districts/deadlines.js';
import { insertApplication, NO_KIND_COLUMNS, type ApplicationDraft, type RequestWrites } from './insert-request.js';
import type { ApplicationRow } from './repository.js';

/** A student as a request is made for them: who, born when, and the home address (STU-2, STU-3). */
export interface StudentForApplication {
  id: string;
  account_id: string;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  current_grade: string | null;
  address_line1: string;
  address_line2: string | null;
  zip: string;
}

/** What the pipeline reads first (the applications service gives it): the district, a form sent before, the student. */
export interface SubmitSources {
  district(slug: string): DistrictConfig | undefined;
  student(accountId: string, studentId: string): Promise<StudentForApplication | undefined>;
  repo: RequestWrites;
}

/** The fields every kind's form carries (validation.ts's common fields). */
export interface RequestInput {
  school_year: string;
  grade_requested: string;
  current_grade: string;
  reason: string;
  relationship: string;
  decision_email: string;
  submission_key: string;
}

/** A submitted request, or the first one again when the same form (or the same request) came twice (APP-8). */
export type Submitted = { application: ApplicationRow; repeated: boolean };

/**
 * What one kind's own checks hand back when the request may be written: its reason, the columns
 * only it fills, its "received" email (the student, district and school year are added here),
 * and what else the same commit carries (a priority release travels at once, DEC-19).
 */
export interface KindRequest {
  reason: { code: string; priority: boolean };
  columns: Partial<ApplicationDraft>;
  email: { template: string; params: Record<string, string> };
  also?: (trx: Transaction<Database>, row: ApplicationRow) => Promise<void>;
}

/** A kind's own checks, in its order: a refusal, the request to write, or an open request to give back. */
export type KindChecks = (found: { district: DistrictConfig; student: StudentForApplication }) => Promise<Result<KindRequest | { repeated: ApplicationRow }>>;

export interface Submission<I extends RequestInput> {
  kind: PermitKind;
  account: { id: string; email: string };
  districtSlug: string;
  studentId: string;
  input: I;
  language: string;
}

/**
 * The one submit pipeline of the three kinds of request (APP-1…APP-10): the district, a retry of
 * the same form (APP-8: it gets the first request back), the account's own student, then the
 * kind's own checks, then the row with its first history line and its email in one durable
 * commit (insertApplication): the confirmation number is shown only after that commit.
 */
export async function submitRequest<I extends RequestInput>(deps: Deps, apps: SubmitSources, s: Submission<I>, checks: KindChecks): Promise<Result<Submitted>> {
  const district = apps.district(s.districtSlug);
  if (!district) return err('not-found', 'applications.errors.districtNotFound');
  const again = await apps.repo.bySubmissionKey(s.account.id, s.input.submission_key);
  if (again) return ok({ application: again, repeated: true });
  const student = await apps.student(s.account.id, s.studentId);
  if (!student) return err('not-found', 'applications.errors.studentNotFound', { field: 'student' });

  const checked = await checks({ district, student });
  if (!checked.ok) return checked;
  if ('repeated' in checked.value) return ok({ application: checked.value.repeated, repeated: true });
  const { reason, columns, email, also } = checked.value;

  const draft: ApplicationDraft = { ...commonColumns(deps, s, district, student, reason), ...columns };
  const params = {
    student: `${student.first_name} ${student.last_name}`,
    district: district.name[s.language as 'en' | 'es'] ?? district.name.en,
    schoolYear: s.input.school_year,
    ...email.params,
  };
  return ok(await insertApplication(deps, apps.repo, draft, { template: email.template, params }, { actor: `parent:${s.account.id}`, note: 'submitted', also }));
}

/**
 * The columns every kind of request fills the same way: who, which student (a snapshot for
 * the public look-ups, DOC-1), the year and grades, the reason, its checklist's status
 * (APP-11), the DEC-3 due date and the DEC-19 priority.
 */
function commonColumns(deps: Deps, s: Submission<RequestInput>, district: DistrictConfig, student: StudentForApplication, reason: { code: string; priority: boolean }): ApplicationDraft {
  const { input } = s;
  const now = deps.clock.now().toISOString();
  const firstDay = district.schoolYears.find((y) => y.year === input.school_year)!.firstDay;
  const checklist = deps.districts.checklist(district, s.kind, reason.code);
  return {
    ...NO_KIND_COLUMNS,
    kind: s.kind,
    account_id: s.account.id,
    student_id: student.id,
    district_id: district.slug,
    school_year: input.school_year,
    grade_requested: input.grade_requested,
    current_grade: input.current_grade || null,
    reason_code: reason.code,
    requested_school_id: null,
    relationship: input.relationship,
    decision_email: input.decision_email,
    language: s.language,
    status: checklist.some((c) => c.required) ? 'incomplete' : 'submitted',
    submission_key: input.submission_key,
    student_first_name: student.first_name,
    student_last_name: student.last_name,
    student_date_of_birth: student.date_of_birth,
    received_at: now,
    updated_at: now,
    decision_due_on: decisionDueDate(localDate(deps.clock.now(), district.timeZone), firstDay),
    priority: reason.priority ? 1 : 0,
  };
}

/** The reason chosen, if the district takes it for this kind of request. */
export function kindReason(deps: Deps, district: DistrictConfig, code: string, kind: PermitKind): Result<{ code: string; priority: boolean }> {
  const reason = deps.districts.reason(district, code, kind);
  return reason ? ok(reason) : err('bad-reason', 'applications.errors.reasonRequired', { field: 'reason' });
}

/** The district's school the form names (its code), or the refusal beside the school field. */
export function requestedSchool(district: DistrictConfig, code: string): Result<SchoolConfig> {
  const school = district.schools.find((s) => s.code === code);
  return school ? ok(school) : err('bad-school', 'applications.errors.schoolRequired', { field: 'school' });
}

/** A school asked for serves the grade requested; the refusal stands beside `field`. */
export function servesGrade(school: Pick<SchoolConfig, 'name' | 'lowestGrade' | 'highestGrade'>, grade: string, field: string): Result<true> {
  const g = gradeIndex(grade);
  if (g < gradeIndex(school.lowestGrade) || g > gradeIndex(school.highestGrade)) {
    return err('grade-not-served', 'applications.errors.gradeNotServed', { field, params: { school: school.name, grade } });
  }
  return ok(true);
}

/** The grade requested is not below the current grade. */
export function gradeOrder(input: Pick<RequestInput, 'current_grade' | 'grade_requested'>): Result<true> {
  if (input.current_grade && gradeIndex(input.current_grade) > gradeIndex(input.grade_requested)) {
    return err('grade-order', 'applications.errors.gradeBelowCurrent', { field: 'grade_requested' });
  }
  return ok(true);
}
