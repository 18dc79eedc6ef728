import { SelectInput, SubmitButton, TextInput } from '../../../platform/views/forms.js';
import type { SchoolConfig } from '../../districts/config-schema.js';
import { ApplicantFields, Guidelines, KindForm, RequestFormLayout, schoolOption, type RequestPageProps } from './request-fields.js';

interface Props extends RequestPageProps {
  /** The district's date today (YYYY-MM-DD): the window notes speak in its tense (APP-2). */
  today: string;
  /** The school of residence for the student's current grade, when the address gives one (STU-2). */
  residence: SchoolConfig | undefined;
}

/** APP-1: an intra-district request — another school of the district the student lives in. */
export function TransferFormPage({ ctx, district, student, openYears, today, residence, form }: Props) {
  const { t } = ctx;
  return (
    <RequestFormLayout ctx={ctx} district={district} student={student} form={form} title="applications.transfer.title" intro="applications.transfer.intro">
      {residence ? <p>{t('applications.transfer.residence', { school: residence.name })}</p> : null}
      <p>{t('applications.transfer.bothSchools')}</p>
      <Guidelines ctx={ctx} district={district} kind="intra" />
      <KindForm ctx={ctx} form={form} district={district} kind="intra" studentId={student.id} openYears={openYears} today={today}>
        <SelectInput ctx={ctx} form={form} name="school" label={t('applications.transfer.school')} hint={t('applications.transfer.schoolHint')} required options={district.schools.map((s) => schoolOption(ctx, s))} />
        {district.intra.requireRegistrationAtResidence ? (
          <TextInput
            ctx={ctx}
            form={form}
            name="registration_number"
            label={t('applications.transfer.registrationNumber')}
            hint={t('applications.transfer.registrationHint', { school: residence?.name ?? t('applications.transfer.yourResidenceSchool') })}
            required
            maxLength={30}
          />
        ) : null}
        <ApplicantFields ctx={ctx} form={form} />
        <SubmitButton>{t('applications.transfer.submit')}</SubmitButton>
      </KindForm>
    </RequestFormLayout>
  );
}
