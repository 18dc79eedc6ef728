import { Layout } from '../../../platform/views/layout.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, SubmitButton, TextInput } from '../../../platform/views/forms.js';

export function SignInPage({ ctx, form, next, action = '/sign-in', title, staff }: { ctx: PageContext; form: FormState; next: string; action?: string; title?: string; staff?: boolean }) {
  const { t } = ctx;
  const heading = title ?? t('accounts.signIn.title');
  return (
    <FormLayout ctx={ctx} title={heading} form={form}>
      <form method="post" action={`${action}?next=${encodeURIComponent(next)}`} class="usa-form" novalidate>
        <CsrfField ctx={ctx} />
        <TextInput ctx={ctx} form={form} name="email" type="email" label={t('accounts.signIn.email')} autocomplete="username" required maxLength={254} />
        <TextInput ctx={ctx} form={form} name="password" type="password" label={t('accounts.signIn.password')} autocomplete="current-password" required />
        <SubmitButton>{t('common.signIn')}</SubmitButton>
      </form>
      {staff ? null : (
      <ul class="usa-list">
        <li><a class="usa-link" href="/forgot-password">{t('accounts.signIn.forgot')}</a></li>
        <li><a class="usa-link" href="/register">{t('accounts.signIn.create')}</a></li>
        <li><a class="usa-link" href="/activate/resend">{t('accounts.signIn.resend')}</a></li>
      </ul>
      )}
    </FormLayout>
  );
}

/** One form with one email field: forgot password, resend activation. */
export function EmailFormPage({ ctx, form, title, intro, action, submitLabel }: { ctx: PageContext; form: FormState; title: string; intro: string; action: string; submitLabel: string }) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={title} form={form}>
      <p class="usa-intro">{intro}</p>
      <form method="post" action={action} class="usa-form" novalidate>
        <CsrfField ctx={ctx} />
        <TextInput ctx={ctx} form={form} name="email" type="email" label={t('accounts.signIn.email')} autocomplete="email" required maxLength={254} />
        <SubmitButton>{submitLabel}</SubmitButton>
      </form>
    </FormLayout>
  );
}

/** A page that only tells something: check your email, link expired… */
export function NoticePage({ ctx, title, paragraphs, link }: { ctx: PageContext; title: string; paragraphs: string[]; link?: { href: string; label: string } }) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      {paragraphs.map((p, i) => (
        <p class={i === 0 ? 'usa-intro' : undefined} key={i}>{p}</p>
      ))}
      {link ? (
        <p>
          <a class="usa-button" href={link.href}>{link.label}</a>
        </p>
      ) : null}
    </Layout>
  );
}
