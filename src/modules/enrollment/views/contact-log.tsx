import type { ContactAttemptsTable, EnrollmentDocumentsTable } from '../../../platform/db/schema.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, SelectInput, SubmitButton, TextArea, TextInput } from '../../../platform/views/forms.js';
import { CONTACT_METHODS, CONTACT_OUTCOMES, NOTE_MAX, REACHED_MAX } from '../contact-log.js';

/** A contact attempt as the pages show it: with the name of who logged it. */
export type ContactLine = ContactAttemptsTable & { loggedByName: string | null };

/** The form's fields, named so they never meet another form's on the student's page. */
export const CONTACT_FIELDS = { contactedAt: 'contact_when', method: 'contact_method', reached: 'contact_reached', outcome: 'contact_outcome', note: 'contact_note' } as const;

/** The wall-clock time now in the school's zone, as a datetime field takes it (`2026-12-01T09:30`). */
export function localNow(timeZone: string, now: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(now)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** Every attempt, oldest first: when, how, who was reached, the outcome, the note, who logged it. */
export function ContactLogTable({ ctx, rows, caption, showPurpose = false }: { ctx: PageContext; rows: ContactLine[]; caption: string; showPurpose?: boolean }) {
  const { t, i18n } = ctx;
  return (
    <DataTable
      caption={caption}
      variants={['stacked', 'borderless']}
      rows={rows}
      rowKey={(r) => r.id}
      columns={[
        { header: t('withdrawal.contact.when'), rowHeader: true, cell: (r) => i18n.dateTime(r.contacted_at) },
        showPurpose && { header: t('withdrawal.contact.purposeLabel'), cell: (r) => t(`withdrawal.contact.purpose.${r.purpose}`) },
        { header: t('withdrawal.contact.how'), cell: (r) => t(`withdrawal.contact.method.${r.method}`) },
        { header: t('withdrawal.contact.reached'), cell: (r) => r.reached ?? '—' },
        { header: t('withdrawal.contact.outcomeLabel'), cell: (r) => t(`withdrawal.contact.outcome.${r.outcome}`) },
        { header: t('withdrawal.contact.note'), cell: (r) => r.note ?? '—' },
        { header: t('withdrawal.contact.loggedBy'), cell: (r) => r.loggedByName ?? t('withdrawal.contact.system') },
      ]}
    />
  );
}

/**
 * The form to log one attempt (WDR-2, WDR-3): posted to the enrollment's contact log, the purpose
 * in a hidden field, and where to come back to once it is logged.
 */
export function ContactForm({ ctx, form, enrollmentId, purpose, back, heading }: { ctx: PageContext; form: FormState; enrollmentId: string; purpose: string; back: string; heading?: string }) {
  const { t } = ctx;
  const f = CONTACT_FIELDS;
  return (
    <form method="post" action={`/staff/roll/enrollments/${enrollmentId}/contacts`} class="usa-form usa-form--large" novalidate>
      {heading ? <h3>{heading}</h3> : null}
      <CsrfField ctx={ctx} />
      <input type="hidden" name="purpose" value={purpose} />
      <input type="hidden" name="back" value={back} />
      <TextInput ctx={ctx} form={form} name={f.contactedAt} type="datetime-local" label={t('withdrawal.contact.when')} hint={t('withdrawal.contact.whenHint')} required />
      <SelectInput ctx={ctx} form={form} name={f.method} label={t('withdrawal.contact.how')} required options={CONTACT_METHODS.map((m) => ({ value: m, label: t(`withdrawal.contact.method.${m}`) }))} />
      <TextInput ctx={ctx} form={form} name={f.reached} label={t('withdrawal.contact.reached')} hint={t('withdrawal.contact.reachedHint')} maxLength={REACHED_MAX} />
      <SelectInput ctx={ctx} form={form} name={f.outcome} label={t('withdrawal.contact.outcomeLabel')} required options={CONTACT_OUTCOMES.map((o) => ({ value: o, label: t(`withdrawal.contact.outcome.${o}`) }))} />
      <TextArea ctx={ctx} form={form} name={f.note} label={t('withdrawal.contact.note')} maxLength={NOTE_MAX} rows={3} />
      <SubmitButton>{t('withdrawal.contact.submit')}</SubmitButton>
    </form>
  );
}

/** The contact form on its own page, shown again after a refusal with what was typed and what is wrong. */
export function ContactFormPage({ ctx, form, enrollmentId, purpose, back, student }: { ctx: PageContext; form: FormState; enrollmentId: string; purpose: string; back: string; student: string }) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={t('withdrawal.contact.pageTitle', { name: student })} form={form} back={{ href: back, label: t('withdrawal.back') }}>
      <ContactForm ctx={ctx} form={form} enrollmentId={enrollmentId} purpose={purpose} back={back} />
    </FormLayout>
  );
}

export interface ContactLogEnrollment {
  id: string;
  school: string;
  schoolYear: string;
  status: string;
  contacts: ContactLine[];
  documents: EnrollmentDocumentsTable[];
  /** The office may log an attempt here (an enrollment not exited, and the staff member keeps the roll). */
  canLog: boolean;
  /** A pre-enrolled student is followed up as a no-show (WDR-3); an active one with due diligence (WDR-2). */
  purpose: 'due_diligence' | 'no_show';
}

/**
 * The contact log's section of the office's page of one student: for each enrollment at the
 * staff member's schools, the attempts logged (every purpose), the withdrawal documents kept
 * (WDR-1) with their download link, and for the office the form to log one more attempt.
 */
export function ContactLogSection({ ctx, studentId, enrollments, timeZone, now }: { ctx: PageContext; studentId: string; enrollments: ContactLogEnrollment[]; timeZone: string; now: Date }) {
  const { t, i18n } = ctx;
  const back = `/staff/roll/students/${studentId}#contact-log-heading`;
  return (
    <section aria-labelledby="contact-log-heading">
      <h2 id="contact-log-heading">{t('withdrawal.contact.heading')}</h2>
      <p class="usa-hint">{t('withdrawal.contact.intro')}</p>
      {enrollments.length === 0 ? <p>{t('withdrawal.contact.noEnrollment')}</p> : null}
      {enrollments.map((e) => (
        <div key={e.id} id={`contacts-${e.id}`}>
          <h3>{t('withdrawal.contact.enrollmentHeading', { school: e.school, year: e.schoolYear })}</h3>
          {e.contacts.length === 0 ? (
            <p>{t('withdrawal.contact.none')}</p>
          ) : (
            <ContactLogTable ctx={ctx} rows={e.contacts} showPurpose caption={t('withdrawal.contact.caption', { count: e.contacts.length })} />
          )}
          {e.documents.length ? (
            <>
              <h4>{t('withdrawal.documents.heading')}</h4>
              <ul class="usa-list">
                {e.documents.map((d) => (
                  <li key={d.id}>
                    <a class="usa-link" href={`/staff/roll/enrollment-documents/${d.id}`}>
                      {t(`withdrawal.document.${d.kind}`)}: {d.file_name}
                    </a>{' '}
                    <span class="usa-hint">({i18n.dateTime(d.uploaded_at)})</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {e.canLog ? (
            <details>
              <summary>{t('withdrawal.contact.logOne')}</summary>
              <ContactForm ctx={ctx} form={{ values: { [CONTACT_FIELDS.contactedAt]: localNow(timeZone, now) }, errors: {} }} enrollmentId={e.id} purpose={e.purpose} back={back} />
            </details>
          ) : null}
        </div>
      ))}
    </section>
  );
}
