import type { Deps } from '../../deps.js';
import { formatConfirmationNumber } from './confirmation-number.js';
import { targetSchoolName } from './outgoing.js';
import type { ApplicationsRepository, ApplicationRow } from './repository.js';

/**
 * What a request has beyond its own fields, for the parent's page: the receiving district of a
 * release, the two schools of an intra-district request, and the other half of an
 * inter-district permit (DEC-5).
 */
export async function relatedView(deps: Deps, repo: ApplicationsRepository, app: ApplicationRow, lang: 'en' | 'es') {
  const linkedRow = app.linked_application_id
    ? await repo.linkedFor(app.account_id, app.linked_application_id)
    : undefined;
  const linkedDistrict = linkedRow ? deps.districts.get(linkedRow.district_id) : undefined;
  const receivingDistrict = app.target_district_slug ? deps.districts.get(app.target_district_slug) : undefined;
  return {
    receiving: app.kind === 'outgoing' ? { district: receivingDistrict ? (receivingDistrict.name[lang] ?? receivingDistrict.name.en) : (app.target_district_name ?? ''), school: targetSchoolName(deps, app) } : null,
    residenceSchoolName: deps.districts.schoolById(app.residence_school_id)?.name ?? null,
    schoolApprovals: app.kind === 'intra' ? await repo.schoolApprovals(app.id) : [],
    linked: linkedRow
      ? { id: linkedRow.id, kind: linkedRow.kind, districtName: linkedDistrict ? (linkedDistrict.name[lang] ?? linkedDistrict.name.en) : linkedRow.district_id, status: linkedRow.status, confirmation: formatConfirmationNumber(linkedRow.confirmation_number) }
      : null,
  };
}
