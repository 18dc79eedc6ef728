import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { Section } from '../../../platform/modules.js';
import { formatConfirmationNumber } from '../confirmation-number.js';
import type { Story } from '../story.js';
import { DueDate, StatusTag } from './application-page.js';
import { gradeLabel } from './request-fields.js';

interface Props {
  ctx: PageContext;
  student: { id: string; first_name: string; last_name: string; date_of_birth: string; current_grade: string | null; address_line1: string; address_line2: string | null; city: string; state: string; zip: string };
  story: Story;
  moves: { moved_on: string; reported_on: string; late: number }[];
  /** What other modules show of the student as a whole (the school's roll), declared at the top. */
  sections?: Section;
}

const DATE_PARAMS = ['due', 'until'];

/** ACC-6, DEC-11, DEC-13: one student's whole story — residence, every request, and what to do next. */
export function StoryPage({ ctx, student: s, story, moves, sections }: Props) {
  const { t, i18n } = ctx;
  const name = `${s.first_name} ${s.last_name}`;
  const dated = (params: Record<string, string>) =>
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, DATE_PARAMS.includes(k) && v ? i18n.date(v) : v]));
  return (
    <Layout ctx={ctx} title={t('students.story.title', { name })}>
      <p>
        <a class="usa-link" href="/account">{t('applications.backToAccount')}</a>
      </p>
      <h1>{t('students.story.title', { name })}</h1>
      <p class="usa-intro">
        {t('students.list.born', { date: i18n.date(s.date_of_birth) })}
        {s.current_grade ? ` · ${gradeLabel(ctx, s.current_grade)}` : ''}
      </p>

      {sections ? sections(ctx) : null}

      <h2>{t('students.story.residence.heading')}</h2>
      <p>{`${s.address_line1}${s.address_line2 ? `, ${s.address_line2}` : ''}, ${s.city}, ${s.state} ${s.zip}`}</p>
      {story.residence.problem ? (
        <p>{t(story.residence.problem)}</p>
      ) : story.residence.districtName ? (
        <p>{t(story.residence.schoolName ? 'students.story.residence.found' : 'students.story.residence.districtOnly', { district: story.residence.districtName, school: story.residence.schoolName ?? '' })}</p>
      ) : null}
      <ul class="usa-button-group">
        <li class="usa-button-group__item">
          <a class="usa-button usa-button--outline" href={`/students/${s.id}/edit?next=${encodeURIComponent(`/students/${s.id}`)}`}>{t('students.story.edit')}</a>
        </li>
        <li class="usa-button-group__item">
          <a class="usa-button usa-button--outline" href={`/students/${s.id}/move`}>{t('students.story.reportMove')}</a>
        </li>
        <li class="usa-button-group__item">
          <a class="usa-button usa-button--outline" href={`/students/${s.id}/school-change`}>{t('students.story.reportSchoolChange')}</a>
        </li>
      </ul>
      {moves.length ? (
        <ul class="usa-list">
          {moves.map((m, i) => (
            <li key={i}>{t(m.late ? 'students.story.moveLate' : 'students.story.move', { moved: i18n.date(m.moved_on), reported: i18n.date(m.reported_on) })}</li>
          ))}
        </ul>
      ) : null}

      <h2>{t('students.story.actions.heading')}</h2>
      <ul class="usa-list">
        {story.actions.map((a) => (
          <li key={a.href}>
            <a class="usa-link" href={a.href}>{t(a.key, a.params)}</a>
          </li>
        ))}
      </ul>

      <h2>{t('students.story.requests')}</h2>
      {story.requests.length === 0 ? <p>{t('students.story.none')}</p> : null}
      {story.requests.map(({ application: a, districtName, related, next, sections }) => (
        <section key={a.id} class="usa-summary-box margin-bottom-3" aria-labelledby={`req-${a.id}`}>
          <div class="usa-summary-box__body">
            <h3 class="usa-summary-box__heading" id={`req-${a.id}`}>
              {t(`applications.kinds.${a.kind}`)} — {districtName} — {a.school_year.replace('-', '–')}
            </h3>
            <p>
              <StatusTag ctx={ctx} status={a.status} /> {t('applications.page.confirmation')} {formatConfirmationNumber(a.confirmation_number)}
            </p>
            <DueDate ctx={ctx} application={a} />
            {related.receiving ? <p>{t('students.story.receiving', { district: related.receiving.district })}</p> : null}
            {related.linked ? (
              <p>
                {t(related.linked.kind === 'outgoing' ? 'applications.linked.release' : 'applications.linked.incoming', { district: related.linked.districtName, confirmation: related.linked.confirmation })}{' '}
                <StatusTag ctx={ctx} status={related.linked.status} />
              </p>
            ) : null}
            <p>
              <strong>{t('students.story.nextLabel')}</strong> {t(next.key, dated(next.params))}
            </p>
            {sections ? sections(ctx) : null}
            <p>
              <a class="usa-link" href={`/applications/${a.id}`}>{t('students.story.open')}</a>
            </p>
          </div>
        </section>
      ))}
    </Layout>
  );
}
