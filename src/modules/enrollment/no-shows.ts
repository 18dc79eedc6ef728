import { sql } from 'kysely';
import type { Deps } from '../../deps.js';
import { addDays, localDate, parseLocalInstant } from '../../platform/clock.js';
import type { Db } from '../../platform/db/kysely.js';
import type { ContactAttemptsTable } from '../../platform/db/schema.js';
import { refusable } from '../../platform/db/refuse.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { StepReport } from '../../platform/ops/runner.js';
import { err, ok, type Result } from '../../platform/result.js';
import { canKeepRoll } from '../access/roles.js';
import type { DistrictConfig, ExitCodeConfig } from '../districts/config-schema.js';
import { logContact } from './contact-log.js';
import type { RollContext } from './context.js';
import { NO_SHOW_EXIT } from './roll.js';

/**
 * No-shows (WDR-3, issue 15 point 9): a pre-enrolled student who has not come by the end of the
 * first expected instructional day is put on the school's no-show list that evening, by the
 * background runner. The office logs each contact attempt, then records one of two outcomes: the
 * student came (an entry date: `roll.start`, ENR-3) or the no-show exit (the district's exit code
 * whose CALPADS code is N470, through the withdrawal form). Either one resolves the no-show in
 * the same transaction (roll.ts).
 */

/** The local time (24-hour, the district's time zone) at which a first expected day is over: 6:00 p.m. unless the district says otherwise. */
export const NO_SHOWS_AT = '18:00';

/** The district's evening hour for the no-show list (`enrollmentCodes.noShowsAt`, default 18:00). */
export const noShowsAt = (district: DistrictConfig): string => district.enrollmentCodes.noShowsAt ?? NO_SHOWS_AT;

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** "HH:MM" of an instant in a time zone. */
function localTime(at: Date, timeZone: string): string {
  let f = timeFormats.get(timeZone);
  if (!f) timeFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })));
  return f.format(at);
}

/**
 * The last first expected day whose evening has come, as of `now` in the district's time zone:
 * today once it is `noShowsAt` or later, else yesterday. Every pre-enrollment expected on or
 * before it and still not come is a no-show.
 */
export function lastDueDay(district: DistrictConfig, now: Date): string {
  const today = localDate(now, district.timeZone);
  return localTime(now, district.timeZone) >= noShowsAt(district) ? today : addDays(today, -1);
}

/**
 * The evening step (a background step of the `deadlines` run): flags, for every district, the
 * pre-enrollments whose first expected day has ended. One statement per district, insert-if-absent
 * keyed by the enrollment: run twice, or by two instances at once, it flags each no-show once
 * (the primary key and ON CONFLICT DO NOTHING decide, not a read before the write). The scan is
 * the partial index `enrollments_expected` (pre-enrollments by first expected day).
 *
 * A student whose first day was recorded is active, so never flagged; one flagged in the instant
 * a clerk recorded the first day (the two statements crossing) is resolved on the next run.
 */
