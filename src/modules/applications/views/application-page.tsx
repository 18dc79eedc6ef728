import type { ComponentChildren } from 'preact';
import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { CsrfField } from '../../../platform/views/forms.js';
import { formatConfirmationNumber } from '../confirmation-number.js';
import type { ApplicationRow } from '../repository.js';
import { gradeLabel } from './apply-form-page.js';
import { SentMessages, type SentMessage } from './sent-messages.js';

export interface ApplicationView {
  application: ApplicationRow;
  districtName: string;
  schoolName: string | null;
  reasonLabel: string;
  events: { at: string; to_status: string; note: string | null }[];
  messages: SentMessage[];
  /** Outgoing: the receiving district and school, as named on the request. */
  receiving: { district: string; school: string | null } | null;
  /** Intra-district: the school of residence, and what each school decided so far. */
  residenceSchoolName: string | null;
  schoolApprovals: { role: string; decision: string }[];
  /** The other half of an inter-district permit (DEC-5): the release, or the request it became. */
  linked: { id: string; kind: string; districtName: string; status: string; confirmation: string } | null;
  canWithdraw: boolean;
  notice: 'withdrawn' | 'notWithdrawable' | null;
}

/** A request the district has still to decide, with the DEC-3 day it must decide by. */
export const awaitsDecision = (a: Pick<ApplicationRow, 'status' | 'decision_due_on'>): boolean =>
  a.decision_due_on !== null && ['incomplete', 'submitted', 'info_requested'].includes(a.status);

/**
 * DEC-3, DEC-15: the last day for the district's written decision, written out, and what it
 * means: without a decision by then the law treats the request as denied (not a school change
 * inside the district, which its two schools decide, nor a priority release the district of
 * residence cannot block, DEC-19).
 */
export function DueDate({ ctx, application: a }: { ctx: PageContext; application: Pick<ApplicationRow, 'status' | 'decision_due_on' | 'kind' | 'priority' | 'linked_application_id'> }) {
  if (!awaitsDecision(a)) return null;
  const deemable = a.kind !== 'intra' && !(a.kind === 'outgoing' && a.priority === 1 && a.linked_application_id !== null);
  return <p>{ctx.t(deemable ? 'applications.page.dueMeaning' : 'applications.page.dueMeaningIntra', { date: ctx.i18n.date(a.decision_due_on!) })}</p>;
}

export function StatusTag({ ctx, status }: { ctx: PageContext; status: string }) {
  return <span class={`usa-tag app-status app-status--${status}`}>{ctx.t(`applications.status.${status}`)}</span>;
}

