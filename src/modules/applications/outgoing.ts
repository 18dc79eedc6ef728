import type { Deps } from '../../deps.js';
import { err, ok, type Result } from '../../platform/result.js';
import { translator } from '../../platform/i18n/translator.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { openSchoolYears, windowsFor } from '../districts/windows.js';
import { gradeOrder, kindReason, servesGrade, submitRequest, type Submitted } from './submit-pipeline.js';
import { windowRefusal } from './window-refusal.js';
import { formatConfirmationNumber } from './confirmation-number.js';
import type { ApplicationRow } from './repository.js';
import type { ApplicationsService } from './service.js';
import type { Handoff } from './handoff.js';
import { OTHER_DISTRICT, type OutgoingApplicationInput } from './validation.js';

/** The request of the same year a district still counts against DEC-17's one-a-year rule. */
const COUNTS_FOR_THE_YEAR = ['incomplete', 'submitted', 'info_requested', 'approved', 'denied', 'deemed_denied', 'revoked'];

/**
 * APP-1, APP-2, DEC-5, DEC-17, DEC-19: a parent asks the district of residence to release the
 * student to another district. When that district is hosted here too, the approved release
 * travels to it by itself (see handoff/forward.ts); a bullying victim's or a military family's
 * request travels at once, because the district of residence cannot block it.
 */
export class OutgoingRequests {
  constructor(private deps: Deps, private apps: ApplicationsService, private handoff: Handoff) {}

  /** School years open for release requests today; after the window closes, only late reasons (DEC-17). */
  openYears(district: DistrictConfig, reasonCode?: string): string[] {
    return openSchoolYears(district, 'outgoing', this.apps.today(district), reasonCode).map((y) => y.year);
  }

  /**
   * School years the form offers: those some reason is still taken for today. After the window
   * closes the form stays open for the late reasons (DEC-17); the submit checks the reason chosen.
   */
  formYears(district: DistrictConfig): string[] {
    const late = district.windows.outgoing?.lateReasons ?? [];
    const open = new Set([undefined, ...late].flatMap((code) => this.openYears(district, code)));
    return district.schoolYears.map((y) => y.year).filter((y) => open.has(y));
  }

  /** The districts a release can name: every hosted district but this one. */
  receivingDistricts(district: DistrictConfig): DistrictConfig[] {
    return this.deps.districts.all.filter((d) => d.slug !== district.slug);
  }

  async submit(
    account: { id: string; email: string },
    districtSlug: string,
    studentId: string,
    input: OutgoingApplicationInput,
    language: string,
  ): Promise<Result<Submitted>> {
    return submitRequest(this.deps, this.apps, { kind: 'outgoing', account, districtSlug, studentId, input, language }, async ({ district, student }) => {
      const home = await this.apps.residence(student, district, null);
      if (!home.ok) return home;

      const reason = kindReason(this.deps, district, input.reason, 'outgoing');
      if (!reason.ok) return reason;
      const today = this.apps.today(district);
      if (!this.openYears(district, reason.value.code).includes(input.school_year)) {
        // DEC-17: after the outgoing window closes, only the late reasons are taken; say so with the dates.
        const w = windowsFor(district, 'outgoing').find((y) => y.year === input.school_year);
        if (w && today >= w.opens && today > w.closes && today <= w.lastDay) {
          const late = (district.windows.outgoing?.lateReasons ?? []).map((c) => this.deps.districts.reason(district, c, 'outgoing')?.label[language as 'en' | 'es'] ?? c);
          const date = translator(this.deps.catalogs, language).date;
          return err('window-closed', 'applications.errors.outgoingClosed', { field: 'reason', params: { year: w.year, opened: date(w.opens), closed: date(w.closes), reasons: late.join(', ') } });
        }
        return windowRefusal(this.deps, district, 'outgoing', input.school_year, today, language);
      }
      const order = gradeOrder(input);
      if (!order.ok) return order;

      // The receiving district: one hosted here (its school checked), or one the parent names.
      let target: { slug: string | null; name: string; school: string | null };
      if (input.target_district === OTHER_DISTRICT) {
        target = { slug: null, name: input.target_district_name, school: input.target_school_name || null };
      } else {
        const receiving = this.deps.districts.get(input.target_district);
        if (!receiving || receiving.slug === district.slug) return err('bad-district', 'applications.errors.targetDistrictUnknown', { field: 'target_district' });
        let school: string | null = null;
        if (input.target_school) {
          const [slug, code] = input.target_school.split(':');
          if (slug !== receiving.slug) return err('school-elsewhere', 'applications.errors.schoolNotInDistrict', { field: 'target_school', params: { district: receiving.shortName } });
          const s = receiving.schools.find((x) => x.code === code);
          if (!s) return err('bad-school', 'applications.errors.schoolRequired', { field: 'target_school' });
          // APP-6: magnet schools are for the receiving district's residents.
          if (s.magnet) return err('magnet', 'applications.errors.magnetRefused', { field: 'target_school', params: { school: s.name } });
          const served = servesGrade(s, input.grade_requested, 'target_school');
          if (!served.ok) return served;
          school = s.code;
        }
        target = { slug: receiving.slug, name: receiving.name.en, school };
      }

      // DEC-17: one outgoing request per student and school year.
      const earlier = await this.apps.repo.oneOf(student.id, district.slug, 'outgoing', input.school_year, COUNTS_FOR_THE_YEAR);
      if (earlier) {
        return err('one-per-year', 'applications.errors.oneOutgoingPerYear', { field: 'school_year', params: { year: input.school_year, confirmation: formatConfirmationNumber(earlier.confirmation_number) } });
      }

      const receivingName = target.slug ? (this.deps.districts.get(target.slug)!.name[language as 'en' | 'es'] ?? target.name) : target.name;
      return ok({
        reason: reason.value,
        columns: { target_district_slug: target.slug, target_district_name: target.name, target_school: target.school },
        email: { template: 'applications.emails.outgoingSubmitted', params: { receiving: receivingName } },
        // DEC-19: the district of residence cannot block a priority transfer: it goes to the hosted receiving district now.
        also: reason.value.priority && target.slug ? (trx, row) => this.handoff.forward(trx, row, { byLaw: true }).then(() => undefined) : undefined,
      });
    });
  }
}

/** The school of a hosted receiving district a release names, for pages and letters. */
export function targetSchoolName(deps: Deps, app: Pick<ApplicationRow, 'target_district_slug' | 'target_school'>): string | null {
  if (!app.target_school) return null;
  // A hosted district's school is stored by code; another district's by the name the parent typed.
  return app.target_district_slug ? (deps.districts.schoolById(`${app.target_district_slug}:${app.target_school}`)?.name ?? app.target_school) : app.target_school;
}

