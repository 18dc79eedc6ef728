import type { ComponentChildren } from 'preact';
import { formatConfirmationNumber } from '../../applications/confirmation-number.js';
import type { PageContext, FormState } from '../../../platform/views/context.js';
import { emptyForm } from '../../../platform/views/context.js';
import { CheckboxGroup, CsrfField, ErrorSummary, RadioGroup, SelectInput, SubmitButton, TextArea, TextInput } from '../../../platform/views/forms.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import type { ApplicationsTable } from '../../../platform/db/schema.js';
import { formatVerificationCode, MAX_PERMIT_YEARS } from '../rules.js';
import type { DecisionState } from '../state.js';
import type { NotReady } from '../readiness.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import { DataTable } from '../../../platform/views/data-table.js';

export type DecisionForm = 'approve' | 'deny' | 'info' | 'revoke' | 'appeal' | 'outcome' | 'school-residence' | 'school-requested';
export type DecisionForms = Partial<Record<DecisionForm, FormState>>;

/** One action of the panel: its own form, heading (and hint), CSRF token, fields and button. */
function ActionForm({ ctx, action, heading, hint, submit, children }: { ctx: PageContext; action: string; heading: string; hint?: string; submit: string; children: ComponentChildren }) {
  return (
    <form method="post" action={action} class="usa-form usa-form--large app-decision__form" novalidate>
      <h3>{heading}</h3>
      {hint ? <p class="usa-hint">{hint}</p> : null}
      <CsrfField ctx={ctx} />
      {children}
      <SubmitButton>{submit}</SubmitButton>
    </form>
  );
}

/**
 * The permit office's decision panel on a request's page: what was decided and sent, then the
 * actions the request allows now, each a plain form that works without JavaScript.
 */
