import { FormLayout } from '../../../platform/views/form-layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, SubmitButton, TextInput, fieldId } from '../../../platform/views/forms.js';
import { HONEYPOT_FIELD, POW_BITS, numberWord, type HumanChallenge } from '../human-check.js';

/** ACC-1: registration, with an accessible, self-hosted human check. */
export function RegisterPage({ ctx, form, challenge }: { ctx: PageContext; form: FormState; challenge: HumanChallenge }) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={t('accounts.register.title')} form={form} scripts={['/assets/human-check.js']}>
      <p class="usa-intro">{t('accounts.register.intro')}</p>
      <p>
        {t('accounts.register.haveAccount')} <a class="usa-link" href="/sign-in">{t('common.signIn')}</a>
      </p>
      <form method="post" action="/register" class="usa-form usa-form--large" novalidate data-pow-challenge={challenge.challenge} data-pow-bits={String(POW_BITS)}>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="pow" value="" />
        <TextInput ctx={ctx} form={form} name="first_name" label={t('accounts.register.firstName')} autocomplete="given-name" required maxLength={50} />
        <TextInput ctx={ctx} form={form} name="middle_name" label={t('accounts.register.middleName')} autocomplete="additional-name" maxLength={50} />
        <TextInput ctx={ctx} form={form} name="last_name" label={t('accounts.register.lastName')} autocomplete="family-name" required maxLength={50} />
        <TextInput ctx={ctx} form={form} name="email" type="email" label={t('accounts.register.email')} hint={t('accounts.register.emailHint')} autocomplete="email" required maxLength={254} />
        <TextInput ctx={ctx} form={form} name="email_confirm" type="email" label={t('accounts.register.emailConfirm')} autocomplete="email" required maxLength={254} />
        <div class="app-honeypot" aria-hidden="true">
          <label for={fieldId(HONEYPOT_FIELD)}>{t('accounts.register.honeypot')}</label>
          <input id={fieldId(HONEYPOT_FIELD)} name={HONEYPOT_FIELD} type="text" tabIndex={-1} autoComplete="off" value="" />
        </div>
        {/* Shown without JavaScript; human-check.js hides it once the proof of work is done, unless it carries an error. */}
        <div id="human-question">
          <TextInput
            ctx={ctx}
            form={{ values: { answer: form.values.answer ?? '' }, errors: form.errors }}
            name="answer"
            label={t('accounts.register.question', { a: numberWord(challenge.a, ctx.lang), b: numberWord(challenge.b, ctx.lang) })}
            hint={t('accounts.register.questionHint')}
            required
            inputMode="numeric"
            width="small"
            maxLength={40}
          />
        </div>
        <SubmitButton>{t('accounts.register.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}
