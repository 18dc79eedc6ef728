import type { ComponentChildren } from 'preact';
import { Layout } from '../../../platform/views/layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, SubmitButton } from '../../../platform/views/forms.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import type { DistrictConfig, ExitCodeConfig } from '../../districts/config-schema.js';
import { CONTACT_METHODS, CONTACT_OUTCOMES, NOTE_MAX, REACHED_MAX } from '../contact-log.js';
import { NO_SHOWS_SHOWN, type NoShowRow } from '../no-shows.js';

export interface NoShowsPageProps {
  ctx: PageContext;
  district: DistrictConfig;
  schools: DistrictConfig['schools'];
  /** The school shown (`district:code`). */
  schoolId: string;
  rows: NoShowRow[];
  /** The evening hour ("18:00") the list is made at. */
  at: string;
  exitCode?: ExitCodeConfig;
  /** Forms shown again, by `<enrollment id>:came` or `<enrollment id>:contact`. */
  forms?: Record<string, FormState>;
  alert?: { key: string; params?: Record<string, string | number> };
}

/** A field of one row's form: its own ids, so many forms share the page. */
function Field({ ctx, id, label, error, hint, optional, children }: { ctx: PageContext; id: string; label: string; error?: FormState['errors'][string]; hint?: string; optional?: boolean; children: ComponentChildren }) {
  return (
    <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
      <label class="usa-label" for={id}>
        {label}
        {optional ? <span class="usa-hint"> ({ctx.t('common.optional')})</span> : null}
      </label>
      {hint ? <div class="usa-hint" id={`${id}-hint`}>{hint}</div> : null}
      <ErrorMessage ctx={ctx} id={`${id}-error`} error={error} />
      {children}
    </div>
  );
}

const describedBy = (id: string, hint: boolean, error: unknown): string | undefined => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** The two outcomes and the contact log of one no-show. */
function Actions({ ctx, row, forms, exitCode }: { ctx: PageContext; row: NoShowRow; forms: Record<string, FormState>; exitCode?: ExitCodeConfig }) {
  const { t } = ctx;
  const came = forms[`${row.enrollmentId}:came`];
  const contact = forms[`${row.enrollmentId}:contact`];
  const id = (form: string, name: string) => `ns-${row.enrollmentId}-${form}-${name}`;
  const cv = contact?.values ?? {};
  const ce = contact?.errors ?? {};
  const who = `${row.firstName} ${row.lastName}`;
  return (
    <>
      <details open={Boolean(contact)}>
        <summary>{t('no-shows.contact.open')}<span class="usa-sr-only"> ({who})</span></summary>
        <form method="post" action={`/staff/roll/no-shows/${row.enrollmentId}/contacts`} class="usa-form" novalidate>
          <CsrfField ctx={ctx} />
          <Field ctx={ctx} id={id('contact', 'contacted_at')} label={t('no-shows.contact.when')} hint={t('no-shows.contact.whenHint')} error={ce.contactedAt}>
            <input class={`usa-input${ce.contactedAt ? ' usa-input--error' : ''}`} type="datetime-local" id={id('contact', 'contacted_at')} name="contacted_at" value={cv.contacted_at ?? ''}
              aria-invalid={ce.contactedAt ? 'true' : undefined} aria-describedby={describedBy(id('contact', 'contacted_at'), true, ce.contactedAt)} />
          </Field>
          <Field ctx={ctx} id={id('contact', 'method')} label={t('no-shows.contact.method')} error={ce.method}>
            <select class="usa-select" id={id('contact', 'method')} name="method" aria-invalid={ce.method ? 'true' : undefined} aria-describedby={describedBy(id('contact', 'method'), false, ce.method)}>
              <option value="">{t('common.selectPlaceholder')}</option>
              {CONTACT_METHODS.map((m) => <option value={m} selected={cv.method === m} key={m}>{t(`withdrawal.contact.method.${m}`)}</option>)}
            </select>
          </Field>
          <Field ctx={ctx} id={id('contact', 'reached')} label={t('no-shows.contact.reached')} hint={t('no-shows.contact.reachedHint')} error={ce.reached} optional>
            <input class={`usa-input${ce.reached ? ' usa-input--error' : ''}`} id={id('contact', 'reached')} name="reached" maxLength={REACHED_MAX} value={cv.reached ?? ''}
              aria-invalid={ce.reached ? 'true' : undefined} aria-describedby={describedBy(id('contact', 'reached'), true, ce.reached)} />
          </Field>
          <Field ctx={ctx} id={id('contact', 'outcome')} label={t('no-shows.contact.outcome')} error={ce.outcome}>
            <select class="usa-select" id={id('contact', 'outcome')} name="outcome" aria-invalid={ce.outcome ? 'true' : undefined} aria-describedby={describedBy(id('contact', 'outcome'), false, ce.outcome)}>
              <option value="">{t('common.selectPlaceholder')}</option>
              {CONTACT_OUTCOMES.map((o) => <option value={o} selected={cv.outcome === o} key={o}>{t(`withdrawal.contact.outcome.${o}`)}</option>)}
            </select>
          </Field>
          <Field ctx={ctx} id={id('contact', 'note')} label={t('no-shows.contact.note')} error={ce.note} optional>
            <textarea class={`usa-textarea${ce.note ? ' usa-input--error' : ''}`} id={id('contact', 'note')} name="note" rows={2} maxLength={NOTE_MAX}
              aria-invalid={ce.note ? 'true' : undefined} aria-describedby={describedBy(id('contact', 'note'), false, ce.note)}>{cv.note ?? ''}</textarea>
          </Field>
          <SubmitButton>{t('no-shows.contact.submit')}</SubmitButton>
        </form>
      </details>
      <details open={Boolean(came)}>
        <summary>{t('no-shows.came.open')}<span class="usa-sr-only"> ({who})</span></summary>
        <form method="post" action={`/staff/roll/no-shows/${row.enrollmentId}/came`} class="usa-form" novalidate>
          <CsrfField ctx={ctx} />
          <Field ctx={ctx} id={id('came', 'entry_date')} label={t('no-shows.came.date')} hint={t('no-shows.came.dateHint')} error={came?.errors.entryDate}>
            <input class={`usa-input${came?.errors.entryDate ? ' usa-input--error' : ''}`} type="date" id={id('came', 'entry_date')} name="entry_date" value={came?.values.entry_date ?? ''}
              aria-invalid={came?.errors.entryDate ? 'true' : undefined} aria-describedby={describedBy(id('came', 'entry_date'), true, came?.errors.entryDate)} />
          </Field>
          <SubmitButton>{t('no-shows.came.submit')}</SubmitButton>
        </form>
      </details>
      {exitCode ? (
        <p>
          <a class="usa-link" href={`/staff/roll/enrollments/${row.enrollmentId}/withdraw?code=${encodeURIComponent(exitCode.code)}`}>
            {t('no-shows.exit.link', { code: exitCode.code })}<span class="usa-sr-only"> ({who})</span>
          </a>
        </p>
      ) : null}
    </>
  );
}

