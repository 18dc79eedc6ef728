import { Layout } from '../../../platform/views/layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, ErrorSummary, fieldId } from '../../../platform/views/forms.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import type { AttendanceCodeConfig } from '../../districts/config-schema.js';
import { PAPER_RECORD_MAX, REASON_MAX, takesMinutes, type RosterLine, type RosterView } from '../take.js';
import { rosterHref } from './today.js';
import { ChangesTable } from './mark-change.js';

/** A code's label in the reader's language, with the code itself ("Tardy (T)"). */
export const codeLabel = (ctx: PageContext, code: Pick<AttendanceCodeConfig, 'code' | 'label'>): string => `${inLanguage(code.label, ctx.lang)} (${code.code})`;

/** The form's values for a roster as it stands: each student's mark, or present by default. */
export function rosterValues(view: RosterView, presentCode: string): Record<string, string> {
  const values: Record<string, string> = { seen: view.submission?.submitted_at ?? '' };
  for (const s of view.students) {
    values[`mark-${s.studentId}`] = s.mark?.code ?? presentCode;
    values[`minutes-${s.studentId}`] = s.mark?.minutes != null ? String(s.mark.minutes) : '';
  }
  return values;
}

/** One student's fieldset: a tile per code (big enough to touch on a phone), then the minutes of a tardy. */
function StudentMarks({ ctx, form, student, codes, allCodes }: { ctx: PageContext; form: FormState; student: RosterLine; codes: AttendanceCodeConfig[]; allCodes: AttendanceCodeConfig[] }) {
  const { t } = ctx;
  const name = `mark-${student.studentId}`;
  const minutes = `minutes-${student.studentId}`;
  const current = form.values[name] ?? '';
  // The mark the student has keeps its place even when the reader may not mark it (the office's code on a teacher's form).
  const kept = student.mark && !codes.some((c) => c.code === student.mark!.code) ? allCodes.find((c) => c.code === student.mark!.code) : undefined;
  const shown = kept ? [...codes, kept] : codes;
  const error = form.errors[name];
  const minutesError = form.errors[minutes];
  const who = `${student.firstName} ${student.lastName}`;
  return (
    <div class={`usa-form-group${error || minutesError ? ' usa-form-group--error' : ''}`}>
      <fieldset class="usa-fieldset" id={fieldId(name)} aria-describedby={error ? `${fieldId(name)}-error` : undefined}>
        <legend class="usa-legend usa-legend--large">{who}</legend>
        <ErrorMessage ctx={ctx} id={`${fieldId(name)}-error`} error={error} />
        <div class="grid-row grid-gap-1">
          {shown.map((c, i) => (
            <div class="usa-radio grid-col-6 tablet:grid-col-3" key={c.code}>
              <input class="usa-radio__input usa-radio__input--tile" id={`${fieldId(name)}-${i}`} type="radio" name={name} value={c.code} checked={c.code === current} />
              <label class="usa-radio__label" for={`${fieldId(name)}-${i}`}>{codeLabel(ctx, c)}</label>
            </div>
          ))}
        </div>
        {shown.some((c) => takesMinutes(c)) ? (
          <div class="margin-top-1">
            <label class="usa-label" for={fieldId(minutes)}>
              {t('attendance-take.roster.minutes')}
              <span class="usa-sr-only"> ({who})</span>
            </label>
            <ErrorMessage ctx={ctx} id={`${fieldId(minutes)}-error`} error={minutesError} />
            <input class={`usa-input usa-input--small${minutesError ? ' usa-input--error' : ''}`} id={fieldId(minutes)} name={minutes} inputMode="numeric" maxLength={3}
              value={form.values[minutes] ?? ''} aria-invalid={minutesError ? 'true' : undefined} aria-describedby={minutesError ? `${fieldId(minutes)}-error` : undefined} />
          </div>
        ) : null}
      </fieldset>
    </div>
  );
}

export interface RosterPageProps {
  ctx: PageContext;
  view: RosterView;
  form: FormState;
  /** Every code of the district (a mark already recorded may be one the reader does not use). */
  allCodes: AttendanceCodeConfig[];
  alert?: { key: string; params?: Record<string, string | number> };
}

/**
 * ATT-1, ATT-7: a section's roster on a day. Everyone is present unless marked otherwise; a
 * student's radios start at their mark. Works on a narrow phone without JavaScript: one
 * fieldset per student, big tiles, one button. A roster already submitted can be corrected with
 * a reason; the office's entries for a day before today rest on a paper record.
 */
