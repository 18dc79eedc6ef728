import type { EnrollmentDocumentsTable, EnrollmentsTable } from '../../../platform/db/schema.js';
import { acceptAttribute } from '../../../platform/views/accept.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { FileInputWordsScript, OneFileField } from '../../../platform/views/file-input.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { Checkbox, CsrfField, RadioGroup, SelectInput, SubmitButton, TextArea, TextInput, fieldId } from '../../../platform/views/forms.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import type { ExitCodeConfig } from '../../districts/config-schema.js';
import { REQUESTERS, WITHDRAWAL_NOTE_MAX, type DueDiligence } from '../withdrawal.js';
import { CONTACT_FIELDS, ContactForm, ContactLogTable, localNow, type ContactLine } from './contact-log.js';

const ACCEPT = acceptAttribute(['pdf', 'jpg', 'jpeg', 'png'], ['application/pdf', 'image/jpeg', 'image/png']);

export interface WithdrawPageData {
  enrollment: EnrollmentsTable;
  student: { id: string; name: string; emancipated: boolean };
  school: string;
  exitCodes: ExitCodeConfig[];
  dueDiligence: DueDiligence & { lines: ContactLine[] };
  /** WDR-1: documents already kept with the enrollment (a not-attending letter made from the student's page), newest first. */
  kept?: EnrollmentDocumentsTable[];
  maxMb: number;
  timeZone: string;
  now: Date;
}

/** The exit code as the office reads it: the code, its label in the page's language, its CALPADS code. */
export const exitCodeLabel = (ctx: PageContext, c: ExitCodeConfig): string => `${c.code} — ${inLanguage(c.label, ctx.lang)} (CALPADS ${c.calpads})`;

/**
 * WDR-1, WDR-2, WDR-4: the withdrawal form. The exit code (the district's, with its CALPADS
 * code), the document that code requires (the table says which, for every code, so the page
 * needs no script), the exit date, who asked (ENR-5), and the due diligence logged so far against
 * the district's rule, with the form to log one more attempt.
 */
