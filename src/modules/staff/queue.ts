import { sql, type ExpressionBuilder } from 'kysely';
import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { Database } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { STATUSES } from '../applications/lifecycle.js';
import { isValidConfirmationNumber, normalizeConfirmationNumber } from '../applications/confirmation-number.js';
import { RequestScope } from '../access/request-scope.js';
import { prefixRange, searchPair, searchWords } from '../../platform/name-key.js';

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
   * A confirmation number, a date of birth (YYYY-MM-DD), the district's student ID, or words
   * that each start a word of the student's names, in any order ("maria jose", "Hernández").
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

/** A word staff typed: the range of name words (`nameWords()`) that start with its key. */
type WordPrefix = { from: string; to: string | null };

/** What staff typed, when it is a name: each word, keyed as the stored name words (ADR 0022). */
const typedWords = (term: string): WordPrefix[] => searchWords(term).map(prefixRange);

/** A word of the table `student_name_words` within a typed word's range. */
function wordInRange<Q extends { where: (...args: any[]) => Q }>(q: Q, p: WordPrefix): Q {
  const from = q.where('student_name_words.word', '>=', p.from);
  return p.to === null ? from : from.where('student_name_words.word', '<', p.to);
}

/** Some word of the request's student names starts with the typed word: its words by the primary key. */
function hasWord(eb: Where, p: WordPrefix) {
  return eb.exists(
    wordInRange(eb.selectFrom('student_name_words').select(sql<number>`1`.as('one')).whereRef('student_name_words.application_id', '=', 'applications.id'), p),
  );
}

/** The district's requests with a word that starts with the typed word, from the search index. */
function withWord(eb: Where, p: WordPrefix, districtId: string) {
  return eb('applications.id', 'in', wordInRange(eb.selectFrom('student_name_words').select('student_name_words.application_id').where('student_name_words.district_id', '=', districtId), p));
}

/**
 * How to find a search's rows when it is not a confirmation number or a date of birth, chosen
 * before the query on both databases:
 * - `student-number`: some request of the district has the term as its student ID (names hold no
 *   digits): those requests, from the (district_id, student_number) index;
 * - `index`: the typed word with the fewest name words in the district (`order[0]`) has at most
 *   NAME_INDEX_LIMIT of them: the query starts from them in the search index, checks each
 *   request's other words by its primary key, and sorts what it found;
 * - `pairs`: every typed word has more than that, but two of them (`searchPair()`) have at most
 *   PAIR_INDEX_LIMIT pair keys in the district that start as theirs do ("mateo lopez": "mat
 *   lopez…"): their requests are read in queue order from the pairs' search index alone, a chunk
 *   at a time (`throughPairs()`), and the query looks those up by id, checking the other filters
 *   and the other typed words (`check`: all but the one the pair key holds whole);
 * - `walk`: it walks the queue's order index until a page is full, checking each request's
 *   words (rarest first: the first check rules out the most).
 * SQLite plans without statistics and would always walk; PostgreSQL, left to itself, turned a
 * word subquery under an OR with the student ID into a scan of every name word.
 */
type NamePlan =
  | { by: 'student-number' }
  | { by: 'index' | 'walk'; order: number[] }
  | { by: 'pairs'; pair: WordPrefix; check: number[] };
export const NAME_INDEX_LIMIT = 2000;
/**
 * The most requests a pair of typed words is read and sorted for (docs/adr/0022). Fewer matches
 * than this are spread thinly enough over the queue that walking it for a page would read more.
 */
export const PAIR_INDEX_LIMIT = 20_000;
/** How many of a pair's requests are read from its index at a time (at least), for one page. */
const PAIR_CHUNK = 200;

/** The spellings of a student ID staff may type: as is, upper, lower. */
const studentNumbers = (term: string) => [...new Set([term, term.toUpperCase(), term.toLowerCase()])];