/** APP-10, APP-11, ACC-6: one request as its parent sees it. */
export function ApplicationPage({ ctx, view, documents, decision }: { ctx: PageContext; view: ApplicationView; documents?: ComponentChildren; decision?: ComponentChildren }) {
  const { t } = ctx;
  const a = view.application;
  return (
    <Layout ctx={ctx} title={t('applications.page.title', { student: `${a.student_first_name} ${a.student_last_name}` })}>
      <p>
        <a class="usa-link" href="/account">{t('applications.backToAccount')}</a>
      </p>
      <h1>{t('applications.page.title', { student: `${a.student_first_name} ${a.student_last_name}` })}</h1>
      <p class="usa-intro">
        {t('applications.page.statusLabel')} <StatusTag ctx={ctx} status={a.status} />
      </p>
      {view.notice ? (
        <div class={`usa-alert usa-alert--${view.notice === 'withdrawn' ? 'success' : 'warning'} usa-alert--slim`} role="status">
          <div class="usa-alert__body">
            <p class="usa-alert__text">{t(`applications.notices.${view.notice}`)}</p>
          </div>
        </div>
      ) : null}
      <p>{t(`applications.statusHelp.${a.status}`)}</p>
      <DueDate ctx={ctx} application={a} />
      {view.linked ? <LinkedRequest ctx={ctx} linked={view.linked} /> : null}
      <dl class="app-summary">
        <dt>{t('applications.page.confirmation')}</dt>
        <dd class="app-confirmation-number--small">{formatConfirmationNumber(a.confirmation_number)}</dd>
        <dt>{t('applications.page.kind')}</dt>
        <dd>{t(`applications.kinds.${a.kind}`)}</dd>
        <dt>{t('applications.page.district')}</dt>
        <dd>{view.districtName}</dd>
        <dt>{t('applications.form.schoolYear')}</dt>
        <dd>{a.school_year.replace('-', '–')}</dd>
        <dt>{t('applications.form.gradeRequested')}</dt>
        <dd>{gradeLabel(ctx, a.grade_requested)}</dd>
        <dt>{t('applications.form.reason')}</dt>
        <dd>{view.reasonLabel}</dd>
        {view.receiving ? (
          <>
            <dt>{t('applications.release.targetDistrict')}</dt>
            <dd>{view.receiving.district}</dd>
            <dt>{t('applications.release.targetSchool')}</dt>
            <dd>{view.receiving.school ?? '—'}</dd>
          </>
        ) : (
          <>
            <dt>{t('applications.form.school')}</dt>
            <dd>{view.schoolName ?? '—'}</dd>
          </>
        )}
        {view.residenceSchoolName ? (
          <>
            <dt>{t('applications.transfer.residenceSchool')}</dt>
            <dd>{view.residenceSchoolName}</dd>
            {(['residence', 'requested'] as const).map((role) => {
              const d = view.schoolApprovals.find((x) => x.role === role);
              return (
                <>
                  <dt>{t(`applications.transfer.approval.${role}`)}</dt>
                  <dd>{t(`applications.transfer.approvalState.${d?.decision ?? 'waiting'}`)}</dd>
                </>
              );
            })}
          </>
        ) : null}
        <dt>{t('applications.page.received')}</dt>
        <dd>{ctx.i18n.dateTime(a.received_at)}</dd>
        {awaitsDecision(a) ? (
          <>
            <dt>{t('applications.page.decisionDue')}</dt>
            <dd>{ctx.i18n.date(a.decision_due_on!)}</dd>
          </>
        ) : null}
        <dt>{t('applications.form.decisionEmail')}</dt>
        <dd>{a.decision_email}</dd>
      </dl>
      {decision}
      {documents}
      {view.canWithdraw ? (
        <form method="post" action={`/applications/${a.id}/withdraw`} class="margin-y-3">
          <CsrfField ctx={ctx} />
          <h2>{t('applications.withdraw.heading')}</h2>
          <p>{t(a.kind === 'outgoing' && a.linked_application_id ? 'applications.withdraw.releaseHelp' : 'applications.withdraw.help')}</p>
          <button type="submit" class="usa-button usa-button--secondary">{t('applications.withdraw.button')}</button>
        </form>
      ) : null}
      <SentMessages ctx={ctx} heading={t('applications.page.messagesHeading')} empty={t('applications.page.noMessages')} messages={view.messages} when={ctx.i18n.dateTime} />
      <h2>{t('applications.page.historyHeading')}</h2>
      <ol class="usa-list">
        {view.events.map((e, i) => (
          <li key={i}>
            {ctx.i18n.dateTime(e.at)}:{' '}
            {e.note?.startsWith('documents:') ? (
              t('applications.page.eventDocuments', { count: e.note.slice('documents:'.length) })
            ) : (
              <StatusTag ctx={ctx} status={e.to_status} />
            )}
          </li>
        ))}
      </ol>
    </Layout>
  );
}

/** DEC-5: the other half of an inter-district permit, as the parent follows it. */
function LinkedRequest({ ctx, linked }: { ctx: PageContext; linked: NonNullable<ApplicationView['linked']> }) {
  const { t } = ctx;
  return (
    <div class="usa-summary-box margin-y-2" role="region" aria-labelledby="linked-heading">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id="linked-heading">{t(linked.kind === 'outgoing' ? 'applications.linked.releaseHeading' : 'applications.linked.incomingHeading')}</h2>
        <p>
          {t(linked.kind === 'outgoing' ? 'applications.linked.release' : 'applications.linked.incoming', { district: linked.districtName, confirmation: linked.confirmation })}{' '}
          <StatusTag ctx={ctx} status={linked.status} />
        </p>
        <p>
          <a class="usa-link" href={`/applications/${linked.id}`}>{t('applications.linked.open')}</a>
        </p>
      </div>
    </div>
  );
}