export function DecisionPanel({ ctx, district, application: a, state, forms = {} }: { ctx: PageContext; district: DistrictConfig; application: ApplicationsTable; state: DecisionState; forms?: DecisionForms }) {
  const { t, i18n } = ctx;
  const action = (name: string) => `/staff/requests/${a.id}/${name}`;
  const f = (name: DecisionForm) => forms[name] ?? emptyForm();
  const errorForm = (Object.keys(forms) as DecisionForm[]).find((k) => Object.keys(forms[k]!.errors).length > 0);
  return (
    <section aria-labelledby="decision-heading" class="app-decision">
      <h2 id="decision-heading">{t('decisions.staff.heading')}</h2>
      {errorForm ? <ErrorSummary ctx={ctx} form={forms[errorForm]!} /> : null}
      {state.otherSide ? (
        <div class="usa-alert usa-alert--info usa-alert--slim">
          <div class="usa-alert__body">
            <p class="usa-alert__text">
              {t(`decisions.staff.otherSide.${state.otherSide.role}`, { district: state.otherSide.district, confirmation: formatConfirmationNumber(state.otherSide.confirmation) })}{' '}
              <strong>{t(`applications.status.${state.otherSide.status}`)}</strong>
              {state.otherSide.decidedOn ? ` (${i18n.date(state.otherSide.decidedOn)})` : ''}
            </p>
          </div>
        </div>
      ) : null}
      {state.cannotBlock ? <p class="usa-hint">{t('decisions.staff.cannotBlock')}</p> : null}
      {state.decisions.length ? (
        <DataTable
          id="decisions-sent"
          caption={t('decisions.staff.sent')}
          variants={['borderless']}
          rows={state.decisions}
          rowKey={(d) => d.id}
          columns={[
            { header: t('decisions.staff.kind'), rowHeader: true, cell: (d) => t(d.kind === 'approved' && a.kind !== 'incoming' ? `decisions.letter.title.approved_${a.kind}` : `decisions.letter.title.${d.kind}`) },
            { header: t('decisions.letter.date'), cell: (d) => i18n.date(d.decided_on) },
            { header: t('decisions.staff.appealUntil'), cell: (d) => (d.appeal_until ? i18n.date(d.appeal_until) : t('decisions.staff.noAppeal')) },
            { header: t('decisions.staff.letter'), cell: (d) => <a class="usa-link" href={`/staff/requests/${a.id}/letters/${d.id}.pdf`}>{t('decisions.staff.letterLink')}<span class="usa-sr-only"> ({t(`decisions.letter.title.${d.kind}`)}, PDF)</span></a> },
          ]}
        />
      ) : (
        <p>{t('decisions.staff.none')}</p>
      )}
      {state.permit ? (
        <dl class="app-summary">
          <dt>{t('decisions.letter.school')}</dt><dd>{state.permitSchoolName}</dd>
          <dt>{t('decisions.letter.years')}</dt><dd>{t('decisions.letter.yearsValue', { first: state.permit.first_year, last: state.permit.last_year })}</dd>
          <dt>{t('decisions.letter.verification')}</dt><dd>{formatVerificationCode(state.permit.verification_code)}</dd>
          <dt>{t('decisions.staff.permitStatus')}</dt><dd>{t(`decisions.staff.permit.${state.permit.status}`)}</dd>
        </dl>
      ) : null}
      {state.infoRequests.length ? (
        <>
          <h3>{t('decisions.staff.infoRequests')}</h3>
          <ul class="usa-list">
            {state.infoRequests.map((r) => (
              <li key={r.id}>
                {t('decisions.staff.infoDue', { due: i18n.date(r.due_on) })} — {r.answered_at ? t('decisions.staff.answered') : r.closed_at ? t('decisions.staff.closed') : t('decisions.staff.open')}
                <br />{r.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {state.appeals.length ? (
        <>
          <h3>{t('decisions.staff.appeals')}</h3>
          <ul class="usa-list">
            {state.appeals.map((ap) => (
              <li key={ap.id}>{t('decisions.staff.appealFiled', { date: i18n.date(ap.filed_on) })} — {t(`decisions.staff.outcome.${ap.outcome}`)}{ap.outcome_on ? ` (${i18n.date(ap.outcome_on)})` : ''}</li>
            ))}
          </ul>
        </>
      ) : null}

      {!state.canDecide ? <p class="usa-hint">{t('decisions.errors.forbidden')}</p> : null}
      {state.notReady && a.kind !== 'intra' ? <NotReadyNotice ctx={ctx} district={district} notReady={state.notReady} /> : null}

      {state.canDecide && state.askable ? (
        <ActionForm ctx={ctx} action={action('request-info')} heading={t('decisions.staff.askHeading')} submit={t('decisions.staff.askSubmit')}>
          <TextArea ctx={ctx} form={f('info')} name="info_message" label={t('decisions.staff.askMessage')} hint={t('decisions.staff.askMessageHint')} required maxLength={2000} />
          <CheckboxGroup ctx={ctx} form={f('info')} name="info_docs" label={t('decisions.staff.askDocuments')} options={district.documents.map((d) => ({ value: d.code, label: inLanguage(d.label, ctx.lang) }))} />
          <TextInput ctx={ctx} form={withDefault(f('info'), 'info_due', state.suggestedDue)} name="info_due" type="date" label={t('decisions.staff.askDue')} hint={t('decisions.staff.askDueHint', { due: a.decision_due_on ? i18n.date(a.decision_due_on) : '—' })} required />
        </ActionForm>
      ) : null}

      {state.canDecide && state.approvable ? (
        <ActionForm ctx={ctx} action={action('approve')} heading={state.afterAppeal ? t('decisions.staff.approveAfterAppeal') : t(a.kind === 'outgoing' ? 'decisions.staff.releaseHeading' : 'decisions.staff.approveHeading')} submit={t('decisions.staff.approveSubmit')}>
          {a.kind === 'outgoing' ? (
            <p>{t('decisions.staff.releaseHelp')}</p>
          ) : (
            <RadioGroup ctx={ctx} form={f('approve')} name="school" required label={t('decisions.staff.school', { grade: t(`applications.grades.${a.grade_requested}`), year: a.school_year })}
              options={state.schools.map((s) => ({ value: s.code, label: s.name, description: t('decisions.staff.seats', { left: s.left, seats: s.seats }) }))} />
          )}
          <SelectInput ctx={ctx} form={withDefault(f('approve'), 'years', '1')} name="years" required label={t('decisions.staff.years')} hint={t('decisions.staff.yearsHint', { max: MAX_PERMIT_YEARS })}
            options={Array.from({ length: MAX_PERMIT_YEARS }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }))} />
          <CheckboxGroup ctx={ctx} form={f('approve')} name="conditions" label={t('decisions.letter.conditions')} options={[{ value: 'renew', label: t('decisions.letter.condition.renew') }]} />
        </ActionForm>
      ) : null}

      {state.canDecide && state.deniable ? (
        <ActionForm ctx={ctx} action={action('deny')} heading={t('decisions.staff.denyHeading')} submit={t('decisions.staff.denySubmit')}>
          <CheckboxGroup ctx={ctx} form={f('deny')} name="deny_reasons" required label={t('decisions.letter.reasons')} options={district.denialReasons.map((r) => ({ value: r.code, label: inLanguage(r.label, ctx.lang) }))} />
          <TextArea ctx={ctx} form={f('deny')} name="deny_note" label={t('decisions.letter.note')} hint={t('decisions.staff.noteHint')} maxLength={2000} />
          {state.withoutRelease ? <p class="usa-hint">{t('decisions.staff.withoutRelease')}</p> : null}
          <RadioGroup ctx={ctx} form={withDefault(f('deny'), 'appeal_right', state.withoutRelease ? 'no-release' : 'yes')} name="appeal_right" required label={t('decisions.staff.appealRight')}
            options={[
              { value: 'yes', label: t('decisions.staff.appealYes', { days: district.appeals.days }) },
              { value: 'expulsion', label: t('decisions.staff.appealExpulsion') },
              ...(a.kind === 'incoming' ? [{ value: 'no-release', label: t('decisions.staff.appealNoRelease') }] : []),
            ]} />
        </ActionForm>
      ) : null}

      {state.canDecide && state.revocable ? (
        <ActionForm ctx={ctx} action={action('revoke')} heading={t('decisions.staff.revokeHeading')} hint={t('decisions.staff.revokeHint')} submit={t('decisions.staff.revokeSubmit')}>
          <CheckboxGroup ctx={ctx} form={f('revoke')} name="revoke_reasons" required label={t('decisions.letter.reasons')} options={district.revocationReasons.map((r) => ({ value: r.code, label: inLanguage(r.label, ctx.lang) }))} />
          <TextArea ctx={ctx} form={f('revoke')} name="revoke_note" label={t('decisions.letter.note')} maxLength={2000} />
        </ActionForm>
      ) : null}

      {state.revocationBarredIn ? (
        <div class="app-decision__form" id="revocation-barred">
          <h3>{t('decisions.staff.revokeHeading')}</h3>
          <p>{t('decisions.errors.revocationBarred', { grade: state.revocationBarredIn })}</p>
        </div>
      ) : null}

      {state.canDecide && state.appealable ? (
        <ActionForm ctx={ctx} action={action('appeal')} heading={t('decisions.staff.appealHeading')} submit={t('decisions.staff.appealSubmit')}>
          <TextInput ctx={ctx} form={f('appeal')} name="appeal_filed_on" type="date" required label={t('decisions.staff.filedOn')} hint={state.appealUntil ? t('decisions.staff.filedOnHint', { until: i18n.date(state.appealUntil) }) : undefined} />
        </ActionForm>
      ) : null}

      {state.canDecide && state.outcomePending ? (
        <ActionForm ctx={ctx} action={action('appeal-outcome')} heading={t('decisions.staff.outcomeHeading')} submit={t('decisions.staff.outcomeSubmit')}>
          <RadioGroup ctx={ctx} form={f('outcome')} name="outcome" required label={t('decisions.staff.outcomeLabel')}
            options={[{ value: 'upheld', label: t('decisions.staff.outcome.upheld') }, { value: 'overturned', label: t('decisions.staff.outcome.overturned') }]} />
          <TextInput ctx={ctx} form={f('outcome')} name="outcome_on" type="date" required label={t('decisions.staff.outcomeOn')} />
          <TextArea ctx={ctx} form={f('outcome')} name="outcome_note" label={t('decisions.letter.note')} maxLength={2000} />
        </ActionForm>
      ) : null}
    </section>
  );
}

/**
 * APP-11: why an open request offers no decision now, and what it waits for — the required
 * documents still missing (or only rejected), and the parent's answer to a request for missing
 * items with its due date — instead of the approve and deny forms.
 */
export function NotReadyNotice({ ctx, district, notReady }: { ctx: PageContext; district: DistrictConfig; notReady: NotReady }) {
  const { t, i18n } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  const label = (code: string) => {
    const doc = district.documents.find((d) => d.code === code);
    return doc ? (doc.label[lang] ?? doc.label.en) : code;
  };
  return (
    <div class="usa-alert usa-alert--warning app-not-ready" id="not-ready">
      <div class="usa-alert__body">
        <h3 class="usa-alert__heading">{t('decisions.staff.notReady.heading')}</h3>
        {notReady.infoDue ? <p class="usa-alert__text">{t('decisions.staff.notReady.awaiting', { due: i18n.date(notReady.infoDue) })}</p> : null}
        {notReady.missing.length ? (
          <>
            <p class="usa-alert__text">{t('decisions.staff.notReady.missing')}</p>
            <ul class="usa-list">{notReady.missing.map((c) => <li key={c}>{label(c)}</li>)}</ul>
          </>
        ) : notReady.why === 'incomplete' ? <p class="usa-alert__text">{t('decisions.staff.notReady.incomplete')}</p> : null}
        {notReady.onlyRelease ? <p class="usa-alert__text">{t('decisions.staff.notReady.onlyRelease')}</p> : null}
        <p class="usa-alert__text">{t('decisions.staff.notReady.next')}</p>
      </div>
    </div>
  );
}

/** A form shown fresh gets a sensible default; a form shown again keeps what was typed. */
function withDefault(form: FormState, name: string, value: string): FormState {
  return name in form.values || Object.keys(form.errors).length ? form : { ...form, values: { ...form.values, [name]: value } };
}
