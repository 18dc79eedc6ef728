import { FormLayout } from '../../../platform/views/form-layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, RadioGroup, SubmitButton } from '../../../platform/views/forms.js';

/**
 * LNG-1: the language an account's emails and letters go in. A form with its CSRF token, since
 * it changes what is stored; the switch at the top of every page only sets this browser's pages.
 */
export function LanguagePage({ ctx, form }: { ctx: PageContext; form: FormState }) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={t('accounts.language.title')} form={form}>
      <p class="usa-intro">{t('accounts.language.intro')}</p>
      <p>{t('accounts.language.requests')}</p>
      <p>{t('accounts.language.pages')}</p>
      <form method="post" action="/account/language" class="usa-form" novalidate>
        <CsrfField ctx={ctx} />
        <RadioGroup ctx={ctx} form={form} name="language" label={t('accounts.language.legend')} options={ctx.languages.map((l) => ({ value: l.code, label: l.name }))} required />
        <SubmitButton>{t('accounts.language.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}
