import type { ComponentChildren } from 'preact';
import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { PERMIT_KINDS } from '../../districts/config-schema.js';
import { STATUSES } from '../../applications/lifecycle.js';
import { formatConfirmationNumber } from '../../applications/confirmation-number.js';
import type { Count, Dashboard } from '../dashboard.js';
import { BarChart, type Bar } from './bar-chart.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';
import { ShortDate } from './short-date.js';

interface Row {
  label: string;
  value: number;
  tone?: Bar['tone'];
}

/** A chart and the table of the same numbers side by side (stacked on narrow screens). */
function ChartAndTable({ ctx, id, title, caption, header, rows, total = true, empty, extraRows, children }: {
  ctx: PageContext;
  children?: ComponentChildren;
  id: string;
  title: string;
  caption: string;
  header: [string, string];
  rows: Row[];
  total?: boolean;
  empty?: string;
  extraRows?: [string, string][];
}) {
  const { t } = ctx;
  const headingId = `${id}-heading`;
  return (
    <section aria-labelledby={headingId} class="margin-top-4">
      <h3 id={headingId}>{title}</h3>
      {children}
      {rows.length === 0 && empty ? (
        <p>{empty}</p>
      ) : (
        <div class="grid-row grid-gap">
          <div class="desktop:grid-col-6">
            <BarChart id={`${id}-chart`} title={title} desc={t('dashboard.chartDesc', { caption })} bars={rows} />
          </div>
          <div class="desktop:grid-col-6">
            <DataTable
              id={id}
              tableId={`${id}-table`}
              caption={caption}
              variants={['compact']}
              rows={rows}
              rowKey={(r, i) => `${i}-${r.label}`}
              columns={[
                { header: header[0], rowHeader: true, cell: (r) => r.label },
                { header: header[1], cell: (r) => r.value },
              ]}
              more={(extraRows ?? []).map(([label, value]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td>{value}</td>
                </tr>
              ))}
              foot={
                total ? (
                  <tr>
                    <th scope="row">{t('dashboard.table.total')}</th>
                    <td>{rows.reduce((s, r) => s + r.value, 0)}</td>
                  </tr>
                ) : null
              }
            />
          </div>
        </div>
      )}
    </section>
  );
}

/** Counts in a fixed order of keys, then any key the order does not know (old codes). */
function ordered(counts: Count[], order: string[], label: (key: string) => string, keepZeros: boolean): Row[] {
  const map = new Map(counts.map((c) => [c.key, c.count]));
  const known = order.filter((k) => keepZeros || map.has(k)).map((k) => ({ label: label(k), value: map.get(k) ?? 0 }));
  const unknown = counts.filter((c) => !order.includes(c.key)).map((c) => ({ label: label(c.key), value: c.count }));
  return [...known, ...unknown];
}

const BUCKETS: [key: string, upTo: number][] = [
  ['week', 7],
  ['twoWeeks', 14],
  ['month', 30],
  ['twoMonths', 60],
  ['more', Infinity],
];

/**
 * The permit office dashboard. What is due comes first (DEC-15: silence is a denial, so no
 * request may run out of time unnoticed); then the year's counts and decision times.
 */
