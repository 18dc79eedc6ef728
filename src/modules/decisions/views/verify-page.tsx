import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';

export interface VerifyResult {
  /** Valid; revoked; or expired: every school year it names has ended. */
  status: 'active' | 'revoked' | 'expired';
  /** The code as printed, "XXXXX-XXXXX". */
  code: string;
  initials: string;
  school: string;
  district: string;
  first: string;
  last: string;
  /** The district-local day it was revoked (YYYY-MM-DD), for a revoked permit. */
  revokedOn: string | null;
  /** The last day of its last school year (YYYY-MM-DD). */
  endedOn: string;
}

const ALERT = { active: 'usa-alert--success', expired: 'usa-alert--warning', revoked: 'usa-alert--error' } as const;

/**
 * The public check of a permit's verification code: is this paper real, and still valid? Most
 * people arrive from the QR code on the letter, on a phone: the answer comes first, in a large
 * alert (green for valid, yellow for expired, red for revoked or unknown), then the details, then the form to check
 * another code.
 */
export function VerifyPage({ ctx, code, result }: { ctx: PageContext; code: string; result?: VerifyResult | null }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('decisions.verify.title')}>
      <h1>{t('decisions.verify.title')}</h1>
      {code && result === null ? (
        <div class="usa-alert usa-alert--error" role="status">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading font-sans-lg">{t('decisions.verify.unknown')}</h2>
            <p class="usa-alert__text font-sans-md">{t('decisions.verify.unknownText')}</p>
          </div>
        </div>
      ) : null}
      {result ? (
        <div class={`usa-alert ${ALERT[result.status]}`} role="status">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading font-sans-lg">{t(`decisions.verify.${result.status}`)}</h2>
            <p class="usa-alert__text font-sans-md">
              {result.status === 'active'
                ? t('decisions.verify.activeText')
                : result.status === 'expired'
                  ? t('decisions.verify.expiredText', { last: result.last, date: ctx.i18n.date(result.endedOn) })
                  : t('decisions.verify.revokedText', { date: result.revokedOn ? ctx.i18n.date(result.revokedOn) : '—' })}
            </p>
            <dl class="app-summary font-sans-md">
              <dt>{t('decisions.verify.student')}</dt>
              <dd>{result.initials}</dd>
              <dt>{t('decisions.verify.school')}</dt>
              <dd>{result.school}</dd>
              <dt>{t('decisions.verify.district')}</dt>
              <dd>{result.district}</dd>
              <dt>{t('decisions.verify.years')}</dt>
              <dd>{t('decisions.verify.yearsValue', { first: result.first, last: result.last })}</dd>
              <dt>{t('decisions.verify.code')}</dt>
              <dd>{result.code}</dd>
            </dl>
          </div>
        </div>
      ) : null}
      <p class="usa-intro">{t(code ? 'decisions.verify.again' : 'decisions.verify.intro')}</p>
      <form method="get" action="/permits/verify" class="usa-form">
        <label class="usa-label" for="verify-code">{t('decisions.verify.code')}</label>
        <span class="usa-hint" id="verify-code-hint">{t('decisions.verify.hint')}</span>
        <input class="usa-input" id="verify-code" name="code" value={code} maxLength={40} autoComplete="off" autoCapitalize="characters" spellcheck={false} aria-describedby="verify-code-hint" />
        <button type="submit" class="usa-button">{t('decisions.verify.submit')}</button>
      </form>
    </Layout>
  );
}
