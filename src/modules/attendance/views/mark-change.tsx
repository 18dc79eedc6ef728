import type { FormState, PageContext } from '../../../platform/views/context.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, SelectInput, SubmitButton, TextArea, TextInput } from '../../../platform/views/forms.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import type { AttendanceCodeConfig } from '../../districts/config-schema.js';
import { AUTOMATIC_REASONS, PAPER_RECORD_MAX, REASON_MAX, type ChangeLine, type MarkView } from '../take.js';
import { rosterHref } from './today.js';

export const markHref = (studentId: string, sectionId: string, date: string): string =>
  `/staff/attendance/students/${encodeURIComponent(studentId)}/marks/${encodeURIComponent(sectionId)}/${date}`;

/** A mark as the tables write it: its code's label, and the minutes of a tardy; "present" for none. */
function markText(ctx: PageContext, allCodes: AttendanceCodeConfig[], code: string | null, minutes: number | null): string {
  if (!code) return ctx.t('attendance-take.roster.present-default');
  const c = allCodes.find((x) => x.code === code);
  const label = c ? `${inLanguage(c.label, ctx.lang)} (${c.code})` : code;
  return minutes != null ? `${label} ${ctx.t('attendance-take.roster.minutes-value', { minutes })}` : label;
}

/** ATT-7: every change of a mark, oldest first — from what, to what, who, when, why and on what paper record. */
export function ChangesTable({ ctx, id, caption, changes, allCodes, showStudent }: { ctx: PageContext; id: string; caption: string; changes: ChangeLine[]; allCodes: AttendanceCodeConfig[]; showStudent?: boolean }) {
  const { t, i18n } = ctx;
  return (
    <DataTable<ChangeLine>
      id={id}
      caption={caption}
      variants={['striped', 'stacked']}
      rows={changes}
      rowKey={(c) => c.id}
      columns={[
        { header: t('attendance-take.changes.when'), cell: (c) => i18n.dateTime(c.changed_at) },
        Boolean(showStudent) && { header: t('attendance-take.changes.student'), rowHeader: true, cell: (c) => c.studentName },
        { header: t('attendance-take.changes.from'), cell: (c) => markText(ctx, allCodes, c.from_code, c.from_minutes) },
        { header: t('attendance-take.changes.to'), cell: (c) => markText(ctx, allCodes, c.to_code, c.to_minutes) },
        { header: t('attendance-take.changes.by'), cell: (c) => c.byName },
        { header: t('attendance-take.changes.reason'), cell: (c) => (AUTOMATIC_REASONS[c.reason] ? t(AUTOMATIC_REASONS[c.reason]) : c.reason) },
        { header: t('attendance-take.changes.paper-record'), cell: (c) => c.paper_record ?? '' },
      ]}
    />
  );
}

/** The form's values for a mark as it stands. */
export const markValues = (view: MarkView): Record<string, string> => ({ code: view.mark?.code ?? '', minutes: view.mark?.minutes != null ? String(view.mark.minutes) : '' });

/**
 * ATT-7: the office changes one mark later — a code of the office's, the minutes of a tardy or an
 * early departure, why, and for a day before today the paper record the change rests on — with
 * the mark's history below it.
 */
export function MarkChangePage({ ctx, view, form, allCodes }: { ctx: PageContext; view: MarkView; form: FormState; allCodes: AttendanceCodeConfig[] }) {
  const { t } = ctx;
  const who = `${view.student.firstName} ${view.student.lastName}`;
  const afterTheFact = view.date < view.today;
  return (
    <FormLayout ctx={ctx} title={t('attendance-take.mark.title', { student: who })} form={form} back={{ href: rosterHref(view.section.id, view.date), label: t('attendance-take.mark.back', { section: view.section.name }) }}>
      <p class="usa-intro">{t('attendance-take.mark.intro', { section: view.section.name, code: view.section.code, school: view.schoolName, date: view.date })}</p>
      <p>{t('attendance-take.mark.current', { mark: markText(ctx, allCodes, view.mark?.code ?? null, view.mark?.minutes ?? null) })}</p>
      <form method="post" action={markHref(view.student.studentId, view.section.id, view.date)} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <SelectInput ctx={ctx} form={form} name="code" label={t('attendance-take.mark.code')} required options={view.codes.map((c) => ({ value: c.code, label: `${inLanguage(c.label, ctx.lang)} (${c.code})` }))} />
        <TextInput ctx={ctx} form={form} name="minutes" label={t('attendance-take.mark.minutes')} hint={t('attendance-take.mark.minutes-hint')} inputMode="numeric" maxLength={3} width="small" />
        <TextArea ctx={ctx} form={form} name="reason" label={t('attendance-take.mark.reason')} hint={t('attendance-take.mark.reason-hint')} required maxLength={REASON_MAX} rows={3} />
        <TextInput ctx={ctx} form={form} name="paperRecord" label={t('attendance-take.paper-record.label')} hint={t('attendance-take.paper-record.hint')} required={afterTheFact} maxLength={PAPER_RECORD_MAX} />
        <SubmitButton>{t('attendance-take.mark.submit')}</SubmitButton>
      </form>
      {view.changes.length ? <ChangesTable ctx={ctx} id="mark-changes" caption={t('attendance-take.changes.caption-mark', { student: who })} changes={view.changes} allCodes={allCodes} /> : <p>{t('attendance-take.changes.none')}</p>}
    </FormLayout>
  );
}
