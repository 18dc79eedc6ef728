import type { AttendanceLimitsTable } from '../../../platform/db/schema.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, SubmitButton, TextArea, TextInput } from '../../../platform/views/forms.js';
import { LIMIT_REASON_MAX } from '../limits.js';

export interface LimitPageData {
  student: { id: string; name: string };
  schoolId: string;
  school: string;
  schoolYear: string;
  limit: AttendanceLimitsTable | null;
  parentExcused: number;
}

export const limitPath = (studentId: string, schoolId?: string): string =>
  `/staff/attendance/students/${encodeURIComponent(studentId)}/limit${schoolId ? `?school=${encodeURIComponent(schoolId)}` : ''}`;

/**
 * ATT-6: the office's page of a student's limit of parent-excused absences at one school this
 * school year — the days a parent has excused so far, the limit and its reason, a form to set or
 * change it and one to remove it. Plain forms: no script needed.
 */
export function LimitPage({ ctx, form, data }: { ctx: PageContext; form: FormState; data: LimitPageData }) {
  const { t, i18n } = ctx;
  const { student, limit } = data;
  const action = limitPath(student.id);
  return (
    <FormLayout
      ctx={ctx}
      title={t('attendance-caps.limit.title', { name: student.name })}
      form={form}
      back={{ href: `/staff/attendance/students/${encodeURIComponent(student.id)}`, label: t('attendance-caps.limit.back', { name: student.name }) }}
    >
      <p class="usa-intro">{t('attendance-caps.limit.intro')}</p>
      <dl>
        <dt class="text-bold">{t('attendance-caps.limit.school')}</dt>
        <dd class="margin-left-0 margin-bottom-1">{data.school}</dd>
        <dt class="text-bold">{t('attendance-caps.limit.year')}</dt>
        <dd class="margin-left-0 margin-bottom-1">{data.schoolYear}</dd>
      </dl>
      <p id="limit-counted">{t('attendance-caps.limit.counted', { count: data.parentExcused })}</p>
      <p id="limit-current">
        {limit ? t('attendance-caps.limit.current', { count: limit.max_parent_excused, date: i18n.dateTime(limit.set_at), reason: limit.reason }) : t('attendance-caps.limit.none')}
      </p>
      {limit && data.parentExcused > limit.max_parent_excused ? <p>{t('attendance-caps.limit.over')}</p> : null}
      <h2 id="limit-set-heading">{t(limit ? 'attendance-caps.limit.changeHeading' : 'attendance-caps.limit.setHeading')}</h2>
      <form method="post" action={action} class="usa-form usa-form--large" novalidate aria-labelledby="limit-set-heading">
        <CsrfField ctx={ctx} />
        <input type="hidden" name="action" value="set" />
        <input type="hidden" name="school" value={data.schoolId} />
        <TextInput ctx={ctx} form={form} name="maxDays" label={t('attendance-caps.limit.maxDays')} hint={t('attendance-caps.limit.maxDaysHint')} required inputMode="numeric" maxLength={2} width="small" />
        <TextArea ctx={ctx} form={form} name="reason" label={t('attendance-caps.limit.reason')} hint={t('attendance-caps.limit.reasonHint')} required maxLength={LIMIT_REASON_MAX} />
        <SubmitButton>{t('attendance-caps.limit.save')}</SubmitButton>
      </form>
      {limit ? (
        <>
          <h2 id="limit-remove-heading">{t('attendance-caps.limit.removeHeading')}</h2>
          <p>{t('attendance-caps.limit.removeIntro')}</p>
          <form method="post" action={action} class="usa-form" aria-labelledby="limit-remove-heading">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="action" value="remove" />
            <input type="hidden" name="school" value={data.schoolId} />
            <SubmitButton secondary>{t('attendance-caps.limit.remove')}</SubmitButton>
          </form>
        </>
      ) : null}
    </FormLayout>
  );
}