export function WithdrawPage({ ctx, data, form }: { ctx: PageContext; data: WithdrawPageData; form: FormState }) {
  const { t, i18n } = ctx;
  const { enrollment: e, student, exitCodes, dueDiligence: dd } = data;
  const back = `/staff/roll/students/${student.id}`;
  const self = `/staff/roll/enrollments/${e.id}/withdraw`;
  const docError = form.errors.document;
  const ddError = form.errors.dueDiligence;
  return (
    <FormLayout ctx={ctx} title={t('withdrawal.title', { name: student.name })} form={form} back={{ href: back, label: t('withdrawal.backToStudent', { name: student.name }) }}>
      <dl class="app-summary">
        <dt>{t('withdrawal.school')}</dt>
        <dd>{data.school} · {t(`applications.grades.${e.grade}`)} · {e.school_year}</dd>
        <dt>{t('withdrawal.entered')}</dt>
        <dd>{e.entry_date ? i18n.date(e.entry_date) : t('withdrawal.notStarted')}</dd>
      </dl>
      {form.errors._form ? (
        <div class="usa-alert usa-alert--error" id={fieldId('_form')}>
          <div class="usa-alert__body"><p class="usa-alert__text">{t(form.errors._form.key, form.errors._form.params)}</p></div>
        </div>
      ) : null}
      {dd.locatedNotAttending ? (
        <div class="usa-alert usa-alert--warning"><div class="usa-alert__body"><p class="usa-alert__text">{t('withdrawal.dueDiligence.locatedNotAttending')}</p></div></div>
      ) : null}

      <form method="post" action={self} encType="multipart/form-data" class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <SelectInput ctx={ctx} form={form} name="exitCode" label={t('withdrawal.exitCode')} hint={t('withdrawal.exitCodeHint')} required options={exitCodes.map((c) => ({ value: c.code, label: exitCodeLabel(ctx, c) }))} />
        <details class="margin-top-1">
          <summary>{t('withdrawal.codesTable.summary')}</summary>
          <DataTable
            caption={t('withdrawal.codesTable.caption')}
            variants={['stacked', 'borderless']}
            rows={exitCodes}
            rowKey={(c) => c.code}
            columns={[
              { header: t('withdrawal.codesTable.code'), rowHeader: true, cell: (c) => exitCodeLabel(ctx, c) },
              { header: t('withdrawal.codesTable.document'), cell: (c) => t(`withdrawal.document.${c.document}`) },
              { header: t('withdrawal.codesTable.dueDiligence'), cell: (c) => t(c.dueDiligence ? 'withdrawal.codesTable.dueDiligenceYes' : 'withdrawal.codesTable.dueDiligenceNo') },
            ]}
          />
        </details>

        {data.kept?.length ? (
          <RadioGroup
            ctx={ctx}
            form={form}
            name="keptDocument"
            label={t('roll-letters.withdraw.keptLabel')}
            hint={t('roll-letters.withdraw.keptHint')}
            options={[
              ...data.kept.map((d) => ({ value: d.id, label: t('roll-letters.withdraw.keptOption', { kind: t(`withdrawal.document.${d.kind}`), date: i18n.dateTime(d.uploaded_at) }), description: d.file_name })),
              { value: '', label: t('roll-letters.withdraw.upload') },
            ]}
          />
        ) : null}
        <OneFileField ctx={ctx} name="document" label={t('withdrawal.documentLabel')} hint={t('withdrawal.documentHint', { max: data.maxMb })} error={docError} accept={ACCEPT} />

        <TextInput ctx={ctx} form={form} name="exitDate" type="date" label={t('withdrawal.exitDate')} hint={t('withdrawal.exitDateHint')} required width="medium" />
        <RadioGroup
          ctx={ctx}
          form={form}
          name="requestedBy"
          label={t('withdrawal.requestedBy')}
          hint={student.emancipated ? t('withdrawal.requestedByHintEmancipated') : t('withdrawal.requestedByHint')}
          required
          options={REQUESTERS.map((r) => ({ value: r, label: t(`withdrawal.requester.${r}`) }))}
        />
        <Checkbox ctx={ctx} form={form} name="whereaboutsUnknown" label={t('withdrawal.whereaboutsUnknown')} />
        <TextArea ctx={ctx} form={form} name="note" label={t('withdrawal.note')} maxLength={WITHDRAWAL_NOTE_MAX} rows={3} />

        <div class={`usa-form-group${ddError ? ' usa-form-group--error' : ''}`} id={fieldId('dueDiligence')}>
          <h2 id="due-diligence-heading">{t('withdrawal.dueDiligence.heading')}</h2>
          <ErrorMessage ctx={ctx} id={`${fieldId('dueDiligence')}-error`} error={ddError} />
          <p>{t('withdrawal.dueDiligence.rule', { attempts: dd.rule.attempts, methods: dd.rule.methods })}</p>
          <p>
            <strong>
              {t(dd.exhausted ? 'withdrawal.dueDiligence.exhausted' : 'withdrawal.dueDiligence.notExhausted', { logged: dd.attempts.length, used: dd.methods })}
            </strong>
          </p>
        </div>
        <SubmitButton>{t('withdrawal.submit')}</SubmitButton>
      </form>
      <FileInputWordsScript />

      <section aria-labelledby="attempts-heading">
        <h2 id="attempts-heading">{t('withdrawal.dueDiligence.attemptsHeading')}</h2>
        {dd.lines.length === 0 ? (
          <p>{t('withdrawal.contact.none')}</p>
        ) : (
          <ContactLogTable ctx={ctx} rows={dd.lines} showPurpose caption={t('withdrawal.contact.caption', { count: dd.lines.length })} />
        )}
        <details>
          <summary>{t('withdrawal.contact.logOne')}</summary>
          <ContactForm
            ctx={ctx}
            form={{ values: { [CONTACT_FIELDS.contactedAt]: localNow(data.timeZone, data.now) }, errors: {} }}
            enrollmentId={e.id}
            purpose={e.status === 'pre_enrolled' ? 'no_show' : 'due_diligence'}
            back={`${self}#attempts-heading`}
          />
        </details>
      </section>
    </FormLayout>
  );
}