/**
 * WDR-3: a school's open no-shows — pre-enrolled students who did not come by the evening of
 * their first expected day — with the contact attempts logged so far, and for each the two ways
 * out: the student came (the first day in the seat), or the no-show exit.
 */
export function NoShowsPage({ ctx, district, schools, schoolId, rows, at, exitCode, forms = {}, alert }: NoShowsPageProps) {
  const { t, i18n } = ctx;
  const errors = Object.entries(forms).flatMap(([key, f]) => Object.entries(f.errors).map(([field, e]) => ({ key, field, e })));
  const fieldOf: Record<string, string> = { contactedAt: 'contacted_at', entryDate: 'entry_date', method: 'method', reached: 'reached', outcome: 'outcome', note: 'note' };
  const school = schools.find((s) => `${district.slug}:${s.code}` === schoolId);
  return (
    <Layout ctx={ctx} title={t('no-shows.title')} hasErrors={errors.length > 0}>
      {alert ? <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{t(alert.key, alert.params)}</p></div></div> : null}
      {errors.length ? (
        <div class="usa-alert usa-alert--error app-error-summary" role="alert" tabIndex={-1} id="error-summary">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading">{t('common.errorSummaryHeading')}</h2>
            <ul class="usa-list">
              {errors.map(({ key, field, e }) => {
                const [enrollmentId, form] = key.split(':');
                return <li key={`${key}-${field}`}><a href={`#ns-${enrollmentId}-${form}-${fieldOf[field] ?? field}`}>{t(e.key, e.params)}</a></li>;
              })}
            </ul>
          </div>
        </div>
      ) : null}
      <h1>{t('no-shows.title')}</h1>
      <p class="usa-intro">{t('no-shows.intro', { at })}</p>
      {schools.length > 1 ? (
        <form method="get" action="/staff/roll/no-shows" class="usa-form">
          <label class="usa-label" for="no-shows-school">{t('no-shows.school')}</label>
          <select class="usa-select" id="no-shows-school" name="school">
            {schools.map((s) => {
              const v = `${district.slug}:${s.code}`;
              return <option value={v} selected={v === schoolId} key={v}>{s.name}</option>;
            })}
          </select>
          <button type="submit" class="usa-button usa-button--outline">{t('no-shows.show')}</button>
        </form>
      ) : null}
      <h2>{t('no-shows.heading', { school: school?.name ?? schoolId })}</h2>
      {rows.length === 0 ? (
        <p>{t('no-shows.empty')}</p>
      ) : (
        <>
          <DataTable
            caption={t('no-shows.caption', { count: rows.length, school: school?.name ?? schoolId })}
            variants={['stacked']}
            rows={rows}
            rowKey={(r) => r.enrollmentId}
            rowAttrs={(r) => ({ id: `no-show-${r.enrollmentId}` })}
            columns={[
              { header: t('no-shows.student'), rowHeader: true, cell: (r) => <a class="usa-link" href={`/staff/roll/students/${r.studentId}`}>{`${r.firstName} ${r.lastName}`}</a> },
              { header: t('no-shows.grade'), cell: (r) => t(`applications.grades.${r.grade}`) },
              { header: t('no-shows.expected'), cell: (r) => i18n.date(r.expectedDay) },
              {
                header: t('no-shows.contacts'),
                cell: (r) =>
                  r.contacts.length === 0 ? (
                    t('no-shows.noContacts')
                  ) : (
                    <ul class="usa-list usa-list--unstyled">
                      {r.contacts.map((c) => (
                        <li key={c.id}>
                          {i18n.dateTime(c.contacted_at)}: {t(`withdrawal.contact.method.${c.method}`)}, {t(`withdrawal.contact.outcome.${c.outcome}`)}
                          {c.reached ? ` (${c.reached})` : ''}
                        </li>
                      ))}
                    </ul>
                  ),
              },
              { header: t('no-shows.action'), cell: (r) => <Actions ctx={ctx} row={r} forms={forms} exitCode={exitCode} /> },
            ]}
          />
          {rows.length >= NO_SHOWS_SHOWN ? <p class="usa-hint">{t('no-shows.more', { count: NO_SHOWS_SHOWN })}</p> : null}
        </>
      )}
      {!exitCode ? <p class="usa-hint">{t('no-shows.exit.none', { district: inLanguage(district.name, ctx.lang) })}</p> : null}
    </Layout>
  );
}
