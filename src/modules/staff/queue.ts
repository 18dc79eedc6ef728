import { sql, type ExpressionBuilder } from 'kysely';
import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { Database } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { STATUSES } from '../applications/status.js';
import { isValidConfirmationNumber, normalizeConfirmationNumber } from '../applications/confirmation-number.js';
import { nameKey, prefixRange } from '../../platform/name-key.js';

export const PAGE_SIZE = 50;
const OPEN = ['incomplete', 'submitted', 'info_requested'];
export const KINDS = ['incoming', 'outgoing', 'intra'] as const;
/** Statuses that mean the district is waiting on the family for documents or information. */
const WAITING_ON_FAMILY = ['incomplete', 'info_requested'];

export interface QueueFilter {
  status?: string;
  reason?: string;
  school?: string; // school code
  grade?: string;
  year?: string;
  overdue?: boolean;
  kind?: string; // incoming | outgoing | intra
  /** Missing documents: waiting on the family, or holding a rejected document. */
  missing?: boolean;
  /**
   * A confirmation number, a date of birth (YYYY-MM-DD), the district's student ID, the start
   * of a first or last name, or "First Last" (the start of each).
   */
  q?: string;
  after?: string; // keyset cursor: "<received_at>|<id>"
}

/** The filters as query parameters, for links that keep them (next page, CSV export). */
export function filterParams(f: QueueFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['status', 'reason', 'school', 'grade', 'year', 'kind', 'q'] as const) if (f[k]) out[k] = f[k]!;
  if (f.overdue) out.overdue = '1';
  if (f.missing) out.missing = '1';
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
  student_number: string | null;
  urgency: 'overdue' | 'due-soon' | null;
}

type Where = ExpressionBuilder<Database, 'applications'>;

/** A date of birth as staff type it in the search box. */
const isBirthDate = (term: string) => /^\d{4}-\d{2}-\d{2}$/.test(term);

type KeyColumn = 'student_first_name_key' | 'student_last_name_key';
/** The start of a name: its search key (`nameKey()`) within the key range of the typed word's key. */
interface NamePrefix {
  column: KeyColumn;
  from: string;
  to: string | null;
}
/** A name search: any of its arms matches; an arm is the start of one name, or of both. */
type NameArms = NamePrefix[][];

const prefix = (column: KeyColumn, words: string): NamePrefix => ({ column, ...prefixRange(nameKey(words)) });

/**
 * What staff typed, when it is a name: one word starts the last or the first name; "Ana De la
 * Cruz" is the start of the last name as a whole, or the first word starts the first name and the
 * rest the last name (a last name of several words, "De la", is still found on its own). Keys
 * drop everything but letters and digits, so LIKE wildcards typed by staff are not obeyed.
 */
function nameArms(term: string): NameArms {
  const words = term.split(/\s+/);
  if (words.length === 1) return [[prefix('student_last_name_key', term)], [prefix('student_first_name_key', term)]];
  return [[prefix('student_last_name_key', term)], [prefix('student_first_name_key', words[0]), prefix('student_last_name_key', words.slice(1).join(' '))]];
}

/** A key within its range; `steer` hides the column from SQLite's index choice (unary +). */
function inRange(eb: Where, p: NamePrefix, steer = false) {
  const column = steer ? sql<string>`+${sql.ref(p.column)}` : eb.ref(p.column);
  return p.to === null ? eb(column, '>=', p.from) : eb.and([eb(column, '>=', p.from), eb(column, '<', p.to)]);
}

/**
 * How SQLite should find a name search's rows. SQLite plans without statistics (the app never
 * runs ANALYZE) and always walks the queue's order index until a page is full: instant when many
 * requests match, the whole district when none does. When the key indexes hold at most
 * NAME_INDEX_LIMIT matches, `byIndex` tells the query to start from them instead: each arm
 * through the index of its rarest prefix (`index[arm]`), the rest sorted. PostgreSQL makes this
 * choice itself from its statistics.
 */
interface NamePlan {
  byIndex: boolean;
  index: number[];
}
export const NAME_INDEX_LIMIT = 2000;

/**
 * The search box. Student IDs are matched exactly in the spellings staff type (as is, upper,
 * lower) so the (district_id, student_number) index still serves; a confirmation number may
 * also be some district's student ID, so both are tried. Names match by the start of their
 * search key, never with a leading wildcard, and without regard to accents ("lop" finds "López").
 */
function search(eb: Where, term: string, districtId: string, plan?: NamePlan) {
  const studentNumber = eb('student_number', 'in', [...new Set([term, term.toUpperCase(), term.toLowerCase()])]);
  if (isValidConfirmationNumber(term)) return eb.or([eb('confirmation_number', '=', normalizeConfirmationNumber(term)), studentNumber]);
  if (isBirthDate(term)) return eb('student_date_of_birth', '=', term);
  const arms = nameArms(term);
  const byIndex = plan?.byIndex ?? false;
  // Starting from the indexes, each arm names the district so that its index serves it.
  const inDistrict = (conditions: ReturnType<typeof inRange>[]) => (byIndex ? eb.and([eb('district_id', '=', districtId), ...conditions]) : eb.and(conditions));
  return eb.or([
    ...(/\s/.test(term) ? [] : [inDistrict([studentNumber])]),
    ...arms.map((arm, a) => inDistrict(arm.map((p, i) => inRange(eb, p, byIndex && i !== plan!.index[a])))),
  ]);
}

