import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { RequestScope } from '../access/request-scope.js';
import { firstReached } from '../applications/lifecycle.js';

/** Statuses in which the district still owes a written decision. */
export const OPEN = ['incomplete', 'submitted', 'info_requested'] as const;
/** How far ahead "due soon" looks, in days (today included, today + 7 included). */
export const DUE_SOON_DAYS = 7;

export interface Count {
  key: string;
  count: number;
}

export interface DueRow {
  id: string;
  confirmation_number: string;
  student_first_name: string;
  student_last_name: string;
  decision_due_on: string;
  status: string;
  requested_school_id: string | null;
  school_year: string;
  priority: number;
}

export interface Dashboard {
  /** The school year the counts, the median and the timeliness are for. */
  year: string;
  /** District-local date the page was computed for. */
  today: string;
  /** Last day of the "due soon" window (today + 7). */
  dueUntil: string;
  byStatus: Count[];
  byKind: Count[];
  byReason: Count[];
  bySchool: Count[];
  /** DEC-15: open requests due from today to today + 7, earliest first, every school year. */
  due: DueRow[];
  /** Open requests whose due date has passed, every school year (the queue's overdue filter). */
  overdue: number;
  /** DEC-3: days from complete to the first written decision (approved or denied). */
  decisionDays: { median: number | null; values: number[] };
  /** Decisions of the year against their due dates; deemed denials are late. */
  timeliness: { onTime: number; late: number; deemedDenied: number };
}

/** The school year a date falls in, or the next one to start; the last one if all have ended. */
export function currentSchoolYear(district: DistrictConfig, today: string): string {
  const years = [...district.schoolYears].sort((a, b) => a.firstDay.localeCompare(b.firstDay));
  return (years.find((y) => y.lastDay >= today) ?? years[years.length - 1]).year;
}

/** The median of a list of numbers (the mean of the two middle ones for an even count). */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Whole days from one YYYY-MM-DD date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const byFirst = (a: { decided_on: string; decided_at: string; id: string }, b: { decided_on: string; decided_at: string; id: string }) =>
  a.decided_on.localeCompare(b.decided_on) || a.decided_at.localeCompare(b.decided_at) || a.id.localeCompare(b.id);

/**
 * The permit office dashboard: counts, what is due, and how long decisions take. Plain
 * group-by counts and rows in SQL (portable across SQLite and PostgreSQL); dates and the
 * median are worked out here.
 */
export class DashboardService {
  private scope: RequestScope;
  constructor(private deps: Deps) {
    this.scope = new RequestScope(deps.db);
  }

  /** The year asked for when the district has it, else the current or upcoming one. */
  yearFor(district: DistrictConfig, asked: string | undefined): string {
    if (asked && district.schoolYears.some((y) => y.year === asked)) return asked;
    return currentSchoolYear(district, localDate(this.deps.clock.now(), district.timeZone));
  }

  async build(staff: SessionStaff, askedYear?: string): Promise<Dashboard> {
    const db = this.deps.db;
    const district = this.deps.districts.get(staff.districtId)!;
    const today = localDate(this.deps.clock.now(), district.timeZone);
    const dueUntil = addDays(today, DUE_SOON_DAYS);
    const year = this.yearFor(district, askedYear);
    // A site administrator sees only their schools; everyone else the whole district.
    const schools = await this.scope.schools(staff);

    // Every query starts here: this district only (PRV-1), and a site administrator's schools.
    const apps = () => {
      let q = db.selectFrom('applications').where('applications.district_id', '=', staff.districtId);
      if (schools) q = q.where('applications.requested_school_id', 'in', schools.length ? schools : ['-']);
      return q;
    };
    const ofYear = () => apps().where('applications.school_year', '=', year);

    const group = async (column: 'status' | 'kind' | 'reason_code' | 'requested_school_id'): Promise<Count[]> => {
      const rows = await ofYear()
        .select((eb) => [`applications.${column}`, eb.fn.countAll().as('n')])
        .groupBy(`applications.${column}`)
        .execute();
      return rows.map((r) => ({ key: (r as Record<string, unknown>)[column] === null ? '' : String((r as Record<string, unknown>)[column]), count: Number(r.n) }));
    };

    const [byStatus, byKind, byReason, bySchool] = await Promise.all([group('status'), group('kind'), group('reason_code'), group('requested_school_id')]);

    const due = await apps()
      .select([
        'applications.id', 'applications.confirmation_number', 'applications.student_first_name', 'applications.student_last_name', 'applications.decision_due_on',
        'applications.status', 'applications.requested_school_id', 'applications.school_year', 'applications.priority',
      ])
      .where('applications.status', 'in', [...OPEN])
      .where('applications.decision_due_on', '>=', today)
      .where('applications.decision_due_on', '<=', dueUntil)
      .orderBy('applications.decision_due_on')
      .orderBy('applications.received_at')
      .orderBy('applications.id')
      .execute();

    const overdueRow = await apps()
      .select((eb) => eb.fn.countAll().as('n'))
      .where('applications.status', 'in', [...OPEN])
      .where('applications.decision_due_on', '<', today)
      .executeTakeFirst();

    // The year's decisions, with what each request's deadline and start were.
    const decisions = await ofYear()
      .innerJoin('decisions', 'decisions.application_id', 'applications.id')
      .select(['decisions.id', 'decisions.application_id', 'decisions.kind', 'decisions.decided_on', 'decisions.decided_at', 'applications.received_at', 'applications.decision_due_on'])
      .where('decisions.kind', 'in', ['approved', 'denied', 'deemed_denied'])
      .execute();

    // The day each decided request became complete: its first move to "submitted".
    const decided = ofYear()
      .innerJoin('decisions', 'decisions.application_id', 'applications.id')
      .select('applications.id')
      .where('decisions.kind', 'in', ['approved', 'denied']);
    const completeAt = await firstReached(db, 'submitted', decided);

    const tz = district.timeZone;
    const firstWritten = new Map<string, (typeof decisions)[number]>();
    const firstAny = new Map<string, (typeof decisions)[number]>();
    for (const d of [...decisions].sort(byFirst)) {
      if (!firstAny.has(d.application_id)) firstAny.set(d.application_id, d);
      if ((d.kind === 'approved' || d.kind === 'denied') && !firstWritten.has(d.application_id)) firstWritten.set(d.application_id, d);
    }
    const values = [...firstWritten.values()].map((d) => {
      const completeOn = localDate(new Date(completeAt.get(d.application_id) ?? d.received_at), tz);
      return daysBetween(completeOn, d.decided_on);
    });

    // DEC-15: a deemed denial is a decision that was never written, so it is always late.
    const timeliness = { onTime: 0, late: 0, deemedDenied: 0 };
    for (const d of firstAny.values()) {
      if (d.kind === 'deemed_denied') {
        timeliness.late++;
        timeliness.deemedDenied++;
      } else if (d.decision_due_on) {
        if (d.decided_on <= d.decision_due_on) timeliness.onTime++;
        else timeliness.late++;
      }
      // A written decision on a request without a due date had no deadline to meet or miss.
    }

    return {
      year,
      today,
      dueUntil,
      byStatus,
      byKind,
      byReason,
      bySchool,
      due: due.map((r) => ({ ...r, decision_due_on: r.decision_due_on!, priority: Number(r.priority) })),
      overdue: Number(overdueRow?.n ?? 0),
      decisionDays: { median: median(values), values },
      timeliness,
    };
  }
}
