import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { TableBox } from '../../../platform/views/table-box.js';

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
        <div>
          <label class="usa-label" for="audit-outcome">{t('staff.audit.outcome')}</label>
          <select class="usa-select" id="audit-outcome" name="outcome">
            <option value="">{t('staff.audit.outcomeAll')}</option>
            <option value="refused" selected={filters.outcome === 'refused'}>{t('staff.audit.outcomeRefused')}</option>
            <option value="allowed" selected={filters.outcome === 'allowed'}>{t('staff.audit.outcomeAllowed')}</option>
          </select>
        </div>
        <button type="submit" class="usa-button usa-button--outline">{t('staff.queue.filter')}</button>
      </form>
      {rows.length === 0 ? <p>{t('staff.audit.empty')}</p> : (
        <TableBox labelledBy="audit-caption">
          <table class="usa-table usa-table--compact usa-table--striped">
            <caption id="audit-caption">{t('staff.audit.caption')}</caption>
            <thead><tr><th scope="col">{t('staff.audit.when')}</th><th scope="col">{t('staff.audit.who')}</th><th scope="col">{t('staff.audit.what')}</th><th scope="col">{t('staff.audit.record')}</th><th scope="col">{t('staff.audit.from')}</th></tr></thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>{i18n.dateTime(r.at)}</td>
                  <td>{r.email}{r.actor_district_id && r.actor_district_id !== ownDistrict ? <><br />{t('staff.audit.otherDistrict', { district: districtName(r.actor_district_id) })}</> : null}</td>
                  <td>{r.action}{r.outcome === 'refused' ? <> <span class="usa-tag app-tag--overdue">{t('staff.audit.refused')}</span></> : null}</td>
                  <td>{r.entity_type}{r.entity_id ? ` ${r.entity_id}` : ''}</td>
                  <td>{r.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </Layout>
  );
}
