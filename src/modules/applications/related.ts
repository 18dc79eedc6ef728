import type { Deps } from '../../deps.js';
import { formatConfirmationNumber } from './confirmation-number.js';
import { targetSchoolName } from './outgoing.js';
import type { ApplicationRow } from './repository.js';

/**
 * What a request has beyond its own fields, for the parent's page: the receiving district of a
 * release, the two schools of an intra-district request, and the other half of an
 * inter-district permit (DEC-5).
 */
export async function relatedView(deps: Deps, app: ApplicationRow, lang: 'en' | 'es') {
  const linkedRow = app.linked_application_id
    ? await deps.db.selectFrom('applications').select(['id', 'kind', 'district_id', 'status', 'confirmation_number']).where('id', '=', app.linked_application_id).where('account_id', '=', app.account_id).executeTakeFirst()
    : undefined;
  const linkedDistrict = linkedRow ? deps.districts.get(linkedRow.district_id) : undefined;
  const receivingDistrict = app.target_district_slug ? deps.districts.get(app.target_district_slug) : undefined;
  return {
    receiving: app.kind === 'outgoing' ? { district: receivingDistrict ? (receivingDistrict.name[lang] ?? receivingDistrict.name.en) : (app.target_district_name ?? ''), school: targetSchoolName(deps, app) } : null,
    residenceSchoolName: deps.districts.schoolById(app.residence_school_id)?.name ?? null,
    schoolApprovals: app.kind === 'intra' ? await deps.db.selectFrom('school_approvals').select(['role', 'decision']).where('application_id', '=', app.id).execute() : [],
    linked: linkedRow
      ? { id: linkedRow.id, kind: linkedRow.kind, districtName: linkedDistrict ? (linkedDistrict.name[lang] ?? linkedDistrict.name.en) : linkedRow.district_id, status: linkedRow.status, confirmation: formatConfirmationNumber(linkedRow.confirmation_number) }
      : null,
  };
}
