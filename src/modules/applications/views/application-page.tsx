import type { ComponentChildren } from 'preact';
import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { formatConfirmationNumber } from '../confirmation-number.js';
import type { ApplicationRow } from '../repository.js';
import { gradeLabel } from './apply-form-page.js';

export interface ApplicationView {
  application: ApplicationRow;
  districtName: string;
  schoolName: string | null;
  reasonLabel: string;
  events: { at: string; to_status: string; note: string | null }[];
  messages: { id: string; subject: string; created_at: string }[];
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
      <p>{t(`applications.statusHelp.${a.status}`)}</p>
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
        <dt>{t('applications.form.school')}</dt>
        <dd>{view.schoolName ?? '—'}</dd>
        <dt>{t('applications.page.received')}</dt>
        <dd>{ctx.i18n.dateTime(a.received_at)}</dd>
        <dt>{t('applications.form.decisionEmail')}</dt>
        <dd>{a.decision_email}</dd>
      </dl>
      {decision}
      {documents}
      <h2>{t('applications.page.messagesHeading')}</h2>
      {view.messages.length === 0 ? (
        <p>{t('applications.page.noMessages')}</p>
      ) : (
        <ul class="usa-list">
          {view.messages.map((m) => (
            <li key={m.id}>
              <a class="usa-link" href={`/account/messages/${m.id}`}>{m.subject}</a> — {ctx.i18n.dateTime(m.created_at)}
            </li>
          ))}
        </ul>
      )}
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
