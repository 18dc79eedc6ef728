import type { PageContext } from '../../../platform/views/context.js';
import type { AttendanceMode, BellPeriodsTable } from '../../../platform/db/schema.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';
import { Layout } from '../../../platform/views/layout.js';
import type { SectionRow } from '../sections.js';

export const qs = (schoolId: string, year: string) => `school=${encodeURIComponent(schoolId)}&year=${encodeURIComponent(year)}`;

/** Issue 16 point 1: a school's sections in a year, with period, teacher and students today; links to add one, the bell schedule and the import. */
export function SectionsListPage({ ctx, rows, schoolId, schoolName, schools, year, years, periods, mode }: {
  ctx: PageContext; rows: SectionRow[]; schoolId: string; schoolName: string; schools: [string, string][]; year: string; years: [string, string][]; periods: BellPeriodsTable[]; mode: AttendanceMode;
}) {
  const { t } = ctx;
  const label = new Map(periods.map((p) => [p.code, p.label]));
  const title = t('attendance-sections.list.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p class="usa-intro">{t('attendance-sections.list.intro', { school: schoolName, year })}</p>
      {schools.length > 1 || years.length > 1 ? (
        <form method="get" action="/staff/attendance/sections" class="usa-form">
          {schools.length > 1 ? <FilterSelect id="school" name="school" label={t('attendance-sections.list.school')} value={schoolId} options={schools} /> : <input type="hidden" name="school" value={schoolId} />}
          {years.length > 1 ? <FilterSelect id="year" name="year" label={t('attendance-sections.list.year')} value={year} options={years} /> : null}
          <button type="submit" class="usa-button usa-button--outline">{t('attendance-sections.list.show')}</button>
        </form>
      ) : null}
      <p>
        {t(`attendance-sections.mode.${mode}`)}{' '}
        {periods.length ? t('attendance-sections.list.periods', { count: periods.length }) : t('attendance-sections.list.noSchedule')}
      </p>
      <ul class="usa-button-group">
        <li class="usa-button-group__item"><a class="usa-button" href={`/staff/attendance/sections/new?${qs(schoolId, year)}`}>{t('attendance-sections.list.add')}</a></li>
        <li class="usa-button-group__item"><a class="usa-button usa-button--outline" href={`/staff/attendance/schedule?${qs(schoolId, year)}`}>{t('attendance-sections.list.schedule')}</a></li>
        <li class="usa-button-group__item"><a class="usa-button usa-button--outline" href={`/staff/attendance/import?${qs(schoolId, year)}`}>{t('attendance-sections.list.import')}</a></li>
      </ul>
      {rows.length === 0 ? (
        <p>{t('attendance-sections.list.empty')}</p>
      ) : (
        <DataTable
          id="sections"
          caption={t('attendance-sections.list.caption', { count: rows.length, school: schoolName, year })}
          variants={['stacked']}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { header: t('attendance-sections.fields.code'), rowHeader: true, cell: (r) => <a class="usa-link" href={`/staff/attendance/sections/${encodeURIComponent(r.id)}`}>{r.code}</a> },
            { header: t('attendance-sections.fields.name'), cell: (r) => r.name },
            { header: t('attendance-sections.fields.period'), cell: (r) => label.get(r.period_code) ?? r.period_code },
            { header: t('attendance-sections.fields.teacher'), cell: (r) => r.teacherName ?? t('attendance-sections.fields.noTeacher') },
            { header: t('attendance-sections.list.studentsToday'), cell: (r) => String(r.studentsToday) },
          ]}
        />
      )}
    </Layout>
  );
}
