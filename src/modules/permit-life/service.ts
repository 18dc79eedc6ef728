import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { ApplicationsTable, Database, PermitReviewsTable, PermitsTable, ProvisionalEnrollmentsTable } from '../../platform/db/schema.js';
import { refusable, refuse } from '../../platform/db/refuse.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { translator } from '../../platform/i18n/translator.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Err, type Result } from '../../platform/result.js';
import { GRADES, gradeIndex, type DistrictConfig } from '../districts/config-schema.js';
import { schoolId } from '../districts/catalog.js';
import { windowsFor } from '../districts/windows.js';
import { noteRequest } from '../applications/lifecycle.js';
import { notifyParent } from '../decisions/notify.js';
import { schoolYearOf, shiftSchoolYear } from '../decisions/rules.js';
import type { AuditLog } from '../access/audit-log.js';
import { canChangeRecords } from '../access/roles.js';
import type { RequestScope } from '../access/request-scope.js';
import { isSchoolDay, provisionalEnd, schoolDaysLeft, schoolYearContaining, warnOn } from './calendar.js';
import { PermitLifeRepository, UNDECIDED } from './repository.js';
import type { RollFirstDay } from './roll-first-day.js';

/** The longest review note. */
export const REVIEW_NOTE_MAX = 2000;
export const REVIEW_OUTCOMES = ['continue', 'concern'] as const;

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (s: string) => isoDate.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const isUndecided = (status: string) => (UNDECIDED as readonly string[]).includes(status);

/** What the request page shows of a provisional enrollment and a permit's reviews, for one staff member. */
export interface StaffLifeState {
  applicationId: string;
  /** DEC-12 applies to incoming requests only. */
  incoming: boolean;
  undecided: boolean;
  approved: boolean;
  provisional?: ProvisionalEnrollmentsTable;
  provisionalSchoolName?: string;
  daysLeft: number;
  /** DEC-12: the district's provisional period, in school months. */
  months: number;
  /** The form to record a first day is shown to this staff member. */
  canRecordProvisional: boolean;
  /** DEC-12: the student's first day at the requested school as its roll has it; the form then takes it, not a typed one. */
  rollFirstDay?: string;
  today: string;
  permit?: PermitsTable;
  reviews: Awaited<ReturnType<PermitLifeRepository['reviews']>>;
  reviewDue: boolean;
}

/** One permit on the list of permits due for review (DEC-14). */
export interface ReviewRow {
  permitId: string;
  applicationId: string;
  student: string;
  confirmation: string;
  studentNumber: string | null;
  schoolName: string;
  gradeNow: string;
  firstYear: string;
  lastYear: string;
  issuedAt: string;
  /** The day the permit was issued, in the district's calendar. */
  issuedOn: string;
  lastReview?: { reviewed_on: string; outcome: 'continue' | 'concern' };
}

/** DEC-11: what the parent is told about renewing a permit. */
export interface RenewalInfo {
  /** Why the parent must apply again: the permit says so each year, or it ends this school year. */
  why: 'yearly' | 'ending';
  nextYear: string;
  /** When the district takes requests for the next year, when it is configured. */
  opens?: string;
  remindOn?: string;
  applyPath: string;
  reasonLabel?: { en: string; es: string };
}

/** DEC-11: the renewal due for a permit in a school year, if any (pure: the sweep and the pages share it). */
export function renewalFor(district: DistrictConfig, kind: ApplicationsTable['kind'], permit: Pick<PermitsTable, 'first_year' | 'last_year' | 'renew_yearly' | 'status'>, today: string): RenewalInfo | undefined {
  const current = schoolYearOf(today);
  if (permit.status !== 'active' || permit.first_year > current || permit.last_year < current) return undefined;
  const why = permit.last_year === current ? (permit.renew_yearly ? 'yearly' : 'ending') : permit.renew_yearly ? 'yearly' : undefined;
  if (!why) return undefined;
  const nextYear = shiftSchoolYear(current, 1);
  const window = windowsFor(district, kind).find((w) => w.year === nextYear);
  const continuing = district.reasons.find((r) => r.code === 'continuing-enrollment' && r.kinds.includes(kind));
  return {
    why,
    nextYear,
    opens: window?.opens,
    remindOn: window ? addDays(window.opens, -district.permitLife.renewalNoticeDays) : undefined,
    // The same kind of request again: a release is renewed with the district of residence, an intra-district permit with its own form.
    applyPath: kind === 'incoming' ? `/apply/${district.slug}` : `/apply/${district.slug}/${kind}`,
    reasonLabel: continuing?.label,
  };
}

