import { FormLayout } from '../../../platform/views/form-layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { Checkbox, CsrfField, RadioGroup, SubmitButton } from '../../../platform/views/forms.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import type { StudentForApplication } from '../service.js';
import { WindowNotes } from './request-fields.js';

interface Props {
  ctx: PageContext;
  district: DistrictConfig;
  students: StudentForApplication[];
  openYears: string[];
  /** The district's date today (YYYY-MM-DD): the window notes speak in its tense (APP-2). */
  today: string;
  form: FormState;
}

/** APP-3: the guidelines, the agreement, and which student the request is for. */
export function ApplyStartPage({ ctx, district, students, openYears, today, form }: Props) {
  const { t } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  const name = district.name[lang] ?? district.name.en;
  return (
    <FormLayout ctx={ctx} title={t('applications.start.title', { district: name })} form={form}>
      <p class="usa-intro">{t('applications.start.intro')}</p>
      {openYears.length === 0 ? (
        <div class="usa-alert usa-alert--warning" role="status">
          <div class="usa-alert__body">
            <p class="usa-alert__text">{t('applications.start.noOpenWindow')}</p>
          </div>
        </div>
      ) : null}
      <WindowNotes ctx={ctx} district={district} kind="incoming" today={today} />
      <h2>{t('applications.start.guidelinesHeading')}</h2>
      <div class="usa-prose app-guidelines" tabIndex={0} role="region" aria-label={t('applications.start.guidelinesHeading')}>
        {(district.guidelines[lang] ?? district.guidelines.en).split(/\n\s*\n/).map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </div>
      <p>
        <a class="usa-link" href={`/districts/${district.slug}`}>{t('applications.start.readRules')}</a>
      </p>
      {students.length === 0 ? (
        <>
          <h2>{t('applications.start.studentHeading')}</h2>
          <p>{t('applications.start.noStudents')}</p>
          <a class="usa-button" href={`/students/new?next=${encodeURIComponent(`/apply/${district.slug}`)}`}>
            {t('applications.start.addStudent')}
          </a>
        </>
      ) : openYears.length > 0 ? (
        <form method="post" action={`/apply/${district.slug}`} class="usa-form usa-form--large" novalidate>
          <CsrfField ctx={ctx} />
          <RadioGroup
            ctx={ctx}
            form={form}
            name="student"
            label={t('applications.start.studentHeading')}
            required
            tile
            options={students.map((s) => ({
              value: s.id,
              label: `${s.first_name} ${s.last_name}`,
              description: t('applications.start.studentBorn', { date: ctx.i18n.date(s.date_of_birth) }),
            }))}
          />
          <p>
            <a class="usa-link" href={`/students/new?next=${encodeURIComponent(`/apply/${district.slug}`)}`}>
              {t('applications.start.addAnotherStudent')}
            </a>
          </p>
          <Checkbox ctx={ctx} form={form} name="agree" label={t('applications.start.agree')} required />
          <SubmitButton>{t('common.continue')}</SubmitButton>
        </form>
      ) : null}
    </FormLayout>
  );
}
