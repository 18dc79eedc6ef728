import type { EmergencyContactsTable } from '../../../platform/db/schema.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { Layout } from '../../../platform/views/layout.js';
import type { LastChange } from '../emergency-contacts.js';

/** ENR-4: a student's emergency contacts in the order the school calls them, in the reader's language. */
export function ContactsTable({ ctx, contacts, caption }: { ctx: PageContext; contacts: EmergencyContactsTable[]; caption: string }) {
  const { t } = ctx;
  return (
    <DataTable
      caption={caption}
      variants={['stacked']}
      rows={contacts}
      rowKey={(c) => c.id}
      columns={[
        { header: t('emergency.list.name'), rowHeader: true, cell: (c) => c.name },
        { header: t('emergency.list.relationship'), cell: (c) => t(`emergency.relationships.${c.relationship}`) },
        { header: t('emergency.list.phone'), cell: (c) => <a class="usa-link" href={`tel:${c.phone.replace(/[^\d+]/g, '')}`}>{c.phone}</a> },
        { header: t('emergency.list.altPhone'), cell: (c) => (c.alt_phone ? <a class="usa-link" href={`tel:${c.alt_phone.replace(/[^\d+]/g, '')}`}>{c.alt_phone}</a> : '—') },
        { header: t('emergency.list.email'), cell: (c) => c.email ?? '—' },
        { header: t('emergency.list.language'), cell: (c) => (c.language ? t(`emergency.languages.${c.language}`) : '—') },
      ]}
    />
  );
}

/** Who last changed the list and when, as the office reads it. */
export function LastChangeLine({ ctx, last }: { ctx: PageContext; last: LastChange | null }) {
  if (!last) return null;
  const when = ctx.i18n.dateTime(last.at);
  return (
    <p class="usa-hint">
      {last.by.kind === 'family' ? ctx.t('emergency.staff.changedByFamily', { when }) : ctx.t('emergency.staff.changedByStaff', { when, who: last.by.email ?? ctx.t('emergency.staff.someone') })}
    </p>
  );
}

/**
 * ENR-4 on the office's page of one student: the contacts, who changed them last, and for the
 * office (not a teacher) the link to change them. No contact at all is said plainly: the roll's
 * "no emergency information" filter finds the same students.
 */
export function ContactsRecordSection({ ctx, studentId, contacts, last, canChange }: { ctx: PageContext; studentId: string; contacts: EmergencyContactsTable[]; last: LastChange | null; canChange: boolean }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="emergency-contacts-heading">
      <h2 id="emergency-contacts-heading">{t('emergency.staff.heading')}</h2>
      {contacts.length === 0 ? (
        <div class="usa-alert usa-alert--warning usa-alert--slim">
          <div class="usa-alert__body">
            <p class="usa-alert__text">{t('emergency.staff.none')}</p>
          </div>
        </div>
      ) : (
        <ContactsTable ctx={ctx} contacts={contacts} caption={t('emergency.list.caption', { count: contacts.length })} />
      )}
      <LastChangeLine ctx={ctx} last={last} />
      {canChange ? (
        <p>
          <a class="usa-link" href={`/staff/roll/students/${encodeURIComponent(studentId)}/emergency-contacts`}>{t(contacts.length ? 'emergency.staff.change' : 'emergency.staff.enter')}</a>
        </p>
      ) : null}
    </section>
  );
}

/** A teacher's page of a student's contacts: read only (the office changes them). */
export function ContactsReadPage({ ctx, title, contacts, last, back }: { ctx: PageContext; title: string; contacts: EmergencyContactsTable[]; last: LastChange | null; back: { href: string; label: string } }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a class="usa-link" href={back.href}>{back.label}</a>
      </p>
      <h1>{title}</h1>
      {contacts.length === 0 ? <p>{t('emergency.staff.none')}</p> : <ContactsTable ctx={ctx} contacts={contacts} caption={t('emergency.list.caption', { count: contacts.length })} />}
      <LastChangeLine ctx={ctx} last={last} />
      <p class="usa-hint">{t('emergency.staff.readOnly')}</p>
    </Layout>
  );
}