/** The grade a permit's student is in this school year (the permit's grade plus the years elapsed). */
export function gradeNow(permit: Pick<PermitsTable, 'grade' | 'first_year'>, today: string): string {
  const elapsed = Math.max(0, Number(schoolYearOf(today).slice(0, 4)) - Number(permit.first_year.slice(0, 4)));
  return GRADES[gradeIndex(permit.grade) + elapsed] ?? permit.grade;
}

/**
 * DEC-12 provisional enrollment and DEC-14 periodic review: who may record them, the checks,
 * and one transaction for the record, its history line, its audit entry and its email.
 */
export class PermitLifeService {
  readonly repo: PermitLifeRepository;
  private audit: AuditLog;
  private scope: RequestScope;
  private rollFirstDay: RollFirstDay;
  /** `built`: the audit log, the scope of a request and the roll's first day (the enrollment module's), built once at the top. */
  constructor(private deps: Deps, built: { audit: AuditLog; scope: RequestScope; firstDay: RollFirstDay }) {
    this.repo = new PermitLifeRepository(deps.db);
    this.audit = built.audit;
    this.scope = built.scope;
    this.rollFirstDay = built.firstDay;
  }

  /** DEC-12: the request's student's first day at the requested school for the request's year, from the school's roll. */
  private onRoll(app: ApplicationsTable) {
    if (!app.requested_school_id) return Promise.resolve(undefined);
    return this.rollFirstDay(this.deps.db, { studentId: app.student_id, schoolId: app.requested_school_id, schoolYear: app.school_year });
  }

  private district(staff: SessionStaff): DistrictConfig {
    return this.deps.districts.get(staff.districtId)!;
  }

  today(district: DistrictConfig): string {
    return localDate(this.deps.clock.now(), district.timeZone);
  }

  private nowIso() {
    return this.deps.clock.now().toISOString();
  }

  private run<T>(work: (trx: Transaction<Database>) => Promise<T>, onUnique: Err): Promise<Result<T>> {
    return refusable(() => this.deps.db.transaction().execute(work), { onUnique });
  }

  /**
   * Who may record a provisional enrollment: the permit office, or a site administrator of the
   * school the request asks for. A request outside a site administrator's schools, or another
   * district's, does not exist for them (PRV-1); an auditor reads only.
   */
  private async provisionalTarget(staff: SessionStaff, id: string): Promise<Result<ApplicationsTable>> {
    const app = await this.repo.application(this.deps.db, id, staff.districtId);
    if (!app) return err('not-found', 'common.notFound.message');
    if (staff.role === 'site_admin') {
      if (!app.requested_school_id || !(await this.scope.hasSchool(staff, app.requested_school_id))) return err('not-found', 'common.notFound.message');
      return ok(app);
    }
    if (!canChangeRecords(staff)) return err('forbidden', 'permit-life.errors.forbidden');
    return ok(app);
  }

