import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { ReportDeclaration } from '../../../platform/modules.js';
import { DataTable } from '../../../platform/views/data-table.js';

/** The reports this staff member may open, each declared by the module that serves it. */
export function ReportsPage({ ctx, reports }: { ctx: PageContext; reports: ReportDeclaration[] }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('reports.title')}>
      <h1>{t('reports.title')}</h1>
      <p class="usa-intro">{t('reports.intro')}</p>
      {reports.length === 0 ? (
        <p>{t('reports.none')}</p>
      ) : (
        <DataTable
          id="reports"
          tableId="reports-table"
          caption={t('reports.caption')}
          variants={['stacked']}
          rows={reports}
          rowKey={(r) => r.id}
          columns={[
            { header: t('reports.column.report'), rowHeader: true, cell: (r) => <a class="usa-link" href={r.path}>{t(r.titleKey)}</a> },
            { header: t('reports.column.description'), cell: (r) => t(r.descriptionKey) },
            { header: t('reports.column.format'), cell: (r) => t(`reports.format.${r.format}`) },
          ]}
        />
      )}
    </Layout>
  );
}
