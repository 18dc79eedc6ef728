import type { Deps } from '../../deps.js';
import { err, ok, type Result } from '../../platform/result.js';
import { gradeIndex, type DistrictConfig } from '../districts/config-schema.js';
import { schoolId } from '../districts/catalog.js';
import { openSchoolYears } from '../districts/windows.js';
import { insertApplication } from './insert-request.js';
import { windowRefusal } from './window-refusal.js';
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
    const begun = await this.apps.begin(account.id, districtSlug, studentId, input.submission_key);
    if (!begun.ok) return begun;
    if ('repeated' in begun.value) return ok({ application: begun.value.repeated, repeated: true });
    const { district, student } = begun.value;
    const home = await this.apps.residence(student, district, input.grade_requested);
    if (!home.ok) return home;
    const residence = district.schools.find((s) => s.code === home.value.schoolCode);
    if (!residence) return err('no-residence-school', 'applications.errors.noResidenceSchool', { field: 'grade_requested', params: { grade: input.grade_requested, phone: district.contact.phone } });

    if (!this.openYears(district).includes(input.school_year)) return windowRefusal(this.deps, district, 'intra', input.school_year, this.apps.today(district), language);
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

    return ok(
      await insertApplication(
        this.deps,
        {
          ...this.apps.draft('intra', account, district, student, input, reason, language),
          requested_school_id: schoolId(district.slug, school.code),
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
