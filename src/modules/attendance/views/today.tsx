import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import type { TodayRow, TodayView } from '../take.js';

export const rosterHref = (sectionId: string, date: string): string => `/staff/attendance/sections/${encodeURIComponent(sectionId)}/days/${date}`;

/** The day and, for the office, the school to show: a form that works without JavaScript. */
function Choose({ ctx, view }: { ctx: PageContext; view: TodayView }) {
  const { t } = ctx;
  return (
    <form method="get" action="/staff/attendance" class="usa-form">
      {view.schools.length > 1 ? (
        <>
          <label class="usa-label" for="attendance-school">{t('attendance-take.today.school')}</label>
          <select class="usa-select" id="attendance-school" name="school">
            {view.schools.map((s) => <option value={s.id} selected={s.id === view.schoolId} key={s.id}>{s.name}</option>)}
          </select>
        </>
      ) : view.schoolId ? <input type="hidden" name="school" value={view.schoolId} /> : null}
      <label class="usa-label" for="attendance-date">{t('attendance-take.today.date')}</label>
      <input class="usa-input" type="date" id="attendance-date" name="date" value={view.date} max={view.today} />
      <button type="submit" class="usa-button usa-button--outline">{t('attendance-take.today.show')}</button>
    </form>
  );
}

/**
 * ATT-1: a teacher's sections of the day (the office's: a school's), in the order their periods
 * start, each taken or not, with how many were marked absent or tardy, and the link to its roster.
 */
export function TodayPage({ ctx, view }: { ctx: PageContext; view: TodayView }) {
  const { t, i18n } = ctx;
  const teacher = view.schools.length === 0 && view.schoolId === null;
  const school = view.schools.find((s) => s.id === view.schoolId)?.name;
  return (
    <Layout ctx={ctx} title={t('attendance-take.today.title')}>
      <h1>{t('attendance-take.today.title')}</h1>
      <p class="usa-intro">{view.date === view.today ? t('attendance-take.today.intro-today', { date: view.date }) : t('attendance-take.today.intro-day', { date: view.date })}</p>
      {!teacher ? <p><a class="usa-link" href={`/staff/attendance/not-submitted${view.schoolId ? `?school=${encodeURIComponent(view.schoolId)}` : ''}`}>{t('attendance-take.today.not-submitted-link')}</a></p> : null}
      <Choose ctx={ctx} view={view} />
      {!view.schoolDay ? (
        <div class="usa-alert usa-alert--info" role="status"><div class="usa-alert__body"><p class="usa-alert__text">{t('attendance-take.today.no-school', { date: view.date })}</p></div></div>
      ) : view.rows.length === 0 ? (
        <p>{teacher ? t('attendance-take.today.none-teacher') : t('attendance-take.today.none-school', { school: school ?? '' })}</p>
      ) : (
        <DataTable<TodayRow>
          id="attendance-today"
          caption={teacher ? t('attendance-take.today.caption-teacher', { date: view.date }) : t('attendance-take.today.caption-school', { school: school ?? '', date: view.date })}
          variants={['striped', 'stacked']}
          rows={view.rows}
          rowKey={(r) => r.section.id}
          columns={[
            { header: t('attendance-take.today.period'), cell: (r) => (r.periodLabel ? `${r.periodLabel} · ${r.startsAt}` : r.section.period_code) },
            {
              header: t('attendance-take.today.section'),
              rowHeader: true,
              cell: (r) => <a class="usa-link" href={rosterHref(r.section.id, view.date)}>{r.section.name} ({r.section.code})</a>,
            },
            teacher && { header: t('attendance-take.today.school-column'), cell: (r) => r.schoolName },
            {
              header: t('attendance-take.today.status'),
              cell: (r) => (r.submission ? <span class="usa-tag">{t('attendance-take.today.taken', { time: i18n.dateTime(r.submission.submitted_at) })}</span> : <strong>{t('attendance-take.today.not-taken')}</strong>),
            },
            { header: t('attendance-take.today.absent'), cell: (r) => String(r.absent) },
            { header: t('attendance-take.today.tardy'), cell: (r) => String(r.tardy) },
          ]}
        />
      )}
    </Layout>
  );
}