export function RosterPage({ ctx, view, form, allCodes, alert }: RosterPageProps) {
  const { t, i18n } = ctx;
  const { section, submission } = view;
  const title = t('attendance-take.roster.title', { section: section.name, code: section.code });
  const action = rosterHref(section.id, view.date);
  const correcting = Boolean(submission) || view.students.some((s) => s.mark);
  const hasErrors = Object.keys(form.errors).length > 0 || Boolean(alert);
  return (
    <Layout ctx={ctx} title={title} hasErrors={hasErrors}>
      <p><a class="usa-link" href={`/staff/attendance?date=${view.date}${ctx.staff?.role === 'teacher' ? '' : `&school=${encodeURIComponent(section.school_id)}`}`}>{t('attendance-take.roster.back')}</a></p>
      {alert ? <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{t(alert.key, alert.params)}</p></div></div> : null}
      <ErrorSummary ctx={ctx} form={form} />
      <h1>{title}</h1>
      <p class="usa-intro">
        {t('attendance-take.roster.when', { school: view.schoolName, date: view.date })}
        {view.period ? ` ${t('attendance-take.roster.period', { period: view.period.label, time: view.period.starts_at })}` : ''}
      </p>
      <p>{submission ? t('attendance-take.roster.submitted', { time: i18n.dateTime(submission.submitted_at) }) : t('attendance-take.roster.not-submitted')}</p>
      {view.closed ? (
        <>
          <div class="usa-alert usa-alert--info" role="status"><div class="usa-alert__body"><p class="usa-alert__text">{t(view.closed, { date: view.date })}</p></div></div>
          {view.students.length ? (
            <ul class="usa-list">
              {view.students.map((s) => {
                const code = s.mark ? allCodes.find((c) => c.code === s.mark!.code) : undefined;
                return (
                  <li key={s.studentId}>
                    {s.firstName} {s.lastName}: {code ? codeLabel(ctx, code) : t('attendance-take.roster.present-default')}
                    {s.mark?.minutes != null ? ` ${t('attendance-take.roster.minutes-value', { minutes: s.mark.minutes })}` : ''}
                  </li>
                );
              })}
            </ul>
          ) : null}
        </>
      ) : view.students.length === 0 ? (
        <p>{t('attendance-take.roster.empty', { date: view.date })}</p>
      ) : (
        <form method="post" action={action} class="usa-form usa-form--large" novalidate>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="seen" value={form.values.seen ?? ''} />
          <p class="usa-hint">{t('attendance-take.roster.hint', { count: view.students.length })}</p>
          {view.students.map((s) => <StudentMarks ctx={ctx} form={form} student={s} codes={view.codes} allCodes={allCodes} key={s.studentId} />)}
          {correcting || view.afterTheFact ? (
            <div class={`usa-form-group${form.errors.reason ? ' usa-form-group--error' : ''}`}>
              <label class="usa-label" for={fieldId('reason')}>
                {t('attendance-take.roster.reason')}
                {!correcting ? <span class="usa-hint"> ({t('common.optional')})</span> : null}
              </label>
              <div class="usa-hint" id={`${fieldId('reason')}-hint`}>{t('attendance-take.roster.reason-hint')}</div>
              <ErrorMessage ctx={ctx} id={`${fieldId('reason')}-error`} error={form.errors.reason} />
              <textarea class={`usa-textarea${form.errors.reason ? ' usa-input--error' : ''}`} id={fieldId('reason')} name="reason" rows={2} maxLength={REASON_MAX}
                aria-invalid={form.errors.reason ? 'true' : undefined} aria-describedby={`${fieldId('reason')}-hint${form.errors.reason ? ` ${fieldId('reason')}-error` : ''}`}>{form.values.reason ?? ''}</textarea>
            </div>
          ) : null}
          {view.afterTheFact ? (
            <div class={`usa-form-group${form.errors.paperRecord ? ' usa-form-group--error' : ''}`}>
              <label class="usa-label" for={fieldId('paperRecord')}>{t('attendance-take.paper-record.label')}</label>
              <div class="usa-hint" id={`${fieldId('paperRecord')}-hint`}>{t('attendance-take.paper-record.hint')}</div>
              <ErrorMessage ctx={ctx} id={`${fieldId('paperRecord')}-error`} error={form.errors.paperRecord} />
              <input class={`usa-input${form.errors.paperRecord ? ' usa-input--error' : ''}`} id={fieldId('paperRecord')} name="paperRecord" maxLength={PAPER_RECORD_MAX} value={form.values.paperRecord ?? ''}
                aria-invalid={form.errors.paperRecord ? 'true' : undefined} aria-describedby={`${fieldId('paperRecord')}-hint${form.errors.paperRecord ? ` ${fieldId('paperRecord')}-error` : ''}`} />
            </div>
          ) : null}
          <button type="submit" class="usa-button usa-button--big">{t('attendance-take.roster.submit')}</button>
        </form>
      )}
      {view.changes.length ? <ChangesTable ctx={ctx} id="roster-changes" caption={t('attendance-take.changes.caption-roster')} changes={view.changes} allCodes={allCodes} showStudent /> : null}
    </Layout>
  );
}
