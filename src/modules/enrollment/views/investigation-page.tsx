import type { FormState, PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { CsrfField, ErrorSummary, RadioGroup, SelectInput, SubmitButton, TextArea, TextInput } from '../../../platform/views/forms.js';
import { Layout } from '../../../platform/views/layout.js';
import { CONTACT_METHODS, CONTACT_OUTCOMES } from '../contact-log.js';
import { CHOICES, NOTE_MAX, OUTCOMES, type InvestigationView } from '../investigations.js';

export interface InvestigationForms {
  /** The due-diligence step form, shown again with what was typed. */
  log?: FormState;
  /** The closing form, shown again with what was typed. */
  close?: FormState;
}

/** The wall-clock time now in the school's zone, as a datetime field takes it (`2026-12-01T09:30`). */
function localNow(timeZone: string, now: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(now)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/**
 * ENR-6: one address investigation — why it was opened, every due-diligence step logged, and
 * while it is open the form to log a step and the form to close it with its finding and the
 * choice the finding allows. The student stays enrolled whatever the page shows.
 */
export function InvestigationPage({ ctx, view, school, timeZone, now, forms, alert }: {
  ctx: PageContext; view: InvestigationView; school: string; timeZone: string; now: Date; forms: InvestigationForms; alert?: { key: string; params?: Record<string, string | number> };
}) {
  const { t, i18n } = ctx;
  const { investigation: inv, enrollment, student, steps, schoolErrorLate } = view;
  const name = `${student.firstName} ${student.lastName}`;
  const log = forms.log ?? { values: { step_when: localNow(timeZone, now) }, errors: {} };
  const close = forms.close ?? { values: {}, errors: {} };
  const hasErrors = Object.keys(log.errors).length > 0 || Object.keys(close.errors).length > 0;
  const open = inv.status === 'open';
  return (
    <Layout ctx={ctx} title={t('investigations.page.title', { name })} hasErrors={hasErrors}>
      <p><a class="usa-link" href={`/staff/roll/students/${student.id}`}>{t('investigations.backToStudent', { name })}</a></p>
      {alert ? <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{t(alert.key, alert.params)}</p></div></div> : null}
      <h1>{t('investigations.page.title', { name })}</h1>
      <dl class="app-summary">
        <dt>{t('investigations.page.school')}</dt><dd>{school} · {t(`applications.grades.${enrollment.grade}`)} · {enrollment.school_year}</dd>
        <dt>{t('investigations.page.status')}</dt><dd>{t(`investigations.status.${inv.status}`)}</dd>
        <dt>{t('investigations.page.opened')}</dt><dd>{i18n.dateTime(inv.opened_at)}</dd>
        <dt>{t('investigations.page.reason')}</dt><dd>{inv.reason}</dd>
        <dt>{t('investigations.page.schoolError')}</dt><dd>{t(inv.school_error ? (schoolErrorLate ? 'investigations.page.schoolErrorLate' : 'investigations.page.schoolErrorEarly') : 'investigations.page.noSchoolError')}</dd>
        <dt>{t('investigations.page.enrollment')}</dt><dd>{t(`investigations.enrollmentStatus.${enrollment.status}`)}</dd>
      </dl>
      <div class="usa-alert usa-alert--info usa-alert--slim"><div class="usa-alert__body"><p class="usa-alert__text">{t('investigations.page.staysEnrolled')}</p></div></div>

      <h2 id="steps-heading">{t('investigations.steps.heading')}</h2>
      {steps.length === 0 ? (
        <p>{t('investigations.steps.none')}</p>
      ) : (
        <DataTable
          caption={t('investigations.steps.caption', { count: steps.length })}
          variants={['stacked']}
          rows={steps}
          rowKey={(r) => r.id}
          columns={[
            { header: t('investigations.steps.when'), rowHeader: true, cell: (r) => i18n.dateTime(r.contacted_at) },
            { header: t('investigations.steps.method'), cell: (r) => t(`withdrawal.contact.method.${r.method}`) },
            { header: t('investigations.steps.reached'), cell: (r) => r.reached ?? '—' },
            { header: t('investigations.steps.outcome'), cell: (r) => t(`withdrawal.contact.outcome.${r.outcome}`) },
            { header: t('investigations.steps.note'), cell: (r) => r.note ?? '' },
          ]}
        />
      )}

      {open ? (
        <>
          <h3 id="log-heading">{t('investigations.steps.logHeading')}</h3>
          <ErrorSummary ctx={ctx} form={log} />
          <form method="post" action={`/staff/roll/investigations/${inv.id}/contacts`} class="usa-form usa-form--large" novalidate>
            <CsrfField ctx={ctx} />
            <TextInput ctx={ctx} form={log} name="step_when" type="datetime-local" label={t('investigations.steps.when')} hint={t('investigations.steps.whenHint')} required />
            <SelectInput ctx={ctx} form={log} name="step_method" label={t('investigations.steps.method')} required options={CONTACT_METHODS.map((m) => ({ value: m, label: t(`withdrawal.contact.method.${m}`) }))} />
            <TextInput ctx={ctx} form={log} name="step_reached" label={t('investigations.steps.reached')} hint={t('investigations.steps.reachedHint')} maxLength={200} />
            <SelectInput ctx={ctx} form={log} name="step_outcome" label={t('investigations.steps.outcome')} required options={CONTACT_OUTCOMES.map((o) => ({ value: o, label: t(`withdrawal.contact.outcome.${o}`) }))} />
            <TextArea ctx={ctx} form={log} name="step_note" label={t('investigations.steps.note')} maxLength={2000} rows={3} />
            <SubmitButton>{t('investigations.steps.submit')}</SubmitButton>
          </form>

          <h2 id="close-heading">{t('investigations.close.heading')}</h2>
          <p>{t('investigations.close.intro')}</p>
          {schoolErrorLate ? <div class="usa-alert usa-alert--warning usa-alert--slim"><div class="usa-alert__body"><p class="usa-alert__text">{t('investigations.close.schoolErrorLate')}</p></div></div> : null}
          <ErrorSummary ctx={ctx} form={close} />
          <form method="post" action={`/staff/roll/investigations/${inv.id}`} class="usa-form usa-form--large" novalidate>
            <CsrfField ctx={ctx} />
            <RadioGroup ctx={ctx} form={close} name="outcome" label={t('investigations.close.outcome')} required
              options={OUTCOMES.map((o) => ({ value: o, label: t(`investigations.outcome.${o}`), description: t(`investigations.outcomeHint.${o}`) }))} />
            <RadioGroup ctx={ctx} form={close} name="choice" label={t('investigations.close.choice')} hint={t(schoolErrorLate ? 'investigations.close.choiceHintLate' : 'investigations.close.choiceHint')} required
              options={CHOICES.map((c) => ({ value: c, label: t(`investigations.choice.${c}`) }))} />
            <TextArea ctx={ctx} form={close} name="closing_note" label={t('investigations.close.note')} hint={t('investigations.close.noteHint', { max: NOTE_MAX })} maxLength={NOTE_MAX} rows={3} />
            <SubmitButton>{t('investigations.close.submit')}</SubmitButton>
          </form>
        </>
      ) : (
        <>
          <h2 id="close-heading">{t('investigations.closed.heading')}</h2>
          <dl class="app-summary">
            <dt>{t('investigations.close.outcome')}</dt><dd>{t(`investigations.outcome.${inv.outcome}`)}</dd>
            <dt>{t('investigations.close.choice')}</dt><dd>{t(`investigations.choice.${inv.choice}`)}</dd>
            <dt>{t('investigations.closed.on')}</dt><dd>{i18n.dateTime(inv.closed_at!)}</dd>
            {inv.note ? <><dt>{t('investigations.close.note')}</dt><dd>{inv.note}</dd></> : null}
          </dl>
          {inv.choice === 'transfer_residence' && enrollment.status === 'active' ? (
            <p><a class="usa-link" href={`/staff/roll/enrollments/${enrollment.id}/transfer`}>{t('investigations.closed.transferLink')}</a></p>
          ) : null}
        </>
      )}
    </Layout>
  );
}
