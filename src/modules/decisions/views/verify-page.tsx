import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';

export interface VerifyResult { status: string; initials: string; school: string; district: string; first: string; last: string }

/** The public check of a permit's verification code: is this paper real, and still valid? */
export function VerifyPage({ ctx, code, result }: { ctx: PageContext; code: string; result?: VerifyResult | null }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('decisions.verify.title')}>
      <h1>{t('decisions.verify.title')}</h1>
      <p class="usa-intro">{t('decisions.verify.intro')}</p>
      <form method="get" action="/permits/verify" class="usa-form">
        <label class="usa-label" for="verify-code">{t('decisions.verify.code')}</label>
        <span class="usa-hint" id="verify-code-hint">{t('decisions.verify.hint')}</span>
        <input class="usa-input" id="verify-code" name="code" value={code} maxLength={40} autoComplete="off" aria-describedby="verify-code-hint" />
        <button type="submit" class="usa-button">{t('decisions.verify.submit')}</button>
      </form>
      {code && result === null ? (
        <div class="usa-alert usa-alert--error" role="status"><div class="usa-alert__body"><p class="usa-alert__text">{t('decisions.verify.unknown')}</p></div></div>
      ) : null}
      {result ? (
        <div class={`usa-alert ${result.status === 'active' ? 'usa-alert--success' : 'usa-alert--error'}`} role="status">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading">{t(`decisions.verify.${result.status}`)}</h2>
            <p class="usa-alert__text">{t('decisions.verify.details', { initials: result.initials, school: result.school, district: result.district, first: result.first, last: result.last })}</p>
          </div>
        </div>
      ) : null}
    </Layout>
  );
}
