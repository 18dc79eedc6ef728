import type { FormState, PageContext } from '../../../platform/views/context.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { Checkbox, CheckboxGroup, CsrfField, DateFields, RadioGroup, SelectInput, SubmitButton, TextArea, TextInput, fieldId } from '../../../platform/views/forms.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { US_STATES } from '../../students/validation.js';
import { IMMUNIZATION_STATUSES, SPECIAL_POPULATIONS, TO_COLLECT, immunizationLabelKey, populationLabelKey, toCollectLabelKey } from '../populations.js';

export interface Option {
  value: string;
  label: string;
}

/** What the enrollment form offers: the staff member's schools, the district's years, grades and entry types. */
export interface EnrollChoices {
  schools: Option[];
  years: Option[];
  grades: Option[];
  entryTypes: Option[];
}

/** The student already on a roll the form enrolls (`?student=`), as the office sees them. */
export interface KnownStudent {
  id: string;
  name: string;
  dateOfBirth: string;
}

/** The roll's facts of a student, as fields: special populations, immunization, still to collect, emancipated (ENR-1, ENR-2, ENR-5). */
export function FactsFields({ ctx, form }: { ctx: PageContext; form: FormState }) {
  const { t } = ctx;
  return (
    <>
      <fieldset class="usa-fieldset">
        <legend class="usa-legend usa-legend--large">{t('roll-enroll.form.factsHeading')}</legend>
        <CheckboxGroup ctx={ctx} form={form} name="populations" label={t('roll-enroll.form.populations')} hint={t('roll-enroll.form.populationsHint')}
          options={SPECIAL_POPULATIONS.map((p) => ({ value: p, label: t(populationLabelKey(p)) }))} />
        <RadioGroup ctx={ctx} form={form} name="immunization" label={t('roll-enroll.form.immunization')} hint={t('roll-enroll.form.immunizationHint')} required
          options={IMMUNIZATION_STATUSES.map((s) => ({ value: s, label: t(immunizationLabelKey(s)), description: t(`roll-enroll.form.immunizationDescription.${s}`) }))} />
        <DateFields ctx={ctx} form={form} name="immunization_until" prefix="until" label={t('roll-enroll.form.until')} hint={t('roll-enroll.form.untilHint')} />
        <CheckboxGroup ctx={ctx} form={form} name="to_collect" label={t('roll-enroll.form.toCollect')} hint={t('roll-enroll.form.toCollectHint')}
          options={TO_COLLECT.map((i) => ({ value: i, label: t(toCollectLabelKey(i)) }))} />
      </fieldset>
      <Checkbox ctx={ctx} form={form} name="emancipated" label={t('roll-enroll.form.emancipated')} />
    </>
  );
}

/** The office's enrollment form (issue 15): a student at the counter or one already on a roll, enrolled at once (ENR-1). */
export function EnrollFormPage({ ctx, form, choices, student }: { ctx: PageContext; form: FormState; choices: EnrollChoices; student: KnownStudent | null }) {
  const { t, i18n } = ctx;
  const title = student ? t('roll-enroll.form.titleFor', { name: student.name }) : t('roll-enroll.form.title');
  const action = student ? `/staff/roll/enroll?student=${encodeURIComponent(student.id)}` : '/staff/roll/enroll';
  return (
    <FormLayout ctx={ctx} title={title} form={form} back={{ href: '/staff/roll', label: t('roll-enroll.backToRoll') }}>
      <p class="usa-intro">{t('roll-enroll.form.intro')}</p>
      <form method="post" action={action} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        {student ? (
          <div class={`usa-form-group${form.errors.student ? ' usa-form-group--error' : ''}`} id={fieldId('student')} tabIndex={-1}>
            <h2>{t('roll-enroll.form.studentHeading')}</h2>
            <ErrorMessage ctx={ctx} id={`${fieldId('student')}-error`} error={form.errors.student} />
            <p>{t('roll-enroll.form.known', { name: student.name, dob: i18n.date(student.dateOfBirth) })}</p>
          </div>
        ) : (
          <fieldset class="usa-fieldset">
            <legend class="usa-legend usa-legend--large">{t('roll-enroll.form.studentHeading')}</legend>
            <p class="usa-hint">{t('roll-enroll.form.studentHint')}</p>
            <TextInput ctx={ctx} form={form} name="first_name" label={t('roll-enroll.form.firstName')} autocomplete="off" required maxLength={50} />
            <TextInput ctx={ctx} form={form} name="middle_name" label={t('roll-enroll.form.middleName')} autocomplete="off" maxLength={50} />
            <TextInput ctx={ctx} form={form} name="last_name" label={t('roll-enroll.form.lastName')} autocomplete="off" required maxLength={50} />
            <DateFields ctx={ctx} form={form} name="dob" prefix="dob" label={t('roll-enroll.form.dob')} hint={t('roll-enroll.form.dobHint')} required />
            <TextInput ctx={ctx} form={form} name="address_line1" label={t('students.form.address1')} autocomplete="off" required maxLength={100} />
            <TextInput ctx={ctx} form={form} name="address_line2" label={t('students.form.address2')} autocomplete="off" maxLength={100} />
            <TextInput ctx={ctx} form={form} name="city" label={t('students.form.city')} autocomplete="off" required maxLength={60} />
            <SelectInput ctx={ctx} form={form} name="state" label={t('students.form.state')} required options={US_STATES.map((s) => ({ value: s, label: s }))} />
            <TextInput ctx={ctx} form={form} name="zip" label={t('students.form.zip')} autocomplete="off" inputMode="numeric" required maxLength={10} width="medium" />
          </fieldset>
        )}
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">{t('roll-enroll.form.enrollmentHeading')}</legend>
          <SelectInput ctx={ctx} form={form} name="school" label={t('roll-enroll.form.school')} required options={choices.schools} />
          <SelectInput ctx={ctx} form={form} name="school_year" label={t('roll-enroll.form.year')} required options={choices.years} />
          <SelectInput ctx={ctx} form={form} name="grade" label={t('roll-enroll.form.grade')} required options={choices.grades} />
          <SelectInput ctx={ctx} form={form} name="entry_type" label={t('roll-enroll.form.entryType')} required options={choices.entryTypes} />
          <DateFields ctx={ctx} form={form} name="entry_date" prefix="entry" label={t('roll-enroll.form.entryDate')} hint={t('roll-enroll.form.entryDateHint')} />
          <Checkbox ctx={ctx} form={form} name="origin" label={t('roll-enroll.form.origin')} />
        </fieldset>
        {student ? null : <FactsFields ctx={ctx} form={form} />}
        <TextArea ctx={ctx} form={form} name="note" label={t('roll-enroll.form.note')} maxLength={500} rows={3} />
        <SubmitButton>{t('roll-enroll.form.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}
