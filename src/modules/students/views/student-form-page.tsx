import { FormLayout } from '../../../platform/views/form-layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, DateFields, SelectInput, SubmitButton, TextInput } from '../../../platform/views/forms.js';
import { GRADES } from '../../districts/config-schema.js';
import { AddressFields } from './address-fields.js';

/** STU-1: add or edit a student. */
export function StudentFormPage({ ctx, form, action, editing }: { ctx: PageContext; form: FormState; action: string; editing: boolean }) {
  const { t } = ctx;
  const title = editing ? t('students.form.editTitle') : t('students.form.addTitle');
  return (
    <FormLayout ctx={ctx} title={title} form={form}>
      <p class="usa-intro">{t('students.form.intro')}</p>
      <form method="post" action={action} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">{t('students.form.studentHeading')}</legend>
          <TextInput ctx={ctx} form={form} name="first_name" label={t('students.form.firstName')} required maxLength={50} />
          <TextInput ctx={ctx} form={form} name="middle_name" label={t('students.form.middleName')} maxLength={50} />
          <TextInput ctx={ctx} form={form} name="last_name" label={t('students.form.lastName')} required maxLength={50} />
          <DateFields ctx={ctx} form={form} name="dob" prefix="dob" label={t('students.form.dob')} hint={t('students.form.dobHint')} required />
          <SelectInput ctx={ctx} form={form} name="current_grade" label={t('students.form.currentGrade')} placeholder={t('students.form.notInSchool')} options={GRADES.map((g) => ({ value: g, label: t(`applications.grades.${g}`) }))} />
          <TextInput ctx={ctx} form={form} name="current_school" label={t('students.form.currentSchool')} maxLength={100} />
          <TextInput ctx={ctx} form={form} name="current_district" label={t('students.form.currentDistrict')} maxLength={100} />
        </fieldset>
        <AddressFields ctx={ctx} form={form} heading={t('students.form.addressHeading')} hint={t('students.form.addressHint')} />
        <SubmitButton>{editing ? t('students.form.saveChanges') : t('students.form.add')}</SubmitButton>
      </form>
    </FormLayout>
  );
}
