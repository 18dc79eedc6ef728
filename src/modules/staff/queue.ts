import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { STATUSES } from '../applications/status.js';
import { isValidConfirmationNumber, normalizeConfirmationNumber } from '../applications/confirmation-number.js';

export const PAGE_SIZE = 50;
const OPEN = ['incomplete', 'submitted', 'info_requested'];

export interface QueueFilter {
  status?: string;
  reason?: string;
  school?: string; // school code
  grade?: string;
  year?: string;
  overdue?: boolean;
  /** A confirmation number, a date of birth (YYYY-MM-DD), or the start of a last name. */
  q?: string;
  after?: string; // keyset cursor: "<received_at>|<id>"
}

/** The filters as query parameters, for links that keep them (next page, CSV later). */
export function filterParams(f: QueueFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['status', 'reason', 'school', 'grade', 'year', 'q'] as const) if (f[k]) out[k] = f[k]!;
  if (f.overdue) out.overdue = '1';
  return out;
}

export interface QueueRow {
  id: string;
  confirmation_number: string;
  received_at: string;
  decision_due_on: string | null;
  student_first_name: string;
  student_last_name: string;
  student_date_of_birth: string;
  grade_requested: string;
  reason_code: string;
  priority: number;
  requested_school_id: string | null;
  status: string;
  kind: string;
  urgency: 'overdue' | 'due-soon' | null;
}

/**
 * DEC-1, DEC-3, DEC-19: the district's requests in the order received, with each one's due
 * date; keyset pagination keeps every page as fast as the first, whatever the volume.
 */
export class QueueService {
  constructor(private deps: Deps) {}

  async page(staff: SessionStaff, filter: QueueFilter): Promise<{ rows: QueueRow[]; next: string | null; today: string }> {
    const district = this.deps.districts.get(staff.districtId)!;
    const today = localDate(this.deps.clock.now(), district.timeZone);
    let q = this.deps.db
      .selectFrom('applications')
      .select([
        'id', 'confirmation_number', 'received_at', 'decision_due_on', 'student_first_name', 'student_last_name', 'student_date_of_birth',
        'grade_requested', 'reason_code', 'priority', 'requested_school_id', 'status', 'kind',
      ])
      .where('district_id', '=', staff.districtId);
    if (staff.role === 'site_admin') {
      // A site administrator sees only requests for their own schools.
      const schools = (await this.deps.db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', staff.id).execute()).map((r) => r.school_id);
      q = q.where('requested_school_id', 'in', schools.length ? schools : ['-']);
    }
    if (filter.status && (STATUSES as readonly string[]).includes(filter.status)) q = q.where('status', '=', filter.status);
    if (filter.reason) q = q.where('reason_code', '=', filter.reason);
    if (filter.school) q = q.where('requested_school_id', '=', `${district.slug}:${filter.school}`);
    if (filter.grade) q = q.where('grade_requested', '=', filter.grade);
    if (filter.year) q = q.where('school_year', '=', filter.year);
    if (filter.overdue) q = q.where('decision_due_on', '<', today).where('status', 'in', OPEN);
    const term = filter.q?.trim();
    if (term) {
      const number = normalizeConfirmationNumber(term);
      if (isValidConfirmationNumber(term)) q = q.where('confirmation_number', '=', number);
      else if (/^\d{4}-\d{2}-\d{2}$/.test(term)) q = q.where('student_date_of_birth', '=', term);
      else q = q.where((eb) => eb(eb.fn('lower', ['student_last_name']), 'like', `${term.toLowerCase().replace(/[%_\\]/g, '')}%`));
    }
    if (filter.after) {
      const [at, id] = filter.after.split('|');
      if (at && id) q = q.where((eb) => eb.or([eb('received_at', '>', at), eb.and([eb('received_at', '=', at), eb('id', '>', id)])]));
    }
    const found = await q.orderBy('received_at').orderBy('id').limit(PAGE_SIZE + 1).execute();
    const soon = addDays(today, 7);
    const rows = found.slice(0, PAGE_SIZE).map((r) => ({
      ...r,
      urgency: !r.decision_due_on || !OPEN.includes(r.status) ? null : r.decision_due_on < today ? ('overdue' as const) : r.decision_due_on <= soon ? ('due-soon' as const) : null,
    }));
    const last = rows[rows.length - 1];
    return { rows, next: found.length > PAGE_SIZE && last ? `${last.received_at}|${last.id}` : null, today };
  }
}
