import type { ComponentChildren } from 'preact';
import type { FormState, PageContext } from './context.js';
import { ErrorSummary } from './forms.js';
import { Layout } from './layout.js';

/**
 * A form's page: the page title is its heading, and when something is wrong the error summary
 * comes first and the title says so (GOV.UK's pattern, WCAG 3.3.1). `back` is a link back to
 * where the form was opened from, above them both.
 */
export function FormLayout({ ctx, title, form, scripts, back, children }: { ctx: PageContext; title: string; form: FormState; scripts?: string[]; back?: { href: string; label: string }; children: ComponentChildren }) {
  return (
    <Layout ctx={ctx} title={title} hasErrors={Object.keys(form.errors).length > 0} scripts={scripts}>
      {back ? <p><a class="usa-link" href={back.href}>{back.label}</a></p> : null}
      <ErrorSummary ctx={ctx} form={form} />
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}
