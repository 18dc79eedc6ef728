import type { FormState, PageContext } from '../../../platform/views/context.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, SubmitButton } from '../../../platform/views/forms.js';
import { immunizationLabelKey, populationLabelKey, toCollectLabelKey } from '../populations.js';
import type { RollFacts } from '../roll-facts.js';
import { FactsFields } from './enroll-form.js';

/** The office's form of a student's roll facts: items collected are unticked, a status changed (ENR-1, ENR-2, ENR-5). */
export function FactsFormPage({ ctx, form, studentId, studentName }: { ctx: PageContext; form: FormState; studentId: string; studentName: string }) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={t('roll-enroll.facts.title', { name: studentName })} form={form}
      back={{ href: `/staff/roll/students/${encodeURIComponent(studentId)}`, label: t('roll-enroll.backToStudent', { name: studentName }) }}>
      <p class="usa-intro">{t('roll-enroll.facts.intro')}</p>
      <form method="post" action={`/staff/roll/students/${encodeURIComponent(studentId)}/facts`} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <FactsFields ctx={ctx} form={form} />
        <SubmitButton>{t('roll-enroll.facts.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}

/** The roll's section of the office's page of one student: the facts and a link to change them. */
export function FactsSection({ ctx, studentId, facts }: { ctx: PageContext; studentId: string; facts: RollFacts | undefined }) {
  const { t, i18n } = ctx;
  const list = (items: string[]) => (items.length ? items.join(', ') : t('roll-enroll.section.none'));
  return (
    <section aria-labelledby="roll-facts-heading" class="margin-top-4">
      <h2 id="roll-facts-heading">{t('roll-enroll.section.heading')}</h2>
      {facts ? (
        <dl>
          <dt>{t('roll-enroll.form.populations')}</dt>
          <dd>{list(facts.populations.map((p) => t(populationLabelKey(p))))}</dd>
          <dt>{t('roll-enroll.form.immunization')}</dt>
          <dd>
            {t(immunizationLabelKey(facts.immunization))}
            {facts.immunizationUntil ? ` — ${t('roll-enroll.section.until', { date: i18n.date(facts.immunizationUntil) })}` : ''}
          </dd>
          <dt>{t('roll-enroll.form.toCollect')}</dt>
          <dd>{list(facts.toCollect.map((i) => t(toCollectLabelKey(i))))}</dd>
          {facts.emancipated ? (
            <>
              <dt>{t('roll-enroll.section.emancipatedTerm')}</dt>
              <dd>{t('roll-enroll.section.emancipated')}</dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p>{t('roll-enroll.section.noFacts')}</p>
      )}
      <p><a class="usa-link" href={`/staff/roll/students/${encodeURIComponent(studentId)}/facts`}>{t('roll-enroll.section.change')}</a></p>
    </section>
  );
}
