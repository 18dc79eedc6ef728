import type { FormState, PageContext } from '../../../platform/views/context.js';
import { RadioGroup, SelectInput, SubmitButton, TextInput } from '../../../platform/views/forms.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { OTHER_DISTRICT } from '../validation.js';
import { ApplicantFields, Guidelines, KindForm, RequestFormLayout, type RequestPageProps } from './request-fields.js';

interface Props extends RequestPageProps {
  /** The district's date today (YYYY-MM-DD): the window notes speak in its tense (APP-2). */
  today: string;
  receiving: DistrictConfig[];
}

/**
 * APP-1, DEC-5: an outgoing request — the district of residence is asked to release the student
 * to another district. A hosted district's schools are listed; any other district is typed.
 */
export function ReleaseFormPage({ ctx, district, student, openYears, today, receiving, form }: Props) {
  const { t } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  return (
    <RequestFormLayout ctx={ctx} district={district} student={student} form={form} title="applications.release.title" intro="applications.release.intro">
      <Guidelines ctx={ctx} district={district} kind="outgoing" />
      <KindForm ctx={ctx} form={form} district={district} kind="outgoing" studentId={student.id} openYears={openYears} today={today}>
        <RadioGroup
          ctx={ctx}
          form={form}
          name="target_district"
          label={t('applications.release.targetDistrict')}
          hint={t('applications.release.targetDistrictHint')}
          required
          options={[
            ...receiving.map((d) => ({ value: d.slug, label: d.name[lang] ?? d.name.en })),
            { value: OTHER_DISTRICT, label: t('applications.release.otherDistrict') },
          ]}
        />
        <TextInput ctx={ctx} form={form} name="target_district_name" label={t('applications.release.targetDistrictName')} hint={t('applications.release.targetDistrictNameHint')} maxLength={120} />
        <SchoolChoice ctx={ctx} form={form} receiving={receiving} />
        <ApplicantFields ctx={ctx} form={form} />
        <SubmitButton>{t('applications.release.submit')}</SubmitButton>
      </KindForm>
    </RequestFormLayout>
  );
}

/**
 * The school asked for in the receiving district: a list of the hosted districts' schools
 * (works without JavaScript), or a name typed for another district. It may be left blank:
 * the receiving district assigns a school where there is space (APP-12).
 */
function SchoolChoice({ ctx, form, receiving }: { ctx: PageContext; form: FormState; receiving: DistrictConfig[] }) {
  const { t } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  const options = receiving.flatMap((d) =>
    d.schools.filter((s) => !s.magnet).map((s) => ({ value: `${d.slug}:${s.code}`, label: `${s.name} — ${d.name[lang] ?? d.name.en}` })),
  );
  return (
    <>
      <SelectInput ctx={ctx} form={form} name="target_school" label={t('applications.release.targetSchool')} hint={t('applications.release.targetSchoolHint')} options={options} />
      <TextInput ctx={ctx} form={form} name="target_school_name" label={t('applications.release.targetSchoolName')} hint={t('applications.release.targetSchoolNameHint')} maxLength={120} />
    </>
  );
}
