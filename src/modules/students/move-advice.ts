import type { Params, T } from '../../platform/i18n/translator.js';
import type { Residence } from '../addresses/service.js';
import type { DistrictCatalog } from '../districts/catalog.js';
import { schoolId } from '../districts/catalog.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import type { ActivePermit } from './repository.js';

/** DEC-11, DEC-13: which new permit, if any, a move or a change of school calls for. Rules only. */

/** DEC-13: a move reported more than this many calendar days after it happened is late. */
export const REPORT_WITHIN_DAYS = 30;

/** One thing the parent is told: a message key, what fills it, and where to act. */
export interface AdviceLine {
  key: string;
  /** District slugs in `district`, `residence` and `target` are written as the district's name in the reader's language. */
  params: Record<string, string>;
  link?: { href: string; key: string };
}
export interface Advice {
  /** The key stored in address_changes.advice: what the move means for the first permit in force. */
  main: string;
  lines: AdviceLine[];
}
/** Advice written out in one language, for a page or an email. */
export interface RenderedAdviceLine {
  text: string;
  link?: { href: string; text: string };
}

// ---------------------------------------------------------------- advice

const releaseLink = (district: string, studentId: string) => ({ href: `/apply/${district}/outgoing?student=${encodeURIComponent(studentId)}`, key: 'moves.links.release' });
const incomingLink = (district: string, studentId: string) => ({ href: `/apply/${district}?student=${encodeURIComponent(studentId)}`, key: 'moves.links.applyIncoming' });
const intraLink = (district: string, studentId: string) => ({ href: `/apply/${district}/intra?student=${encodeURIComponent(studentId)}`, key: 'moves.links.applyIntra' });

/** The district whose telephone a parent is given when the new address could not be placed. */
function phoneDistrict(districts: DistrictCatalog, permits: ActivePermit[], residence: Residence, zip: string): DistrictConfig | undefined {
  const slugs = [
    ...permits.map((p) => p.district_id),
    ...(residence.kind === 'unmatched' ? [residence.districtSlug] : []),
    ...(residence.kind === 'ambiguous' ? residence.districtSlugs : []),
    ...districts.all.filter((d) => d.zipCodes.includes(zip)).map((d) => d.slug),
  ];
  for (const s of slugs) {
    const d = districts.get(s);
    if (d) return d;
  }
  return undefined;
}

/**
 * DEC-11, DEC-13: what a move means for each permit in force, given where the new address
 * resolves (STU-2). `late`: reported more than 30 days after the move.
 */
export function moveAdvice(args: {
  districts: DistrictCatalog;
  studentId: string;
  student: string;
  permits: ActivePermit[];
  residence: Residence;
  zip: string;
  late: boolean;
  days: number;
}): Advice {
  const { districts, studentId, student, permits, residence } = args;
  const lines: AdviceLine[] = [];
  const schoolName = (id: string) => districts.schoolById(id)?.name ?? '';

  if (residence.kind === 'unmatched' || residence.kind === 'ambiguous' || residence.kind === 'unreadable') {
    const d = phoneDistrict(districts, permits, residence, args.zip);
    lines.push(d ? { key: 'moves.advice.unplaced', params: { student, district: d.slug, phone: d.contact.phone } } : { key: 'moves.advice.unplacedNoDistrict', params: { student } });
  } else {
    // A district not hosted here cannot be named or linked: it reads as "the district where you now live".
    const R = residence.kind === 'resolved' && districts.get(residence.districtSlug) ? residence.districtSlug : null;
    const newSchool = R && residence.kind === 'resolved' && residence.schoolCode ? residence.schoolCode : null;
    for (const p of permits) {
      const D = p.district_id;
      const permitSchool = schoolName(p.school_id);
      if (p.kind === 'incoming') {
        if (R === D) lines.push({ key: 'moves.advice.incomingResident', params: { student, district: D } });
        else if (R) lines.push({ key: 'moves.advice.incomingRelease', params: { student, district: D, residence: R }, link: releaseLink(R, studentId) });
        else lines.push({ key: 'moves.advice.incomingReleaseUnknown', params: { student, district: D } });
      } else if (p.kind === 'intra') {
        if (R === D) {
          if (newSchool && schoolId(D, newSchool) === p.school_id) lines.push({ key: 'moves.advice.intraNowResident', params: { student, district: D, school: permitSchool } });
          else if (newSchool) lines.push({ key: 'moves.advice.intraNewResidenceSchool', params: { student, district: D, school: schoolName(schoolId(D, newSchool)), permitSchool } });
          else lines.push({ key: 'moves.advice.intraResidenceUnknown', params: { student, district: D, permitSchool } });
        } else if (R) lines.push({ key: 'moves.advice.intraMovedOut', params: { student, district: D, residence: R, permitSchool }, link: releaseLink(R, studentId) });
        else lines.push({ key: 'moves.advice.intraMovedOutUnknown', params: { student, district: D, permitSchool }, link: incomingLink(D, studentId) });
      } else {
        const target = p.target_district_slug ?? '';
        const targetName = p.target_district_slug ? '' : (p.target_district_name ?? '');
        if (R === D) lines.push({ key: 'moves.advice.outgoingStillResident', params: { student, district: D, target, targetName } });
        else if (R && R === p.target_district_slug) lines.push({ key: 'moves.advice.outgoingNowResident', params: { student, district: D, target } });
        else if (R) lines.push({ key: 'moves.advice.outgoingMoved', params: { student, district: D, residence: R }, link: releaseLink(R, studentId) });
        else lines.push({ key: 'moves.advice.outgoingMovedUnknown', params: { student, district: D } });
      }
    }
    if (permits.length === 0) {
      lines.push({ key: 'moves.advice.noPermit', params: { student } });
      if (R && newSchool) lines.push({ key: 'moves.advice.residenceSchool', params: { student, district: R, school: schoolName(schoolId(R, newSchool)) } });
      else if (R) lines.push({ key: 'moves.advice.residenceDistrict', params: { student, district: R } });
      else lines.push({ key: 'moves.advice.residenceOutside', params: { student } });
    }
  }
  const main = lines[0].key;
  if (args.late) lines.push({ key: 'moves.advice.late', params: { student, days: String(args.days), limit: String(REPORT_WITHIN_DAYS) } });
  return { main, lines };
}

