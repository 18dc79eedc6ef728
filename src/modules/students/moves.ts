import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { localDate } from '../../platform/clock.js';
import type { AddressChangesTable, StudentsTable } from '../../platform/db/schema.js';
import { translator, type Params, type T } from '../../platform/i18n/translator.js';
import { sha256 } from '../../platform/ids.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import { AddressService, type Residence } from '../addresses/service.js';
import { foldText, parseAddress } from '../addresses/normalise.js';
import type { DistrictCatalog } from '../districts/catalog.js';
import { schoolId } from '../districts/catalog.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { MovesRepository, StudentsRepository, type ActivePermit } from './repository.js';
import { addressFields, parseDateFields } from './validation.js';

/**
 * DEC-11, DEC-13: a parent reports a move or a change of school, and is told which new permit,
 * if any, it calls for. Rules only: the SQL is in repository.ts (MovesRepository).
 */

/** DEC-13: a move reported more than this many calendar days after it happened is late. */
export const REPORT_WITHIN_DAYS = 30;
/** How far back a move (or a change of school) may be dated. */
export const MAX_YEARS_BACK = 2;
/** How far ahead a change of school may be dated (a move up to middle school next year). */
export const MAX_YEARS_AHEAD = 2;

type Address = Pick<StudentsTable, 'address_line1' | 'address_line2' | 'city' | 'state' | 'zip'>;
export type FormErrors = Record<string, { key: string; params?: Record<string, string | number> }>;

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

// ---------------------------------------------------------------- dates

const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
const shiftYears = (isoDate: string, years: number): string => `${String(Number(isoDate.slice(0, 4)) + years).padStart(4, '0')}${isoDate.slice(4)}`;

/** A memorable date checked against today, or the message key of what is wrong (`kind` names the field's own messages). */
function checkDate(values: Record<string, string>, prefix: string, kind: 'moved' | 'from', today: string): { date: string } | { error: string } {
  const d = parseDateFields(values[`${prefix}_month`] ?? '', (values[`${prefix}_day`] ?? '').trim(), (values[`${prefix}_year`] ?? '').trim());
  if ('error' in d) {
    if (d.error === 'students.errors.dobRequired') return { error: `moves.errors.${kind}Required` };
    if (d.error === 'students.errors.dobFormat') return { error: `moves.errors.${kind}Format` };
    return { error: 'students.errors.dobImpossible' };
  }
  if (kind === 'moved' && d.date > today) return { error: 'moves.errors.movedFuture' };
  if (d.date < shiftYears(today, -MAX_YEARS_BACK)) return { error: `moves.errors.${kind}TooOld` };
  if (kind === 'from' && d.date > shiftYears(today, MAX_YEARS_AHEAD)) return { error: 'moves.errors.fromTooFar' };
  return { date: d.date };
}