  /**
   * DEC-12: the school records the first day of attendance of a student whose incoming request is
   * pending. The provisional enrollment reads its first day from the enrollment when the student
   * is on the school's roll for the year (the entry date, or the first expected day while
   * pre-enrolled); a typed day is taken only when the roll has none.
   */
  async recordProvisional(staff: SessionStaff, id: string, input: { firstDay: string }, ip: string): Promise<Result<{ id: string; endsOn: string; warnOn: string }>> {
    const found = await this.provisionalTarget(staff, id);
    if (!found.ok) return found;
    const app = found.value;
    const district = this.district(staff);
    if (app.kind !== 'incoming' || !app.requested_school_id) return err('not-incoming', 'permit-life.errors.notIncoming');
    if (!isUndecided(app.status)) return err('decided', 'permit-life.errors.decided', { params: { status: app.status } });
    if (await this.repo.provisional(this.deps.db, app.id)) return err('already', 'permit-life.errors.already');
    const onRoll = await this.onRoll(app);
    const firstDay = onRoll?.day ?? input.firstDay.trim();
    if (!realDate(firstDay)) return err('invalid', 'permit-life.errors.date', { field: 'first_day' });
    const year = district.schoolYears.find((y) => y.year === app.school_year);
    if (!year || schoolYearContaining(district, firstDay)?.year !== app.school_year)
      return err('invalid', 'permit-life.errors.outsideYear', { field: 'first_day', params: { year: app.school_year, first: year?.firstDay ?? '—', last: year?.lastDay ?? '—' } });
    // A day from the roll was checked there (ENR-3); a pre-enrollment's is the school day the student is expected.
    if (!onRoll && firstDay > this.today(district)) return err('invalid', 'permit-life.errors.future', { field: 'first_day' });
    if (!onRoll && !isSchoolDay(district, firstDay)) return err('invalid', 'permit-life.errors.notSchoolDay', { field: 'first_day', params: { date: firstDay } });
    const period = provisionalEnd(district, firstDay)!;
    const row: ProvisionalEnrollmentsTable = {
      id: newId(), application_id: app.id, school_id: app.requested_school_id, first_day: firstDay, ends_on: period.endsOn, warn_on: warnOn(district, period.endsOn, period.start),
      warned_at: null, ended_at: null, recorded_by: staff.id, recorded_at: this.nowIso(),
    };
    const school = district.schools.find((s) => schoolId(district.slug, s.code) === row.school_id);
    const lang = translator(this.deps.catalogs, app.language);
    return this.run(async (trx) => {
      // The decisions' guard: a request decided meanwhile takes no provisional enrollment.
      if (!(await this.repo.touchIfUndecided(trx, app.id, row.recorded_at))) refuse(err('decided', 'permit-life.errors.decided', { params: { status: app.status } }));
      await this.repo.insertProvisional(trx, row);
      await noteRequest(trx, { id: app.id, actor: `staff:${staff.id}`, at: row.recorded_at, status: app.status, note: `provisional ${row.first_day} – ${row.ends_on}` });
      await this.audit.in(trx).record(staff, 'application.provisional', { type: 'application', id: app.id }, ip, { first_day: row.first_day, ends_on: row.ends_on, warn_on: row.warn_on });
      await notifyParent(this.deps, trx, app, district, 'permit-life.email.provisionalRecorded', `provisional:${row.id}`, {
        school: school?.name ?? '',
        firstDay: lang.date(row.first_day),
        endsOn: lang.date(row.ends_on),
        months: String(district.permitLife.provisionalSchoolMonths),
      });
      return { id: row.id, endsOn: row.ends_on, warnOn: row.warn_on };
    }, err('already', 'permit-life.errors.already'));
  }

  /** What the request page shows of the permit's life; null when the staff member cannot see the request. */
  async staffState(staff: SessionStaff, app: ApplicationsTable): Promise<StaffLifeState> {
    const district = this.deps.districts.get(app.district_id)!;
    const today = this.today(district);
    const [provisional, permit] = await Promise.all([this.repo.provisional(this.deps.db, app.id), this.repo.permitOf(this.deps.db, app.id)]);
    const reviews = permit ? await this.repo.reviews(this.deps.db, [permit.id]) : [];
    const undecidedIncoming = app.kind === 'incoming' && isUndecided(app.status) && !provisional;
    const rollFirstDay = undecidedIncoming ? (await this.onRoll(app))?.day : undefined;
    const mayRecord = canChangeRecords(staff) || (staff.role === 'site_admin' && !!app.requested_school_id && (await this.scope.hasSchool(staff, app.requested_school_id)));
    const undecided = isUndecided(app.status);
    const cutoff = addDays(today, -district.permitLife.reviewEveryDays);
    return {
      applicationId: app.id,
      incoming: app.kind === 'incoming',
      undecided,
      approved: app.status === 'approved',
      provisional,
      provisionalSchoolName: provisional ? district.schools.find((s) => schoolId(district.slug, s.code) === provisional.school_id)?.name : undefined,
      daysLeft: provisional && provisional.ends_on >= today ? schoolDaysLeft(district, today, provisional.ends_on) : 0,
      months: district.permitLife.provisionalSchoolMonths,
      canRecordProvisional: mayRecord && app.kind === 'incoming' && undecided && !provisional,
      rollFirstDay,
      today,
      permit,
      reviews,
      reviewDue: !!permit && permit.status === 'active' && app.status === 'approved' && !reviews.some((r) => r.reviewed_on > cutoff),
    };
  }

  // --- DEC-14: periodic review ---

