import type { Deps } from '../../deps.js';
import { err, ok, type Result } from '../../platform/result.js';
import { localDate } from '../../platform/clock.js';
import { gradeIndex, type DistrictConfig } from '../districts/config-schema.js';
import { schoolId } from '../districts/catalog.js';
import { openSchoolYears } from '../districts/windows.js';
import { AddressService, type Residence } from '../addresses/service.js';
import { windowRefusal } from './window-refusal.js';
import { ApplicationsRepository, type ApplicationRow } from './repository.js';
import { gradeOrder, kindReason, requestedSchool, servesGrade, submitRequest, type StudentForApplication, type Submitted } from './submit-pipeline.js';
import type { IncomingApplicationInput } from './validation.js';

export type { StudentForApplication };

const STUDENT_COLUMNS = ['id', 'account_id', 'first_name', 'last_name', 'date_of_birth', 'current_grade', 'address_line1', 'address_line2', 'zip'] as const;

/**
 * The rules of applying for a permit. Every method checks that the account may act on
 * what it names; expected failures come back as values with a message key.
 */
export class ApplicationsService {
  readonly repo: ApplicationsRepository;
  readonly addresses: AddressService;
  constructor(private deps: Deps) {
    this.repo = new ApplicationsRepository(deps.db);
    this.addresses = new AddressService(deps);
  }

  district(slug: string): DistrictConfig | undefined {
    return this.deps.districts.get(slug);
  }

  today(district: DistrictConfig): string {
    return localDate(this.deps.clock.now(), district.timeZone);
  }

  /** School years open for incoming requests today (APP-2). */
  openYears(district: DistrictConfig): string[] {
    return openSchoolYears(district, 'incoming', this.today(district)).map((y) => y.year);
  }

  async student(accountId: string, studentId: string): Promise<StudentForApplication | undefined> {
    const row = await this.deps.db
      .selectFrom('students')
      .select(STUDENT_COLUMNS)
      .where('id', '=', studentId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    // Read by its account, so it has one (a student on a school's roll may have none yet, PRV-1).
    return row && { ...row, account_id: accountId };
  }

  async students(accountId: string): Promise<StudentForApplication[]> {
    return this.deps.db
      .selectFrom('students')
      .select(STUDENT_COLUMNS)
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute()
      .then((rows) => rows.map((r) => ({ ...r, account_id: accountId })));
  }

  /**
   * STU-3: an incoming permit is offered only when the home address is outside the district.
   * An address the district's ranges cannot place is refused too: staff could not tell.
   */
  async eligibility(student: StudentForApplication, district: DistrictConfig): Promise<Result<true>> {
    const home = await this.addresses.resolve({ line1: student.address_line1, line2: student.address_line2, zip: student.zip }, null);
    if (home.kind === 'resolved' && home.districtSlug === district.slug) {
      return err('address-inside-district', 'applications.errors.insideDistrict', { params: { district: district.shortName } });
    }
    if (home.kind === 'unmatched' && home.districtSlug === district.slug) return residenceProblem(home, district);
    if (home.kind === 'ambiguous' && home.districtSlugs.includes(district.slug)) return residenceProblem(home, district);
    return ok(true);
  }

  /**
   * STU-2: the district and school of residence of a student for a grade. Outgoing and
   * intra-district requests are asked of the district where the student lives.
   */
  async residence(student: StudentForApplication, district: DistrictConfig, grade: string | null): Promise<Result<{ schoolCode: string | null }>> {
    const home = await this.addresses.resolve({ line1: student.address_line1, line2: student.address_line2, zip: student.zip }, grade);
    if (home.kind !== 'resolved') return residenceProblem(home, district);
    if (home.districtSlug !== district.slug) {
      const other = this.deps.districts.get(home.districtSlug);
      return err('not-resident', 'applications.errors.notResident', { params: { district: district.shortName, home: other?.shortName ?? home.districtSlug } });
    }
    return ok({ schoolCode: home.schoolCode });
  }

  /** Schools a parent may ask for on an incoming permit: magnet schools are for residents only (APP-6). */
  requestableSchools(district: DistrictConfig, grade?: string) {
    return district.schools.filter(
      (s) => !s.magnet && (!grade || (gradeIndex(grade) >= gradeIndex(s.lowestGrade) && gradeIndex(grade) <= gradeIndex(s.highestGrade))),
    );
  }

  /**
   * Submits an incoming application (APP-2…APP-10). A repeated submit — double click,
   * retry, back button — returns the first application, never a second (APP-8).
   */
  async submitIncoming(
    account: { id: string; email: string },
    districtSlug: string,
    studentId: string,
    input: IncomingApplicationInput,
    language: string,
  ): Promise<Result<Submitted>> {
    return submitRequest(this.deps, this, { kind: 'incoming', account, districtSlug, studentId, input, language }, async ({ district, student }) => {
      const eligible = await this.eligibility(student, district);
      if (!eligible.ok) return eligible;
      if (!this.openYears(district).includes(input.school_year)) return windowRefusal(this.deps, district, 'incoming', input.school_year, this.today(district), language);
      const reason = kindReason(this.deps, district, input.reason, 'incoming');
      if (!reason.ok) return reason;
      const asked = requestedSchool(district, input.school);
      if (!asked.ok) return asked;
      const school = asked.value;
      if (school.magnet) return err('magnet', 'applications.errors.magnetRefused', { field: 'school', params: { school: school.name } });
      const served = servesGrade(school, input.grade_requested, 'school');
      if (!served.ok) return served;
      const order = gradeOrder(input);
      if (!order.ok) return order;
      // One live request per student, district and school year: the second gets the first's number.
      const existing = await this.repo.openFor(student.id, district.slug, 'incoming', input.school_year);
      if (existing) return ok({ repeated: existing });
      return ok({ reason: reason.value, columns: { requested_school_id: schoolId(district.slug, school.code) }, email: { template: 'applications.emails.submitted', params: {} } });
    });
  }

  /** An application of this account, or nothing (another account's id reads as not found). */
  async forAccount(accountId: string, applicationId: string): Promise<ApplicationRow | undefined> {
    const row = await this.repo.byId(applicationId);
    return row && row.account_id === accountId ? row : undefined;
  }
}

/** Why an address cannot be placed, as the parent reads it (STU-2, STU-3). */
export function residenceProblem(home: Exclude<Residence, { kind: 'resolved' }>, district: DistrictConfig) {
  const params = { district: district.shortName, phone: district.contact.phone };
  switch (home.kind) {
    case 'unmatched':
      return err('address-unmatched', 'applications.errors.addressUnmatched', { params });
    case 'ambiguous':
      return err('address-ambiguous', 'applications.errors.addressAmbiguous', { params });
    case 'unreadable':
      return err('address-unreadable', 'applications.errors.addressUnreadable', { params });
    case 'outside':
      return err('not-resident', 'applications.errors.notResidentAnywhere', { params });
  }
}
