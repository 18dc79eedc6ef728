import type { BellPeriodsTable } from '../../../platform/db/schema.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, ErrorSummary, SelectInput, SubmitButton, TextInput, fieldId } from '../../../platform/views/forms.js';
import { Layout } from '../../../platform/views/layout.js';
import { CODE_MAX, NAME_MAX, type Candidate, type SectionView, type Teacher } from '../sections.js';
import { qs } from './sections-list.js';

/** The fields of a section: code, name, period (from the bell schedule) and teacher (the school's teachers, or none). */
function SectionFields({ ctx, form, periods, teachers }: { ctx: PageContext; form: FormState; periods: BellPeriodsTable[]; teachers: Teacher[] }) {
  const { t } = ctx;
  return (
    <>
      <TextInput ctx={ctx} form={form} name="code" label={t('attendance-sections.fields.code')} hint={t('attendance-sections.fields.codeHint', { max: CODE_MAX })} required maxLength={CODE_MAX + 20} width="md" />
      <TextInput ctx={ctx} form={form} name="name" label={t('attendance-sections.fields.name')} required maxLength={NAME_MAX + 20} />
      <SelectInput ctx={ctx} form={form} name="period" label={t('attendance-sections.fields.period')} hint={periods.length ? undefined : t('attendance-sections.list.noSchedule')} required
        options={periods.map((p) => ({ value: p.code, label: `${p.label} (${p.starts_at}–${p.ends_at})` }))} />
      <SelectInput ctx={ctx} form={form} name="teacher" label={t('attendance-sections.fields.teacher')} hint={t('attendance-sections.fields.teacherHint')}
        placeholder={t('attendance-sections.fields.noTeacher')} options={teachers.map((x) => ({ value: x.id, label: `${x.lastName}, ${x.firstName} (${x.email})` }))} />
    </>
  );
}