  /** Active permits due for review: a site administrator's schools, or the whole district; the longest unreviewed first. */
  async dueForReview(staff: SessionStaff): Promise<ReviewRow[]> {
    const district = this.district(staff);
    const today = this.today(district);
    const schools = (await this.scope.schools(staff)) ?? undefined;
    const rows = await this.repo.dueForReview(district.slug, schoolYearOf(today), addDays(today, -district.permitLife.reviewEveryDays), schools);
    const latest = new Map<string, { reviewed_on: string; outcome: 'continue' | 'concern' }>();
    for (const r of await this.repo.reviews(this.deps.db, rows.filter((x) => x.last_reviewed_on).map((x) => x.id))) if (!latest.has(r.permit_id)) latest.set(r.permit_id, r);
    const sortKey = (r: (typeof rows)[number]) => `${r.last_reviewed_on ?? ''}|${r.issued_at}|${r.id}`;
    return [...rows].sort((a, b) => sortKey(a).localeCompare(sortKey(b))).map((r) => ({
      permitId: r.id,
      applicationId: r.application_id,
      student: `${r.student_last_name}, ${r.student_first_name}`,
      confirmation: r.confirmation_number,
      studentNumber: r.student_number,
      schoolName: district.schools.find((s) => schoolId(district.slug, s.code) === r.school_id)?.name ?? r.school_id,
      gradeNow: gradeNow(r, today),
      firstYear: r.first_year,
      lastYear: r.last_year,
      issuedAt: r.issued_at,
      issuedOn: localDate(new Date(r.issued_at), district.timeZone),
      lastReview: latest.get(r.id),
    }));
  }

  /** Who may record reviews: the permit office, and site administrators (for their schools). Auditors read only. */
  canReview(staff: SessionStaff): boolean {
    return canChangeRecords(staff) || staff.role === 'site_admin';
  }

  /** DEC-14: a site administrator (or the permit office) records a review of an active permit. */
  async recordReview(staff: SessionStaff, permitId: string, input: { outcome: string; note: string }, ip: string): Promise<Result<{ reviewId: string }>> {
    const permit = await this.repo.permit(this.deps.db, permitId);
    if (!permit || permit.district_id !== staff.districtId) return err('not-found', 'common.notFound.message');
    if (staff.role === 'site_admin' && !(await this.scope.hasSchool(staff, permit.school_id))) return err('not-found', 'common.notFound.message');
    if (!this.canReview(staff)) return err('forbidden', 'permit-life.errors.forbidden');
    if (permit.status !== 'active' || permit.application_status !== 'approved') return err('not-active', 'permit-life.errors.notActive');
    const outcome = input.outcome as PermitReviewsTable['outcome'];
    if (!(REVIEW_OUTCOMES as readonly string[]).includes(outcome)) return err('invalid', 'permit-life.errors.outcome', { field: 'outcome' });
    const note = input.note.trim();
    if (note.length > REVIEW_NOTE_MAX) return err('invalid', 'permit-life.errors.noteTooLong', { field: 'note', params: { max: REVIEW_NOTE_MAX } });
    if (outcome === 'concern' && !note) return err('invalid', 'permit-life.errors.concernNote', { field: 'note' });
    const district = this.district(staff);
    const row: PermitReviewsTable = { id: newId(), permit_id: permit.id, reviewed_on: this.today(district), outcome, note: note || null, reviewed_by: staff.id, created_at: this.nowIso() };
    return this.run(async (trx) => {
      await this.repo.insertReview(trx, row);
      await noteRequest(trx, { id: permit.application_id, actor: `staff:${staff.id}`, at: row.created_at, status: 'approved', note: `review:${outcome}` });
      await this.audit.in(trx).record(staff, 'permit.review', { type: 'permit', id: permit.id }, ip, { application: permit.application_id, outcome });
      return { reviewId: row.id };
    }, err('conflict', 'permit-life.errors.notActive'));
  }

  // --- The parent's view ---

  /** What the parent's application page shows of the permit's life. */
  async parentState(app: ApplicationsTable) {
    const district = this.deps.districts.get(app.district_id)!;
    const today = this.today(district);
    const [provisional, permit] = await Promise.all([this.repo.provisional(this.deps.db, app.id), this.repo.permitOf(this.deps.db, app.id)]);
    const activePermit = permit && permit.status === 'active' && app.status === 'approved' ? permit : undefined;
    return {
      district,
      today,
      status: app.status,
      provisional,
      provisionalSchoolName: provisional ? district.schools.find((s) => schoolId(district.slug, s.code) === provisional.school_id)?.name : undefined,
      permit: activePermit,
      renewal: activePermit ? renewalFor(district, app.kind, activePermit, today) : undefined,
    };
  }
}
