import { Layout } from '../../../platform/views/layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { ErrorSummary, fieldId } from '../../../platform/views/forms.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { acceptAttribute } from '../../../platform/views/accept.js';
import { FileInputWordsScript, fileInputWords } from '../../../platform/views/file-input.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { IMPORT_COLUMNS, type LineErrors } from '../roll-import.js';

const example = (school: string) => `source_student_id,first_name,last_name,date_of_birth,address_line1,city,state,zip,school_code,grade,school_year,entry_type,status,entry_date,expected_first_day
SIS-000101,Ana,López,2018-04-09,100 Main St,Los Angeles,CA,90011,${school},2,2026-2027,next-year,active,2026-08-13,
SIS-000102,Mateo,López,2020-01-15,100 Main St,Los Angeles,CA,90011,${school},K,2026-2027,new,pre_enrolled,,2026-08-13`;

/**
 * Issue 15 point 11: the school office (for its schools) and district administrators import
 * existing enrollments from a student information system's CSV, all or nothing; a refused file
 * lists each bad line with what is wrong, in the reader's language.
 */
export function ImportPage({ ctx, district, schools, maxMb, form, failure }: {
  ctx: PageContext; district: DistrictConfig; schools: DistrictConfig['schools']; maxMb: number; form: FormState; failure?: { file: string; lines: LineErrors[]; badLines: number } | null;
}) {
  const { t } = ctx;
  const hasErrors = Object.keys(form.errors).length > 0 || !!failure;
  const error = form.errors.file;
  const id = fieldId('file');
  return (
    <Layout ctx={ctx} title={t('roll-import.title')} hasErrors={hasErrors}>
      <ErrorSummary ctx={ctx} form={form} />
      {failure ? (
        <div class="usa-alert usa-alert--error" role="alert" aria-labelledby="import-problems-heading" id="import-problems" tabIndex={-1}>
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading" id="import-problems-heading">{t('roll-import.result.heading')}</h2>
            <p class="usa-alert__text">{t('roll-import.result.intro', { file: failure.file, count: failure.badLines })}</p>
            <ul class="usa-list app-import-problems">
              {failure.lines.map((e) => (
                <li key={e.line}>
                  <strong>{e.line ? t('roll-import.result.line', { line: e.line }) : t('roll-import.result.wholeFile')}:</strong>{' '}
                  {e.problems.map((p) => t(p.key, p.params)).join(' ')}
                </li>
              ))}
            </ul>
            {failure.badLines > failure.lines.length ? <p class="usa-alert__text">{t('roll-import.result.more', { count: failure.badLines - failure.lines.length })}</p> : null}
          </div>
        </div>
      ) : null}
      <h1>{t('roll-import.title')}</h1>
      <p class="usa-intro">{t('roll-import.intro', { district: inLanguage(district.name, ctx.lang) })}</p>
      <p>{t('roll-import.schools', { schools: schools.map((s) => `${s.name} (${s.code})`).join(', ') })}</p>

      <form method="post" action="/staff/roll/import" encType="multipart/form-data" class="usa-form usa-form--large" novalidate>
        {/* First in the body: the CSRF token is checked before the file is read. */}
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
          <label class="usa-label" id={`${id}-label`} for={id}>{t('roll-import.form.file')}</label>
          <span class="usa-hint" id={`${id}-hint`}>{t('roll-import.form.hint', { max: maxMb })}</span>
          <ErrorMessage ctx={ctx} id={`${id}-error`} error={error} />
          <input class="usa-file-input" id={id} name="file" type="file" accept={acceptAttribute(['csv'], ['text/csv'])} required aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`} aria-labelledby={`${id}-label`} {...fileInputWords(ctx, false)} />
        </div>
        <p>{t('roll-import.form.allOrNothing')}</p>
        <button type="submit" class="usa-button">{t('roll-import.form.submit')}</button>
      </form>
      <FileInputWordsScript />

      <h2>{t('roll-import.format.heading')}</h2>
      <p>{t('roll-import.format.intro')}</p>
      <ul class="usa-list">
        {IMPORT_COLUMNS.map((c) => (
          <li key={c}><code>{c}</code>: {t(`roll-import.format.columns.${c}`)}</li>
        ))}
      </ul>
      <p>{t('roll-import.format.again')}</p>
      <p>{t('roll-import.format.example')}:</p>
      <pre class="app-csv-example">{example(schools[0]?.code ?? '1001')}</pre>
    </Layout>
  );
}
