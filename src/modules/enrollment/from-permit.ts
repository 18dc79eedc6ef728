import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import { localDate } from '../../platform/clock.js';
import type { Database, RollNoticeKind } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import type { ApprovedPermit, EndedPermit, PermitRoll } from '../decisions/permit-hooks.js';
import type { RollFirstDay } from '../permit-life/roll-first-day.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { expectedFirstDay } from './expected-day.js';
import { enrollIn } from './roll.js';

type Trx = Transaction<Database>;

/** A permit a reported move ends, and what the parent was told about it (the move's advice key). */
export interface EndedByMove {
  applicationId: string;
  schoolId: string;
  adviceKey: string;
}

/**
 * ENR-7: what a permit's life tells a school's roll, owned here and handed down at the top
 * (modules/index.ts) to the modules below that cannot import this one: decisions (an approval
 * becomes a pre-enrollment; a revocation leaves a notice, DEC-10), permit-life (the provisional
 * enrollment's first day, DEC-12) and students (a move that ends a permit, DEC-13). Every write
 * goes through the roll's owner (roll.ts) or into `roll_notices`, in the caller's transaction.
 */
export class FromPermit {
  constructor(private deps: Pick<Deps, 'clock' | 'districts'>) {}

  /** The roll's side of a permit's decisions, as decisions names it. */
  get roll(): PermitRoll {
    return { approved: (trx, a) => this.approved(trx, a), ended: (trx, e) => this.ended(trx, e) };
  }

  /** The first day on the roll, as permit-life names it. */
  get firstDay(): RollFirstDay {
    return (q, at) => this.firstDayAt(q, at);
  }

  /**
   * ENR-7: an approved incoming or intra-district permit becomes a pre-enrollment at the
   * permit's school, for its first school year and grade, with the district's entry type for
   * permits of its kind (the CALPADS transfer code that type maps to) and the district of
   * geographic residence. Once per request: a second approval (a retried form, an appeal)
   * finds the first enrollment. A student already on that school's roll (enrolled, or
   * pre-enrolled for the year) is not enrolled again. A year the district's calendar does not
   * have yet cannot take an enrollment (ENR-3 counts its days): nothing is made, the approval stands.
   */
  async approved(trx: Trx, a: ApprovedPermit): Promise<{ enrollmentId: string } | null> {
    const { application: app, permit } = a;
    if (app.kind !== 'incoming' && app.kind !== 'intra') return null;
    const district = this.deps.districts.get(app.district_id);
    if (!district || !this.deps.districts.schoolById(permit.school_id) || !permit.school_id.startsWith(`${district.slug}:`)) return null;
    const year = district.schoolYears.find((y) => y.year === permit.first_year);
    const entry = this.deps.districts.entryType(district, district.enrollmentCodes.fromPermit[app.kind]);
    if (!year || !entry) return null;

    const same = await trx.selectFrom('enrollments').select('id').where('application_id', '=', app.id).orderBy('created_at').executeTakeFirst();
    if (same) return { enrollmentId: same.id };
    const onRoll = await trx
      .selectFrom('enrollments')
      .select('id')
      .where('student_id', '=', app.student_id)
      .where('school_id', '=', permit.school_id)
      .where((eb) => eb.or([eb('status', '=', 'active'), eb.and([eb('status', '=', 'pre_enrolled'), eb('school_year', '=', permit.first_year)])]))
      .executeTakeFirst();
    if (onRoll) return null;

    const e = await enrollIn(trx, this.deps, a.actor, {
      studentId: app.student_id,
      schoolId: permit.school_id,
      schoolYear: permit.first_year,
      grade: permit.grade,
      entryType: entry.code,
      applicationId: app.id,
      transferCode: entry.calpads ?? undefined,
      residenceDistrict: (await this.residence(trx, a, district)) ?? undefined,
      expectedFirstDay: expectedFirstDay(district, year, localDate(this.deps.clock.now(), district.timeZone)) ?? undefined,
      note: `permit ${permit.verification_code}`,
    });
    return { enrollmentId: e.id };
  }

