import { Layout } from '../../../platform/views/layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, ErrorSummary, RadioGroup, SelectInput, SubmitButton, TextInput } from '../../../platform/views/forms.js';
import { GRADES, type DistrictConfig, type SchoolConfig } from '../../districts/config-schema.js';
import { RELATIONSHIPS } from '../validation.js';
import type { StudentForApplication } from '../service.js';

interface Props {
  ctx: PageContext;
  district: DistrictConfig;
  student: StudentForApplication;
  openYears: string[];
  schools: SchoolConfig[];
  magnetSchools: SchoolConfig[];
  form: FormState;
}

export const FIELD_ORDER = ['school_year', 'grade_requested', 'current_grade', 'reason', 'school', 'relationship', 'decision_email', 'decision_email_confirm'];

export function gradeLabel(ctx: PageContext, g: string): string {
  return ctx.t(`applications.grades.${g}`);
}

/** The incoming application form (APP-4…APP-10). */
export function ApplyFormPage({ ctx, district, student, openYears, schools, magnetSchools, form }: Props) {
  const { t } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  const name = district.name[lang] ?? district.name.en;
  const hasErrors = Object.keys(form.errors).length > 0;
  const reasons = district.reasons.filter((r) => r.kinds.includes('incoming'));
  const grades = GRADES.map((g) => ({ value: g, label: gradeLabel(ctx, g) }));
  return (
    <Layout ctx={ctx} title={t('applications.form.title', { district: name })} hasErrors={hasErrors}>
      <ErrorSummary ctx={ctx} form={form} order={FIELD_ORDER} />
      <h1>{t('applications.form.title', { district: name })}</h1>
      <p class="usa-intro">{t('applications.form.for', { student: `${student.first_name} ${student.last_name}` })}</p>
      <p>{t('applications.form.requiredNote')}</p>
      <form method="post" action={`/apply/${district.slug}/form`} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="submission_key" value={form.values.submission_key ?? ''} />
        <input type="hidden" name="student" value={student.id} />
        <RadioGroup
          ctx={ctx}
          form={form}
          name="school_year"
          label={t('applications.form.schoolYear')}
          hint={t('applications.form.schoolYearHint')}
          required
          options={openYears.map((y) => ({ value: y, label: y.replace('-', '–') }))}
        />
        <SelectInput ctx={ctx} form={form} name="grade_requested" label={t('applications.form.gradeRequested')} hint={t('applications.form.gradeRequestedHint')} required options={grades} />
        <SelectInput ctx={ctx} form={form} name="current_grade" label={t('applications.form.currentGrade')} options={grades} />
        <RadioGroup
          ctx={ctx}
          form={form}
          name="reason"
          label={t('applications.form.reason')}
          hint={t('applications.form.reasonHint')}
          required
          tile
          options={reasons.map((r) => ({ value: r.code, label: r.label[lang] ?? r.label.en, description: r.description[lang] ?? r.description.en }))}
        />
        <SelectInput
          ctx={ctx}
          form={form}
          name="school"
          label={t('applications.form.school')}
          hint={t('applications.form.schoolHint')}
          required
          options={schools.map((s) => ({
            value: s.code,
            label: `${s.name} (${gradeLabel(ctx, s.lowestGrade)}–${gradeLabel(ctx, s.highestGrade)})`,
          }))}
        />
        {magnetSchools.length ? (
          <p class="usa-hint">{t('applications.form.magnetNote', { schools: magnetSchools.map((s) => s.name).join(', ') })}</p>
        ) : null}
        <RadioGroup
          ctx={ctx}
          form={form}
          name="relationship"
          label={t('applications.form.relationship')}
          hint={t('applications.form.relationshipHint')}
          required
          options={RELATIONSHIPS.map((r) => ({ value: r, label: t(`applications.relationships.${r}`) }))}
        />
        <TextInput ctx={ctx} form={form} name="decision_email" type="email" autocomplete="email" label={t('applications.form.decisionEmail')} hint={t('applications.form.decisionEmailHint')} required maxLength={254} />
        <TextInput ctx={ctx} form={form} name="decision_email_confirm" type="email" autocomplete="email" label={t('applications.form.decisionEmailConfirm')} required maxLength={254} />
        <SubmitButton>{t('applications.form.submit')}</SubmitButton>
      </form>
    </Layout>
  );
}
