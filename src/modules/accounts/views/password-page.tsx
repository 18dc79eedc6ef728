import { Layout } from '../../../platform/views/layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, ErrorSummary, SubmitButton, TextInput } from '../../../platform/views/forms.js';

/** Create (ACC-2), reset (ACC-5) or change a password under the ACC-3 rules. */
export function PasswordPage({
  ctx, form, title, intro, action, withCurrent, submitLabel, passwordErrors,
}: {
  ctx: PageContext; form: FormState; title: string; intro: string; action: string; withCurrent?: boolean; submitLabel: string; passwordErrors?: string[];
}) {
  const { t } = ctx;
  const hasErrors = Object.keys(form.errors).length > 0;
  return (
    <Layout ctx={ctx} title={title} hasErrors={hasErrors}>
      <ErrorSummary ctx={ctx} form={form} />
      {passwordErrors && passwordErrors.length > 1 ? (
        <div class="usa-alert usa-alert--warning usa-alert--slim">
          <div class="usa-alert__body">
            <p class="usa-alert__text">{t('accounts.password.allBroken')}</p>
            <ul class="usa-list">
              {passwordErrors.map((k) => (
                <li key={k}>{t(k)}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      <h1>{title}</h1>
      <p class="usa-intro">{intro}</p>
      <h2 class="usa-sr-only">{t('accounts.password.rulesHeading')}</h2>
      <p>{t('accounts.password.rulesIntro')}</p>
      <ul class="usa-list" id="password-rules">
        <li>{t('accounts.password.rule1')}</li>
        <li>{t('accounts.password.rule2')}</li>
        <li>{t('accounts.password.rule3')}</li>
        <li>{t('accounts.password.rule4')}</li>
        <li>{t('accounts.password.rule5')}</li>
      </ul>
      <form method="post" action={action} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        {withCurrent ? (
          <TextInput ctx={ctx} form={form} name="current_password" type="password" label={t('accounts.password.current')} autocomplete="current-password" required />
        ) : null}
        <TextInput ctx={ctx} form={form} name="password" type="password" label={t('accounts.password.new')} autocomplete="new-password" required maxLength={200} />
        <TextInput ctx={ctx} form={form} name="password_confirm" type="password" label={t('accounts.password.confirm')} autocomplete="new-password" required maxLength={200} />
        <SubmitButton>{submitLabel}</SubmitButton>
      </form>
    </Layout>
  );
}