  /**
   * The district of geographic residence: an intra-district permit's is the district itself; an
   * incoming one's is the releasing district of the hand-off (DEC-5), else the school district
   * the family gave on the student's record, as written.
   */
  private async residence(trx: Trx, a: ApprovedPermit, district: DistrictConfig): Promise<string | null> {
    if (a.application.kind === 'intra') return district.slug;
    if (a.residenceDistrict) return a.residenceDistrict;
    if (a.application.linked_application_id) {
      const release = await trx.selectFrom('applications').select(['district_id', 'kind']).where('id', '=', a.application.linked_application_id).executeTakeFirst();
      if (release?.kind === 'outgoing') return release.district_id;
    }
    const student = await trx.selectFrom('students').select('current_district').where('id', '=', a.application.student_id).executeTakeFirst();
    const given = student?.current_district?.trim();
    return given ? given : null;
  }

  /**
   * DEC-10, DEC-11: a permit ended by a revocation. The student stays enrolled: every enrollment
   * of the student at the permit's school that is not exited gets a notice for the office.
   */
  async ended(trx: Trx, e: EndedPermit): Promise<void> {
    await this.notify(trx, { studentId: e.application.student_id, schoolId: e.permit.school_id, applicationId: e.application.id, kind: 'permit-revoked', source: `decision:${e.decisionId}`, detail: null });
  }

  /** DEC-13: a reported move ends permits; each one's school gets a notice. The same move told twice leaves one. */
  async endedByMove(trx: Trx, move: { studentId: string; addressChangeId: string; permits: EndedByMove[] }): Promise<void> {
    for (const p of move.permits)
      await this.notify(trx, { studentId: move.studentId, schoolId: p.schoolId, applicationId: p.applicationId, kind: 'permit-ended-by-move', source: `move:${move.addressChangeId}`, detail: p.adviceKey });
  }

  private async notify(trx: Trx, n: { studentId: string; schoolId: string; applicationId: string; kind: RollNoticeKind; source: string; detail: string | null }): Promise<void> {
    if (!n.schoolId) return;
    const enrollments = await trx
      .selectFrom('enrollments')
      .select(['id', 'district_id', 'school_id', 'student_id'])
      .where('student_id', '=', n.studentId)
      .where('school_id', '=', n.schoolId)
      .where('status', '!=', 'exited')
      .execute();
    const at = this.deps.clock.now().toISOString();
    for (const e of enrollments) {
      await trx
        .insertInto('roll_notices')
        .values({
          id: newId(), enrollment_id: e.id, district_id: e.district_id, school_id: e.school_id, student_id: e.student_id, kind: n.kind,
          application_id: n.applicationId, source: n.source, detail: n.detail, created_at: at, resolved_at: null, resolved_by: null,
        })
        .onConflict((oc) => oc.columns(['enrollment_id', 'kind', 'source']).doNothing())
        .execute();
    }
  }

  /**
   * DEC-12: the student's first day at a school for a year, from its roll: an active
   * enrollment's entry date, else a pre-enrollment's first expected day.
   */
  async firstDayAt(q: Parameters<RollFirstDay>[0], at: Parameters<RollFirstDay>[1]): ReturnType<RollFirstDay> {
    const rows = await q
      .selectFrom('enrollments')
      .select(['status', 'entry_date', 'expected_first_day'])
      .where('student_id', '=', at.studentId)
      .where('school_id', '=', at.schoolId)
      .where('school_year', '=', at.schoolYear)
      .where('status', 'in', ['active', 'pre_enrolled'])
      .execute();
    const active = rows.find((r) => r.status === 'active' && r.entry_date);
    if (active) return { day: active.entry_date!, status: 'active' };
    const pre = rows.find((r) => r.status === 'pre_enrolled' && r.expected_first_day);
    return pre ? { day: pre.expected_first_day!, status: 'pre_enrolled' } : undefined;
  }
}
