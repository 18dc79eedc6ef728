import type { ComponentChildren } from 'preact';
import { Layout } from '../../../platform/views/layout.js';
import { emptyForm, type FormState, type PageContext } from '../../../platform/views/context.js';
import { CsrfField, SubmitButton, TextInput } from '../../../platform/views/forms.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { formatConfirmationNumber } from '../../applications/confirmation-number.js';
import type { RequestView } from '../request-view.js';

/** The statuses of a request still waiting for its decision (DEC-3 due date shown). */
const UNDECIDED: readonly string[] = ['incomplete', 'submitted', 'info_requested'];
import { DocumentList } from './document-list.js';
import { History } from './history.js';
import { inLanguage } from '../../../platform/i18n/translator.js';

/** A request's page for the permit office: who, what, which documents, and its whole history. */
export function RequestPage({ ctx, district, view, panel, alert, studentNumberForm, canEdit }: { ctx: PageContext; district: DistrictConfig; view: RequestView; panel?: ComponentChildren; studentNumberForm?: FormState; canEdit?: boolean; alert?: { key: string; params?: Record<string, string | number> } }) {
  const { t, i18n } = ctx;
  const a = view.application;
  const reason = district.reasons.find((r) => r.code === a.reason_code);
  const school = district.schools.find((s) => `${district.slug}:${s.code}` === a.requested_school_id);
  return (
    <Layout ctx={ctx} title={`${a.student_last_name}, ${a.student_first_name}`}>
      {alert ? (
        <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{t(alert.key, alert.params)}</p></div></div>
      ) : null}
      <p><a class="usa-link" href="/staff/queue">{t('staff.request.back')}</a></p>
      {view.lateMoves.length ? (
        <div class="usa-alert usa-alert--warning usa-alert--slim">
          <div class="usa-alert__body">
            <p class="usa-alert__text">{t('staff.request.lateMove', { moved: i18n.date(view.lateMoves[0].moved_on), reported: i18n.date(view.lateMoves[0].reported_on) })}</p>
          </div>
        </div>
      ) : null}
      <h1>{`${a.student_last_name}, ${a.student_first_name}`}</h1>
      <p class="usa-intro">
        {t(`applications.status.${a.status}`)}
        {/* DEC-3: the due date while the request waits for its decision; a decided request has none. */}
        {UNDECIDED.includes(a.status) ? <> · {t('staff.queue.due')}: {a.decision_due_on ? i18n.date(a.decision_due_on) : '—'}</> : null}
        {a.priority ? <> <span class="usa-tag app-tag--priority">{t('staff.queue.priority')}</span></> : null}
      </p>
      <div class="grid-row grid-gap">
        <section class="tablet:grid-col-6" aria-labelledby="req-student">
          <h2 id="req-student">{t('staff.request.student')}</h2>
          <dl class="app-summary">
            <dt>{t('staff.request.dob')}</dt><dd>{i18n.date(a.student_date_of_birth)}</dd>
            <dt>{t('staff.request.address')}</dt><dd>{`${view.student.address_line1}${view.student.address_line2 ? `, ${view.student.address_line2}` : ''}, ${view.student.city}, ${view.student.state} ${view.student.zip}`}</dd>
            <dt>{t('staff.request.currentSchool')}</dt><dd>{[view.student.current_school, view.student.current_district].filter(Boolean).join(', ') || '—'}</dd>
            <dt>{t('staff.queue.grade')}</dt><dd>{t(`applications.grades.${a.grade_requested}`)}</dd>
            <dt>{t('staff.studentNumber.label')}</dt><dd>{a.student_number ?? '—'}</dd>
          </dl>
          {canEdit ? (
            <form method="post" action={`/staff/requests/${a.id}/student-number`} class="usa-form">
              <CsrfField ctx={ctx} />
              <TextInput ctx={ctx} form={studentNumberForm ?? emptyForm({ student_number: a.student_number ?? '' })} name="student_number" label={t('staff.studentNumber.label')} hint={t('staff.studentNumber.hint')} maxLength={20} width="medium" />
              <SubmitButton secondary>{t('staff.studentNumber.save')}</SubmitButton>
            </form>
          ) : null}
        </section>
        <section class="tablet:grid-col-6" aria-labelledby="req-request">
          <h2 id="req-request">{t('staff.request.request')}</h2>
          <dl class="app-summary">
            <dt>{t('staff.queue.confirmation')}</dt><dd>{formatConfirmationNumber(a.confirmation_number)}</dd>
            <dt>{t('staff.queue.received')}</dt><dd>{i18n.dateTime(a.received_at)}</dd>
            <dt>{t('staff.request.year')}</dt><dd>{a.school_year}</dd>
            <dt>{t('staff.queue.reason')}</dt><dd>{reason ? inLanguage(reason.label, ctx.lang) : a.reason_code}</dd>
            <dt>{t('staff.request.kind')}</dt><dd>{t(`applications.kinds.${a.kind}`)}</dd>
            {a.kind === 'outgoing' ? (
              <>
                <dt>{t('applications.release.targetDistrict')}</dt><dd>{(a.target_district_slug ? ctx.t('staff.request.hosted', { name: a.target_district_name ?? a.target_district_slug }) : a.target_district_name) ?? '—'}</dd>
              </>
            ) : null}
            {a.kind === 'intra' ? (
              <>
                <dt>{t('applications.transfer.residenceSchool')}</dt><dd>{district.schools.find((s) => `${district.slug}:${s.code}` === a.residence_school_id)?.name ?? '—'}</dd>
              </>
            ) : null}
            <dt>{t('staff.queue.school')}</dt><dd>{school?.name ?? (a.kind === 'outgoing' ? (a.target_school ?? '—') : '—')}</dd>
            <dt>{t('staff.request.parent')}</dt><dd>{`${view.parent.first_name} ${view.parent.last_name} (${t(`applications.relationships.${a.relationship}`)})`}</dd>
            <dt>{t('staff.request.decisionEmail')}</dt><dd>{a.decision_email}</dd>
            <dt>{t('staff.request.language')}</dt><dd>{a.language === 'es' ? 'Español' : 'English'}</dd>
          </dl>
        </section>
      </div>
      <DocumentList ctx={ctx} district={district} view={view} />
      {panel}
      <h2>{t('staff.request.history')}</h2>
      <History ctx={ctx} district={district} events={view.events} messages={view.messages} />
    </Layout>
  );
}
