import type { Kysely, Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { ContactAttemptsTable, ContactPurpose, Database } from '../../platform/db/schema.js';
import { refuse } from '../../platform/db/refuse.js';
import { newId } from '../../platform/ids.js';
import { err, type Err } from '../../platform/result.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import type { Actor } from './roll.js';

/**
 * The contact log (issue 15): every attempt to reach a student's family — due diligence before a
 * withdrawal (WDR-2), a no-show's follow-up (WDR-3), an address investigation (ENR-6). Each
 * attempt says when (a past moment the person gives), how, who was reached, the outcome, and who
 * logged it. Written here only, inside the caller's transaction; the log is never edited.
 */

type Trx = Transaction<Database>;

export const CONTACT_PURPOSES = ['due_diligence', 'no_show', 'investigation'] as const satisfies readonly ContactPurpose[];
export const CONTACT_METHODS = ['phone', 'email', 'letter', 'home_visit'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/**
 * What came of an attempt. The first four leave the student's whereabouts unknown; the others
 * located the student (or the family) one way or another.
 */
export const CONTACT_OUTCOMES = [
  'no_answer',
  'message_left',
  'wrong_contact',
  'not_located',
  'located_not_attending',
  'located_will_attend',
  'enrolled_elsewhere',
  'moved_away',
] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/** Outcomes after which the student's whereabouts are still unknown. */
export const UNLOCATED_OUTCOMES: readonly ContactOutcome[] = ['no_answer', 'message_left', 'wrong_contact', 'not_located'];

export interface ContactInput {
  enrollmentId: string;
  purpose: ContactPurpose;
  /** ENR-6: the investigation the attempt belongs to (required when purpose is 'investigation'). */
  investigationId?: string;
  /** When the contact was made: an ISO moment, not in the future. */
  contactedAt: string;
  method: ContactMethod | string;
  /** Who was reached (a name, "mother", "no one"…). */
  reached?: string;
  outcome: ContactOutcome | string;
  note?: string;
}

export const REACHED_MAX = 200;
export const NOTE_MAX = 2000;

/** A refusal of the log: its code, the catalog key of its message (namespace withdrawal), and its field. */
const problem = (code: string, field: string): Err => err(`contact.${code}`, `withdrawal.contact.errors.${code}`, { field });

/**
 * Logs one contact attempt in the caller's transaction; refuses (Refusal) bad input on its field:
 * enrollmentId, purpose, investigationId, contactedAt, method, reached, outcome, note.
 */
export async function logContact(trx: Trx, deps: Pick<Deps, 'clock'>, actor: Actor, input: ContactInput): Promise<ContactAttemptsTable> {
  const enrollment = await trx.selectFrom('enrollments').select(['id']).where('id', '=', input.enrollmentId).executeTakeFirst();
  if (!enrollment) refuse(err('not-found', 'common.notFound.message'));
  if (!(CONTACT_PURPOSES as readonly string[]).includes(input.purpose)) refuse(problem('purpose-unknown', 'purpose'));
  let investigationId: string | null = null;
  if (input.purpose === 'investigation') {
    const inv = input.investigationId
      ? await trx.selectFrom('investigations').select('id').where('id', '=', input.investigationId).where('enrollment_id', '=', input.enrollmentId).executeTakeFirst()
      : undefined;
    if (!inv) refuse(problem('investigation-unknown', 'investigationId'));
    investigationId = inv.id;
  }
  const now = deps.clock.now();
  const at = parseMoment(input.contactedAt);
  if (!at) refuse(problem('when-invalid', 'contactedAt'));
  if (at.getTime() > now.getTime()) refuse(problem('when-future', 'contactedAt'));
  if (!(CONTACT_METHODS as readonly string[]).includes(input.method)) refuse(problem('method-unknown', 'method'));
  if (!(CONTACT_OUTCOMES as readonly string[]).includes(input.outcome)) refuse(problem('outcome-unknown', 'outcome'));
  const reached = input.reached?.trim() || null;
  if (reached && reached.length > REACHED_MAX) refuse(problem('reached-too-long', 'reached'));
  const note = input.note?.trim() || null;
  if (note && note.length > NOTE_MAX) refuse(problem('note-too-long', 'note'));
  const row: ContactAttemptsTable = {
    id: newId(),
    enrollment_id: input.enrollmentId,
    purpose: input.purpose,
    investigation_id: investigationId,
    contacted_at: at.toISOString(),
    method: input.method,
    reached,
    outcome: input.outcome,
    note,
    logged_by: actor,
    created_at: now.toISOString(),
  };
  await trx.insertInto('contact_attempts').values(row).execute();
  return row;
}

/** An enrollment's contact attempts, oldest first (by when the contact was made); of one purpose if given. */
export async function contactsOf(db: Kysely<Database>, enrollmentId: string, purpose?: ContactPurpose): Promise<ContactAttemptsTable[]> {
  let q = db.selectFrom('contact_attempts').selectAll().where('enrollment_id', '=', enrollmentId);
  if (purpose) q = q.where('purpose', '=', purpose);
  return q.orderBy('contacted_at').orderBy('created_at').orderBy('id').execute();
}

/** The district's rule (WDR-2): how many attempts, by how many different methods, count as exhausted. */
export function dueDiligenceRule(district: DistrictConfig): { attempts: number; methods: number } {
  return district.enrollmentCodes.dueDiligence;
}

/**
 * WDR-2: due diligence is exhausted when the log holds at least the district's number of attempts
 * made by at least its number of different methods.
 */
export function dueDiligenceExhausted(rows: readonly Pick<ContactAttemptsTable, 'method'>[], district: DistrictConfig): boolean {
  const rule = dueDiligenceRule(district);
  return rows.length >= rule.attempts && new Set(rows.map((r) => r.method)).size >= rule.methods;
}

/** The outcome of the most recent attempt (by when it was made), if any. */
export function latestOutcome(rows: readonly Pick<ContactAttemptsTable, 'contacted_at' | 'created_at' | 'outcome'>[]): string | undefined {
  let latest: (typeof rows)[number] | undefined;
  for (const r of rows) if (!latest || r.contacted_at > latest.contacted_at || (r.contacted_at === latest.contacted_at && r.created_at >= latest.created_at)) latest = r;
  return latest?.outcome;
}

/** WDR-2: the latest attempt found the student, who is not attending: never withdrawn. */
export const locatedNotAttending = (rows: readonly Pick<ContactAttemptsTable, 'contacted_at' | 'created_at' | 'outcome'>[]): boolean =>
  latestOutcome(rows) === 'located_not_attending';

/** WDR-2: the latest attempt left the student's whereabouts unknown. */
export const whereaboutsUnknown = (rows: readonly Pick<ContactAttemptsTable, 'contacted_at' | 'created_at' | 'outcome'>[]): boolean => {
  const o = latestOutcome(rows);
  return o !== undefined && (UNLOCATED_OUTCOMES as readonly string[]).includes(o);
};

function parseMoment(s: string | undefined): Date | undefined {
  if (!s || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
