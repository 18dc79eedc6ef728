import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';

export interface AuditRow {
  at: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  ip: string;
  detail: string | null;
  email: string;
  outcome: string;
  actor_district_id: string | null;
}

/**
 * PRV-2: who read or changed which record, when, from where; searchable by the district. Refused
 * attempts (another district's staff, or a role or school that may not) are tagged "Refused".
 */
export function AuditPage({ ctx, rows, filters, ownDistrict, districtName }: { ctx: PageContext; rows: AuditRow[]; filters: { email: string; entity: string; outcome: string }; ownDistrict: string; districtName: (id: string | null) => string }) {
  const { t, i18n } = ctx;
  return (
    <Layout ctx={ctx} title={t('staff.audit.title')}>
      <h1>{t('staff.audit.title')}</h1>
      <form method="get" action="/staff/audit" class="usa-form app-filters">
        <div>
          <label class="usa-label" for="audit-email">{t('staff.audit.email')}</label>
          <input class="usa-input" id="audit-email" name="email" value={filters.email} maxLength={254} />
        </div>
        <div>
          <label class="usa-label" for="audit-entity">{t('staff.audit.entity')}</label>
          <input class="usa-input" id="audit-entity" name="entity" value={filters.entity} maxLength={64} />
        </div>
        <FilterSelect
          id="audit-outcome"
          name="outcome"
          label={t('staff.audit.outcome')}
          all={t('staff.audit.outcomeAll')}
          value={filters.outcome}
          options={[['refused', t('staff.audit.outcomeRefused')], ['allowed', t('staff.audit.outcomeAllowed')]]}
        />
        <button type="submit" class="usa-button usa-button--outline">{t('staff.queue.filter')}</button>
      </form>
      {rows.length === 0 ? <p>{t('staff.audit.empty')}</p> : (
        <DataTable
          id="audit"
          caption={t('staff.audit.caption')}
          variants={['compact', 'striped']}
          rows={rows}
          rowKey={(_, i) => i}
          columns={[
            { header: t('staff.audit.when'), cell: (r) => i18n.dateTime(r.at) },
            { header: t('staff.audit.who'), cell: (r) => <>{r.email}{r.actor_district_id && r.actor_district_id !== ownDistrict ? <><br />{t('staff.audit.otherDistrict', { district: districtName(r.actor_district_id) })}</> : null}</> },
            { header: t('staff.audit.what'), cell: (r) => <>{r.action}{r.outcome === 'refused' ? <> <span class="usa-tag app-tag--overdue">{t('staff.audit.refused')}</span></> : null}</> },
            { header: t('staff.audit.record'), cell: (r) => `${r.entity_type}${r.entity_id ? ` ${r.entity_id}` : ''}` },
            { header: t('staff.audit.from'), cell: (r) => r.ip },
          ]}
        />
      )}
    </Layout>
  );
}
