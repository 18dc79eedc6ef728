import type { Translator } from '../../../platform/i18n/translator.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { Checkbox, CsrfField, ErrorSummary, SubmitButton, TextInput } from '../../../platform/views/forms.js';
import { Layout } from '../../../platform/views/layout.js';
import { LINK_CODE_DAYS, type LinkStatus } from '../linking.js';

type Alert = { key: string; params?: Record<string, string | number> };

function ErrorAlert({ ctx, alert }: { ctx: PageContext; alert?: Alert }) {
  return alert ? <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{ctx.t(alert.key, alert.params)}</p></div></div> : null;
}

/**
 * PRV-1, the office's page of a student's family link: the account linked (and the unlink
 * button), or the two ways to link one — a one-time code for the guardian, or a guardian's
 * account the office has verified in person.
 */
export function LinkPage({ ctx, status, form, alert }: { ctx: PageContext; status: LinkStatus; form: FormState; alert?: Alert }) {
  const { t, i18n } = ctx;
  const name = `${status.student.firstName} ${status.student.lastName}`;
  return (
    <Layout ctx={ctx} title={t('linking.office.title', { name })} hasErrors={Object.keys(form.errors).length > 0}>
      <p><a class="usa-link" href={`/staff/roll/students/${status.student.id}`}>{t('linking.office.back', { name })}</a></p>
      <ErrorAlert ctx={ctx} alert={alert} />
      <ErrorSummary ctx={ctx} form={form} />
      <h1>{t('linking.office.title', { name })}</h1>
      {status.emancipated ? <p>{t('linking.office.emancipated')}</p> : null}
      {status.account ? (
        <>
          <p class="usa-intro">{t('linking.office.linkedTo', { name: `${status.account.firstName} ${status.account.lastName}`, email: status.account.email })}</p>
          <h2>{t('linking.office.unlinkHeading')}</h2>
          <p>{t('linking.office.unlinkIntro')}</p>
          <form method="post" action={`/staff/roll/students/${status.student.id}/unlink`} class="usa-form">
            <CsrfField ctx={ctx} />
            <SubmitButton secondary>{t('linking.office.unlink')}</SubmitButton>
          </form>
        </>
      ) : (
        <>
          <p class="usa-intro">{t('linking.office.notLinked')}</p>
          <h2>{t('linking.office.codeHeading')}</h2>
          <p>{t('linking.office.codeIntro', { days: LINK_CODE_DAYS })}</p>
          {status.pendingCode ? <p class="usa-hint">{t('linking.office.pendingCode', { date: i18n.dateTime(status.pendingCode.expiresAt) })}</p> : null}
          <form method="post" action={`/staff/roll/students/${status.student.id}/link-code`} class="usa-form">
            <CsrfField ctx={ctx} />
            <SubmitButton>{t('linking.office.createCode')}</SubmitButton>
          </form>
          <h2>{t('linking.office.accountHeading')}</h2>
          <p>{t('linking.office.accountIntro')}</p>
          <form method="post" action={`/staff/roll/students/${status.student.id}/link`} class="usa-form usa-form--large" novalidate>
            <CsrfField ctx={ctx} />
            <TextInput ctx={ctx} form={form} name="email" type="email" autocomplete="off" label={t('linking.office.email')} hint={t('linking.office.emailHint')} required maxLength={254} />
            <Checkbox ctx={ctx} form={form} name="verified" label={t('linking.office.verified')} />
            <SubmitButton>{t('linking.office.link')}</SubmitButton>
          </form>
        </>
      )}
    </Layout>
  );
}

/**
 * The new code, shown once: for the office to hand over or print. The handout says what to do
 * in English and in Spanish, whatever language the office reads.
 */
export function LinkCodePage({ ctx, code, expiresAt, student, handouts }: { ctx: PageContext; code: string; expiresAt: string; student: LinkStatus['student']; handouts: Translator[] }) {
  const { t, i18n } = ctx;
  const name = `${student.firstName} ${student.lastName}`;
  return (
    <Layout ctx={ctx} title={t('linking.code.title', { name })}>
      <p><a class="usa-link" href={`/staff/roll/students/${student.id}/link`}>{t('linking.office.back', { name })}</a></p>
      <h1>{t('linking.code.title', { name })}</h1>
      <div class="usa-alert usa-alert--warning usa-alert--slim"><div class="usa-alert__body"><p class="usa-alert__text">{t('linking.code.once')}</p></div></div>
      <p class="usa-intro">{t('linking.code.intro', { date: i18n.dateTime(expiresAt) })}</p>
      {handouts.map((h) => (
        <section lang={h.lang} key={h.lang} class="usa-summary-box margin-y-2" aria-labelledby={`handout-${h.lang}`}>
          <div class="usa-summary-box__body">
            <h2 class="usa-summary-box__heading" id={`handout-${h.lang}`}>{h.t('linking.handout.heading', { name })}</h2>
            <p>{h.t('linking.handout.intro', { name })}</p>
            <p>{h.t('linking.handout.codeLabel')}</p>
            <p class="app-confirmation-number" data-testid={`link-code-${h.lang}`}>{code}</p>
            <ol class="usa-list">
              <li>{h.t('linking.handout.step1')}</li>
              <li>{h.t('linking.handout.step2')}</li>
              <li>{h.t('linking.handout.step3')}</li>
            </ol>
            <p>{h.t('linking.handout.expires', { date: h.dateTime(expiresAt) })}</p>
          </div>
        </section>
      ))}
    </Layout>
  );
}
