import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';
import { Layout } from '../../../platform/views/layout.js';
import type { OpenInvestigationRow } from '../investigations.js';

/** ENR-6: a school's open address investigations, the oldest first (the office's report). */
export function InvestigationsPage({ ctx, rows, schoolId, schools }: { ctx: PageContext; rows: OpenInvestigationRow[]; schoolId: string; schools: [string, string][] }) {
  const { t, i18n } = ctx;
  return (
    <Layout ctx={ctx} title={t('investigations.list.title')}>
      <h1>{t('investigations.list.title')}</h1>
      <p class="usa-intro">{t('investigations.list.intro')}</p>
      {schools.length > 1 ? (
        <form method="get" action="/staff/roll/investigations" class="usa-form">
          <FilterSelect id="school" name="school" label={t('investigations.list.school')} value={schoolId} options={schools} />
          <button type="submit" class="usa-button usa-button--outline">{t('investigations.list.show')}</button>
        </form>
      ) : null}
      {rows.length === 0 ? (
        <p>{t('investigations.list.empty')}</p>
      ) : (
        <DataTable
          id="investigations"
          caption={t('investigations.list.caption', { count: rows.length, school: schools.find(([id]) => id === schoolId)?.[1] ?? schoolId })}
          variants={['stacked']}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { header: t('investigations.list.student'), rowHeader: true, cell: (r) => <a class="usa-link" href={`/staff/roll/investigations/${r.id}`}>{r.firstName} {r.lastName}</a> },
            { header: t('investigations.list.grade'), cell: (r) => t(`applications.grades.${r.grade}`) },
            { header: t('investigations.list.opened'), cell: (r) => i18n.dateTime(r.openedAt) },
            { header: t('investigations.list.reason'), cell: (r) => <>{r.reason}{r.schoolError ? <><br /><span class="usa-hint">{t('investigations.list.schoolError')}</span></> : null}</> },
            { header: t('investigations.list.steps'), cell: (r) => String(r.steps) },
          ]}
        />
      )}
    </Layout>
  );
}
