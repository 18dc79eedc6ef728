import type { EnrollmentsTable } from '../../../platform/db/schema.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { Checkbox, CsrfField, SubmitButton, TextArea } from '../../../platform/views/forms.js';

/** ENR-6: the form that opens an address investigation on one active enrollment. */
export function InvestigationOpenPage({ ctx, form, enrollment, student, school, reasonMax, alert }: {
  ctx: PageContext; form: FormState; enrollment: EnrollmentsTable; student: { id: string; name: string }; school: string; reasonMax: number;
  alert?: { key: string; params?: Record<string, string | number> };
}) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={t('investigations.open.title')} form={form} back={{ href: `/staff/roll/students/${student.id}`, label: t('investigations.backToStudent', { name: student.name }) }}>
      {alert ? <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{t(alert.key, alert.params)}</p></div></div> : null}
      <p class="usa-intro">{t('investigations.open.intro', { name: student.name, school, grade: t(`applications.grades.${enrollment.grade}`), year: enrollment.school_year })}</p>
      <p>{t('investigations.open.staysEnrolled')}</p>
      <form method="post" action={`/staff/roll/enrollments/${enrollment.id}/investigations`} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <TextArea ctx={ctx} form={form} name="reason" label={t('investigations.open.reason')} hint={t('investigations.open.reasonHint', { max: reasonMax })} required maxLength={reasonMax} />
        <Checkbox ctx={ctx} form={form} name="school_error" label={t('investigations.open.schoolError')} />
        <p class="usa-hint">{t('investigations.open.schoolErrorHint')}</p>
        <SubmitButton>{t('investigations.open.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}
