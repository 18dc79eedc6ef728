import type { FormState, PageContext } from '../../../platform/views/context.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, SubmitButton, TextInput } from '../../../platform/views/forms.js';

/** PRV-1: the parent enters the linking code the school gave, and the child is added to the account. */
export function ParentLinkPage({ ctx, form, alert }: { ctx: PageContext; form: FormState; alert?: { key: string; params?: Record<string, string | number> } }) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={t('linking.parent.title')} form={form} back={{ href: '/students', label: t('linking.parent.back') }}>
      {alert ? <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{t(alert.key, alert.params)}</p></div></div> : null}
      <p class="usa-intro">{t('linking.parent.intro')}</p>
      <p>{t('linking.parent.noCode')}</p>
      <form method="post" action="/students/link" class="usa-form" novalidate>
        <CsrfField ctx={ctx} />
        <TextInput ctx={ctx} form={form} name="code" label={t('linking.parent.code')} hint={t('linking.parent.codeHint')} required autocomplete="off" maxLength={40} />
        <SubmitButton>{t('linking.parent.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}