/** A new section at a school for a year. */
export function SectionNewPage({ ctx, form, schoolId, schoolName, year, periods, teachers, alert }: {
  ctx: PageContext; form: FormState; schoolId: string; schoolName: string; year: string; periods: BellPeriodsTable[]; teachers: Teacher[]; alert?: string;
}) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={t('attendance-sections.new.title')} form={form} back={{ href: `/staff/attendance/sections?${qs(schoolId, year)}`, label: t('attendance-sections.backToList', { school: schoolName }) }}>
      {alert ? <div class="usa-alert usa-alert--error usa-alert--slim" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{alert}</p></div></div> : null}
      <p class="usa-intro">{t('attendance-sections.new.intro', { school: schoolName, year })}</p>
      <form method="post" action="/staff/attendance/sections/new" class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="school" value={schoolId} />
        <input type="hidden" name="year" value={year} />
        <SectionFields ctx={ctx} form={form} periods={periods} teachers={teachers} />
        <SubmitButton>{t('attendance-sections.new.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}

export interface SectionForms {
  details?: FormState;
  add?: FormState;
  end?: FormState;
}

/** One section: its details (a form), its students with from/to (each with a form to end it), and a form to add a student. */
export function SectionPage({ ctx, view, schoolName, today, candidates, forms }: { ctx: PageContext; view: SectionView; schoolName: string; today: string; candidates: Candidate[]; forms: SectionForms }) {
  const { t, i18n } = ctx;
  const { section } = view;
  const details = forms.details ?? { values: { code: section.code, name: section.name, period: section.period_code, teacher: section.teacher_id ?? '' }, errors: {} };
  const add = forms.add ?? { values: { from: today }, errors: {} };
  const end = forms.end ?? { values: {}, errors: {} };
  const wrong = [details, add, end].find((f) => Object.keys(f.errors).length > 0);
  const title = t('attendance-sections.edit.title', { code: section.code });
  const base = `/staff/attendance/sections/${encodeURIComponent(section.id)}`;
  const current = view.members.filter((m) => m.to_date === null || m.to_date >= today).length;
  return (
    <Layout ctx={ctx} title={title} hasErrors={Boolean(wrong)}>
      <p><a class="usa-link" href={`/staff/attendance/sections?${qs(section.school_id, section.school_year)}`}>{t('attendance-sections.backToList', { school: schoolName })}</a></p>
      {wrong ? <ErrorSummary ctx={ctx} form={wrong} /> : null}
      <h1>{title}</h1>
      <p class="usa-intro">{t('attendance-sections.edit.intro', { name: section.name, school: schoolName, year: section.school_year, teacher: view.teacherName ?? t('attendance-sections.fields.noTeacher') })}</p>

      <h2 id="students-heading">{t('attendance-sections.students.heading')}</h2>
      <p>{t('attendance-sections.students.intro', { count: current })}</p>
      {view.members.length === 0 ? (
        <p>{t('attendance-sections.students.empty')}</p>
      ) : (
        <DataTable
          id="members"
          caption={t('attendance-sections.students.caption', { code: section.code })}
          variants={['stacked']}
          rows={view.members}
          rowKey={(m) => m.id}
          columns={[
            { header: t('attendance-sections.students.student'), rowHeader: true, cell: (m) => <a class="usa-link" href={`/staff/roll/students/${encodeURIComponent(m.student_id)}`}>{m.lastName}, {m.firstName}</a> },
            { header: t('attendance-sections.students.from'), cell: (m) => i18n.date(m.from_date) },
            { header: t('attendance-sections.students.to'), cell: (m) => (m.to_date ? i18n.date(m.to_date) : t('attendance-sections.students.stillIn')) },
            {
              header: t('attendance-sections.students.end'),
              cell: (m) => {
                if (m.to_date) return null;
                const name = `to_${m.id}`;
                const error = end.errors[name];
                return (
                  <form method="post" action={`${base}/students/${encodeURIComponent(m.id)}/end`} class="usa-form" novalidate>
                    <CsrfField ctx={ctx} />
                    <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
                      <label class="usa-label" for={fieldId(name)}>{t('attendance-sections.students.lastDay', { name: `${m.firstName} ${m.lastName}` })}</label>
                      <ErrorMessage ctx={ctx} id={`${fieldId(name)}-error`} error={error} />
                      <input class={`usa-input usa-input--md${error ? ' usa-input--error' : ''}`} type="date" id={fieldId(name)} name={name} value={end.values[name] ?? today}
                        aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${fieldId(name)}-error` : undefined} />
                    </div>
                    <button type="submit" class="usa-button usa-button--outline">{t('attendance-sections.students.endSubmit')}</button>
                  </form>
                );
              },
            },
          ]}
        />
      )}

      <h2 id="add-heading">{t('attendance-sections.add.heading')}</h2>
      <form method="post" action={`${base}/students`} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        {candidates.length ? (
          <SelectInput ctx={ctx} form={add} name="pick" label={t('attendance-sections.add.pick')} hint={t('attendance-sections.add.pickHint')}
            options={candidates.map((c) => ({ value: c.studentId, label: `${c.lastName}, ${c.firstName} (${t('attendance-sections.add.grade', { grade: c.grade })})` }))} />
        ) : null}
        <TextInput ctx={ctx} form={add} name="student" label={t('attendance-sections.add.student')} hint={t('attendance-sections.add.studentHint')} maxLength={80} width="md" />
        <TextInput ctx={ctx} form={add} name="from" type="date" label={t('attendance-sections.add.from')} hint={t('attendance-sections.add.fromHint')} required width="md" />
        <SubmitButton>{t('attendance-sections.add.submit')}</SubmitButton>
      </form>

      <h2 id="details-heading">{t('attendance-sections.edit.details')}</h2>
      <form method="post" action={base} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <SectionFields ctx={ctx} form={details} periods={view.periods} teachers={view.teachers} />
        <SubmitButton>{t('attendance-sections.edit.submit')}</SubmitButton>
      </form>
    </Layout>
  );
}
