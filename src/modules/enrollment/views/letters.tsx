import type { EnrollmentDocumentsTable } from '../../../platform/db/schema.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, RadioGroup, SubmitButton } from '../../../platform/views/forms.js';
import { LETTER_LANGUAGES, type LetterLanguage, type LetterTarget } from '../not-attending-letters.js';

const letterAction = (enrollmentId: string) => `/staff/roll/enrollments/${encodeURIComponent(enrollmentId)}/not-attending-letter`;

/** The form that makes the letter for one enrollment: the language when no family account is linked (its language otherwise). */
function LetterForm({ ctx, form, target, familyLanguage }: { ctx: PageContext; form: FormState; target: LetterTarget; familyLanguage: LetterLanguage | null }) {
  const { t } = ctx;
  const e = target.enrollment;
  return (
    <form method="post" action={letterAction(e.id)} class="usa-form usa-form--large" novalidate>
      <CsrfField ctx={ctx} />
      {familyLanguage ? (
        <p>{t('roll-letters.section.familyLanguage', { language: t(`roll-letters.language.${familyLanguage}`) })}</p>
      ) : (
        <RadioGroup
          ctx={ctx}
          form={form}
          name="language"
          label={t('roll-letters.section.languageLabel')}
          hint={t('roll-letters.section.languageHint')}
          required
          options={LETTER_LANGUAGES.map((l) => ({ value: l, label: t(`roll-letters.language.${l}`) }))}
        />
      )}
      <SubmitButton>{t(e.status === 'pre_enrolled' ? 'roll-letters.section.makeNoShow' : 'roll-letters.section.makeNotAttending', { school: target.school, year: e.school_year })}</SubmitButton>
    </form>
  );
}

/**
 * WDR-1, WDR-3 on the office's page of one student: the not-attending / no-show letter for each
 * enrollment that is pre-enrolled or active at the office's schools. The letters kept are listed
 * with the enrollment's documents in the contact log below, where they download.
 */
export function LettersSection({ ctx, targets, familyLanguage }: { ctx: PageContext; targets: LetterTarget[]; familyLanguage: LetterLanguage | null }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="letters-heading">
      <h2 id="letters-heading">{t('roll-letters.section.heading')}</h2>
      <p>{t('roll-letters.section.intro')}</p>
      {targets.map((target) => (
        <LetterForm ctx={ctx} form={{ values: {}, errors: {} }} target={target} familyLanguage={familyLanguage} />
      ))}
    </section>
  );
}

/** The letter's form again on its own page, with what was refused beside its field. */
export function LetterFormPage({ ctx, form, target, student, studentId }: { ctx: PageContext; form: FormState; target: LetterTarget; student: string; studentId: string }) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={t('roll-letters.page.title', { name: student })} form={form} back={{ href: `/staff/roll/students/${encodeURIComponent(studentId)}`, label: t('roll-letters.page.back', { name: student }) }}>
      <LetterForm ctx={ctx} form={form} target={target} familyLanguage={null} />
    </FormLayout>
  );
}

/** The parent's student page: the letters the school sent about their child, each to download, in the parent's words. */
export function ParentLettersSection({ ctx, studentId, firstName, letters }: { ctx: PageContext; studentId: string; firstName: string; letters: (EnrollmentDocumentsTable & { school: string })[] }) {
  const { t, i18n } = ctx;
  return (
    <section aria-labelledby="letters-heading">
      <h2 id="letters-heading">{t('roll-letters.parent.heading')}</h2>
      <DataTable
        caption={t('roll-letters.parent.caption', { name: firstName })}
        variants={['stacked']}
        rows={letters}
        rowKey={(d) => d.id}
        columns={[
          { header: t('roll-letters.parent.letter'), rowHeader: true, cell: (d) => <a href={`/students/${encodeURIComponent(studentId)}/letters/${encodeURIComponent(d.id)}`}>{t('roll-letters.parent.download', { title: t('roll-letters.letter.title') })}</a> },
          { header: t('roll-letters.parent.school'), cell: (d) => d.school },
          { header: t('roll-letters.parent.date'), cell: (d) => i18n.dateTime(d.uploaded_at) },
        ]}
      />
    </section>
  );
}
