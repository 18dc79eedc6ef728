import { Layout } from '../../../platform/views/layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, SubmitButton } from '../../../platform/views/forms.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { formatConfirmationNumber } from '../../applications/confirmation-number.js';
import { REVIEW_NOTE_MAX, REVIEW_OUTCOMES, type ReviewRow } from '../service.js';
import { inLanguage } from '../../../platform/i18n/translator.js';

/** The review form of one permit: its own field ids, so many forms share one page. */
function ReviewForm({ ctx, row, form }: { ctx: PageContext; row: ReviewRow; form?: FormState }) {
  const { t } = ctx;
  const id = (name: string) => `review-${row.permitId}-${name}`;
  const errors = form?.errors ?? {};
  const values = form?.values ?? {};
  return (
    <details open={Boolean(form)}>
      <summary>{t('permit-life.reviews.record')}<span class="usa-sr-only"> ({row.student})</span></summary>
      <form method="post" action={`/staff/reviews/${row.permitId}`} class="usa-form" novalidate>
        <CsrfField ctx={ctx} />
        <div class={`usa-form-group${errors.outcome ? ' usa-form-group--error' : ''}`}>
          <fieldset class="usa-fieldset" id={id('outcome')} aria-describedby={errors.outcome ? id('outcome-error') : undefined}>
            <legend class="usa-legend">{t('permit-life.reviews.outcome')}</legend>
            <ErrorMessage ctx={ctx} id={id('outcome-error')} error={errors.outcome} />
            {REVIEW_OUTCOMES.map((o) => (
              <div class="usa-radio" key={o}>
                <input class="usa-radio__input" id={id(`outcome-${o}`)} type="radio" name="outcome" value={o} checked={values.outcome === o} />
                <label class="usa-radio__label" for={id(`outcome-${o}`)}>{t(`permit-life.reviews.outcomes.${o}`)}</label>
              </div>
            ))}
          </fieldset>
        </div>
        <div class={`usa-form-group${errors.note ? ' usa-form-group--error' : ''}`}>
          <label class="usa-label" for={id('note')}>{t('permit-life.reviews.note')} <span class="usa-hint">({t('common.optional')})</span></label>
          <div class="usa-hint" id={id('note-hint')}>{t('permit-life.reviews.noteHint', { max: REVIEW_NOTE_MAX })}</div>
          <ErrorMessage ctx={ctx} id={id('note-error')} error={errors.note} />
          <textarea class={`usa-textarea${errors.note ? ' usa-input--error' : ''}`} id={id('note')} name="note" rows={3} maxLength={REVIEW_NOTE_MAX} aria-invalid={errors.note ? 'true' : undefined} aria-describedby={[id('note-hint'), errors.note ? id('note-error') : ''].filter(Boolean).join(' ')}>
            {values.note ?? ''}
          </textarea>
        </div>
        <SubmitButton>{t('permit-life.reviews.submit')}</SubmitButton>
      </form>
    </details>
  );
}

/**
 * DEC-14: the permits due for review, the longest unreviewed first, each with a form to record
 * its review. Auditors read the list only.
 */
export function ReviewsPage({ ctx, district, rows, canRecord, scope, forms = {}, alert }: {
  ctx: PageContext; district: DistrictConfig; rows: ReviewRow[]; canRecord: boolean; scope: 'schools' | 'district'; forms?: Record<string, FormState>; alert?: { key: string; params?: Record<string, string | number> };
}) {
  const { t, i18n } = ctx;
  const hasErrors = Object.values(forms).some((f) => Object.keys(f.errors).length > 0);
  return (
    <Layout ctx={ctx} title={t('permit-life.reviews.title')} hasErrors={hasErrors}>
      {alert ? <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{t(alert.key, alert.params)}</p></div></div> : null}
      {hasErrors ? (
        <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{t('permit-life.reviews.fixErrors')}</p></div></div>
      ) : null}
      <h1>{t('permit-life.reviews.title')}</h1>
      <p class="usa-intro">{t(scope === 'schools' ? 'permit-life.reviews.introSchools' : 'permit-life.reviews.introDistrict', { district: inLanguage(district.name, ctx.lang), days: district.permitLife.reviewEveryDays })}</p>
      {!canRecord ? <p class="usa-hint">{t('permit-life.reviews.readOnly')}</p> : null}
      {rows.length === 0 ? (
        <p>{t('permit-life.reviews.empty')}</p>
      ) : (
        <DataTable
          caption={t('permit-life.reviews.caption', { count: rows.length })}
          variants={['stacked']}
          rows={rows}
          rowKey={(r) => r.permitId}
          rowAttrs={(r) => ({ id: `permit-${r.permitId}` })}
          columns={[
            {
              header: t('permit-life.reviews.student'),
              rowHeader: true,
              cell: (r) => (
                <>
                  <a class="usa-link" href={`/staff/requests/${r.applicationId}`}>{r.student}</a>
                  <br /><span class="usa-hint">{formatConfirmationNumber(r.confirmation)}{r.studentNumber ? ` · ${r.studentNumber}` : ''}</span>
                </>
              ),
            },
            { header: t('permit-life.reviews.school'), cell: (r) => r.schoolName },
            { header: t('permit-life.reviews.grade'), cell: (r) => t(`applications.grades.${r.gradeNow}`) },
            { header: t('permit-life.reviews.years'), cell: (r) => (r.firstYear === r.lastYear ? r.firstYear : `${r.firstYear} – ${r.lastYear}`) },
            {
              header: t('permit-life.reviews.lastReview'),
              cell: (r) => (r.lastReview ? `${i18n.date(r.lastReview.reviewed_on)} (${t(`permit-life.reviews.outcomes.${r.lastReview.outcome}`)})` : t('permit-life.reviews.never', { date: i18n.date(r.issuedOn) })),
            },
            canRecord && { header: t('permit-life.reviews.action'), cell: (r) => <ReviewForm ctx={ctx} row={r} form={forms[r.permitId]} /> },
          ]}
        />
      )}
    </Layout>
  );
}