function collect(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FormErrors {
  const errors: FormErrors = {};
  for (const i of issues) {
    const f = String(i.path[0]);
    if (!errors[f]) errors[f] = { key: i.message };
  }
  return errors;
}

// ---------------------------------------------------------------- the move form

export const moveSchema = z.object({ ...addressFields, moved_month: z.string().default(''), moved_day: z.string().default(''), moved_year: z.string().default('') });
export type MoveInput = Address & { moved_on: string };

/** DEC-13: the new address and the day of the move, every problem at once. */
export function parseMoveForm(values: Record<string, string>, today: string): { ok: true; data: MoveInput } | { ok: false; errors: FormErrors } {
  const r = moveSchema.safeParse(values);
  const errors = r.success ? {} : collect(r.error.issues);
  const date = checkDate(values, 'moved', 'moved', today);
  if ('error' in date) errors.moved_on = { key: date.error };
  if (!r.success || 'error' in date) return { ok: false, errors };
  const v = r.data;
  return { ok: true, data: { address_line1: v.address_line1, address_line2: v.address_line2 || null, city: v.city, state: v.state, zip: v.zip.slice(0, 5), moved_on: date.date } };
}

/** An address on one line, as stored in address_changes. */
export function oneLine(a: Address): string {
  return `${a.address_line1}${a.address_line2 ? `, ${a.address_line2}` : ''}, ${a.city}, ${a.state} ${a.zip}`;
}

/** The same place, however it was typed ("8312 Garfield Ave" and "8312 GARFIELD AVENUE"). */
export function sameAddress(a: Address, b: Address): boolean {
  const key = (x: Address) => {
    const p = parseAddress(x.address_line1, x.address_line2);
    const place = p.ok ? `${p.value.number} ${p.value.street} ${foldText(p.value.unit ?? '')}` : foldText(`${x.address_line1} ${x.address_line2 ?? ''}`);
    return `${place.replace(/\s+/g, ' ').trim()}|${x.zip.slice(0, 5)}`;
  };
  return key(a) === key(b);
}

// ---------------------------------------------------------------- the school-change form

export const schoolChangeSchema = z.object({
  district: z.string().trim().min(1, 'moves.errors.districtRequired').max(60, 'moves.errors.districtRequired'),
  school: z.string().trim().min(1, 'moves.errors.schoolRequired').max(20, 'moves.errors.schoolNotInDistrict'),
  from_month: z.string().default(''),
  from_day: z.string().default(''),
  from_year: z.string().default(''),
});
export interface SchoolChangeInput {
  district: string;
  school: string;
  from: string;
}

export function parseSchoolChangeForm(values: Record<string, string>, today: string): { ok: true; data: SchoolChangeInput } | { ok: false; errors: FormErrors } {
  const r = schoolChangeSchema.safeParse(values);
  const errors = r.success ? {} : collect(r.error.issues);
  const date = checkDate(values, 'from', 'from', today);
  if ('error' in date) errors.from = { key: date.error };
  if (!r.success || 'error' in date) return { ok: false, errors };
  return { ok: true, data: { district: r.data.district, school: r.data.school, from: date.date } };
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

const adviceText = (lines: RenderedAdviceLine[]) => lines.map((l) => (l.link ? `${l.text}\n${l.link.text}: ${l.link.href}` : l.text)).join('\n\n');

/** The short name of a stored advice key, for lists ("moves.summary.<name>"). */
export const adviceSummaryKey = (adviceKey: string): string => `moves.summary.${adviceKey.split('.').pop()}`;

// ---------------------------------------------------------------- the service

export type MoveOutcome =
  | { kind: 'not-found' }
  | { kind: 'invalid'; errors: FormErrors }
  | { kind: 'done'; change: AddressChangesTable; repeated: boolean; advice: Advice };

export type SchoolChangeOutcome =
  | { kind: 'not-found' }
  | { kind: 'invalid'; errors: FormErrors }
  | { kind: 'done'; repeated: boolean; advice: Advice; eventId: string };

/** The school changes a parent reported, read back from the request's events. */
export interface ReportedSchoolChange {
  at: string;
  applicationId: string;
  district: string;
  schoolCode: string;
  from: string;
  same: boolean;
}

class Conflict extends Error {}

export class MovesService {
  readonly repo: MovesRepository;
  private students: StudentsRepository;
  private addresses: AddressService;
  constructor(private deps: Deps) {
    this.repo = new MovesRepository(deps.db);
    this.students = new StudentsRepository(deps.db);
    this.addresses = new AddressService(deps);
  }

  /** Today in the time zone of the district of the first permit in force (Los Angeles without one). */
  today(permits: ActivePermit[] = []): string {
    const tz = permits.map((p) => this.deps.districts.get(p.district_id)?.timeZone).find(Boolean);
    return localDate(this.deps.clock.now(), tz);
  }

  student(accountId: string, studentId: string) {
    return this.students.byId(accountId, studentId);
  }

  activePermits(studentId: string) {
    return this.repo.activePermits(studentId);
  }

  private async adviceFor(student: StudentsTable, permits: ActivePermit[], address: Address, late: boolean, days: number): Promise<Advice> {
    const residence = await this.addresses.resolve({ line1: address.address_line1, line2: address.address_line2, zip: address.zip }, student.current_grade ?? permits[0]?.grade ?? null);
    return moveAdvice({ districts: this.deps.districts, studentId: student.id, student: student.first_name, permits, residence, zip: address.zip, late, days });
  }

  /**
   * DEC-13: records a move, moves the student to the new address and emails the parent what it
   * means for the permits in force, all in one transaction. The same report twice (a retried
   * form, a second click on the same day) records it once.
   */
  async reportMove(accountId: string, studentId: string, values: Record<string, string>): Promise<MoveOutcome> {
    const student = await this.students.byId(accountId, studentId);
    if (!student) return { kind: 'not-found' };
    const permits = await this.repo.activePermits(studentId);
    const today = this.today(permits);
    const parsed = parseMoveForm(values, today);
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
    const input = parsed.data;
    const newAddress = oneLine(input);
    const days = daysBetween(input.moved_on, today);
    const late = days > REPORT_WITHIN_DAYS;

    if (sameAddress(student, input)) {
      const earlier = await this.repo.sameReport(studentId, input.moved_on, today, newAddress);
      if (earlier) return { kind: 'done', change: earlier, repeated: true, advice: await this.adviceFor(student, permits, input, earlier.late === 1, days) };
      return { kind: 'invalid', errors: { address_line1: { key: 'moves.errors.sameAddress' } } };
    }

    const advice = await this.adviceFor(student, permits, input, late, days);
    const parent = await this.repo.parent(accountId);
    const oldAddress = oneLine(student);
    const nowIso = this.deps.clock.now().toISOString();
    const change: AddressChangesTable = {
      // The same report from the same address the same day is the same row.
      id: `mv_${sha256([studentId, input.moved_on, today, oldAddress, newAddress].join('\u0000')).slice(0, 32)}`,
      student_id: studentId, moved_on: input.moved_on, reported_on: today, late: late ? 1 : 0,
      old_address: oldAddress, new_address: newAddress, advice: advice.main, created_at: nowIso,
    };
    try {
      const inserted = await this.deps.writer.run(async (trx) => {
        if (!(await this.repo.insertAddressChange(trx, change))) return false;
        const moved = await this.repo.changeAddress(trx, accountId, studentId, student, {
          address_line1: input.address_line1, address_line2: input.address_line2, city: input.city, state: input.state, zip: input.zip, updated_at: nowIso,
        });
        if (!moved) throw new Conflict();
        if (parent) {
          const tr = translator(this.deps.catalogs, parent.language);
          await enqueueEmail(trx, this.deps.catalogs, {
            dedupeKey: `move:${change.id}`, to: parent.email, language: parent.language, template: 'moves.emails.moved', accountId,
            params: {
              student: `${student.first_name} ${student.last_name}`, address: newAddress, movedOn: tr.date(input.moved_on),
              advice: adviceText(renderAdvice(this.deps.districts, tr.t, tr.lang, advice, this.deps.config.publicUrl)),
              link: `${this.deps.config.publicUrl}/students/${studentId}/move`,
            },
          }, nowIso);
        }
        return true;
      });
      return { kind: 'done', change, repeated: !inserted, advice };
    } catch (e) {
      if (e instanceof Conflict) return { kind: 'invalid', errors: { address_line1: { key: 'moves.errors.changedMeanwhile' } } };
      throw e;
    }
  }

  /**
   * What the latest reported move to the student's present address means now (`changes` newest
   * first); null when the present address came from no reported move.
   */
  async lastMoveAdvice(student: StudentsTable, changes: AddressChangesTable[], permits: ActivePermit[]): Promise<{ change: AddressChangesTable; advice: Advice } | null> {
    const here = oneLine(student);
    const last = changes.find((c) => c.new_address === here);
    if (!last) return null;
    return { change: last, advice: await this.adviceFor(student, permits, student, last.late === 1, daysBetween(last.moved_on, last.reported_on)) };
  }

  /** The permits a change of school matters to: incoming and intra-district ones (DEC-11). */
  enrollmentPermits(permits: ActivePermit[]): ActivePermit[] {
    return permits.filter((p) => (p.kind === 'incoming' || p.kind === 'intra') && this.deps.districts.get(p.district_id));
  }

  /**
   * DEC-11: the student changes school (or moves up to middle or high school) within the
   * district of enrollment of a permit. Recorded on the permit's request; the parent is told
   * whether a new permit is needed.
   */
  async reportSchoolChange(accountId: string, studentId: string, values: Record<string, string>): Promise<SchoolChangeOutcome> {
    const student = await this.students.byId(accountId, studentId);
    if (!student) return { kind: 'not-found' };
    const permits = this.enrollmentPermits(await this.repo.activePermits(studentId));
    const parsed = parseSchoolChangeForm(values, this.today(permits));
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
    const input = parsed.data;
    const permit = permits.find((p) => p.district_id === input.district);
    if (!permit) return { kind: 'invalid', errors: { district: { key: 'moves.errors.noPermitThere' } } };
    const district = this.deps.districts.get(permit.district_id)!;
    if (!this.deps.districts.school(district, input.school)) return { kind: 'invalid', errors: { school: { key: 'moves.errors.schoolNotInDistrict' } } };

    const advice = schoolChangeAdvice({ districts: this.deps.districts, studentId, student: student.first_name, permit, schoolCode: input.school });
    const today = localDate(this.deps.clock.now(), district.timeZone);
    const nowIso = this.deps.clock.now().toISOString();
    const note = `school change reported: ${input.school} from ${input.from}`;
    const eventId = `sc_${sha256([permit.application_id, note, today].join('\u0000')).slice(0, 32)}`;
    const parent = await this.repo.parent(accountId);
    const inserted = await this.deps.writer.run(async (trx) => {
      const fresh = await this.repo.insertEventOnce(trx, {
        id: eventId, application_id: permit.application_id, at: nowIso, actor: `parent:${accountId}`, from_status: permit.status, to_status: permit.status, note,
      });
      if (!fresh || !parent) return fresh;
      const tr = translator(this.deps.catalogs, parent.language);
      const school = districtsSchoolName(this.deps.districts, district, input.school);
      await enqueueEmail(trx, this.deps.catalogs, {
        dedupeKey: `school-change:${eventId}`, to: parent.email, language: parent.language, template: 'moves.emails.schoolChange', accountId, applicationId: permit.application_id,
        params: {
          student: `${student.first_name} ${student.last_name}`, school, from: tr.date(input.from), district: district.name[tr.lang as 'en' | 'es'] ?? district.name.en,
          advice: adviceText(renderAdvice(this.deps.districts, tr.t, tr.lang, advice, this.deps.config.publicUrl)),
          link: `${this.deps.config.publicUrl}/students/${studentId}/school-change`,
        },
      }, nowIso);
      return true;
    });
    return { kind: 'done', repeated: !inserted, advice, eventId };
  }

  /** The changes of school reported for the student, newest first, and whether each kept the permit's school. */
  async schoolChanges(studentId: string, permits: ActivePermit[]): Promise<ReportedSchoolChange[]> {
    const rows = await this.repo.schoolChanges(studentId);
    const out: ReportedSchoolChange[] = [];
    for (const r of rows) {
      const m = /^school change reported: (\S+) from (\d{4}-\d{2}-\d{2})$/.exec(r.note ?? '');
      if (!m) continue;
      const permit = permits.find((p) => p.application_id === r.application_id);
      out.push({ at: r.at, applicationId: r.application_id, district: r.district_id, schoolCode: m[1], from: m[2], same: permit ? permit.school_id === schoolId(r.district_id, m[1]) : false });
    }
    return out;
  }
}

function districtsSchoolName(districts: DistrictCatalog, district: DistrictConfig, code: string): string {
  return districts.school(district, code)?.name ?? code;
}

/** One reported move, for the student's page. */
export interface MoveSummary {
  id: string;
  movedOn: string;
  reportedOn: string;
  late: boolean;
  /** The stored advice key ("moves.advice.…"); `adviceSummaryKey` gives its short label. */
  advice: string;
  oldAddress: string;
  newAddress: string;
}

/**
 * DEC-13: the moves reported for a student, newest first. For the student's page: the caller
 * has already checked that the student belongs to the account (PRV-1).
 */
export async function movesSummary(deps: Pick<Deps, 'db'>, studentId: string): Promise<MoveSummary[]> {
  const rows = await new MovesRepository(deps.db).addressChanges(studentId);
  return rows.map((r) => ({ id: r.id, movedOn: r.moved_on, reportedOn: r.reported_on, late: r.late === 1, advice: r.advice, oldAddress: r.old_address, newAddress: r.new_address }));
}
