import { SelectInput, SubmitButton } from '../../../platform/views/forms.js';
import type { SchoolConfig } from '../../districts/config-schema.js';
import { ApplicantFields, gradeLabel, ReasonField, RequestFormKeys, RequestFormLayout, schoolOption, YearAndGrades, type RequestPageProps } from './request-fields.js';

interface Props extends RequestPageProps {
  schools: SchoolConfig[];
  magnetSchools: SchoolConfig[];
}

export { gradeLabel };

/** The incoming application form (APP-4…APP-10). */
export function ApplyFormPage({ ctx, district, student, openYears, schools, magnetSchools, form }: Props) {
  const { t } = ctx;
  return (
    <RequestFormLayout ctx={ctx} district={district} student={student} form={form} title="applications.form.title" intro="applications.form.for">
      <p>{t('applications.form.requiredNote')}</p>
      <form method="post" action={`/apply/${district.slug}/form`} class="usa-form usa-form--large" novalidate>
        <RequestFormKeys ctx={ctx} form={form} studentId={student.id} />
        <YearAndGrades ctx={ctx} form={form} openYears={openYears} />
        <ReasonField ctx={ctx} form={form} district={district} kind="incoming" />
        <SelectInput
          ctx={ctx}
          form={form}
          name="school"
          label={t('applications.form.school')}
          hint={t('applications.form.schoolHint')}
          required
          options={schools.map((s) => schoolOption(ctx, s))}
        />
        {magnetSchools.length ? (
          <p class="usa-hint">{t('applications.form.magnetNote', { schools: magnetSchools.map((s) => s.name).join(', ') })}</p>
        ) : null}
        <ApplicantFields ctx={ctx} form={form} />
        <SubmitButton>{t('applications.form.submit')}</SubmitButton>
      </form>
    </RequestFormLayout>
  );
}
