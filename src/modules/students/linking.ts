import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * PRV-1: who a student on a school's roll belongs to. The students module owns `students`, so the
 * roll links and unlinks a family's account through these two functions only, in its own
 * transaction. A student is linked to one account (ADR 0025); nothing here decides who may link —
 * the school does, with a one-time code or in person (modules/enrollment/linking.ts).
 */

/**
 * Links a student who has no account to `accountId`: 'linked', or 'already' when it is that
 * account's already, or 'taken' when another account holds the student (the office unlinks
 * first), or 'missing'. Guarded: only a student still without an account is changed.
 */
export async function linkStudent(trx: Q, studentId: string, accountId: string, at: string): Promise<'linked' | 'already' | 'taken' | 'missing'> {
  const r = await trx.updateTable('students').set({ account_id: accountId, updated_at: at }).where('id', '=', studentId).where('account_id', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) return 'linked';
  const row = await trx.selectFrom('students').select('account_id').where('id', '=', studentId).executeTakeFirst();
  if (!row) return 'missing';
  return row.account_id === accountId ? 'already' : 'taken';
}

/**
 * Unlinks a student from the account that holds it (a custody change): the account it was
 * linked to, or null when it had none. Guarded on the account read, so two unlinks do it once.
 */
export async function unlinkStudent(trx: Q, studentId: string, at: string): Promise<string | null> {
  const row = await trx.selectFrom('students').select('account_id').where('id', '=', studentId).executeTakeFirst();
  if (!row?.account_id) return null;
  const r = await trx.updateTable('students').set({ account_id: null, updated_at: at }).where('id', '=', studentId).where('account_id', '=', row.account_id).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? row.account_id : null;
}
