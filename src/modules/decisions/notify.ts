import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { ApplicationsTable, Database } from '../../platform/db/schema.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { formatConfirmationNumber } from '../applications/confirmation-number.js';

/**
 * DEC-2: a notice about a request goes to the address on the application and shows in the
 * parent's account, in the application's language, inside the caller's transaction (sent if
 * and only if the change is committed). Every notice names the student, district and number.
 */
export function notifyParent(
  deps: Deps, trx: Transaction<Database>, app: ApplicationsTable, district: DistrictConfig, template: string, dedupeKey: string, params: Record<string, string>,
) {
  const lang = app.language as 'en' | 'es';
  return enqueueEmail(trx, deps.catalogs, {
    dedupeKey, to: app.decision_email, language: app.language, template, accountId: app.account_id, applicationId: app.id,
    params: {
      student: `${app.student_first_name} ${app.student_last_name}`,
      district: district.name[lang] ?? district.name.en,
      confirmation: formatConfirmationNumber(app.confirmation_number),
      link: `${deps.config.publicUrl}/applications/${app.id}`,
      ...params,
    },
  }, deps.clock.now().toISOString());
}
