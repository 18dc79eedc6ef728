import type { Deps } from '../../deps.js';
import { localDate } from '../../platform/clock.js';
import type { AddressChangesTable, StudentsTable } from '../../platform/db/schema.js';
import { translator } from '../../platform/i18n/translator.js';
import { sha256 } from '../../platform/ids.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import { refusable, refuse } from '../../platform/db/refuse.js';
import { err } from '../../platform/result.js';
import { noteRequest } from '../applications/lifecycle.js';
import { AddressService } from '../addresses/service.js';
import { schoolId, type DistrictCatalog } from '../districts/catalog.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { adviceText, moveAdvice, permitsEndedByMove, renderAdvice, REPORT_WITHIN_DAYS, schoolChangeAdvice, type Advice } from './move-advice.js';
import type { OnMoveEndsPermits } from './move-hooks.js';
import { daysBetween, oneLine, parseMoveForm, parseSchoolChangeForm, sameAddress, type Address, type FormErrors } from './move-forms.js';
import { MovesRepository, StudentsRepository, type ActivePermit } from './repository.js';

/**
 * DEC-11, DEC-13: a parent reports a move or a change of school, and is told which new permit,
 * if any, it calls for. The forms are checked in move-forms.ts, the rules are in move-advice.ts,
 * the SQL in repository.ts (MovesRepository); this service ties them together.
 */

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

export class MovesService {
  readonly repo: MovesRepository;
  private students: StudentsRepository;
  private addresses: AddressService;
  /** `built.movedOut`: what a move that ends permits tells the school's roll (the enrollment module's, handed in at the top). */
  constructor(private deps: Deps, private built: { movedOut?: OnMoveEndsPermits } = {}) {
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

  private residenceOf(student: StudentsTable, permits: ActivePermit[], address: Address) {
    return this.addresses.resolve({ line1: address.address_line1, line2: address.address_line2, zip: address.zip }, student.current_grade ?? permits[0]?.grade ?? null);
  }

  private async adviceFor(student: StudentsTable, permits: ActivePermit[], address: Address, late: boolean, days: number): Promise<Advice> {
    const residence = await this.residenceOf(student, permits, address);
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
    // DEC-13: the permits this move ends; each one's school office is told (never an exit by itself).
    const ended = permitsEndedByMove(this.deps.districts, permits, await this.residenceOf(student, permits, input));
    const parent = await this.repo.parent(accountId);
    const oldAddress = oneLine(student);
    const nowIso = this.deps.clock.now().toISOString();
    const change: AddressChangesTable = {
      // The same report from the same address the same day is the same row.
      id: `mv_${sha256([studentId, input.moved_on, today, oldAddress, newAddress].join('\u0000')).slice(0, 32)}`,
      student_id: studentId, moved_on: input.moved_on, reported_on: today, late: late ? 1 : 0,
      old_address: oldAddress, new_address: newAddress, advice: advice.main, created_at: nowIso,
    };
    const inserted = await refusable(() => this.deps.writer.run(async (trx) => {
      if (!(await this.repo.insertAddressChange(trx, change))) return false;
      const moved = await this.repo.changeAddress(trx, accountId, studentId, student, {
        address_line1: input.address_line1, address_line2: input.address_line2, city: input.city, state: input.state, zip: input.zip, updated_at: nowIso,
      });
      // The address changed under the form (another report, another tab): nothing of this one is kept.
      if (!moved) refuse(err('changed-meanwhile', 'moves.errors.changedMeanwhile', { field: 'address_line1' }));
      if (ended.length && this.built.movedOut) await this.built.movedOut(trx, { studentId, addressChangeId: change.id, permits: ended });
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
    }));
    if (!inserted.ok) return { kind: 'invalid', errors: { [inserted.problem.field ?? '_form']: { key: inserted.problem.messageKey } } };
    return { kind: 'done', change, repeated: !inserted.value, advice };
  }

  /**
   * What the latest reported move to the student's present address means now (`changes` newest
   * first); null when the present address came from no reported move.
   */
  /**
   * DEC-13: the moves reported for a student, newest first. For the student's page: the caller
   * has already checked that the student belongs to the account (PRV-1).
   */
  async movesSummary(studentId: string): Promise<MoveSummary[]> {
    return moveSummaries(await this.repo.addressChanges(studentId));
  }

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
      const fresh = await noteRequest(trx, { id: permit.application_id, eventId, actor: `parent:${accountId}`, at: nowIso, status: permit.status, note });
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

  /** What the last change of school reported means, while the permit it was reported on is in force (DEC-11). */
  lastSchoolChangeAdvice(student: StudentsTable, changes: ReportedSchoolChange[], permits: ActivePermit[]): { change: ReportedSchoolChange; advice: Advice } | null {
    const latest = changes[0];
    const permit = latest ? permits.find((p) => p.district_id === latest.district && p.application_id === latest.applicationId) : undefined;
    if (!latest || !permit) return null;
    return { change: latest, advice: schoolChangeAdvice({ districts: this.deps.districts, studentId: student.id, student: student.first_name, permit, schoolCode: latest.schoolCode }) };
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

/** DEC-13: the moves reported, from their rows in address_changes (newest first, as MovesRepository reads them). */
export function moveSummaries(rows: AddressChangesTable[]): MoveSummary[] {
  return rows.map((r) => ({ id: r.id, movedOn: r.moved_on, reportedOn: r.reported_on, late: r.late === 1, advice: r.advice, oldAddress: r.old_address, newAddress: r.new_address }));
}
