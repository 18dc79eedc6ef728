import type { ComponentChildren } from 'preact';
import { Layout } from '../../../platform/views/layout.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, DateFields, SubmitButton, TextInput } from '../../../platform/views/forms.js';
import { formatConfirmationNumber } from '../../applications/confirmation-number.js';
import { SentMessages, type SentMessage } from '../../applications/views/sent-messages.js';
import type { Application, ChecklistStatus } from '../service.js';
import { ChecklistTable, RejectedAlert } from './documents-section.js';

/** DOC-1 / APP-11: the four details that find a request without signing in. */
export function LookupPage({ ctx, form, title, intro, action, submitLabel }: { ctx: PageContext; form: FormState; title: string; intro: string; action: string; submitLabel: string }) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={title} form={form}>
      <p class="usa-intro">{intro}</p>
      {form.errors._form ? (
        <div class="usa-alert usa-alert--error usa-alert--slim" id="field-_form">
          <div class="usa-alert__body"><p class="usa-alert__text">{t(form.errors._form.key, form.errors._form.params)}</p></div>
        </div>
      ) : null}
      <form method="post" action={action} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <TextInput ctx={ctx} form={form} name="first_name" label={t('documents.lookup.firstName')} required maxLength={50} />
        <TextInput ctx={ctx} form={form} name="last_name" label={t('documents.lookup.lastName')} required maxLength={50} />
        <DateFields ctx={ctx} form={form} name="dob" prefix="dob" label={t('documents.lookup.dob')} required />
        <TextInput ctx={ctx} form={form} name="confirmation" label={t('documents.lookup.confirmation')} hint={t('documents.lookup.confirmationHint')} required maxLength={20} autocomplete="off" width="medium" />
        <SubmitButton>{submitLabel}</SubmitButton>
      </form>
      <p>{t('documents.lookup.signInInstead')} <a class="usa-link" href="/sign-in">{t('common.signIn')}</a></p>
    </FormLayout>
  );
}

export function PublicRequestPage({ ctx, app, title, districtName, hasErrors = false, children }: {
  ctx: PageContext; app: Application; title: string; districtName: string; hasErrors?: boolean; children: ComponentChildren;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={title} hasErrors={hasErrors}>
      <h1>{title}</h1>
      <dl class="app-summary">
        <dt>{t('documents.receipt.student')}</dt>
        <dd>{`${app.student_first_name} ${app.student_last_name}`}</dd>
        <dt>{t('documents.receipt.confirmation')}</dt>
        <dd>{formatConfirmationNumber(app.confirmation_number)}</dd>
        <dt>{t('documents.receipt.district')}</dt>
        <dd>{districtName}</dd>
        <dt>{t('applications.page.status')}</dt>
        <dd><span class={`usa-tag app-status app-status--${app.status}`}>{t(`applications.status.${app.status}`)}</span></dd>
      </dl>
      <p>{t(`applications.statusHelp.${app.status}`)}</p>
      {children}
    </Layout>
  );
}

/** APP-11: what the public status page shows below the summary: documents, then messages. */
export function StatusDetails({ ctx, checklist, messages, when }: {
  ctx: PageContext;
  checklist: ChecklistStatus;
  messages: SentMessage[];
  /** Writes out an instant in the district's time zone. */
  when: (iso: string) => string;
}) {
  const { t } = ctx;
  return (
    <>
      <h2>{t('documents.heading')}</h2>
      <RejectedAlert ctx={ctx} items={checklist.items} other={checklist.other} />
      <ChecklistTable ctx={ctx} items={checklist.items} other={checklist.other} />
      {checklist.missingRequired.length ? <p>{t('documents.status.missingHelp')}</p> : null}
      <p>
        <a class="usa-button" href="/upload/documents">{t('common.uploadDocuments')}</a>
      </p>
      <SentMessages ctx={ctx} heading={t('applications.page.messagesHeading')} empty={t('applications.page.noMessages')} messages={messages} when={when} linked={false} />
      <p>{t('documents.status.signInForMore')}</p>
    </>
  );
}
