import type { FormState, PageContext } from '../../../platform/views/context.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, RadioGroup, SubmitButton, fieldId } from '../../../platform/views/forms.js';
import { CODE_MAX, LABEL_MAX, MODES } from '../sections.js';
import { qs } from './sections-list.js';

/** One cell's input: a label only a screen reader reads (the column header says it to the eye), the error beside it. */
function Cell({ ctx, form, name, label, type = 'text', maxLength }: { ctx: PageContext; form: FormState; name: string; label: string; type?: string; maxLength?: number }) {
  const error = form.errors[name];
  return (
    <div class={`usa-form-group margin-top-0${error ? ' usa-form-group--error' : ''}`}>
      <label class="usa-sr-only" for={fieldId(name)}>{label}</label>
      <ErrorMessage ctx={ctx} id={`${fieldId(name)}-error`} error={error} />
      <input class={`usa-input${error ? ' usa-input--error' : ''}`} id={fieldId(name)} name={name} type={type as 'text'} value={form.values[name] ?? ''} maxLength={maxLength}
        aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${fieldId(name)}-error` : undefined} />
    </div>
  );
}

/**
 * Issue 16 point 1: a school's bell schedule for a year (each period's code, name, start and end)
 * and its mode (daily: one homeroom per teacher; period: every period). Rows to spare for new
 * periods; an emptied row removes its period (unless a section uses it).
 */
export function SchedulePage({ ctx, form, rows, schoolId, schoolName, year, sections }: { ctx: PageContext; form: FormState; rows: number; schoolId: string; schoolName: string; year: string; sections: number }) {
  const { t } = ctx;
  const n = Array.from({ length: rows }, (_, i) => i + 1);
  return (
    <FormLayout ctx={ctx} title={t('attendance-sections.schedule.title')} form={form} back={{ href: `/staff/attendance/sections?${qs(schoolId, year)}`, label: t('attendance-sections.backToList', { school: schoolName }) }}>
      <p class="usa-intro">{t('attendance-sections.schedule.intro', { school: schoolName, year })}</p>
      <form method="post" action={`/staff/attendance/schedule?${qs(schoolId, year)}`} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="rows" value={String(rows)} />
        <RadioGroup ctx={ctx} form={form} name="mode" label={t('attendance-sections.schedule.mode')} required
          options={MODES.map((m) => ({ value: m, label: t(`attendance-sections.mode.${m}`), description: t(`attendance-sections.mode.${m}Hint`) }))} />
        <fieldset class="usa-fieldset">
          <legend class="usa-legend">{t('attendance-sections.schedule.periods')}</legend>
          <p class="usa-hint">{t('attendance-sections.schedule.periodsHint', { sections })}</p>
          <div>
            <table class="usa-table usa-table--borderless usa-table--stacked">
              <caption class="usa-sr-only">{t('attendance-sections.schedule.caption', { school: schoolName, year })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('attendance-sections.schedule.code')}</th>
                  <th scope="col">{t('attendance-sections.schedule.label')}</th>
                  <th scope="col">{t('attendance-sections.schedule.start')}</th>
                  <th scope="col">{t('attendance-sections.schedule.end')}</th>
                </tr>
              </thead>
              <tbody>
                {n.map((i) => (
                  <tr key={i}>
                    <td data-label={t('attendance-sections.schedule.code')}><Cell ctx={ctx} form={form} name={`code_${i}`} label={t('attendance-sections.schedule.cell', { row: i, column: t('attendance-sections.schedule.code') })} maxLength={CODE_MAX + 10} /></td>
                    <td data-label={t('attendance-sections.schedule.label')}><Cell ctx={ctx} form={form} name={`label_${i}`} label={t('attendance-sections.schedule.cell', { row: i, column: t('attendance-sections.schedule.label') })} maxLength={LABEL_MAX + 10} /></td>
                    <td data-label={t('attendance-sections.schedule.start')}><Cell ctx={ctx} form={form} name={`start_${i}`} type="time" label={t('attendance-sections.schedule.cell', { row: i, column: t('attendance-sections.schedule.start') })} /></td>
                    <td data-label={t('attendance-sections.schedule.end')}><Cell ctx={ctx} form={form} name={`end_${i}`} type="time" label={t('attendance-sections.schedule.cell', { row: i, column: t('attendance-sections.schedule.end') })} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </fieldset>
        <SubmitButton>{t('attendance-sections.schedule.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}
