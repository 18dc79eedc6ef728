import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { StudentRow } from '../repository.js';

export function StudentsPage({ ctx, students }: { ctx: PageContext; students: StudentRow[] }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('students.list.title')}>
      <p><a class="usa-link" href="/account">{t('applications.backToAccount')}</a></p>
      <h1>{t('students.list.title')}</h1>
      {students.length === 0 ? <p>{t('students.list.none')}</p> : null}
      <ul class="usa-card-group">
        {students.map((s) => (
          <li class="usa-card tablet:grid-col-6" key={s.id}>
            <div class="usa-card__container">
              <div class="usa-card__header"><h2 class="usa-card__heading">{`${s.first_name} ${s.last_name}`}</h2></div>
              <div class="usa-card__body">
                <p>{t('students.list.born', { date: ctx.i18n.date(s.date_of_birth) })}</p>
                <p>{s.current_grade ? t(`applications.grades.${s.current_grade}`) : t('students.form.notInSchool')}</p>
                <p>{`${s.address_line1}${s.address_line2 ? `, ${s.address_line2}` : ''}, ${s.city}, ${s.state} ${s.zip}`}</p>
              </div>
              <div class="usa-card__footer">
                <a class="usa-button" href={`/students/${s.id}`}>{t('students.list.story', { name: s.first_name })}</a>{' '}
                <a class="usa-button usa-button--outline" href={`/students/${s.id}/edit`}>{t('students.list.edit', { name: s.first_name })}</a>
              </div>
            </div>
          </li>
        ))}
      </ul>
      <a class="usa-button" href="/students/new">{t('students.list.add')}</a>
      <p><a class="usa-link" href="/students/link">{t('linking.parent.haveCode')}</a></p>
    </Layout>
  );
}
