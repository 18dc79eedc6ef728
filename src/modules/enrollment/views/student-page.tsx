import { Layout } from '../../../platform/views/layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField } from '../../../platform/views/forms.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import type { Section } from '../../../platform/modules.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import type { DistrictCatalog } from '../../districts/catalog.js';
import type { EnrollmentView, StudentView } from '../roll-pages.js';
import { RollDate } from './roll-page.js';

/** What the page shows again after a refused action of one enrollment (the first day's form). */
export interface StudentPageForms {
  /** By enrollment id: the first day's form (ENR-3) with what was typed and its problem. */
  start?: Record<string, FormState>;
}

/** The first day in the seat (ENR-3): a pre-enrolled student becomes active on it. */
function StartForm({ ctx, e, form }: { ctx: PageContext; e: EnrollmentView; form?: FormState }) {
  const { t } = ctx;
  const id = (name: string) => `start-${e.enrollment.id}-${name}`;
  const error = form?.errors.first_day;
  return (
    <form method="post" action={`/staff/roll/enrollments/${e.enrollment.id}/start`} class="usa-form" novalidate>
      <CsrfField ctx={ctx} />
      <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
        <label class="usa-label" for={id('first_day')}>{t('roll.student.firstDay')}</label>
        <span class="usa-hint" id={id('first_day-hint')}>{t('roll.student.firstDayHint')}</span>
        <ErrorMessage ctx={ctx} id={id('first_day-error')} error={error} />
        <input
          class={`usa-input usa-input--medium${error ? ' usa-input--error' : ''}`}
          id={id('first_day')}
          name="first_day"
          type="date"
          value={form?.values.first_day ?? ''}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={[id('first_day-hint'), error ? id('first_day-error') : ''].filter(Boolean).join(' ')}
        />
      </div>
      <button type="submit" class="usa-button">{t('roll.student.start')}</button>
    </form>
  );
}

/** One enrollment: where, when, how the student entered and left, the actions on it, and its history. */
function Enrollment({ ctx, view, e, districts, forms }: { ctx: PageContext; view: StudentView; e: EnrollmentView; districts: DistrictCatalog; forms: StudentPageForms }) {
  const { t } = ctx;
  const { district } = view;
  const en = e.enrollment;
  const entry = district.enrollmentCodes.entryTypes.find((c) => c.code === en.entry_type);
  const exit = en.exit_code ? district.enrollmentCodes.exitCodes.find((c) => c.code === en.exit_code) : undefined;
  const residence = en.residence_district ? districts.get(en.residence_district) : undefined;
  const schoolName = e.school?.name ?? en.school_id;
  const heading = `enrollment-${en.id}-heading`;
  const who = (actor: string, by: string | null) => by ?? (actor === 'system' ? t('roll.student.bySystem') : t('roll.student.byStaff'));
  const what = (code: string) => {
    const key = `roll.student.events.${code}`;
    const text = t(key);
    return text === key ? code : text;
  };
  return (
    <section class="app-enrollment" aria-labelledby={heading} id={`enrollment-${en.id}`}>
      <h3 id={heading}>
        {schoolName}, {en.school_year}
      </h3>
      <dl class="app-summary">
        <dt>{t('roll.student.status')}</dt>
        <dd>{t(`roll.status.${en.status}`)}</dd>
        <dt>{t('roll.student.grade')}</dt>
        <dd>{t(`applications.grades.${en.grade}`)}</dd>
        <dt>{t('roll.student.entryType')}</dt>
        <dd>{entry ? inLanguage(entry.label, ctx.lang) : en.entry_type}</dd>
        <dt>{t('roll.student.entryDate')}</dt>
        <dd>
          {en.entry_date ? (
            <RollDate ctx={ctx} value={en.entry_date} />
          ) : en.expected_first_day ? (
            t('roll.student.expected', { date: en.expected_first_day })
          ) : (
            t('roll.notYet')
          )}
        </dd>
        {en.exit_code ? (
          <>
            <dt>{t('roll.student.exit')}</dt>
            <dd>
              {t('roll.student.exitCode', { label: exit ? inLanguage(exit.label, ctx.lang) : en.exit_code, calpads: exit?.calpads ?? en.exit_code })}
              {en.exit_date ? (
                <>
                  {', '}
                  <RollDate ctx={ctx} value={en.exit_date} />
                </>
              ) : null}
            </dd>
          </>
        ) : null}
        {e.document ? (
          <>
            <dt>{t('roll.student.exitDocument')}</dt>
            <dd>
              <a class="usa-link" href={`/staff/roll/enrollment-documents/${e.document.id}`}>{e.document.file_name}</a>
            </dd>
          </>
        ) : null}
        {en.transfer_code ? (
          <>
            <dt>{t('roll.student.transferCode')}</dt>
            <dd>{en.transfer_code}</dd>
          </>
        ) : null}
        {en.residence_district ? (
          <>
            <dt>{t('roll.student.residence')}</dt>
            <dd>{residence ? inLanguage(residence.name, ctx.lang) : en.residence_district}</dd>
          </>
        ) : null}
      </dl>
      {e.canAct && en.status !== 'exited' ? (
        <div class="app-enrollment__actions">
          {en.status === 'pre_enrolled' ? <StartForm ctx={ctx} e={e} form={forms.start?.[en.id]} /> : null}
          <ul class="usa-button-group">
            {en.status === 'active' ? (
              <li class="usa-button-group__item">
                <a class="usa-button usa-button--outline" href={`/staff/roll/enrollments/${en.id}/transfer`}>
                  {t('roll.student.transfer')}
                  <span class="usa-sr-only">, {schoolName}</span>
                </a>
              </li>
            ) : null}
            <li class="usa-button-group__item">
              <a class="usa-button usa-button--outline" href={`/staff/roll/enrollments/${en.id}/withdraw`}>
                {t('roll.student.withdraw')}
                <span class="usa-sr-only">, {schoolName}</span>
              </a>
            </li>
          </ul>
        </div>
      ) : null}
      <DataTable
        caption={t('roll.student.historyCaption', { school: schoolName, year: en.school_year })}
        variants={['stacked', 'borderless']}
        rows={e.events}
        rowKey={(ev) => ev.id}
        columns={[
          { header: t('roll.student.when'), rowHeader: true, cell: (ev) => ctx.i18n.dateTime(ev.at) },
          { header: t('roll.student.who'), cell: (ev) => who(ev.actor, ev.by) },
          {
            header: t('roll.student.what'),
            cell: (ev) => (
              <>
                {what(ev.what)}
                {' '}({ev.from_status ? `${t(`roll.status.${ev.from_status}`)} → ` : ''}
                {t(`roll.status.${ev.to_status}`)})
              </>
            ),
          },
          { header: t('roll.student.note'), cell: (ev) => ev.note ?? '' },
        ]}
      />
    </section>
  );
}

