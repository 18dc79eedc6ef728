import type { EmergencyContactsTable, EnrollmentStatus } from '../../../platform/db/schema.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { ContactsTable } from './contacts-list.js';

/** One enrollment as the parent reads it (their own words for the district's codes). */
export interface ParentEnrollmentRow {
  id: string;
  schoolName: string;
  schoolYear: string;
  grade: string;
  status: EnrollmentStatus;
  entryDate: string | null;
  expectedFirstDay: string | null;
  exitDate: string | null;
  /** The exit reason's label in English and Spanish (the district's exit code, WDR-4). */
  exitReason: { en: string; es: string } | null;
}

export interface ParentEnrollmentView {
  studentId: string;
  firstName: string;
  /** The student's current primary enrollment (active, or pre-enrolled and expected), if any. */
  current: ParentEnrollmentRow | null;
  /** Every enrollment, earliest first. */
  history: ParentEnrollmentRow[];
  contacts: EmergencyContactsTable[];
}

const localized = (ctx: PageContext, l: { en: string; es: string }) => (ctx.lang === 'es' ? l.es : l.en);
const grade = (ctx: PageContext, g: string) => ctx.t(`applications.grades.${g}`);
const year = (y: string) => y.replace('-', '–');

/**
 * Issue 15 on the parent's student page: the child's school today, every enrollment with its
 * entry and exit (the exit's reason in the parent's language), and the emergency contacts with
 * the way to update them (ENR-4).
 */
export function ParentEnrollmentSection({ ctx, view }: { ctx: PageContext; view: ParentEnrollmentView }) {
  const { t, i18n } = ctx;
  const { current: c } = view;
  const contactsHref = `/students/${encodeURIComponent(view.studentId)}/emergency-contacts`;
  return (
    <>
      <section aria-labelledby="school-heading">
        <h2 id="school-heading">{t('emergency.parent.schoolHeading')}</h2>
        {c ? (
          <p>
            {c.status === 'active'
              ? t('emergency.parent.attends', { name: view.firstName, school: c.schoolName, grade: grade(ctx, c.grade), year: year(c.schoolYear) })
              : c.expectedFirstDay
                ? t('emergency.parent.expectedOn', { name: view.firstName, school: c.schoolName, grade: grade(ctx, c.grade), year: year(c.schoolYear), day: i18n.date(c.expectedFirstDay) })
                : t('emergency.parent.expected', { name: view.firstName, school: c.schoolName, grade: grade(ctx, c.grade), year: year(c.schoolYear) })}
          </p>
        ) : (
          <p>{t('emergency.parent.noCurrent', { name: view.firstName })}</p>
        )}
        {view.history.length ? (
          <DataTable
            caption={t('emergency.parent.historyCaption', { name: view.firstName })}
            variants={['stacked']}
            rows={view.history}
            rowKey={(r) => r.id}
            columns={[
              { header: t('emergency.parent.school'), rowHeader: true, cell: (r) => r.schoolName },
              { header: t('emergency.parent.year'), cell: (r) => year(r.schoolYear) },
              { header: t('emergency.parent.grade'), cell: (r) => grade(ctx, r.grade) },
              { header: t('emergency.parent.status'), cell: (r) => t(`emergency.status.${r.status}`) },
              { header: t('emergency.parent.entered'), cell: (r) => (r.entryDate ? i18n.date(r.entryDate) : t('emergency.parent.notYet')) },
              {
                header: t('emergency.parent.left'),
                cell: (r) => (r.exitDate ? `${i18n.date(r.exitDate)}${r.exitReason ? ` — ${localized(ctx, r.exitReason)}` : ''}` : '—'),
              },
            ]}
          />
        ) : null}
      </section>

      <section aria-labelledby="emergency-heading">
        <h2 id="emergency-heading">{t('emergency.parent.contactsHeading')}</h2>
        {view.contacts.length ? (
          <ContactsTable ctx={ctx} contacts={view.contacts} caption={t('emergency.parent.contactsCaption', { name: view.firstName })} />
        ) : (
          <div class="usa-alert usa-alert--warning usa-alert--slim">
            <div class="usa-alert__body">
              <p class="usa-alert__text">{t('emergency.parent.none', { name: view.firstName })}</p>
            </div>
          </div>
        )}
        <p>
          <a class="usa-button usa-button--outline" href={contactsHref}>{t(view.contacts.length ? 'emergency.parent.update' : 'emergency.parent.give')}</a>
        </p>
      </section>
    </>
  );
}
