import { FormLayout } from '../../../platform/views/form-layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { CsrfField, DateFields, SelectInput, SubmitButton } from '../../../platform/views/forms.js';
import type { StudentRow } from '../repository.js';
import type { RenderedAdviceLine } from '../move-advice.js';
import { AdviceList } from './move-page.js';

export interface PermitShown {
  district: string;
  districtName: string;
  schoolName: string;
  firstYear: string;
  lastYear: string;
}
export interface SchoolChangeShown {
  reportedAt: string;
  schoolName: string;
  districtName: string;
  from: string;
  same: boolean;
}

/** DEC-11: report a change of school (or a move up to middle or high school) within the district of a permit. */
export function SchoolChangePage(props: {
  ctx: PageContext;
  student: StudentRow;
  form: FormState;
  permits: PermitShown[];
  schools: { value: string; label: string }[];
  last: { school: string; from: string; lines: RenderedAdviceLine[] } | null;
  history: SchoolChangeShown[];
}) {
  const { ctx, student, form, permits, schools, last, history } = props;
  const { t, i18n } = ctx;
  const name = student.first_name;
  const full = `${student.first_name} ${student.last_name}`;
  const title = t('moves.school.title', { name: full });
  return (
    <FormLayout ctx={ctx} title={title} form={form} back={{ href: `/students/${student.id}`, label: t('moves.backToStudent', { name: full }) }}>
      {last ? (
        <section class="usa-alert usa-alert--info" aria-labelledby="school-advice-heading">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading" id="school-advice-heading">{t('moves.school.adviceHeading')}</h2>
            <AdviceList lines={last.lines} />
          </div>
        </section>
      ) : null}
      <p class="usa-intro">{t('moves.school.intro', { name })}</p>
      {permits.length === 0 ? (
        <p>{t('moves.school.noPermit', { name })}</p>
      ) : (
        <>
          <h2>{t('moves.school.permitsHeading')}</h2>
          <ul class="usa-list">
            {permits.map((p) => (
              <li key={`${p.district}:${p.schoolName}`}>{t('moves.school.permit', { school: p.schoolName, district: p.districtName, first: p.firstYear, last: p.lastYear })}</li>
            ))}
          </ul>
          <form method="post" action={`/students/${student.id}/school-change`} class="usa-form usa-form--large" novalidate>
            <CsrfField ctx={ctx} />
            <SelectInput ctx={ctx} form={form} name="district" label={t('moves.school.district')} required options={permits.map((p) => ({ value: p.district, label: p.districtName }))} />
            <SelectInput ctx={ctx} form={form} name="school" label={t('moves.school.school')} hint={t('moves.school.schoolHint')} required options={schools} />
            <DateFields ctx={ctx} form={form} name="from" prefix="from" label={t('moves.school.from')} hint={t('moves.school.fromHint')} required />
            <SubmitButton>{t('moves.school.submit')}</SubmitButton>
          </form>
        </>
      )}
      <p><a class="usa-link" href={`/students/${student.id}/move`}>{t('moves.school.moveLink')}</a></p>

      {history.length ? (
        <>
          <h2>{t('moves.school.historyHeading')}</h2>
          <div class="usa-table-container--scrollable" tabIndex={0}>
            <DataTable
              caption={t('moves.school.historyCaption', { name })}
              variants={['borderless', 'stacked']}
              rows={history}
              rowKey={(_, i) => i}
              columns={[
                { header: t('moves.school.colReported'), rowHeader: true, cell: (h) => i18n.date(h.reportedAt) },
                { header: t('moves.school.colSchool'), cell: (h) => `${h.schoolName}, ${h.districtName}` },
                { header: t('moves.school.colFrom'), cell: (h) => i18n.date(h.from) },
                { header: t('moves.school.colOutcome'), cell: (h) => (h.same ? t('moves.school.same') : t('moves.school.different')) },
              ]}
            />
          </div>
        </>
      ) : null}
    </FormLayout>
  );
}