export function DashboardPage({ ctx, district, data }: { ctx: PageContext; district: DistrictConfig; data: Dashboard }) {
  const { t, i18n } = ctx;
  const number = new Intl.NumberFormat(i18n.lang === 'es' ? 'es-US' : 'en-US', { maximumFractionDigits: 1 });
  const schoolName = (id: string) => (id ? (district.schools.find((s) => `${district.slug}:${s.code}` === id)?.name ?? id) : t('dashboard.bySchool.noSchool'));
  const reasonLabel = (code: string) => {
    const found = district.reasons.find((r) => r.code === code);
    return found ? inLanguage(found.label, ctx.lang) : code;
  };
  const year = data.year;
  const count = t('dashboard.table.count');

  const statusRows = ordered(data.byStatus, [...STATUSES], (s) => t(`applications.status.${s}`), true);
  const kinds = PERMIT_KINDS.filter((k) => k in district.windows || district.reasons.some((r) => r.kinds.includes(k)));
  const kindRows = ordered(data.byKind, kinds, (k) => t(`applications.kinds.${k}`), true);
  const reasonRows = ordered(data.byReason, district.reasons.map((r) => r.code), reasonLabel, false);
  const schoolRows = ordered(data.bySchool, district.schools.map((s) => `${district.slug}:${s.code}`), schoolName, false);

  const days = data.decisionDays.values;
  const bucketRows: Row[] = BUCKETS.map(([key, upTo], i) => ({
    label: t(`dashboard.timing.bucket.${key}`),
    value: days.filter((d) => d <= upTo && (i === 0 || d > BUCKETS[i - 1][1])).length,
  }));
  const tl = data.timeliness;

  return (
    <Layout ctx={ctx} title={t('dashboard.title')}>
      <h1>{t('dashboard.title')}</h1>
      <p class="usa-intro">{t('dashboard.intro', { district: inLanguage(district.name, ctx.lang) })}</p>
      <p>
        <a class="usa-link" href="/staff/reports">{t('dashboard.reports')}</a>
      </p>

      <section aria-labelledby="due-heading" class="usa-summary-box margin-bottom-4" id="due">
        <div class="usa-summary-box__body">
          <h2 class="usa-summary-box__heading" id="due-heading">{t('dashboard.due.title')}</h2>
          <div class="usa-summary-box__text">
            <div class={`usa-alert usa-alert--slim ${data.overdue > 0 ? 'usa-alert--error' : 'usa-alert--success'}`} id="overdue">
              <div class="usa-alert__body">
                <p class="usa-alert__text">
                  {data.overdue > 0 ? t('dashboard.overdue.some', { count: data.overdue }) : t('dashboard.overdue.none')}{' '}
                  <a class="usa-link" href="/staff/queue?overdue=1">{t('dashboard.overdue.link')}</a>
                </p>
              </div>
            </div>
            <p>{t('dashboard.due.intro', { from: i18n.date(data.today), to: i18n.date(data.dueUntil) })}</p>
            {data.due.length === 0 ? (
              <p id="due-empty">{t('dashboard.due.empty')}</p>
            ) : (
              <DataTable
                id="due"
                tableId="due-table"
                caption={t('dashboard.due.caption', { from: i18n.date(data.today), to: i18n.date(data.dueUntil) })}
                variants={['compact', 'striped']}
                rows={data.due}
                rowKey={(r) => r.id}
                columns={[
                  {
                    header: t('dashboard.due.dueOn'),
                    cell: (r) => (
                      <>
                        <ShortDate ctx={ctx} value={r.decision_due_on} timeZone={district.timeZone} />
                        {r.decision_due_on === data.today ? <> <span class="usa-tag app-tag--overdue">{t('dashboard.due.today')}</span></> : null}
                      </>
                    ),
                  },
                  {
                    header: t('dashboard.due.student'),
                    rowHeader: true,
                    cell: (r) => (
                      <>
                        <a class="usa-link" href={`/staff/requests/${r.id}`}>{`${r.student_last_name}, ${r.student_first_name}`}</a>
                        {r.priority ? <> <span class="usa-tag app-tag--priority">{t('dashboard.due.priority')}</span></> : null}
                      </>
                    ),
                  },
                  { header: t('dashboard.due.status'), cell: (r) => t(`applications.status.${r.status}`) },
                  { header: t('dashboard.due.school'), cell: (r) => (r.requested_school_id ? schoolName(r.requested_school_id) : '—') },
                  { header: t('dashboard.due.year'), cell: (r) => r.school_year },
                  { header: t('dashboard.due.confirmation'), cell: (r) => formatConfirmationNumber(r.confirmation_number) },
                ]}
              />
            )}
          </div>
        </div>
      </section>

      <form method="get" action="/staff/dashboard" class="usa-form app-filters">
        <FilterSelect id="dashboard-year" name="year" label={t('dashboard.year.label')} value={year} options={district.schoolYears.map((y) => [y.year, y.year])} />
        <button type="submit" class="usa-button usa-button--outline">{t('dashboard.year.show')}</button>
      </form>

      <h2 class="margin-top-4">{t('dashboard.year.heading', { year })}</h2>

      <ChartAndTable ctx={ctx} id="by-status" title={t('dashboard.byStatus.title')} caption={t('dashboard.byStatus.caption', { year })} header={[t('dashboard.due.status'), count]} rows={statusRows} />
      <ChartAndTable ctx={ctx} id="by-kind" title={t('dashboard.byKind.title')} caption={t('dashboard.byKind.caption', { year })} header={[t('dashboard.byKind.column'), count]} rows={kindRows} />
      <ChartAndTable
        ctx={ctx}
        id="by-reason"
        title={t('dashboard.byReason.title')}
        caption={t('dashboard.byReason.caption', { year })}
        header={[t('dashboard.byReason.column'), count]}
        rows={reasonRows}
        empty={t('dashboard.table.none')}
      />
      <ChartAndTable
        ctx={ctx}
        id="by-school"
        title={t('dashboard.bySchool.title')}
        caption={t('dashboard.bySchool.caption', { year })}
        header={[t('dashboard.due.school'), count]}
        rows={schoolRows}
        empty={t('dashboard.table.none')}
      />

      <ChartAndTable
        ctx={ctx}
        id="timing"
        title={t('dashboard.timing.title')}
        caption={t('dashboard.timing.caption', { year })}
        header={[t('dashboard.timing.days'), t('dashboard.timing.decisions')]}
        rows={bucketRows}
        extraRows={data.decisionDays.median === null ? [] : [[t('dashboard.timing.medianRow'), number.format(data.decisionDays.median)]]}
        total={false}
      >
        <p>{t('dashboard.timing.intro')}</p>
        <p class="font-sans-lg text-bold" id="median">
          {data.decisionDays.median === null
            ? t('dashboard.timing.noDecisions')
            : t('dashboard.timing.median', { days: number.format(data.decisionDays.median), count: days.length })}
        </p>
      </ChartAndTable>

      <ChartAndTable
        ctx={ctx}
        id="timeliness"
        title={t('dashboard.timeliness.title')}
        caption={t('dashboard.timeliness.caption', { year })}
        header={[t('dashboard.timeliness.result'), t('dashboard.timeliness.decisions')]}
        rows={[
          { label: t('dashboard.timeliness.onTime'), value: tl.onTime, tone: 'success' },
          { label: t('dashboard.timeliness.late'), value: tl.late, tone: 'error' },
        ]}
        extraRows={[[t('dashboard.timeliness.deemedDenied'), String(tl.deemedDenied)]]}
      >
        <p>{t('dashboard.timeliness.intro')}</p>
      </ChartAndTable>
    </Layout>
  );
}