/**
 * The search box. Student IDs are matched exactly in the spellings staff type (as is, upper,
 * lower) so the (district_id, student_number) index still serves; a confirmation number may
 * also be some district's student ID, so both are tried. A name matches when every word typed
 * starts some word of the student's names, in any order ("maria jose", "Hernández María"),
 * never with a leading wildcard, and without regard to accents ("lop" finds "López").
 */
function search(eb: Where, term: string, districtId: string, plan: NamePlan | undefined) {
  const studentNumber = eb('student_number', 'in', studentNumbers(term));
  if (isValidConfirmationNumber(term)) return eb.or([eb('confirmation_number', '=', normalizeConfirmationNumber(term)), studentNumber]);
  if (isBirthDate(term)) return eb('student_date_of_birth', '=', term);
  // Nothing left of what was typed once keyed ("%", "-"): every name, as an empty start was.
  if (!plan) return sql<boolean>`1 = 1`;
  if (plan.by === 'student-number') return studentNumber;
  const typed = typedWords(term);
  // The pair's requests themselves are given by id, a chunk at a time (QueueService.throughPairs).
  if (plan.by === 'pairs') return eb.and(plan.check.map((i) => hasWord(eb, typed[i])));
  const words = plan.order.map((i) => typed[i]);
  return plan.by === 'index' ? eb.and([withWord(eb, words[0], districtId), ...words.slice(1).map((p) => hasWord(eb, p))]) : eb.and(words.map((p) => hasWord(eb, p)));
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
  private scope: RequestScope;
  constructor(private deps: Deps) {
    this.scope = new RequestScope(deps.db);
  }

  /** One page from `filter.after`; the CSV export walks all of them with a larger `size`. */
  async page(staff: SessionStaff, filter: QueueFilter, size = PAGE_SIZE): Promise<{ rows: QueueRow[]; next: string | null; today: string }> {
    const district = this.deps.districts.get(staff.districtId)!;
    const today = localDate(this.deps.clock.now(), district.timeZone);
    const term = filter.q?.trim();
    const plan = term ? await this.namePlan(staff.districtId, term) : undefined;
    const sqlite = this.deps.dialect === 'sqlite';
    let q = this.deps.db
      .selectFrom('applications')
      .select([
        'id', 'confirmation_number', 'received_at', 'decision_due_on', 'student_first_name', 'student_last_name', 'student_date_of_birth',
        'grade_requested', 'reason_code', 'priority', 'requested_school_id', 'status', 'kind', 'student_number',
      ])
      // Hidden from SQLite's index choice (unary +) when a name search starts from the search index.
      .where((eb) => ((plan?.by === 'index' || plan?.by === 'pairs') && sqlite ? eb(sql<string>`+district_id`, '=', staff.districtId) : eb('district_id', '=', staff.districtId)));
    // A site administrator sees only requests for their own schools.
    const schools = await this.scope.schools(staff);
    if (schools) {
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
    const byBirth = term && isBirthDate(term) && sqlite;
    const ordered = byBirth ? q.orderBy(sql`+received_at`).orderBy(sql`+id`) : q.orderBy('received_at').orderBy('id');
    const found =
      plan?.by === 'pairs'
        ? await this.throughPairs(plan.pair, staff.districtId, filter.after, size + 1, (ids, n) => ordered.where('id', 'in', ids).limit(n).execute())
        : await ordered.limit(size + 1).execute();
    const soon = addDays(today, 7);
    const rows = found.slice(0, size).map((r) => ({
      ...r,
      urgency: !r.decision_due_on || !OPEN.includes(r.status) ? null : r.decision_due_on < today ? ('overdue' as const) : r.decision_due_on <= soon ? ('due-soon' as const) : null,
    }));
    const last = rows[rows.length - 1];
    return { rows, next: found.length > size && last ? `${last.received_at}|${last.id}` : null, today };
  }

  /**
   * A search by a pair of typed words (ADR 0022): the requests whose pair keys start with the
   * pair's, in queue order after the cursor, read from the pairs' search index alone (district,
   * pair, received_at, id: a sort of at most PAIR_INDEX_LIMIT index entries, no request read),
   * a chunk at a time; `rowsOf` looks up a chunk's requests by id with every other condition of
   * the page, in queue order, until `want` rows are found or the pair's requests run out.
   */
  private async throughPairs<R>(pair: WordPrefix, districtId: string, after: string | undefined, want: number, rowsOf: (ids: string[], n: number) => Promise<R[]>): Promise<R[]> {
    const chunk = Math.min(Math.max(PAIR_CHUNK, 4 * want), 5000);
    let [at, id] = after?.split('|') ?? [];
    const found: R[] = [];
    for (;;) {
      let q = this.deps.db
        .selectFrom('student_name_pairs')
        .select(['application_id', 'received_at'])
        .where('district_id', '=', districtId)
        .where('pair', '>=', pair.from);
      if (pair.to !== null) q = q.where('pair', '<', pair.to);
      if (at && id) q = q.where((eb) => eb.or([eb('received_at', '>', at), eb.and([eb('received_at', '=', at), eb('application_id', '>', id)])]));
      const candidates = await q.orderBy('received_at').orderBy('application_id').limit(chunk).execute();
      // A request may have two keys with the pair's start ("mat lopez", "mat lopezgarcia"): once.
      if (candidates.length) found.push(...(await rowsOf([...new Set(candidates.map((c) => c.application_id))], want - found.length)));
      if (found.length >= want || candidates.length < chunk) return found;
      ({ received_at: at, application_id: id } = candidates[candidates.length - 1]);
    }
  }

  /**
   * Looks the term up as a student ID in the district (one index entry); otherwise counts each
   * typed word's name words in the district on the search index (index only, at most
   * NAME_INDEX_LIMIT + 1 entries each) to choose between the search index and the order index,
   * and which word to start from. Undefined when there is nothing to search by name.
   */
  async namePlan(districtId: string, term: string): Promise<NamePlan | undefined> {
    if (isValidConfirmationNumber(term) || isBirthDate(term)) return undefined;
    const db = this.deps.db;
    const numbered = /\s/.test(term)
      ? undefined
      : await db.selectFrom('applications').select('id').where('district_id', '=', districtId).where('student_number', 'in', studentNumbers(term)).limit(1).executeTakeFirst();
    if (numbered) return { by: 'student-number' };
    const typed = typedWords(term);
    if (!typed.length) return undefined;
    const counts = await Promise.all(
      typed.map(async (p) => {
        const inner = wordInRange(db.selectFrom('student_name_words').select(sql<number>`1`.as('one')).where('student_name_words.district_id', '=', districtId), p).limit(NAME_INDEX_LIMIT + 1);
        const { n } = await db.selectFrom(inner.as('m')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        return Number(n);
      }),
    );
    const order = typed.map((_, i) => i).sort((a, b) => counts[a] - counts[b]);
    if (counts[order[0]] <= NAME_INDEX_LIMIT) return { by: 'index', order };
    // Every typed word is common: two of them together may not be (ADR 0022).
    const words = searchWords(term);
    const pair = searchPair(words);
    if (pair) {
      const range = prefixRange(pair.key);
      const q = db.selectFrom('student_name_pairs').select(sql<number>`1`.as('one')).where('district_id', '=', districtId).where('pair', '>=', range.from);
      const inner = (range.to === null ? q : q.where('pair', '<', range.to)).limit(PAIR_INDEX_LIMIT + 1);
      const { n } = await db.selectFrom(inner.as('m')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      if (Number(n) <= PAIR_INDEX_LIMIT) {
        // The other typed words, rarest first; the pair's first word only by its start in the key.
        return { by: 'pairs', pair: range, check: order.filter((i) => i !== pair.second) };
      }
    }
    return { by: 'walk', order };
  }
}
