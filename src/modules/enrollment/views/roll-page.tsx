import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import { GRADES, gradeIndex } from '../../districts/config-schema.js';
import { SPECIAL_POPULATIONS, parsePopulations, populationLabelKey } from '../populations.js';
import type { RollRow } from '../repository.js';
import { CONDITIONAL_ENDING_DAYS, ROLL_STATUSES, rollParams, type RollView } from '../roll-pages.js';

/** A day as the roll writes it: written out in the page's language (never as digits), on one line. */
export function RollDate({ ctx, value }: { ctx: PageContext; value: string }) {
  return (
    <time dateTime={value} class="app-nowrap">{ctx.i18n.date(value)}</time>
  );
}

/** The flags of one row: special populations, a conditional admission and its date, no emergency contact. */
function Flags({ ctx, row, conditionalBy }: { ctx: PageContext; row: RollRow; conditionalBy: string }) {
  const { t } = ctx;
  const populations = parsePopulations(row.populations);
  const conditional = row.immunization === 'conditional' && row.immunizationUntil;
  return (
    <ul class="usa-list usa-list--unstyled app-roll-flags">
      {populations.map((p) => (
        <li key={p}><span class="usa-tag">{t(populationLabelKey(p))}</span></li>
      ))}
      {conditional ? (
        <li>
          <span class={row.immunizationUntil! <= conditionalBy ? 'usa-tag app-tag--due-soon' : 'usa-tag'}>{t('roll.flags.conditionalUntil', { date: row.immunizationUntil! })}</span>
        </li>
      ) : null}
      {!row.hasContacts ? (
        <li><span class="usa-tag app-tag--overdue">{t('roll.flags.noContacts')}</span></li>
      ) : null}
    </ul>
  );
}

/**
 * A school's roll (issue 15, point 11): one school, one school year, one status at a time, in
 * grade order, with the filters the office works by — grade, special population (ENR-1), no
 * emergency contact (ENR-4), conditional admission ending (ENR-2).
 */
export function RollPage({ ctx, view }: { ctx: PageContext; view: RollView }) {
  const { t } = ctx;
  const { district, school, filter } = view;
  const entryType = (code: string) => {
    const found = district.enrollmentCodes.entryTypes.find((c) => c.code === code);
    return found ? inLanguage(found.label, ctx.lang) : code;
  };
  const grades = GRADES.filter((g) => gradeIndex(g) >= gradeIndex(school.lowestGrade) && gradeIndex(g) <= gradeIndex(school.highestGrade));
  const title = t('roll.title');
  return (
    <Layout ctx={ctx} title={`${title}: ${school.name}`}>
      <h1>
        {title}: {school.name}
      </h1>
      <p class="usa-intro">{t('roll.intro', { year: view.year, status: t(`roll.status.${filter.status}`) })}</p>
      {view.canKeep ? (
        <p>
          <a class="usa-button" href={`/staff/roll/enroll?${new URLSearchParams({ school: view.schoolId }).toString()}`}>{t('roll.enroll')}</a>
          <a class="usa-button usa-button--outline" href={`/staff/roll/no-shows?${new URLSearchParams({ school: view.schoolId }).toString()}`}>{t('no-shows.title')}</a>
          <a class="usa-button usa-button--outline" href="/staff/roll/import">{t('roll-import.title')}</a>
        </p>
      ) : null}
      <form method="get" action="/staff/roll" class="usa-form app-filters" role="search" aria-label={t('roll.filters.label')}>
        <FilterSelect id="roll-school" name="school" label={t('roll.filters.school')} value={view.schoolId} options={view.schools.map((s) => [s.id, s.school.name])} />
        <FilterSelect id="roll-year" name="year" label={t('roll.filters.year')} value={view.year} options={district.schoolYears.map((y) => [y.year, y.year])} />
        <FilterSelect id="roll-status" name="status" label={t('roll.filters.status')} value={filter.status} options={ROLL_STATUSES.map((s) => [s, t(`roll.status.${s}`)])} />
        <FilterSelect id="roll-grade" name="grade" label={t('roll.filters.grade')} all={t('roll.filters.allGrades')} value={filter.grade} options={grades.map((g) => [g, t(`applications.grades.${g}`)])} />
        <FilterSelect id="roll-population" name="population" label={t('roll.filters.population')} all={t('roll.filters.allStudents')} value={filter.population} options={SPECIAL_POPULATIONS.map((p) => [p, t(populationLabelKey(p))])} />
        <div class="usa-checkbox">
          <input class="usa-checkbox__input" id="roll-no-contacts" type="checkbox" name="noContacts" value="1" checked={filter.noContacts} />
          <label class="usa-checkbox__label" for="roll-no-contacts">{t('roll.filters.noContacts')}</label>
        </div>
        <div class="usa-checkbox">
          <input class="usa-checkbox__input" id="roll-conditional" type="checkbox" name="conditionalEnding" value="1" checked={filter.conditionalEnding} />
          <label class="usa-checkbox__label" for="roll-conditional">
            {t('roll.filters.conditionalEnding')}
            <span class="usa-checkbox__label-description">{t('roll.filters.conditionalEndingHint', { days: CONDITIONAL_ENDING_DAYS })}</span>
          </label>
        </div>
        <button type="submit" class="usa-button usa-button--outline">{t('roll.filters.submit')}</button>
      </form>
      {view.rows.length === 0 ? (
        <p>{filter.after ? t('roll.emptyAfter') : t('roll.empty')}</p>
      ) : (
        <DataTable
          id="roll"
          caption={t('roll.caption', { school: school.name, year: view.year })}
          variants={['striped', 'compact']}
          class="app-roll"
          rows={view.rows}
          rowKey={(r) => r.id}
          columns={[
            {
              header: t('roll.columns.student'),
              rowHeader: true,
              cell: (r) => <a class="usa-link" href={`/staff/roll/students/${r.studentId}`}>{`${r.lastName}, ${r.firstName}`}</a>,
            },
            { header: t('roll.columns.grade'), cell: (r) => t(`applications.grades.${r.grade}`) },
            { header: t('roll.columns.status'), cell: (r) => t(`roll.status.${r.status}`) },
            { header: t('roll.columns.entryType'), cell: (r) => entryType(r.entryType) },
            { header: t('roll.columns.entryDate'), cell: (r) => (r.entryDate ? <RollDate ctx={ctx} value={r.entryDate} /> : t('roll.notYet')) },
            { header: t('roll.columns.flags'), cell: (r) => <Flags ctx={ctx} row={r} conditionalBy={view.conditionalBy} /> },
          ]}
        />
      )}
      {view.next ? (
        <p>
          <a class="usa-button usa-button--outline" href={`/staff/roll?${new URLSearchParams({ ...rollParams(filter), after: view.next }).toString()}`}>{t('roll.next')}</a>
        </p>
      ) : null}
      {filter.after ? (
        <p>
          <a class="usa-link" href={`/staff/roll?${new URLSearchParams(rollParams(filter)).toString()}`}>{t('roll.first')}</a>
        </p>
      ) : null}
    </Layout>
  );
}
