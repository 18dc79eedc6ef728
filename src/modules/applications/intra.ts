import type { Deps } from '../../deps.js';
import { localDate } from '../../platform/clock.js';
import { err, ok, type Result } from '../../platform/result.js';
import { gradeIndex, type DistrictConfig } from '../districts/config-schema.js';
import { schoolId } from '../districts/catalog.js';
import { openSchoolYears } from '../districts/windows.js';
import { decisionDueDate } from '../districts/deadlines.js';
import { insertApplication, NO_KIND_COLUMNS } from './create.js';
import { formatConfirmationNumber } from './confirmation-number.js';
import type { ApplicationRow } from './repository.js';
import type { ApplicationsService } from './service.js';
import type { IntraApplicationInput } from './validation.js';

/**
 * APP-1: an intra-district request — another school of the district where the student lives.
 * The school of residence comes from the address (STU-2); both schools approve it later
 * (decisions/school-approvals.ts).
 */
export class IntraRequests {
  constructor(private deps: Deps, private apps: ApplicationsService) {}

  openYears(district: DistrictConfig): string[] {
    return openSchoolYears(district, 'intra', this.apps.today(district)).map((y) => y.year);
  }

  async submit(
    account: { id: string; email: string },
    districtSlug: string,
    studentId: string,
    input: IntraApplicationInput,
    language: string,
  ): Promise<Result<{ application: ApplicationRow; repeated: boolean }>> {
    const district = this.apps.district(districtSlug);
    if (!district) return err('not-found', 'applications.errors.districtNotFound');
    const again = await this.apps.repo.bySubmissionKey(account.id, input.submission_key);
    if (again) return ok({ application: again, repeated: true });

    const student = await this.apps.student(account.id, studentId);
    if (!student) return err('not-found', 'applications.errors.studentNotFound', { field: 'student' });
    const home = await this.apps.residence(student, district, input.grade_requested);
    if (!home.ok) return home;
    const residence = district.schools.find((s) => s.code === home.value.schoolCode);
    if (!residence) return err('no-residence-school', 'applications.errors.noResidenceSchool', { field: 'grade_requested', params: { grade: input.grade_requested, phone: district.contact.phone } });

    if (!this.openYears(district).includes(input.school_year)) return err('window-closed', 'applications.errors.schoolYearClosed', { field: 'school_year' });
    const reason = this.deps.districts.reason(district, input.reason, 'intra');
    if (!reason) return err('bad-reason', 'applications.errors.reasonRequired', { field: 'reason' });
    const school = district.schools.find((s) => s.code === input.school);
    if (!school) return err('bad-school', 'applications.errors.schoolRequired', { field: 'school' });
    if (school.code === residence.code) return err('same-school', 'applications.errors.sameAsResidence', { field: 'school', params: { school: school.name } });
    const g = gradeIndex(input.grade_requested);
    if (g < gradeIndex(school.lowestGrade) || g > gradeIndex(school.highestGrade))
      return err('grade-not-served', 'applications.errors.gradeNotServed', { field: 'school', params: { school: school.name, grade: input.grade_requested } });
    if (input.current_grade && gradeIndex(input.current_grade) > g) return err('grade-order', 'applications.errors.gradeBelowCurrent', { field: 'grade_requested' });
    // Sample Paramount: the student is registered at the school of residence first.
    if (district.intra.requireRegistrationAtResidence && !input.registration_number)
      return err('not-registered', 'applications.errors.registrationRequired', { field: 'registration_number', params: { school: residence.name } });

    const open = await this.apps.repo.openFor(student.id, district.slug, 'intra', input.school_year);
    if (open) return err('already-open', 'applications.errors.intraAlreadyOpen', { field: 'school', params: { confirmation: formatConfirmationNumber(open.confirmation_number), year: input.school_year } });

    const now = this.deps.clock.now().toISOString();
    const firstDay = district.schoolYears.find((y) => y.year === input.school_year)!.firstDay;
    const checklist = this.deps.districts.checklist(district, 'intra', reason.code);
    return ok(
      await insertApplication(
        this.deps,
        {
          ...NO_KIND_COLUMNS,
          kind: 'intra',
          account_id: account.id,
          student_id: student.id,
          district_id: district.slug,
          school_year: input.school_year,
          grade_requested: input.grade_requested,
          current_grade: input.current_grade || null,
          reason_code: reason.code,
          requested_school_id: schoolId(district.slug, school.code),
          relationship: input.relationship,
          decision_email: input.decision_email,
          language,
          status: checklist.some((c) => c.required) ? 'incomplete' : 'submitted',
          submission_key: input.submission_key,
          student_first_name: student.first_name,
          student_last_name: student.last_name,
          student_date_of_birth: student.date_of_birth,
          received_at: now,
          updated_at: now,
          decision_due_on: decisionDueDate(localDate(this.deps.clock.now(), district.timeZone), firstDay),
          priority: reason.priority ? 1 : 0,
          residence_school_id: schoolId(district.slug, residence.code),
          registration_number: input.registration_number || null,
        },
        {
          template: 'applications.emails.intraSubmitted',
          params: { student: `${student.first_name} ${student.last_name}`, district: district.name[language as 'en' | 'es'] ?? district.name.en, school: school.name, residence: residence.name, schoolYear: input.school_year },
        },
        { actor: `parent:${account.id}`, note: 'submitted' },
      ),
    );
  }
}
