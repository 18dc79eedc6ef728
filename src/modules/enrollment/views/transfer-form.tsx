import type { FormState, PageContext } from '../../../platform/views/context.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, DateFields, SelectInput, SubmitButton, TextArea } from '../../../platform/views/forms.js';
import type { Option } from './enroll-form.js';

/** The enrollment a transfer or a first day is about, as the office reads it. */
export interface EnrollmentFacts {
  id: string;
  studentId: string;
  studentName: string;
  schoolName: string;
  schoolYear: string;
  grade: string;
  entryDate: string | null;
}

const backToStudent = (ctx: PageContext, e: EnrollmentFacts) => ({ href: `/staff/roll/students/${encodeURIComponent(e.studentId)}`, label: ctx.t('roll-enroll.backToStudent', { name: e.studentName }) });

/** A transfer between two schools of the district: the school left is exited the day before the first day at the new one. */
export function TransferFormPage({ ctx, form, enrollment, schools, exitCodes, entryTypes, grades }: { ctx: PageContext; form: FormState; enrollment: EnrollmentFacts; schools: Option[]; exitCodes: Option[]; entryTypes: Option[]; grades: Option[] }) {
  const { t, i18n } = ctx;
  const title = t('roll-enroll.transfer.title', { name: enrollment.studentName });
  return (
    <FormLayout ctx={ctx} title={title} form={form} back={backToStudent(ctx, enrollment)}>
      <p class="usa-intro">
        {t('roll-enroll.transfer.intro', { school: enrollment.schoolName, year: enrollment.schoolYear, date: enrollment.entryDate ? i18n.date(enrollment.entryDate) : '—' })}
      </p>
      <form method="post" action={`/staff/roll/enrollments/${encodeURIComponent(enrollment.id)}/transfer`} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <SelectInput ctx={ctx} form={form} name="to_school" label={t('roll-enroll.transfer.toSchool')} required options={schools} />
        <DateFields ctx={ctx} form={form} name="first_date" prefix="first" label={t('roll-enroll.transfer.firstDay')} hint={t('roll-enroll.transfer.firstDayHint')} required />
        <SelectInput ctx={ctx} form={form} name="exit_code" label={t('roll-enroll.transfer.exitCode')} required options={exitCodes} />
        <SelectInput ctx={ctx} form={form} name="entry_type" label={t('roll-enroll.form.entryType')} required options={entryTypes} />
        <SelectInput ctx={ctx} form={form} name="grade" label={t('roll-enroll.form.grade')} hint={t('roll-enroll.transfer.gradeHint')} options={grades} />
        <TextArea ctx={ctx} form={form} name="note" label={t('roll-enroll.form.note')} maxLength={500} rows={3} />
        <SubmitButton>{t('roll-enroll.transfer.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}

