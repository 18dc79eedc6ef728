import { inLanguage } from '../../../platform/i18n/translator.js';
import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';
import { GRADES, gradeIndex } from '../../districts/config-schema.js';
import { CHRONIC_STATUSES, chronicParams, type ChronicRow, type ChronicView } from '../chronic.js';
import { percent } from './chronic-format.js';
import { ChronicTrend } from './chronic-trend.js';

/** A student's flags in words (never colour alone): chronic by the state's line, by the district's, or at risk. */
function Flags({ ctx, row, view }: { ctx: PageContext; row: ChronicRow; view: ChronicView }) {
  const { t } = ctx;
  const line = view.lines.districtBp !== undefined ? percent(ctx.lang, view.lines.districtBp) : '';
  return (
    <ul class="usa-list usa-list--unstyled">
      {row.chronicState ? <li><span class="usa-tag app-tag--overdue">{t('attendance-chronic.flags.state')}</span></li> : null}
      {row.chronicDistrict ? <li><span class="usa-tag app-tag--overdue">{t('attendance-chronic.flags.district', { line })}</span></li> : null}
      {row.atRisk ? <li><span class="usa-tag app-tag--due-soon">{t('attendance-chronic.flags.atRisk')}</span></li> : null}
    </ul>
  );
}

/**
 * ATT-4: a school's chronic-absence list (or, for a district administrator, the district's, with
 * a school column), with its filters, one page of at most 100 students at a time, highest
 * absence rate first; both rates and the flags in words; the trend over the year below.
 */
export function ChronicPage({ ctx, view }: { ctx: PageContext; view: ChronicView }) {
  const { t } = ctx;
  const { district, filter, lines } = view;
  const where = view.school ? view.school.name : t('attendance-chronic.allSchools', { district: inLanguage(district.name, ctx.lang) });
  const title = t('attendance-chronic.title');
  const pct = (bp: number) => percent(ctx.lang, bp);
  const grades = view.school ? GRADES.filter((g) => gradeIndex(g) >= gradeIndex(view.school!.lowestGrade) && gradeIndex(g) <= gradeIndex(view.school!.highestGrade)) : GRADES;
  const districtLine = lines.districtBp !== undefined;
  const schoolName = (id: string) => view.schools.find((s) => s.id === id)?.school.name ?? id;
  const params = chronicParams(filter);
  return (
    <Layout ctx={ctx} title={`${title}: ${where}`}>
      <h1>
        {title}: {where}
      </h1>
      <p class="usa-intro">{t('attendance-chronic.intro', { year: view.year, count: view.schoolDaysSoFar, today: view.today })}</p>
      <ul>
        <li>{t('attendance-chronic.lines.state', { line: pct(lines.stateBp) })}</li>
        {districtLine ? <li>{t('attendance-chronic.lines.district', { line: pct(lines.districtBp!) })}</li> : null}
        <li>{t('attendance-chronic.lines.atRisk', { points: lines.atRiskBp / 100 })}</li>
      </ul>
      <form method="get" action="/staff/attendance/chronic" class="usa-form app-filters" role="search" aria-label={t('attendance-chronic.filters.label')}>
        <FilterSelect
          id="chronic-school"
          name="school"
          label={t('attendance-chronic.filters.school')}
          value={view.schoolId}
          options={[...(view.offersAll ? [['all', t('attendance-chronic.filters.allSchools')] as [string, string]] : []), ...view.schools.map((s): [string, string] => [s.id, s.school.name])]}
        />
        <FilterSelect id="chronic-year" name="year" label={t('attendance-chronic.filters.year')} value={view.year} options={district.schoolYears.map((y) => [y.year, y.year])} />
        <FilterSelect
          id="chronic-status"
          name="status"
          label={t('attendance-chronic.filters.status')}
          value={filter.status}
          options={CHRONIC_STATUSES.filter((s) => districtLine || s !== 'district').map((s): [string, string] => [s, t(`attendance-chronic.status.${districtLine || s !== 'either' ? s : 'stateOnly'}`)])}
        />
        <FilterSelect id="chronic-grade" name="grade" label={t('attendance-chronic.filters.grade')} all={t('attendance-chronic.filters.allGrades')} value={filter.grade} options={grades.map((g) => [g, t(`applications.grades.${g}`)])} />
        <div>
          <label class="usa-label" for="chronic-min-days">{t('attendance-chronic.filters.minDays')}</label>
          <div class="usa-hint" id="chronic-min-days-hint">{t('attendance-chronic.filters.minDaysHint')}</div>
          <input class="usa-input usa-input--small" id="chronic-min-days" name="minDays" type="text" inputMode="numeric" pattern="[0-9]*" aria-describedby="chronic-min-days-hint" value={filter.minDays ? String(filter.minDays) : ''} />
        </div>
        <button type="submit" class="usa-button usa-button--outline">{t('attendance-chronic.filters.submit')}</button>
      </form>
      <p>
        <a class="usa-link" href={`/staff/attendance/chronic.csv?${new URLSearchParams(params).toString()}`}>{t('attendance-chronic.csv.link')}</a>
      </p>
      {view.rows.length === 0 ? (
        <p>{filter.after ? t('attendance-chronic.emptyAfter') : t('attendance-chronic.empty')}</p>
      ) : (
        <DataTable
          id="chronic"
          caption={t('attendance-chronic.caption', { where, status: t(`attendance-chronic.status.${districtLine || filter.status !== 'either' ? filter.status : 'stateOnly'}`) })}
          variants={['striped', 'compact', 'stacked']}
          rows={view.rows}
          rowKey={(r) => `${r.schoolId}:${r.studentId}`}
          columns={[
            {
              header: t('attendance-chronic.columns.student'),
              rowHeader: true,
              cell: (r) => <a class="usa-link" href={`/staff/attendance/students/${r.studentId}`}>{`${r.lastName}, ${r.firstName}`}</a>,
            },
            view.school ? false : { header: t('attendance-chronic.columns.school'), cell: (r) => schoolName(r.schoolId) },
            { header: t('attendance-chronic.columns.grade'), cell: (r) => t(`applications.grades.${r.grade}`) },
            { header: t('attendance-chronic.columns.enrolled'), cell: (r) => String(r.daysEnrolled) },
            { header: t('attendance-chronic.columns.absent'), cell: (r) => String(r.daysAbsent) },
            { header: t('attendance-chronic.columns.absenceRate'), cell: (r) => pct(r.absenceBp) },
            { header: t('attendance-chronic.columns.attendanceRate'), cell: (r) => pct(r.attendanceBp) },
            { header: t('attendance-chronic.columns.flags'), cell: (r) => <Flags ctx={ctx} row={r} view={view} /> },
          ]}
        />
      )}
      {view.next ? (
        <p>
          <a class="usa-button usa-button--outline" href={`/staff/attendance/chronic?${new URLSearchParams({ ...params, after: view.next }).toString()}`}>{t('attendance-chronic.next')}</a>
        </p>
      ) : null}
      {filter.after ? (
        <p>
          <a class="usa-link" href={`/staff/attendance/chronic?${new URLSearchParams(params).toString()}`}>{t('attendance-chronic.first')}</a>
        </p>
      ) : null}
      <h2>{t('attendance-chronic.trend.heading', { where })}</h2>
      <p>{t('attendance-chronic.trend.intro')}</p>
      <ChronicTrend ctx={ctx} points={view.trend.points} byWeek={view.trend.byWeek} districtLine={districtLine} />
    </Layout>
  );
}
