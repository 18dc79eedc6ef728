import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';

/**
 * A request's lifecycle, owned here and nowhere else: its statuses, the transitions allowed
 * between them, and the one place that writes the `status` column of `applications` and the
 * rows of `application_events` (who, when, from, to, why). Every module moves a request with
 * `moveRequest` and notes something on its history with `noteRequest`, inside its own
 * transaction, so a move and the records it causes (a decision, an email) commit together.
 */
export const STATUSES = [
  'incomplete', // received, required documents still missing (APP-11)
  'submitted', // received and complete: waiting in the queue in order received (DEC-1)
  'info_requested', // staff asked for documents or information by a due date (DOC-4)
  'approved',
  'denied',
  'deemed_denied', // no written decision by the deadline (DEC-15)
  'abandoned', // a deadline missed by the parent (DEC-4)
  'withdrawn',
  'revoked',
] as const;
export type Status = (typeof STATUSES)[number];

export const TRANSITIONS: Record<Status, readonly Status[]> = {
  // approved: a release granted by law when the receiving district approves a priority transfer (DEC-19)
  incomplete: ['submitted', 'info_requested', 'abandoned', 'withdrawn', 'deemed_denied', 'approved'],
  submitted: ['info_requested', 'approved', 'denied', 'deemed_denied', 'withdrawn', 'incomplete'],
  info_requested: ['submitted', 'incomplete', 'abandoned', 'approved', 'denied', 'deemed_denied', 'withdrawn'],
  approved: ['revoked', 'withdrawn'], // withdrawn: a release the parent no longer needs
  denied: ['approved'], // an appeal won at the county office
  deemed_denied: ['approved'],
  abandoned: [],
  withdrawn: [],
  revoked: [],
};

export function canTransition(from: Status, to: Status): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** Statuses in which a request is still alive (blocks a second request for the same year). */
export const OPEN_STATUSES: readonly Status[] = ['incomplete', 'submitted', 'info_requested', 'approved'];

/** A status read from the database, checked: a value outside STATUSES is a bug. */
export function asStatus(s: string): Status {
  if (!(STATUSES as readonly string[]).includes(s)) throw new Error(`Unknown request status: ${s}`);
  return s as Status;
}

type Q = Kysely<Database> | Transaction<Database>;

interface Line {
  /** The request's id. */
  id: string;
  /** Who: `staff:<id>`, `parent:<id>` or `system`. */
  actor: string;
  /** When, as an ISO timestamp; a move also sets the request's `updated_at` to it. */
  at: string;
  /** Why, in the words the history page reads back (history.tsx). */
  note: string | null;
}

/**
 * A move from one of `from` to `to`. With a single `from` the history records it; with several,
 * `was` is the status the caller read (recorded as the line's "from").
 */
export type Move = Line & { to: Status } & ({ from: Status; was?: undefined } | { from: readonly Status[]; was: Status });

/**
 * Moves a request to `to` only if it still is in one of `from`, and writes the history line, in
 * the caller's transaction. The guarded UPDATE is what makes two staff deciding at once (or a
 * double click, or two sweepers) end with exactly one move: false when another got there first,
 * and then nothing is written. A move the transitions table does not allow is a bug: it throws.
 */
export async function moveRequest(q: Q, m: Move): Promise<boolean> {
  const from: readonly Status[] = typeof m.from === 'string' ? [m.from] : m.from;
  for (const f of from) if (!canTransition(f, m.to)) throw new Error(`A request cannot move from '${f}' to '${m.to}': not in the transitions table (lifecycle.ts)`);
  const r = await q.updateTable('applications').set({ status: m.to, updated_at: m.at }).where('id', '=', m.id).where('status', 'in', [...from]).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await insertLine(q, { id: newId(), application_id: m.id, at: m.at, actor: m.actor, from_status: m.was ?? from[0], to_status: m.to, note: m.note });
  return true;
}

/**
 * A line on a request's history that does not change its status (a provisional enrollment, a
 * review, an upload, a school's answer, an appeal): from and to are both `status`, the status
 * the caller read. With `eventId` the line is written once: false when that id is already there.
 */
export async function noteRequest(q: Q, n: Line & { status: string; note: string; eventId?: string }): Promise<boolean> {
  return insertLine(q, { id: n.eventId ?? newId(), application_id: n.id, at: n.at, actor: n.actor, from_status: n.status, to_status: n.status, note: n.note }, n.eventId !== undefined);
}

/**
 * A line with no "from": a new request's first line (written with its row, `status` being the
 * one it starts in), and a release's line when it is handed to the receiving district.
 */
export async function recordOpening(q: Q, n: Line & { status: string }): Promise<void> {
  await insertLine(q, { id: newId(), application_id: n.id, at: n.at, actor: n.actor, from_status: null, to_status: n.status, note: n.note });
}

/** A request's history, oldest first. */
export function history(q: Q, applicationId: string) {
  return q.selectFrom('application_events').selectAll().where('application_id', '=', applicationId).orderBy('at').orderBy('id').execute();
}

/** When each of the requests `ids` (a subquery) first reached `status`, from their history. */
export async function firstReached(q: Q, status: Status, ids: SelectQueryBuilder<Database, keyof Database, { id: string }>): Promise<Map<string, string>> {
  const rows = await q
    .selectFrom('application_events')
    .select((eb) => ['application_events.application_id', eb.fn.min('application_events.at').as('first_at')])
    .where('application_events.to_status', '=', status)
    .where('application_events.application_id', 'in', ids)
    .groupBy('application_events.application_id')
    .execute();
  return new Map(rows.map((r) => [r.application_id, String(r.first_at)]));
}

/**
 * The lines one kind of actor (`parent`, `staff`) wrote on a student's requests whose note starts
 * with `notePrefix`, newest first, with each request's district and kind.
 */
export function studentNotes(q: Q, studentId: string, actor: 'parent' | 'staff', notePrefix: string) {
  return q
    .selectFrom('application_events')
    .innerJoin('applications', 'applications.id', 'application_events.application_id')
    .select(['application_events.id', 'application_events.at', 'application_events.note', 'application_events.application_id', 'applications.district_id', 'applications.kind'])
    .where('applications.student_id', '=', studentId)
    .where('application_events.actor', 'like', `${actor}:%`)
    .where('application_events.note', 'like', `${notePrefix}%`)
    .orderBy('application_events.at', 'desc')
    .execute();
}

/** Whether a request's history already has a line with this note (a step noted once). */
export async function hasNote(q: Q, applicationId: string, note: string): Promise<boolean> {
  return Boolean(await q.selectFrom('application_events').select('id').where('application_id', '=', applicationId).where('note', '=', note).executeTakeFirst());
}

async function insertLine(q: Q, row: Database['application_events'], once = false): Promise<boolean> {
  if (!once) {
    await q.insertInto('application_events').values(row).execute();
    return true;
  }
  const r = await q.insertInto('application_events').values(row).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}
