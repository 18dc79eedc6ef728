import { Layout } from '../../../platform/views/layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { ErrorSummary, fieldId } from '../../../platform/views/forms.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { acceptAttribute } from '../../../platform/views/accept.js';
import { FileInputWordsScript, fileInputWords } from '../../../platform/views/file-input.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import type { LineError } from '../csv-import.js';

/** How many line problems the page lists; the CLI prints them all. */
export const SHOWN_PROBLEMS = 1000;

const EXAMPLE = `street,from,to,side,zip,grades,school
Garfield Ave,8000,8999,both,90723,TK-5,102
Garfield Ave,8000,8999,both,90723,6-8,202
Rosecrans Ave,6001,6999,odd,90723,TK-5,103
Rosecrans Ave,6000,6998,even,90723,TK-5,101`;

export interface ImportFailure {
  file: string;
  lines: LineError[];
}

/** STU-2: district administrators see how many address ranges are in use and import a new file. */
export function AddressesPage({ ctx, district, count, maxMb, form, failure }: {
  ctx: PageContext; district: DistrictConfig; count: number; maxMb: number; form: FormState; failure?: ImportFailure | null;
}) {
  const { t } = ctx;
  const name = district.name[ctx.lang as 'en' | 'es'] ?? district.name.en;
  const hasErrors = Object.keys(form.errors).length > 0 || !!failure;
  const error = form.errors.file;
  const id = fieldId('file');
  const shown = failure ? failure.lines.slice(0, SHOWN_PROBLEMS) : [];
  return (
    <Layout ctx={ctx} title={t('addresses.title')} hasErrors={hasErrors}>
      <ErrorSummary ctx={ctx} form={form} />
      {failure ? (
        <div class="usa-alert usa-alert--error" role="alert" aria-labelledby="import-problems-heading" id="import-problems" tabIndex={-1}>
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading" id="import-problems-heading">{t('addresses.result.heading')}</h2>
            <p class="usa-alert__text">{t('addresses.result.intro', { file: failure.file })}</p>
            <ul class="usa-list app-import-problems">
              {shown.map((e, i) => (
                <li key={`${e.line}-${i}`}>
                  <strong>{e.line ? t('addresses.result.line', { line: e.line }) : t('addresses.result.wholeFile')}:</strong> {e.message}
                </li>
              ))}
            </ul>
            {failure.lines.length > shown.length ? <p class="usa-alert__text">{t('addresses.result.more', { count: failure.lines.length - shown.length })}</p> : null}
          </div>
        </div>
      ) : null}
      <h1>{t('addresses.title')}</h1>
      <p class="usa-intro">{t('addresses.intro', { district: name })}</p>

      <h2>{t('addresses.current.heading')}</h2>
      <p id="range-count">{count > 0 ? t('addresses.current.count', { count: count.toLocaleString(ctx.lang === 'es' ? 'es-US' : 'en-US') }) : t('addresses.current.none')}</p>

      <h2>{t('addresses.form.heading')}</h2>
      <form method="post" action="/staff/addresses" encType="multipart/form-data" class="usa-form usa-form--large" novalidate>
        {/* First in the body: the CSRF token is checked before the file is read. */}
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
          <label class="usa-label" id={`${id}-label`} for={id}>{t('addresses.form.file')}</label>
          <span class="usa-hint" id={`${id}-hint`}>{t('addresses.form.hint', { max: maxMb })}</span>
          <ErrorMessage ctx={ctx} id={`${id}-error`} error={error} />
          <input class="usa-file-input" id={id} name="file" type="file" accept={acceptAttribute(['csv'], ['text/csv'])} required aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`} aria-labelledby={`${id}-label`} {...fileInputWords(ctx, false)} />
        </div>
        <p>{t('addresses.format.replace')}</p>
        <button type="submit" class="usa-button">{t('addresses.form.submit')}</button>
      </form>
      <FileInputWordsScript />

      <h2>{t('addresses.format.heading')}</h2>
      <p>{t('addresses.format.intro')}</p>
      <ul class="usa-list">
        {(['street', 'from', 'side', 'zip', 'grades', 'school'] as const).map((c) => (
          <li key={c}>{t(`addresses.format.columns.${c}`)}</li>
        ))}
      </ul>
      <p>{t('addresses.format.example')}:</p>
      <pre class="app-csv-example">{EXAMPLE}</pre>
    </Layout>
  );
}
