import type { PageContext, FormState } from '../../../platform/views/context.js';
import { emptyForm } from '../../../platform/views/context.js';
import { CsrfField, ErrorSummary, SubmitButton, TextInput } from '../../../platform/views/forms.js';
import { DataTable } from '../../../platform/views/data-table.js';
import type { StaffLifeState } from '../service.js';

/**
 * On a request's staff page: DEC-12 provisional enrollment (the form to record the first day of
 * attendance, then the first day, the last day and the school days left) and DEC-14 the permit's
 * review history.
 */
export function PermitLifeStaffSection({ ctx, state, form }: { ctx: PageContext; state: StaffLifeState; form?: FormState }) {
  const { t, i18n } = ctx;
  const pe = state.provisional;
  const showProvisional = state.incoming && (pe || state.canRecordProvisional || state.undecided);
  if (!showProvisional && !state.permit) return null;
  const f = form ?? emptyForm();
  return (
    <section aria-labelledby="provisional-heading" class="app-permit-life margin-top-4">
      {showProvisional ? (
        <>
          <h2 id="provisional-heading">{t('permit-life.staff.provisionalHeading')}</h2>
          {Object.keys(f.errors).length ? <ErrorSummary ctx={ctx} form={f} /> : null}
          {pe ? (
            <>
              <dl class="app-summary">
                <dt>{t('permit-life.staff.school')}</dt><dd>{state.provisionalSchoolName ?? '—'}</dd>
                <dt>{t('permit-life.staff.firstDay')}</dt><dd>{i18n.date(pe.first_day)}</dd>
                <dt>{t('permit-life.staff.endsOn')}</dt><dd>{i18n.date(pe.ends_on)}</dd>
                <dt>{t('permit-life.staff.warnOn')}</dt><dd>{i18n.date(pe.warn_on)}{pe.warned_at ? ` (${t('permit-life.staff.warned')})` : ''}</dd>
                <dt>{t('permit-life.staff.state')}</dt>
                <dd>
                  {state.approved
                    ? t('permit-life.staff.permitApproved')
                    : pe.ended_at || pe.ends_on < state.today
                      ? t('permit-life.staff.ended', { date: i18n.date(pe.ends_on) })
                      : t('permit-life.staff.daysLeft', { count: state.daysLeft })}
                </dd>
              </dl>
            </>
          ) : state.canRecordProvisional ? (
            <form method="post" action={`/staff/requests/${state.applicationId}/provisional`} class="usa-form" novalidate>
              <p>{t('permit-life.staff.provisionalIntro', { months: state.months })}</p>
              <CsrfField ctx={ctx} />
              {state.rollFirstDay ? (
                // DEC-12: the first day comes from the school's roll (ENR-7), not typed again.
                <p id="provisional-roll-first-day">{t('roll-notices.provisional.fromRoll', { date: i18n.date(state.rollFirstDay) })}</p>
              ) : (
                <TextInput ctx={ctx} form={f} name="first_day" type="date" required label={t('permit-life.staff.firstDayLabel')} hint={t('permit-life.staff.firstDayHint')} />
              )}
              <SubmitButton>{t('permit-life.staff.provisionalSubmit')}</SubmitButton>
            </form>
          ) : (
            <p>{state.undecided ? t('permit-life.staff.noneReadOnly') : t('permit-life.staff.none')}</p>
          )}
        </>
      ) : null}
      {state.permit ? (
        <>
          <h2 id="reviews-heading">{t('permit-life.staff.reviewsHeading')}</h2>
          {state.reviewDue ? <p><span class="usa-tag">{t('permit-life.staff.reviewDue')}</span> <a class="usa-link" href="/staff/reviews">{t('permit-life.staff.reviewLink')}</a></p> : null}
          {state.reviews.length ? (
            <DataTable
              caption={t('permit-life.staff.reviewsCaption')}
              variants={['borderless']}
              rows={state.reviews}
              rowKey={(r) => r.id}
              columns={[
                { header: t('permit-life.reviews.reviewedOn'), rowHeader: true, cell: (r) => i18n.date(r.reviewed_on) },
                { header: t('permit-life.reviews.outcome'), cell: (r) => t(`permit-life.reviews.outcomes.${r.outcome}`) },
                { header: t('permit-life.reviews.note'), cell: (r) => r.note ?? '—' },
                { header: t('permit-life.reviews.by'), cell: (r) => (r.email ? `${r.first_name} ${r.last_name}` : '—') },
              ]}
            />
          ) : (
            <p>{t('permit-life.staff.noReviews')}</p>
          )}
        </>
      ) : null}
    </section>
  );
}
