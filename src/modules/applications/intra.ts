import type { Deps } from '../../deps.js';
import { err, ok, type Result } from '../../platform/result.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { schoolId } from '../districts/catalog.js';
import { openSchoolYears } from '../districts/windows.js';
import { gradeOrder, kindReason, requestedSchool, servesGrade, submitRequest, type Submitted } from './submit-pipeline.js';
import { windowRefusal } from './window-refusal.js';
import { formatConfirmationNumber } from './confirmation-number.js';
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
  ): Promise<Result<Submitted>> {
    return submitRequest(this.deps, this.apps, { kind: 'intra', account, districtSlug, studentId, input, language }, async ({ district, student }) => {
      const home = await this.apps.residence(student, district, input.grade_requested);
      if (!home.ok) return home;
      const residence = district.schools.find((s) => s.code === home.value.schoolCode);
      if (!residence) return err('no-residence-school', 'applications.errors.noResidenceSchool', { field: 'grade_requested', params: { grade: input.grade_requested, phone: district.contact.phone } });

      if (!this.openYears(district).includes(input.school_year)) return windowRefusal(this.deps, district, 'intra', input.school_year, this.apps.today(district), language);
      const reason = kindReason(this.deps, district, input.reason, 'intra');
      if (!reason.ok) return reason;
      const asked = requestedSchool(district, input.school);
      if (!asked.ok) return asked;
      const school = asked.value;
      if (school.code === residence.code) return err('same-school', 'applications.errors.sameAsResidence', { field: 'school', params: { school: school.name } });
      const served = servesGrade(school, input.grade_requested, 'school');
      if (!served.ok) return served;
      const order = gradeOrder(input);
      if (!order.ok) return order;
      // Sample Paramount: the student is registered at the school of residence first.
      if (district.intra.requireRegistrationAtResidence && !input.registration_number)
        return err('not-registered', 'applications.errors.registrationRequired', { field: 'registration_number', params: { school: residence.name } });

      const open = await this.apps.repo.openFor(student.id, district.slug, 'intra', input.school_year);
      if (open) return err('already-open', 'applications.errors.intraAlreadyOpen', { field: 'school', params: { confirmation: formatConfirmationNumber(open.confirmation_number), year: input.school_year } });

      return ok({
        reason: reason.value,
        columns: {
          requested_school_id: schoolId(district.slug, school.code),
          residence_school_id: schoolId(district.slug, residence.code),
          registration_number: input.registration_number || null,
        },
        email: { template: 'applications.emails.intraSubmitted', params: { school: school.name, residence: residence.name } },
      });
    });
  }
}
