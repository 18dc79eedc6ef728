import { formatConfirmationNumber } from '../../applications/confirmation-number.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';
import { CsrfField } from '../../../platform/views/forms.js';
import { Layout } from '../../../platform/views/layout.js';
import type { NoticeRow } from '../notices.js';

/**
 * ENR-7, DEC-10, DEC-13: a school's open notices — a permit revoked, or ended by a move — each
 * with what the office may do and a button to mark it done. The student stays enrolled until the
 * office acts.
 */
export function NoticesPage({ ctx, rows, schoolId, schools }: { ctx: PageContext; rows: NoticeRow[]; schoolId: string; schools: [string, string][] }) {
  const { t, i18n } = ctx;
  const school = schools.find(([id]) => id === schoolId)?.[1] ?? schoolId;
  return (
    <Layout ctx={ctx} title={t('roll-notices.title')}>
      <h1>{t('roll-notices.title')}</h1>
      <p class="usa-intro">{t('roll-notices.intro')}</p>
      {schools.length > 1 ? (
        <form method="get" action="/staff/roll/notices" class="usa-form">
          <FilterSelect id="school" name="school" label={t('roll-notices.school')} value={schoolId} options={schools} />
          <button type="submit" class="usa-button usa-button--outline">{t('roll-notices.show')}</button>
        </form>
      ) : null}
      {rows.length === 0 ? (
        <p>{t('roll-notices.empty', { school })}</p>
      ) : (
        <DataTable
          id="roll-notices"
          caption={t('roll-notices.caption', { count: rows.length, school })}
          variants={['stacked']}
          rows={rows}
          rowKey={(r) => r.id}
          rowAttrs={(r) => ({ id: `notice-${r.id}` })}
          columns={[
            { header: t('roll-notices.column.student'), rowHeader: true, cell: (r) => <a class="usa-link" href={`/staff/roll/students/${r.studentId}?school=${encodeURIComponent(schoolId)}`}>{r.firstName} {r.lastName}</a> },
            { header: t('roll-notices.column.grade'), cell: (r) => t(`applications.grades.${r.grade}`) },
            { header: t('roll-notices.column.since'), cell: (r) => i18n.dateTime(r.createdAt) },
            {
              header: t('roll-notices.column.what'),
              cell: (r) => (
                <>
                  <strong>{t(`roll-notices.kinds.${r.kind}`)}</strong>
                  {r.confirmation ? <> ({t('roll-notices.permit', { confirmation: formatConfirmationNumber(r.confirmation) })})</> : null}
                  {r.detailKey ? <><br />{t(r.detailKey)}</> : null}
                  <br />
                  <span class="usa-hint">{t(`roll-notices.todo.${r.kind}`)}</span>
                </>
              ),
            },
            {
              header: t('roll-notices.column.action'),
              cell: (r) => (
                <form method="post" action={`/staff/roll/notices/${r.id}/done`}>
                  <CsrfField ctx={ctx} />
                  <button type="submit" class="usa-button usa-button--outline">
                    {t('roll-notices.done')}<span class="usa-sr-only"> ({r.firstName} {r.lastName})</span>
                  </button>
                </form>
              ),
            },
          ]}
        />
      )}
    </Layout>
  );
}
