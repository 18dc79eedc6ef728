import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { formatConfirmationNumber } from '../confirmation-number.js';
import type { ApplicationRow } from '../repository.js';

/** APP-8: the confirmation number on screen, and what to do next. */
export function ConfirmationPage({ ctx, application, districtName, repeated }: { ctx: PageContext; application: ApplicationRow; districtName: string; repeated: boolean }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('applications.confirmation.title')}>
      <div class="usa-alert usa-alert--success" role="status">
        <div class="usa-alert__body">
          <h1 class="usa-alert__heading">{t('applications.confirmation.title')}</h1>
          <p class="usa-alert__text">
            {repeated ? t('applications.confirmation.repeated') : t('applications.confirmation.received', { district: districtName })}
          </p>
        </div>
      </div>
      <h2>{t('applications.confirmation.numberHeading')}</h2>
      <p class="app-confirmation-number" data-testid="confirmation-number">{formatConfirmationNumber(application.confirmation_number)}</p>
      <p>{t('applications.confirmation.keepIt', { email: application.decision_email })}</p>
      <h2>{t('applications.confirmation.nextHeading')}</h2>
      <p>{t('applications.confirmation.nextText')}</p>
      <p>
        <a class="usa-button" href={`/applications/${application.id}`}>{t('applications.confirmation.uploadNow')}</a>
      </p>
      <p>
        <a class="usa-link" href="/account">{t('applications.backToAccount')}</a>
      </p>
    </Layout>
  );
}