export async function flagNoShows(deps: Pick<Deps, 'db' | 'districts'>, now: Date): Promise<StepReport> {
  const at = now.toISOString();
  let flagged = 0;
  for (const district of deps.districts.all) {
    const due = lastDueDay(district, now);
    const r = await deps.db
      .insertInto('no_shows')
      .columns(['enrollment_id', 'school_id', 'school_year', 'expected_day', 'flagged_at'])
      .expression((eb) =>
        eb
          .selectFrom('enrollments')
          .select(['enrollments.id', 'enrollments.school_id', 'enrollments.school_year', 'enrollments.expected_first_day', sql<string>`cast(${at} as text)`.as('flagged_at')])
          // A literal, so SQLite can use the partial index (its WHERE must match the query's).
          .where('enrollments.status', '=', sql.lit('pre_enrolled'))
          .where('enrollments.expected_first_day', '<=', due)
          .where('enrollments.district_id', '=', district.slug)
          .where((w) => w.not(w.exists(w.selectFrom('no_shows').select('no_shows.enrollment_id').whereRef('no_shows.enrollment_id', '=', 'enrollments.id')))),
      )
      .onConflict((oc) => oc.column('enrollment_id').doNothing())
      .executeTakeFirst();
    flagged += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  // Open no-shows whose enrollment has meanwhile started or exited: resolved as what happened.
  const healed = await deps.db
    .updateTable('no_shows')
    .set({
      resolved_at: at,
      resolution: sql<'came' | 'exited'>`(select case when e.status = 'exited' then 'exited' else 'came' end from enrollments e where e.id = no_shows.enrollment_id)`,
    })
    .where('resolved_at', 'is', null)
    .where(sql<boolean>`exists (select 1 from enrollments e where e.id = no_shows.enrollment_id and e.status <> 'pre_enrolled')`)
    .executeTakeFirst();
  return { noShowsFlagged: flagged, noShowsResolvedLate: Number(healed.numUpdatedRows) };
}

/** One open no-show on the list, with its contact attempts so far (oldest first). */
export interface NoShowRow {
  enrollmentId: string;
  studentId: string;
  firstName: string;
  lastName: string;
  grade: string;
  schoolId: string;
  expectedDay: string;
  flaggedAt: string;
  contacts: ContactAttemptsTable[];
}

/** How many open no-shows a page shows at most (the oldest first). */
export const NO_SHOWS_SHOWN = 500;

/** A school's open no-shows, the earliest expected day first, each with its `no_show` contact attempts. */
export async function openNoShows(db: Db, schoolId: string): Promise<NoShowRow[]> {
  const rows = await db
    .selectFrom('no_shows')
    .innerJoin('enrollments', 'enrollments.id', 'no_shows.enrollment_id')
    .innerJoin('students', 'students.id', 'enrollments.student_id')
    .select([
      'no_shows.enrollment_id as enrollmentId',
      'enrollments.student_id as studentId',
      'students.first_name as firstName',
      'students.last_name as lastName',
      'enrollments.grade',
      'no_shows.school_id as schoolId',
      'no_shows.expected_day as expectedDay',
      'no_shows.flagged_at as flaggedAt',
    ])
    .where('no_shows.school_id', '=', schoolId)
    .where('no_shows.resolved_at', 'is', null)
    .where('enrollments.status', '=', 'pre_enrolled')
    .orderBy('no_shows.expected_day')
    .orderBy('students.last_name')
    .orderBy('students.first_name')
    .orderBy('no_shows.enrollment_id')
    .limit(NO_SHOWS_SHOWN)
    .execute();
  if (!rows.length) return [];
  const contacts = await db
    .selectFrom('contact_attempts')
    .selectAll()
    .where(
      'enrollment_id',
      'in',
      rows.map((r) => r.enrollmentId),
    )
    .where('purpose', '=', 'no_show')
    .orderBy('contacted_at')
    .orderBy('created_at')
    .execute();
  const byEnrollment = new Map<string, ContactAttemptsTable[]>();
  for (const c of contacts) byEnrollment.set(c.enrollment_id, [...(byEnrollment.get(c.enrollment_id) ?? []), c]);
  return rows.map((r) => ({ ...r, contacts: byEnrollment.get(r.enrollmentId) ?? [] }));
}

/** The district's no-show exit code (its CALPADS code N470), if it has one. */
export const noShowExitCode = (district: DistrictConfig): ExitCodeConfig | undefined => district.enrollmentCodes.exitCodes.find((c) => c.calpads === NO_SHOW_EXIT);

export interface ContactForm {
  /** A local date and time in the district's time zone ("2026-12-01T10:30"), as a datetime field sends it. */
  contactedAt: string;
  method: string;
  reached: string;
  outcome: string;
  note: string;
}

/**
 * What the office does with its no-shows; each method checks who may (PRV-1: the roll's keepers,
 * for the schools of their scope; outside it "not found") and audits what was read or changed.
 */
export class NoShows {
  constructor(private ctx: RollContext) {}

  /** Whether this staff member keeps a roll (and so sees a no-show list). */
  mayOpen(staff: SessionStaff): boolean {
    return canKeepRoll(staff);
  }

  /** The schools whose list this staff member may open, in the district's order. */
  async schools(staff: SessionStaff): Promise<DistrictConfig['schools']> {
    const district = this.ctx.deps.districts.get(staff.districtId);
    if (!district || !canKeepRoll(staff)) return [];
    const mine = await this.ctx.scope.schools(staff);
    return district.schools.filter((s) => mine === null || mine.includes(`${district.slug}:${s.code}`));
  }

  /** The open no-shows of one school of the staff member's scope (PRV-2: the read is audited). */
  async list(staff: SessionStaff, schoolId: string, ip: string): Promise<Result<NoShowRow[]>> {
    if (!canKeepRoll(staff)) {
      await this.ctx.audit.refused(staff, 'roll.no-shows.view', { type: 'school', id: schoolId }, ip, 'forbidden');
      return err('forbidden', 'no-shows.errors.forbidden');
    }
    if (!(await this.ctx.scope.hasSchool(staff, schoolId))) {
      await this.ctx.audit.refused(staff, 'roll.no-shows.view', { type: 'school', id: schoolId }, ip, 'not-found');
      return err('not-found', 'common.notFound.message');
    }
    const rows = await openNoShows(this.ctx.deps.db, schoolId);
    await this.ctx.audit.record(staff, 'roll.no-shows.view', { type: 'school', id: schoolId }, ip, { students: rows.length, enrollments: rows.map((r) => r.enrollmentId) });
    return ok(rows);
  }

  /** The enrollment of an open no-show the staff member may act on; a problem otherwise (audited as refused). */
  private async openNoShow(staff: SessionStaff, enrollmentId: string, action: string, ip: string): Promise<Result<{ districtId: string; schoolId: string }>> {
    if (!canKeepRoll(staff)) {
      await this.ctx.audit.refused(staff, action, { type: 'enrollment', id: enrollmentId }, ip, 'forbidden');
      return err('forbidden', 'no-shows.errors.forbidden');
    }
    const e = await this.ctx.scope.enrollment(staff, enrollmentId);
    if (!e) {
      await this.ctx.audit.refused(staff, action, { type: 'enrollment', id: enrollmentId }, ip, 'not-found');
      return err('not-found', 'common.notFound.message');
    }
    const open = await this.ctx.deps.db.selectFrom('no_shows').select('enrollment_id').where('enrollment_id', '=', enrollmentId).where('resolved_at', 'is', null).executeTakeFirst();
    if (!open || e.status !== 'pre_enrolled') return err('no-shows.resolved', 'no-shows.errors.resolved');
    return ok({ districtId: e.district_id, schoolId: e.school_id });
  }

  /** The student came after all: the first day in the seat (ENR-3) resolves the no-show 'came'. */
  async came(staff: SessionStaff, enrollmentId: string, entryDate: string, ip: string): Promise<Result<{ schoolId: string }>> {
    const found = await this.openNoShow(staff, enrollmentId, 'roll.no-show.came', ip);
    if (!found.ok) return found;
    if (!entryDate.trim()) return err('no-shows.entry-date-missing', 'no-shows.errors.entryDateMissing', { field: 'entryDate' });
    const r = await this.ctx.roll.start(`staff:${staff.id}`, enrollmentId, entryDate.trim());
    if (!r.ok) return r;
    await this.ctx.audit.record(staff, 'roll.no-show.came', { type: 'enrollment', id: enrollmentId }, ip, { entryDate: entryDate.trim() });
    return ok({ schoolId: found.value.schoolId });
  }

  /** WDR-3: one contact attempt of a no-show's follow-up, in the contact log (purpose 'no_show'). */
  async logContact(staff: SessionStaff, enrollmentId: string, form: ContactForm, ip: string): Promise<Result<{ schoolId: string }>> {
    const found = await this.openNoShow(staff, enrollmentId, 'roll.no-show.contact', ip);
    if (!found.ok) return found;
    const district = this.ctx.deps.districts.get(found.value.districtId)!;
    if (!form.contactedAt.trim()) return err('no-shows.when-missing', 'no-shows.errors.whenMissing', { field: 'contactedAt' });
    const when = parseLocalInstant(form.contactedAt, district.timeZone);
    const r = await refusable(() =>
      this.ctx.deps.db.transaction().execute(async (trx) => {
        const row = await logContact(trx, this.ctx.deps, `staff:${staff.id}`, {
          enrollmentId,
          purpose: 'no_show',
          // An unreadable time goes on as typed: the log refuses it on its field.
          contactedAt: when ? when.toISOString() : form.contactedAt,
          method: form.method,
          reached: form.reached,
          outcome: form.outcome,
          note: form.note,
        });
        await this.ctx.audit.in(trx).record(staff, 'roll.no-show.contact', { type: 'enrollment', id: enrollmentId }, ip, { method: row.method, outcome: row.outcome });
        return row;
      }),
    );
    return r.ok ? ok({ schoolId: found.value.schoolId }) : r;
  }
}
