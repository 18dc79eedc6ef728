import { sql, type Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { Database } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/kysely.js';
import { newId } from '../../platform/ids.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import type { ApplicationRow, ApplicationsRepository } from './repository.js';
import { formatConfirmationNumber, generateConfirmationNumber } from './confirmation-number.js';
import { recordOpening } from './lifecycle.js';

/** Every column of a new request but its id and confirmation number, which are drawn here. */
export type ApplicationDraft = Omit<ApplicationRow, 'id' | 'confirmation_number'>;

/** Columns only some kinds use: a draft starts with none of them. */
export const NO_KIND_COLUMNS = {
  student_number: null,
  target_district_slug: null,
  target_district_name: null,
  target_school: null,
  residence_school_id: null,
  linked_application_id: null,
  registration_number: null,
  arrived_at: null,
} as const;

/** What writing a new request needs of the applications repository (built once, by the caller's service). */
export type RequestWrites = Pick<ApplicationsRepository, 'insert' | 'bySubmissionKey'>;

/**
 * Writes a new request of any kind with its first history line and its "received" email, in
 * one transaction (APP-8): the confirmation number is shown only after this commit. `also`
 * runs in the same transaction (a hand-off records its link there). A repeated submit of the
 * same form (same submission key) returns the first request.
 */
export async function insertApplication(
  deps: Deps,
  repo: RequestWrites,
  draft: ApplicationDraft,
  email: { template: string; params: Record<string, string> },
  opts: { actor: string; note: string; trx?: Transaction<Database>; also?: (trx: Transaction<Database>, row: ApplicationRow) => Promise<void> },
): Promise<{ application: ApplicationRow; repeated: boolean }> {
  const write = async (trx: Transaction<Database>, row: ApplicationRow) => {
    await repo.insert(row, trx);
    await recordOpening(trx, { id: row.id, actor: opts.actor, at: row.received_at, status: row.status, note: opts.note });
    await enqueueEmail(
      trx,
      deps.catalogs,
      {
        dedupeKey: `application-submitted:${row.id}`,
        to: row.decision_email,
        language: row.language,
        template: email.template,
        params: { ...email.params, confirmation: formatConfirmationNumber(row.confirmation_number), link: `${deps.config.publicUrl}/applications/${row.id}`, uploadLink: `${deps.config.publicUrl}/upload` },
        accountId: row.account_id,
        applicationId: row.id,
      },
      deps.clock.now().toISOString(),
    );
    if (opts.also) await opts.also(trx, row);
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const row: ApplicationRow = { id: newId(), confirmation_number: generateConfirmationNumber(), ...draft };
    try {
      if (opts.trx) {
        // Inside a caller's transaction (a hand-off): a savepoint keeps a collision from aborting it.
        await sql.raw('savepoint new_application').execute(opts.trx);
        try {
          await write(opts.trx, row);
          await sql.raw('release savepoint new_application').execute(opts.trx);
        } catch (e) {
          await sql.raw('rollback to savepoint new_application').execute(opts.trx);
          throw e;
        }
      } else {
        await deps.writer.run((trx) => write(trx, row));
      }
      return { application: row, repeated: false };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Two submits of the same form raced: the other one won; return it.
      const winner = await repo.bySubmissionKey(draft.account_id, draft.submission_key, opts.trx);
      if (winner) return { application: winner, repeated: true };
      // Otherwise a confirmation number collided (1 in a trillion): draw another.
    }
  }
  throw new Error('Could not allocate a confirmation number');
}
