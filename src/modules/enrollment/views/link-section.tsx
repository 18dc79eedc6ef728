import type { PageContext } from '../../../platform/views/context.js';
import type { LinkStatus } from '../linking.js';

/** PRV-1, on the office's page of one student: whether a family account is linked, and where to link or unlink it. */
export function LinkSection({ ctx, status, canLink }: { ctx: PageContext; status: LinkStatus; canLink: boolean }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="linking-heading">
      <h2 id="linking-heading">{t('linking.section.heading')}</h2>
      <p>
        {status.account
          ? t('linking.office.linkedTo', { name: `${status.account.firstName} ${status.account.lastName}`, email: status.account.email })
          : t('linking.office.notLinked')}
      </p>
      {status.emancipated ? <p class="usa-hint">{t('linking.office.emancipated')}</p> : null}
      {canLink ? (
        <p><a class="usa-link" href={`/staff/roll/students/${status.student.id}/link`}>{t(status.account ? 'linking.section.manage' : 'linking.section.link')}</a></p>
      ) : null}
    </section>
  );
}
