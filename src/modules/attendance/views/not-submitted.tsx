import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { GRACE_MINUTES, type NotSubmittedRow, type NotSubmittedView } from '../not-submitted.js';
import { rosterHref } from './today.js';

/**
 * ATT-1: "attendance not submitted" — the sections whose period started more than fifteen
 * minutes ago today with no roster, the oldest period first, each with its teacher to call or write.
 */
export function NotSubmittedPage({ ctx, view }: { ctx: PageContext; view: NotSubmittedView }) {
  const { t } = ctx;
  const admin = ctx.staff?.role === 'district_admin';
  const where = view.schoolId ? (view.schools.find((s) => s.id === view.schoolId)?.name ?? view.schoolId) : t('attendance-take.not-submitted.every-school');
  return (
    <Layout ctx={ctx} title={t('attendance-take.not-submitted.title')}>
      <h1>{t('attendance-take.not-submitted.title')}</h1>
      <p class="usa-intro">{t('attendance-take.not-submitted.intro', { minutes: GRACE_MINUTES })}</p>
      {view.schools.length > 1 ? (
        <form method="get" action="/staff/attendance/not-submitted" class="usa-form">
          <label class="usa-label" for="not-submitted-school">{t('attendance-take.not-submitted.school')}</label>
          <select class="usa-select" id="not-submitted-school" name="school">
            {admin ? <option value="" selected={view.schoolId === null}>{t('attendance-take.not-submitted.every-school')}</option> : null}
            {view.schools.map((s) => <option value={s.id} selected={s.id === view.schoolId} key={s.id}>{s.name}</option>)}
          </select>
          <button type="submit" class="usa-button usa-button--outline">{t('attendance-take.not-submitted.show')}</button>
        </form>
      ) : null}
      <h2>{t('attendance-take.not-submitted.heading', { where, date: view.date, time: view.time })}</h2>
      {!view.schoolDay ? (
        <div class="usa-alert usa-alert--info" role="status"><div class="usa-alert__body"><p class="usa-alert__text">{t('attendance-take.not-submitted.no-school', { date: view.date })}</p></div></div>
      ) : view.rows.length === 0 ? (
        <p>{t('attendance-take.not-submitted.none')}</p>
      ) : (
        <DataTable<NotSubmittedRow>
          id="not-submitted"
          caption={t('attendance-take.not-submitted.caption', { count: view.rows.length, where })}
          variants={['striped', 'stacked']}
          rows={view.rows}
          rowKey={(r) => r.sectionId}
          columns={[
            { header: t('attendance-take.not-submitted.started'), cell: (r) => `${r.startsAt} · ${r.periodLabel}` },
            { header: t('attendance-take.not-submitted.section'), rowHeader: true, cell: (r) => <a class="usa-link" href={rosterHref(r.sectionId, view.date)}>{r.name} ({r.code})</a> },
            view.schoolId === null && { header: t('attendance-take.not-submitted.school-column'), cell: (r) => r.schoolName },
            {
              header: t('attendance-take.not-submitted.teacher'),
              cell: (r) => (r.teacher ? <>{r.teacher.name}<br /><a class="usa-link" href={`mailto:${r.teacher.email}`}>{r.teacher.email}</a></> : t('attendance-take.not-submitted.no-teacher')),
            },
          ]}
        />
      )}
      {view.schoolDay && view.unscheduled > 0 ? <p>{t('attendance-take.not-submitted.unscheduled', { count: view.unscheduled })}</p> : null}
    </Layout>
  );
}
