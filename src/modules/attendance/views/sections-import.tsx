import type { FormState, PageContext } from '../../../platform/views/context.js';
import { acceptAttribute } from '../../../platform/views/accept.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { FileInputWordsScript, fileInputWords } from '../../../platform/views/file-input.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';
import { ErrorSummary, fieldId } from '../../../platform/views/forms.js';
import { Layout } from '../../../platform/views/layout.js';
import type { LineErrors } from '../../enrollment/roll-import.js';
import { SECTION_COLUMNS } from '../sections-import.js';
import { qs } from './sections-list.js';

const example = `section_code,section_name,period,teacher_email,student_source_id,from_date,to_date
ENG2-03,English 2,3,teacher@example.org,SIS-000101,2026-08-13,
ENG2-03,English 2,3,teacher@example.org,SIS-000102,2026-08-13,2026-11-20
HR-12,Homeroom 12,1,,,,`;

/**
 * Issue 16 point 1: a school's sections and their students from the student information system's
 * CSV, all or nothing; a refused file lists each bad line with what is wrong, in the reader's language.
 */
export function SectionsImportPage({ ctx, form, schoolId, schoolName, schools, year, years, maxMb, failure }: {
  ctx: PageContext; form: FormState; schoolId: string; schoolName: string; schools: [string, string][]; year: string; years: [string, string][]; maxMb: number;
  failure?: { file: string; lines: LineErrors[]; badLines: number } | null;
}) {
  const { t } = ctx;
  const error = form.errors.file;
  const id = fieldId('file');
  const title = t('attendance-sections.import.title');
  return (
    <Layout ctx={ctx} title={title} hasErrors={Boolean(error) || Boolean(failure)}>
      <p><a class="usa-link" href={`/staff/attendance/sections?${qs(schoolId, year)}`}>{t('attendance-sections.backToList', { school: schoolName })}</a></p>
      <ErrorSummary ctx={ctx} form={form} />
      {failure ? (
        <div class="usa-alert usa-alert--error" role="alert" aria-labelledby="import-problems-heading" id="import-problems" tabIndex={-1}>
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading" id="import-problems-heading">{t('attendance-sections.import.result.heading')}</h2>
            <p class="usa-alert__text">{t('attendance-sections.import.result.intro', { file: failure.file, count: failure.badLines })}</p>
            <ul class="usa-list app-import-problems">
              {failure.lines.map((e) => (
                <li key={e.line}>
                  <strong>{e.line ? t('attendance-sections.import.result.line', { line: e.line }) : t('attendance-sections.import.result.wholeFile')}:</strong>{' '}
                  {e.problems.map((p) => t(p.key, p.params)).join(' ')}
                </li>
              ))}
            </ul>
            {failure.badLines > failure.lines.length ? <p class="usa-alert__text">{t('attendance-sections.import.result.more', { count: failure.badLines - failure.lines.length })}</p> : null}
          </div>
        </div>
      ) : null}
      <h1>{title}</h1>
      <p class="usa-intro">{t('attendance-sections.import.intro', { school: schoolName, year })}</p>
      {schools.length > 1 || years.length > 1 ? (
        <form method="get" action="/staff/attendance/import" class="usa-form">
          {schools.length > 1 ? <FilterSelect id="school" name="school" label={t('attendance-sections.list.school')} value={schoolId} options={schools} /> : <input type="hidden" name="school" value={schoolId} />}
          {years.length > 1 ? <FilterSelect id="year" name="year" label={t('attendance-sections.list.year')} value={year} options={years} /> : null}
          <button type="submit" class="usa-button usa-button--outline">{t('attendance-sections.list.show')}</button>
        </form>
      ) : null}
      <form method="post" action={`/staff/attendance/import?${qs(schoolId, year)}`} encType="multipart/form-data" class="usa-form usa-form--large" novalidate>
        {/* First in the body: the CSRF token is checked before the file is read. */}
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
          <label class="usa-label" id={`${id}-label`} for={id}>{t('attendance-sections.import.file')}</label>
          <span class="usa-hint" id={`${id}-hint`}>{t('attendance-sections.import.hint', { max: maxMb })}</span>
          <ErrorMessage ctx={ctx} id={`${id}-error`} error={error} />
          <input class="usa-file-input" id={id} name="file" type="file" accept={acceptAttribute(['csv'], ['text/csv'])} required aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`} aria-labelledby={`${id}-label`} {...fileInputWords(ctx, false)} />
        </div>
        <p>{t('attendance-sections.import.allOrNothing')}</p>
        <button type="submit" class="usa-button">{t('attendance-sections.import.submit')}</button>
      </form>
      <FileInputWordsScript />

      <h2>{t('attendance-sections.import.format.heading')}</h2>
      <p>{t('attendance-sections.import.format.intro')}</p>
      <ul class="usa-list">
        {SECTION_COLUMNS.map((c) => (
          <li key={c}><code>{c}</code>: {t(`attendance-sections.import.format.columns.${c}`)}</li>
        ))}
      </ul>
      <p>{t('attendance-sections.import.format.again')}</p>
      <p>{t('attendance-sections.import.format.example')}:</p>
      <pre class="app-csv-example">{example}</pre>
    </Layout>
  );
}
