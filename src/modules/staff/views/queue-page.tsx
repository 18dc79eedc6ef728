import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { STATUSES } from '../../applications/lifecycle.js';
import { formatConfirmationNumber } from '../../applications/confirmation-number.js';
import { GRADES } from '../../districts/config-schema.js';
import { KINDS, filterParams, type QueueFilter, type QueueRow } from '../queue.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import { ShortDate } from './short-date.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';

/** The permit office's queue: in the order received, due dates first among the facts. */
export function QueuePage({ ctx, district, rows, next, filter }: { ctx: PageContext; district: DistrictConfig; rows: QueueRow[]; next: string | null; filter: QueueFilter }) {
  const { t } = ctx;
  const reason = (code: string) => {
    const found = district.reasons.find((r) => r.code === code);
    return found ? inLanguage(found.label, ctx.lang) : code;
  };
  const school = (id: string | null) => (id ? (district.schools.find((s) => `${district.slug}:${s.code}` === id)?.name ?? id) : '—');
  const filters = new URLSearchParams(filterParams(filter)).toString();
  return (
    <Layout ctx={ctx} title={t('staff.queue.title')}>
      <h1>{t('staff.queue.title')}</h1>
      <p class="usa-intro">{t('staff.queue.intro', { district: inLanguage(district.name, ctx.lang) })}</p>
      <form method="get" action="/staff/queue" class="usa-form app-filters" role="search">
        <div>
          <label class="usa-label" for="filter-q">{t('staff.queue.search')}</label>
          <input class="usa-input" id="filter-q" name="q" value={filter.q ?? ''} maxLength={80} aria-describedby="filter-q-hint" />
          <span class="usa-hint" id="filter-q-hint">{t('queue.searchHint')}</span>
        </div>
        <FilterSelect id="filter-status" name="status" label={t('staff.queue.status')} all={t('staff.queue.allStatuses')} value={filter.status} options={STATUSES.map((s) => [s, t(`applications.status.${s}`)])} />
        <FilterSelect id="filter-reason" name="reason" label={t('staff.queue.reason')} all={t('staff.queue.all')} value={filter.reason} options={district.reasons.map((r) => [r.code, inLanguage(r.label, ctx.lang)])} />
        <FilterSelect id="filter-school" name="school" label={t('staff.queue.school')} all={t('staff.queue.all')} value={filter.school} options={district.schools.map((s) => [s.code, s.name])} />
        <FilterSelect id="filter-grade" name="grade" label={t('staff.queue.grade')} all={t('staff.queue.all')} value={filter.grade} options={GRADES.map((g) => [g, t(`applications.grades.${g}`)])} />
        <FilterSelect id="filter-year" name="year" label={t('staff.request.year')} all={t('staff.queue.all')} value={filter.year} options={district.schoolYears.map((y) => [y.year, y.year])} />
        <FilterSelect id="filter-kind" name="kind" label={t('queue.filters.kind')} all={t('staff.queue.all')} value={filter.kind} options={KINDS.map((k) => [k, t(`applications.kinds.${k}`)])} />
        <div class="usa-checkbox">
          <input class="usa-checkbox__input" id="filter-overdue" type="checkbox" name="overdue" value="1" checked={filter.overdue} />
          <label class="usa-checkbox__label" for="filter-overdue">{t('staff.queue.overdueOnly')}</label>
        </div>
        <div class="usa-checkbox">
          <input class="usa-checkbox__input" id="filter-missing" type="checkbox" name="missing" value="1" checked={filter.missing} />
          <label class="usa-checkbox__label" for="filter-missing">
            {t('queue.filters.missing')}
            <span class="usa-checkbox__label-description">{t('queue.filters.missingHint')}</span>
          </label>
        </div>
        <button type="submit" class="usa-button usa-button--outline">{t('staff.queue.filter')}</button>
      </form>
      {rows.length ? (
        <p>
          <a class="usa-link" href={filters ? `/staff/queue.csv?${filters}` : '/staff/queue.csv'}>{t('queue.download')}</a>
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p>{t('staff.queue.empty')}</p>
      ) : (
        <DataTable
          id="queue"
          caption={t('staff.queue.caption')}
          variants={['striped', 'compact']}
          class="app-queue"
          rows={rows}
          rowKey={(r) => r.id}
          rowAttrs={(r) => ({ class: r.urgency ? `app-queue--${r.urgency}` : undefined })}
          columns={[
            {
              header: t('staff.queue.due'),
              cell: (r) => (
                <>
                  {r.decision_due_on ? <ShortDate ctx={ctx} value={r.decision_due_on} timeZone={district.timeZone} /> : '—'}
                  {r.urgency ? <> <span class={`usa-tag app-tag--${r.urgency}`}>{t(`staff.queue.${r.urgency}`)}</span></> : null}
                </>
              ),
            },
            { header: t('staff.queue.received'), cell: (r) => <ShortDate ctx={ctx} value={r.received_at} timeZone={district.timeZone} /> },
            {
              header: t('staff.queue.student'),
              rowHeader: true,
              cell: (r) => (
                <>
                  <a class="usa-link" href={`/staff/requests/${r.id}`}>{`${r.student_last_name}, ${r.student_first_name}`}</a>
                  <div class="app-queue__dob"><ShortDate ctx={ctx} value={r.student_date_of_birth} timeZone={district.timeZone} /></div>
                </>
              ),
            },
            { header: t('staff.queue.grade'), cell: (r) => t(`applications.grades.${r.grade_requested}`) },
            {
              header: t('staff.queue.reason'),
              cell: (r) => (
                <>
                  {reason(r.reason_code)}
                  {r.priority ? <> <span class="usa-tag app-tag--priority">{t('staff.queue.priority')}</span></> : null}
                </>
              ),
            },
            { header: t('staff.queue.school'), cell: (r) => school(r.requested_school_id) },
            { header: t('staff.queue.status'), cell: (r) => t(`applications.status.${r.status}`) },
            { header: t('staff.queue.confirmation'), class: 'app-nowrap', cell: (r) => formatConfirmationNumber(r.confirmation_number) },
          ]}
        />
      )}
      {next ? (
        <p>
          <a class="usa-button usa-button--outline" href={`/staff/queue?${new URLSearchParams({ ...filterParams(filter), after: next }).toString()}`}>{t('staff.queue.next')}</a>
        </p>
      ) : null}
    </Layout>
  );
}
