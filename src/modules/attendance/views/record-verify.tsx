import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { VerifiedRecord } from '../record-document.js';
import { AttendanceRecordTable } from './attendance-record.js';

/**
 * Issue 16 point 10: the public check of an attendance record's verification code — is this
 * paper what the district issued? The answer first (green: found; red: unknown), then the record
 * as issued, then the form to check another code. Initials only.
 */
export function RecordVerifyPage({ ctx, code, result, schoolName }: { ctx: PageContext; code: string; result?: VerifiedRecord | null; schoolName: (id: string) => string }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('attendance-record.verify.title')}>
      <h1>{t('attendance-record.verify.title')}</h1>
      {code && result === null ? (
        <div class="usa-alert usa-alert--error" role="status">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading font-sans-lg">{t('attendance-record.verify.unknown')}</h2>
            <p class="usa-alert__text font-sans-md">{t('attendance-record.verify.unknownText')}</p>
          </div>
        </div>
      ) : null}
      {result ? (
        <>
          <div class="usa-alert usa-alert--success" role="status">
            <div class="usa-alert__body">
              <h2 class="usa-alert__heading font-sans-lg">{t('attendance-record.verify.found')}</h2>
              <dl class="app-summary font-sans-md">
                <dt>{t('attendance-record.verify.student')}</dt>
                <dd>{result.initials}</dd>
                <dt>{t('attendance-record.verify.district')}</dt>
                <dd>{result.district[ctx.lang] ?? result.district.en}</dd>
                <dt>{t('attendance-record.verify.issuedOn')}</dt>
                <dd>{ctx.i18n.date(result.issuedOn)}</dd>
                <dt>{t('attendance-record.verify.code')}</dt>
                <dd>{result.code}</dd>
              </dl>
            </div>
          </div>
          <AttendanceRecordTable ctx={ctx} id="verified-record" caption={t('attendance-record.verify.asIssued')} record={result.record} schoolName={schoolName} />
        </>
      ) : null}
      <p class="usa-intro">{t(code ? 'attendance-record.verify.again' : 'attendance-record.verify.intro')}</p>
      <form method="get" action="/attendance-records/verify" class="usa-form">
        <label class="usa-label" for="verify-code">{t('attendance-record.verify.code')}</label>
        <span class="usa-hint" id="verify-code-hint">{t('attendance-record.verify.hint')}</span>
        <input class="usa-input" id="verify-code" name="code" value={code} maxLength={40} autoComplete="off" autoCapitalize="characters" spellcheck={false} aria-describedby="verify-code-hint" />
        <button type="submit" class="usa-button">{t('attendance-record.verify.submit')}</button>
      </form>
    </Layout>
  );
}