/**
 * The office's page of one student on the roll (issue 15, point 11): who the student is, every
 * enrollment in the district with its codes, document and history, the actions for those who keep
 * the roll (teachers read only), then the sections other parts of the roll hand to the page
 * (contacts, due diligence, investigations, linking), in order.
 */
export function StudentPage({ ctx, view, districts, sections, forms = {} }: { ctx: PageContext; view: StudentView; districts: DistrictCatalog; sections: Section; forms?: StudentPageForms }) {
  const { t } = ctx;
  const s = view.student;
  const name = [s.first_name, s.middle_name, s.last_name].filter(Boolean).join(' ');
  const refused = Object.entries(forms.start ?? {}).filter(([, f]) => f.errors.first_day);
  return (
    <Layout ctx={ctx} title={name} hasErrors={refused.length > 0}>
      <p>
        <a class="usa-link" href="/staff/roll">{t('roll.student.back')}</a>
      </p>
      {refused.length ? (
        <div class="usa-alert usa-alert--error app-error-summary" role="alert" tabIndex={-1} id="error-summary">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading">{t('common.errorSummaryHeading')}</h2>
            <ul class="usa-list">
              {refused.map(([id, f]) => (
                <li key={id}>
                  <a href={`#start-${id}-first_day`}>{t(f.errors.first_day.key, f.errors.first_day.params)}</a>
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      <h1>{name}</h1>
      <dl class="app-summary">
        <dt>{t('roll.student.dob')}</dt>
        <dd>{ctx.i18n.date(s.date_of_birth)}</dd>
        <dt>{t('roll.student.age')}</dt>
        <dd>{t('roll.student.years', { count: view.age })}</dd>
        <dt>{t('roll.student.account')}</dt>
        <dd>{s.account_id ? t('roll.student.linked') : t('roll.student.notLinked')}</dd>
      </dl>
      {view.canKeep ? (
        <p>
          <a class="usa-button usa-button--outline" href={`/staff/roll/enroll?${new URLSearchParams({ student: s.id }).toString()}`}>{t('roll.student.enroll')}</a>
        </p>
      ) : null}
      <h2>{t('roll.student.enrollments')}</h2>
      {view.enrollments.length === 0 ? <p>{t('roll.student.noEnrollments')}</p> : null}
      {view.enrollments.map((e) => (
        <Enrollment ctx={ctx} view={view} e={e} districts={districts} forms={forms} key={e.enrollment.id} />
      ))}
      {sections ? sections(ctx) : null}
    </Layout>
  );
}
