import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { formatConfirmationNumber } from '../../applications/confirmation-number.js';
import { DOCUMENT_STATUSES, FILE_TYPES, SEARCH_LIMIT, type DocumentSearchFilter, type DocumentSearchRow } from '../../documents/review.js';
import { DocumentStatus } from './document-list.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';
import { ShortDate } from './short-date.js';

/** DOC-3: documents across the district's requests, by student ID or name, status and file type. */
export function DocumentsPage({ ctx, district, rows, filter }: { ctx: PageContext; district: DistrictConfig; rows: DocumentSearchRow[]; filter: DocumentSearchFilter }) {
  const { t, i18n } = ctx;
  const docLabel = (code: string) => {
    const doc = district.documents.find((d) => d.code === code);
    return doc ? inLanguage(doc.label, ctx.lang) : t('documents.other');
  };
  return (
    <Layout ctx={ctx} title={t('review.search.title')}>
      <h1>{t('review.search.title')}</h1>
      <p class="usa-intro">{t('review.search.intro', { district: inLanguage(district.name, ctx.lang) })}</p>
      <form method="get" action="/staff/documents" class="usa-form app-filters" role="search">
        <div>
          <label class="usa-label" for="documents-q">{t('review.search.q')}</label>
          <input class="usa-input" id="documents-q" name="q" value={filter.q} maxLength={80} aria-describedby="documents-q-hint" />
          <span class="usa-hint" id="documents-q-hint">{t('review.search.qHint')}</span>
        </div>
        <FilterSelect id="documents-status" name="status" label={t('review.search.status')} all={t('review.search.allStatuses')} value={filter.status} options={DOCUMENT_STATUSES.map((s) => [s, t(`review.status.${s}`)])} />
        <FilterSelect id="documents-type" name="type" label={t('review.search.type')} all={t('review.search.allTypes')} value={filter.type} options={Object.keys(FILE_TYPES).map((k) => [k, t(`review.types.${k}`)])} />
        <button type="submit" class="usa-button usa-button--outline">{t('review.search.submit')}</button>
      </form>
      {rows.length === 0 ? (
        <p>{t('review.search.empty')}</p>
      ) : (
        <DataTable
          id="documents"
          caption={t('review.search.caption', { max: SEARCH_LIMIT })}
          variants={['striped', 'compact']}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { header: t('review.search.received'), cell: (r) => <ShortDate ctx={ctx} value={r.uploaded_at} timeZone={district.timeZone} /> },
            { header: t('review.search.student'), rowHeader: true, cell: (r) => <a class="usa-link" href={`/staff/requests/${r.application_id}#doc-${r.id}`}>{`${r.student_last_name}, ${r.student_first_name}`}</a> },
            { header: t('review.search.studentId'), cell: (r) => r.student_number ?? '—' },
            { header: t('review.search.document'), cell: (r) => docLabel(r.doc_type) },
            {
              header: t('review.search.file'),
              cell: (r) => (
                <>
                  {r.original_name} <span class="app-queue__dob">({r.content_type}, {i18n.bytes(r.size_bytes)})</span>
                  <div><a class="usa-link" href={`/staff/requests/${r.application_id}/documents/${r.id}/view`}>{t('review.list.view')}<span class="usa-sr-only"> {r.original_name}</span></a></div>
                </>
              ),
            },
            { header: t('review.list.status'), cell: (r) => <DocumentStatus ctx={ctx} doc={{ status: r.status, review_reason: r.review_reason, review_note: null, reviewed_at: null }} /> },
            { header: t('staff.queue.confirmation'), cell: (r) => formatConfirmationNumber(r.confirmation_number) },
          ]}
        />
      )}
    </Layout>
  );
}