/** Requests waiting on the family, or with a document the office turned down. */
function missingDocuments(eb: Where) {
  return eb.or([
    eb('status', 'in', WAITING_ON_FAMILY),
    eb.exists(
      eb.selectFrom('documents').select('documents.id').whereRef('documents.application_id', '=', 'applications.id').where('documents.status', '=', 'rejected'),
    ),
  ]);
}

/**
 * DEC-1, DEC-3, DEC-19: the district's requests in the order received, with each one's due
 * date; keyset pagination keeps every page as fast as the first, whatever the volume.
 */
export class QueueService {
  constructor(private deps: Deps) {}

  /** One page from `filter.after`; the CSV export walks all of them with a larger `size`. */
  async page(staff: SessionStaff, filter: QueueFilter, size = PAGE_SIZE): Promise<{ rows: QueueRow[]; next: string | null; today: string }> {
    const district = this.deps.districts.get(staff.districtId)!;
    const today = localDate(this.deps.clock.now(), district.timeZone);
    const term = filter.q?.trim();
    const plan = term && this.deps.dialect === 'sqlite' ? await this.namePlan(staff.districtId, term) : undefined;
    let q = this.deps.db
      .selectFrom('applications')
      .select([
        'id', 'confirmation_number', 'received_at', 'decision_due_on', 'student_first_name', 'student_last_name', 'student_date_of_birth',
        'grade_requested', 'reason_code', 'priority', 'requested_school_id', 'status', 'kind', 'student_number',
      ])
      // Hidden from SQLite's index choice (unary +) when a name search starts from the key indexes.
      .where((eb) => (plan?.byIndex ? eb(sql<string>`+district_id`, '=', staff.districtId) : eb('district_id', '=', staff.districtId)));
    if (staff.role === 'site_admin') {
      // A site administrator sees only requests for their own schools.
      const schools = (await this.deps.db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', staff.id).execute()).map((r) => r.school_id);
      const mine = schools.length ? schools : ['-'];
      // …and, for an intra-district request, the school of residence decides too.
      q = q.where((eb) => eb.or([eb('requested_school_id', 'in', mine), eb('residence_school_id', 'in', mine)]));
    }
    if (filter.status && (STATUSES as readonly string[]).includes(filter.status)) q = q.where('status', '=', filter.status);
    if (filter.reason) q = q.where('reason_code', '=', filter.reason);
    if (filter.school) q = q.where('requested_school_id', '=', `${district.slug}:${filter.school}`);
    if (filter.grade) q = q.where('grade_requested', '=', filter.grade);
    if (filter.year) q = q.where('school_year', '=', filter.year);
    if (filter.overdue) q = q.where('decision_due_on', '<', today).where('status', 'in', OPEN);
    if (filter.kind && (KINDS as readonly string[]).includes(filter.kind)) q = q.where('kind', '=', filter.kind as (typeof KINDS)[number]);
    if (filter.missing) q = q.where(missingDocuments);
    if (term) q = q.where((eb) => search(eb, term, staff.districtId, plan));
    if (filter.after) {
      const [at, id] = filter.after.split('|');
      if (at && id) q = q.where((eb) => eb.or([eb('received_at', '>', at), eb.and([eb('received_at', '=', at), eb('id', '>', id)])]));
    }
    // A day of birth matches a few hundred requests even in a large district: they are read from
    // the (district_id, student_date_of_birth) index and sorted. SQLite, planning without
    // statistics, would rather walk the order index until a page is full (tens of ms): an
    // expression in ORDER BY (unary +) is one that index cannot serve. PostgreSQL chooses itself.
    const byBirth = term && isBirthDate(term) && this.deps.dialect === 'sqlite';
    const ordered = byBirth ? q.orderBy(sql`+received_at`).orderBy(sql`+id`) : q.orderBy('received_at').orderBy('id');
    const found = await ordered.limit(size + 1).execute();
    const soon = addDays(today, 7);
    const rows = found.slice(0, size).map((r) => ({
      ...r,
      urgency: !r.decision_due_on || !OPEN.includes(r.status) ? null : r.decision_due_on < today ? ('overdue' as const) : r.decision_due_on <= soon ? ('due-soon' as const) : null,
    }));
    const last = rows[rows.length - 1];
    return { rows, next: found.length > size && last ? `${last.received_at}|${last.id}` : null, today };
  }

  /**
   * SQLite only: counts each prefix's matches in the district on its key index (index only, at
   * most NAME_INDEX_LIMIT + 1 entries each) to choose between the key indexes and the order index.
   */
  private async namePlan(districtId: string, term: string): Promise<NamePlan | undefined> {
    if (isValidConfirmationNumber(term) || isBirthDate(term)) return undefined;
    const index: number[] = [];
    let total = 0;
    for (const arm of nameArms(term)) {
      const counts = await Promise.all(
        arm.map(async (p) => {
          const inner = this.deps.db
            .selectFrom('applications')
            .select(sql<number>`1`.as('one'))
            .where('district_id', '=', districtId)
            .where((eb) => inRange(eb, p))
            .limit(NAME_INDEX_LIMIT + 1);
          const { n } = await this.deps.db.selectFrom(inner.as('m')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
          return Number(n);
        }),
      );
      const rarest = counts.indexOf(Math.min(...counts));
      index.push(rarest);
      total += counts[rarest];
    }
    return { byIndex: total <= NAME_INDEX_LIMIT, index };
  }
}
