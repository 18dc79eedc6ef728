import type { EnrollmentsTable, InvestigationsTable } from '../../../platform/db/schema.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';

/**
 * ENR-6, on the office's page of one student: the student's address investigations at the
 * office's schools, newest first, and a link to open one on each active enrollment.
 */
export function InvestigationSection({ ctx, rows, openable, schoolName }: {
  ctx: PageContext; rows: InvestigationsTable[]; openable: EnrollmentsTable[]; schoolName: (id: string) => string;
}) {
  const { t, i18n } = ctx;
  return (
    <section aria-labelledby="investigations-heading">
      <h2 id="investigations-heading">{t('investigations.section.heading')}</h2>
      {rows.length === 0 ? (
        <p>{t('investigations.section.none')}</p>
      ) : (
        <DataTable
          caption={t('investigations.section.caption', { count: rows.length })}
          variants={['stacked']}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { header: t('investigations.list.opened'), rowHeader: true, cell: (r) => <a class="usa-link" href={`/staff/roll/investigations/${r.id}`}>{i18n.dateTime(r.opened_at)}</a> },
            { header: t('investigations.page.school'), cell: (r) => schoolName(r.school_id) },
            { header: t('investigations.list.reason'), cell: (r) => r.reason },
            {
              header: t('investigations.page.status'),
              cell: (r) => (r.status === 'open' ? t('investigations.status.open') : `${t(`investigations.outcome.${r.outcome}`)} — ${t(`investigations.choice.${r.choice}`)}`),
            },
          ]}
        />
      )}
      {openable.map((e) => (
        <p key={e.id}>
          <a class="usa-link" href={`/staff/roll/enrollments/${e.id}/investigations`}>{t('investigations.section.open', { school: schoolName(e.school_id) })}</a>
        </p>
      ))}
    </section>
  );
}
