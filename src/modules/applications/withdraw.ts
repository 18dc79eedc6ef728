import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { Database } from '../../platform/db/schema.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import { err, ok, type Result } from '../../platform/result.js';
import { formatConfirmationNumber } from './confirmation-number.js';
import { asStatus, moveRequest, type Status } from './lifecycle.js';
import { ApplicationsRepository, type ApplicationRow } from './repository.js';

const UNDECIDED: readonly Status[] = ['incomplete', 'submitted', 'info_requested'];

/**
 * What a withdrawal ends besides the request's status, kept by the module that owns those
 * records (decisions: the request's open requests for missing items, an approved release's
 * permit) and handed in at the top (modules/index.ts): applications is below decisions.
 */
export interface WithdrawnRecords {
  /** In the withdrawal's transaction; `app` as it was read, before its move to withdrawn. */
  closeWithdrawn(trx: Transaction<Database>, app: ApplicationRow, nowIso: string): Promise<void>;
}

/**
 * A parent withdraws a request that is not decided yet, or a release whose receiving district
 * has not approved it. Withdrawing a release withdraws the request it became in the receiving
 * district too (DEC-5: without the release there is nothing for that district to decide).
 */
export class Withdrawals {
  private repo: ApplicationsRepository;

  constructor(private deps: Deps, private records: WithdrawnRecords) {
    this.repo = new ApplicationsRepository(deps.db);
  }

  /** Whether the parent may withdraw this request now (the page shows the button only then). */
  async allowed(app: ApplicationRow): Promise<boolean> {
    if ((UNDECIDED as readonly string[]).includes(app.status)) return true;
    if (app.kind !== 'outgoing' || app.status !== 'approved') return false;
    const incoming = app.linked_application_id ? await this.repo.byId(app.linked_application_id) : undefined;
    return !incoming || (UNDECIDED as readonly string[]).includes(incoming.status);
  }

  async withdraw(accountId: string, id: string): Promise<Result<{ application: ApplicationRow }>> {
    const app = await this.repo.byId(id);
    if (!app || app.account_id !== accountId) return err('not-found', 'common.notFound.title');
    if (app.status === 'withdrawn') return ok({ application: app }); // a repeated click
    if (!(await this.allowed(app))) return err('not-withdrawable', 'applications.errors.notWithdrawable', { params: { status: app.status } });
    const done = await this.deps.writer.run(async (trx) => {
      const from: readonly Status[] = app.status === 'approved' ? ['approved'] : UNDECIDED;
      if (!(await this.close(trx, app, from, `parent:${accountId}`, 'withdrawn by the parent'))) return false;
      if (app.kind === 'outgoing' && app.linked_application_id) {
        const incoming = await this.repo.byId(app.linked_application_id, trx);
        if (incoming) await this.close(trx, incoming, UNDECIDED, 'system', `its release ${app.confirmation_number} was withdrawn`);
      }
      return true;
    });
    if (!done) return err('not-withdrawable', 'applications.errors.notWithdrawable', { params: { status: (await this.repo.byId(id))?.status ?? app.status } });
    return ok({ application: app });
  }

  private async close(trx: Transaction<Database>, app: ApplicationRow, from: readonly Status[], actor: string, note: string): Promise<boolean> {
    const nowIso = this.nowIso();
    if (!(await moveRequest(trx, { id: app.id, from, was: asStatus(app.status), to: 'withdrawn', actor, at: nowIso, note }))) return false;
    await this.records.closeWithdrawn(trx, app, nowIso);
    const district = this.deps.districts.get(app.district_id)!;
    const lang = app.language as 'en' | 'es';
    await enqueueEmail(
      trx,
      this.deps.catalogs,
      {
        dedupeKey: `withdrawn:${app.id}`,
        to: app.decision_email,
        language: app.language,
        template: 'applications.emails.withdrawn',
        params: {
          student: `${app.student_first_name} ${app.student_last_name}`,
          district: district.name[lang] ?? district.name.en,
          confirmation: formatConfirmationNumber(app.confirmation_number),
          link: `${this.deps.config.publicUrl}/applications/${app.id}`,
        },
        accountId: app.account_id,
        applicationId: app.id,
      },
      nowIso,
    );
    return true;
  }

  private nowIso() {
    return this.deps.clock.now().toISOString();
  }
}
