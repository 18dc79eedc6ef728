import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';

export interface AuditRow {
  at: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  ip: string;
  detail: string | null;
  email: string;
}

/** PRV-2: who read or changed which record, when, from where; searchable by the district. */
export function AuditPage({ ctx, rows, filters }: { ctx: PageContext; rows: AuditRow[]; filters: { email: string; entity: string } }) {
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
        <button type="submit" class="usa-button usa-button--outline">{t('staff.queue.filter')}</button>
      </form>
      {rows.length === 0 ? <p>{t('staff.audit.empty')}</p> : (
        <table class="usa-table usa-table--compact usa-table--striped">
          <caption>{t('staff.audit.caption')}</caption>
          <thead><tr><th scope="col">{t('staff.audit.when')}</th><th scope="col">{t('staff.audit.who')}</th><th scope="col">{t('staff.audit.what')}</th><th scope="col">{t('staff.audit.record')}</th><th scope="col">{t('staff.audit.from')}</th></tr></thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}><td>{i18n.dateTime(r.at)}</td><td>{r.email}</td><td>{r.action}</td><td>{r.entity_type}{r.entity_id ? ` ${r.entity_id}` : ''}</td><td>{r.ip}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