/**
 * DEC-11, DEC-13: the incoming and intra-district permits a move ends, by where the new address
 * resolves: an incoming permit when the student no longer lives where the permit was granted
 * from (now in another district, or resident of the district of attendance itself), an
 * intra-district permit when the student moved out of the district or now lives in the permit
 * school's own area. An address that could not be placed ends none (nobody knows yet).
 */
export function permitsEndedByMove(districts: DistrictCatalog, permits: ActivePermit[], residence: Residence): { applicationId: string; schoolId: string; adviceKey: string }[] {
  if (residence.kind === 'unmatched' || residence.kind === 'ambiguous' || residence.kind === 'unreadable') return [];
  const R = residence.kind === 'resolved' && districts.get(residence.districtSlug) ? residence.districtSlug : null;
  const newSchool = R && residence.kind === 'resolved' ? residence.schoolCode : null;
  const ended: { applicationId: string; schoolId: string; adviceKey: string }[] = [];
  for (const p of permits) {
    const D = p.district_id;
    let key: string | null = null;
    if (p.kind === 'incoming') key = R === D ? 'moves.advice.incomingResident' : R ? 'moves.advice.incomingRelease' : 'moves.advice.incomingReleaseUnknown';
    else if (p.kind === 'intra') {
      if (R !== D) key = R ? 'moves.advice.intraMovedOut' : 'moves.advice.intraMovedOutUnknown';
      else if (newSchool && schoolId(D, newSchool) === p.school_id) key = 'moves.advice.intraNowResident';
    }
    if (key) ended.push({ applicationId: p.application_id, schoolId: p.school_id, adviceKey: key });
  }
  return ended;
}

/** DEC-11: a change of school within the district of enrollment of a permit. */
export function schoolChangeAdvice(args: { districts: DistrictCatalog; studentId: string; student: string; permit: ActivePermit; schoolCode: string }): Advice {
  const { districts, permit, studentId, student, schoolCode } = args;
  const D = permit.district_id;
  const district = districts.get(D);
  const school = (district && districts.school(district, schoolCode)?.name) || schoolCode;
  const line: AdviceLine = schoolId(D, schoolCode) === permit.school_id
    ? { key: 'moves.schoolChange.same', params: { student, district: D, school } }
    : { key: 'moves.schoolChange.newPermit', params: { student, district: D, school }, link: permit.kind === 'intra' ? intraLink(D, studentId) : incomingLink(D, studentId) };
  return { main: line.key, lines: [line] };
}

/** Writes advice out in one language; `base` is put before links (the site's address, in an email). */
export function renderAdvice(districts: DistrictCatalog, t: T, lang: string, advice: Advice, base = ''): RenderedAdviceLine[] {
  const name = (slug: string | undefined) => {
    if (!slug) return '';
    const d = districts.get(slug);
    return d ? (d.name[lang as 'en' | 'es'] ?? d.name.en) : slug;
  };
  return advice.lines.map((l) => {
    const params: Params = { ...l.params, district: name(l.params.district), residence: name(l.params.residence), target: l.params.target ? name(l.params.target) : l.params.targetName };
    return { text: t(l.key, params), ...(l.link ? { link: { href: `${base}${l.link.href}`, text: t(l.link.key, params) } } : {}) };
  });
}

export const adviceText = (lines: RenderedAdviceLine[]) => lines.map((l) => (l.link ? `${l.text}\n${l.link.text}: ${l.link.href}` : l.text)).join('\n\n');

/** The short name of a stored advice key, for lists ("moves.summary.<name>"). */
export const adviceSummaryKey = (adviceKey: string): string => `moves.summary.${adviceKey.split('.').pop()}`;
