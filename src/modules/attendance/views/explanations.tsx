import type { AbsenceExplanationsTable, AttendanceChangesTable } from '../../../platform/db/schema.js';
import { acceptAttribute } from '../../../platform/views/accept.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FileInputWordsScript, OneFileField } from '../../../platform/views/file-input.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { Layout } from '../../../platform/views/layout.js';
import { CsrfField, RadioGroup, SelectInput, SubmitButton, TextArea, TextInput } from '../../../platform/views/forms.js';
import type { CapRefusal } from '../caps.js';
import { NOTE_MAX, OFFICE_CHANNELS, REFUSAL_MAX, notExcusedOf, type UnexplainedDay } from '../explanations.js';

const ACCEPT = acceptAttribute(['pdf', 'jpg', 'jpeg', 'png', 'heic', 'heif'], ['application/pdf', 'image/jpeg', 'image/png', 'image/heic', 'image/heif']);
const NS = 'attendance-explanations';

/** The dates of an explanation as one reads them: one day, or from one to another. */
export function datesText(ctx: PageContext, x: Pick<AbsenceExplanationsTable, 'from_date' | 'to_date'>): string {
  return x.from_date === x.to_date ? ctx.i18n.date(x.from_date) : ctx.t(`${NS}.dates.range`, { from: ctx.i18n.date(x.from_date), to: ctx.i18n.date(x.to_date) });
}

/** A reason as the reader reads it: the Education Code's, or "another reason". */
const reasonText = (ctx: PageContext, reason: string): string => ctx.t(`${NS}.reasons.${reason}`);

/** What a status says, with what the office wrote or the caps refused. */
function StatusCell({ ctx, x }: { ctx: PageContext; x: AbsenceExplanationsTable }) {
  const { t } = ctx;
  const notExcused = notExcusedOf(x);
  return (
    <>
      <strong>{t(`${NS}.status.${x.status}`)}</strong>
      {x.status === 'refused' && x.refusal ? <p class="margin-y-05">{t(`${NS}.refusalSaid`, { reason: x.refusal })}</p> : null}
      {notExcused.length ? <NotExcusedList ctx={ctx} items={notExcused} /> : null}
    </>
  );
}

/** ATT-3, ATT-6: the dates a cap kept unexcused, and why, in the reader's language. */
function NotExcusedList({ ctx, items }: { ctx: PageContext; items: (CapRefusal & { labels?: Record<string, string> })[] }) {
  return (
    <ul class="usa-list margin-y-05">
      {items.map((r) => (
        <li key={r.date}>{ctx.t(`${NS}.notExcused`, { date: ctx.i18n.date(r.date), why: ctx.t(r.key, { ...r.params, label: r.labels?.[ctx.lang] ?? r.labels?.en ?? r.params.label }) })}</li>
      ))}
    </ul>
  );
}

export interface ExplainFormData {
  studentName: string;
  action: string;
  back: { href: string; label: string };
  reasons: string[];
  maxMb: number;
  /** The office's form: it says how the explanation was given. */
  office: boolean;
}

/**
 * ATT-2: the explanation form — dates, whole or part of the day, the reason, a note and, if the
 * family has one, a photo of a note. Works without JavaScript (a date field falls back to text in
 * the YYYY-MM-DD form the hint gives) and on a phone.
 */
export function ExplainPage({ ctx, form, data }: { ctx: PageContext; form: FormState; data: ExplainFormData }) {
  const { t } = ctx;
  const docError = form.errors.document;
  return (
    <FormLayout ctx={ctx} title={t(`${NS}.form.title`, { name: data.studentName })} form={form} back={data.back}>
      <p>{t(data.office ? `${NS}.form.introOffice` : `${NS}.form.intro`)}</p>
      <form method="post" action={data.action} encType="multipart/form-data" class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        {data.office ? (
          <RadioGroup ctx={ctx} form={form} name="channel" label={t(`${NS}.form.channel`)} required options={OFFICE_CHANNELS.map((c) => ({ value: c, label: t(`${NS}.channels.${c}`) }))} />
        ) : null}
        <TextInput ctx={ctx} form={form} name="fromDate" type="date" label={t(`${NS}.form.fromDate`)} hint={t(`${NS}.form.dateHint`)} required width="medium" />
        <TextInput ctx={ctx} form={form} name="toDate" type="date" label={t(`${NS}.form.toDate`)} hint={t(`${NS}.form.toDateHint`)} width="medium" />
        <RadioGroup
          ctx={ctx}
          form={form}
          name="part"
          label={t(`${NS}.form.part`)}
          required
          options={[
            { value: 'whole', label: t(`${NS}.parts.whole`) },
            { value: 'part', label: t(`${NS}.parts.part`), description: t(`${NS}.form.partHint`) },
          ]}
        />
        <SelectInput ctx={ctx} form={form} name="reason" label={t(`${NS}.form.reason`)} hint={t(`${NS}.form.reasonHint`)} required options={data.reasons.map((r) => ({ value: r, label: reasonText(ctx, r) }))} />
        <TextArea ctx={ctx} form={form} name="note" label={t(`${NS}.form.note`)} hint={t(`${NS}.form.noteHint`, { max: NOTE_MAX })} required maxLength={NOTE_MAX} rows={4} />
        <OneFileField
          ctx={ctx}
          name="document"
          label={<>{t(`${NS}.form.document`)} <span class="usa-hint">({t('common.optional')})</span></>}
          hint={t(`${NS}.form.documentHint`, { max: data.maxMb })}
          error={docError}
          accept={ACCEPT}
        />
        <SubmitButton>{t(`${NS}.form.submit`)}</SubmitButton>
      </form>
      <FileInputWordsScript />
    </FormLayout>
  );
}

/** The parent's student page: the child's absences still unexplained and the explanations given, with their answers. */
export function ParentExplanationsSection({ ctx, studentId, firstName, unexplained, explanations }: { ctx: PageContext; studentId: string; firstName: string; unexplained: { date: string; status: string }[]; explanations: AbsenceExplanationsTable[] }) {
  const { t, i18n } = ctx;
  const base = `/students/${encodeURIComponent(studentId)}/attendance`;
  return (
    <section aria-labelledby="absences-heading">
      <h2 id="absences-heading">{t(`${NS}.parent.heading`)}</h2>
      {unexplained.length === 0 ? (
        <p>{t(`${NS}.parent.noneUnexplained`, { name: firstName })}</p>
      ) : (
        <DataTable
          caption={t(`${NS}.parent.unexplainedCaption`, { name: firstName })}
          variants={['stacked']}
          rows={unexplained}
          rowKey={(d) => d.date}
          columns={[
            { header: t(`${NS}.parent.date`), rowHeader: true, cell: (d) => i18n.date(d.date) },
            { header: t(`${NS}.parent.dayStatus`), cell: (d) => t(`${NS}.dayStatus.${d.status}`) },
            { header: t(`${NS}.parent.action`), cell: (d) => <a class="usa-link" href={`${base}/explain?date=${d.date}`}>{t(`${NS}.parent.explainDay`, { date: i18n.date(d.date) })}</a> },
          ]}
        />
      )}
      {explanations.length ? (
        <DataTable
          caption={t(`${NS}.parent.explanationsCaption`, { name: firstName })}
          variants={['stacked']}
          rows={explanations}
          rowKey={(x) => x.id}
          columns={[
            { header: t(`${NS}.parent.dates`), rowHeader: true, cell: (x) => datesText(ctx, x) },
            { header: t(`${NS}.parent.reason`), cell: (x) => `${reasonText(ctx, x.reason)} · ${t(`${NS}.parts.${x.part}`)}` },
            { header: t(`${NS}.parent.given`), cell: (x) => i18n.dateTime(x.created_at) },
            { header: t(`${NS}.parent.status`), cell: (x) => <StatusCell ctx={ctx} x={x} /> },
          ]}
        />
      ) : null}
      <ul class="usa-list usa-list--unstyled">
        <li><a class="usa-link" href={`${base}/explain`}>{t(`${NS}.parent.explainLink`)}</a></li>
        <li><a class="usa-link" href={base}>{t(`${NS}.parent.attendanceLink`, { name: firstName })}</a></li>
      </ul>
    </section>
  );
}

export interface PendingRow {
  id: string;
  student_id: string;
  from_date: string;
  to_date: string;
  part: string;
  reason: string;
  channel: string;
  created_at: string;
  first_name: string;
  last_name: string;
}

/** ATT-2: the office's queue — pending explanations oldest first, then the school's absences still unexplained. */
export function QueuePage({ ctx, schools, school, pending, unexplained }: { ctx: PageContext; schools: { id: string; name: string }[]; school: string; pending: PendingRow[]; unexplained: UnexplainedDay[] }) {
  const { t, i18n } = ctx;
  const name = schools.find((s) => s.id === school)?.name ?? school;
  return (
    <Layout ctx={ctx} title={t(`${NS}.queue.title`, { school: name })}>
      <h1>{t(`${NS}.queue.title`, { school: name })}</h1>
      {schools.length > 1 ? (
        <form method="get" action="/staff/attendance/explanations" class="usa-form">
          <label class="usa-label" for="queue-school">{t(`${NS}.queue.school`)}</label>
          <select class="usa-select" id="queue-school" name="school">
            {schools.map((s) => <option value={s.id} selected={s.id === school} key={s.id}>{s.name}</option>)}
          </select>
          <button type="submit" class="usa-button usa-button--outline margin-top-1">{t(`${NS}.queue.show`)}</button>
        </form>
      ) : null}
      <h2 id="pending-heading">{t(`${NS}.queue.pendingHeading`)}</h2>
      {pending.length === 0 ? (
        <p>{t(`${NS}.queue.nonePending`)}</p>
      ) : (
        <DataTable
          caption={t(`${NS}.queue.pendingCaption`, { count: pending.length })}
          variants={['stacked', 'striped']}
          rows={pending}
          rowKey={(x) => x.id}
          columns={[
            { header: t(`${NS}.queue.student`), rowHeader: true, cell: (x) => <a class="usa-link" href={`/staff/attendance/explanations/${x.id}`}>{`${x.last_name}, ${x.first_name}`}</a> },
            { header: t(`${NS}.queue.dates`), cell: (x) => datesText(ctx, x) },
            { header: t(`${NS}.queue.reason`), cell: (x) => `${reasonText(ctx, x.reason)} · ${t(`${NS}.parts.${x.part}`)}` },
            { header: t(`${NS}.queue.channel`), cell: (x) => t(`${NS}.channels.${x.channel}`) },
            { header: t(`${NS}.queue.given`), cell: (x) => i18n.dateTime(x.created_at) },
          ]}
        />
      )}
      <h2 id="unexplained-heading">{t(`${NS}.queue.unexplainedHeading`)}</h2>
      {unexplained.length === 0 ? (
        <p>{t(`${NS}.queue.noneUnexplained`)}</p>
      ) : (
        <DataTable
          caption={t(`${NS}.queue.unexplainedCaption`, { count: unexplained.length })}
          variants={['stacked', 'striped']}
          rows={unexplained}
          rowKey={(d) => `${d.studentId}:${d.date}`}
          columns={[
            { header: t(`${NS}.queue.student`), rowHeader: true, cell: (d) => <a class="usa-link" href={`/staff/attendance/students/${d.studentId}`}>{`${d.lastName}, ${d.firstName}`}</a> },
            { header: t(`${NS}.queue.date`), cell: (d) => i18n.date(d.date) },
            { header: t(`${NS}.queue.dayStatus`), cell: (d) => t(`${NS}.dayStatus.${d.status}`) },
            { header: t(`${NS}.queue.action`), cell: (d) => <a class="usa-link" href={`/staff/attendance/students/${d.studentId}/explanations/new?date=${d.date}`}>{t(`${NS}.queue.record`)}</a> },
          ]}
        />
      )}
    </Layout>
  );
}

export interface DecideData {
  x: AbsenceExplanationsTable;
  studentName: string;
  school: string;
  codes: { value: string; label: string }[];
  changes: AttendanceChangesTable[];
  /** Marks of the covered dates as they are now (the dates' absences). */
  marks: { date: string; code: string; period_code: string }[];
}

/** ATT-2: one explanation for the office — what was given, the photo, and the forms to accept (with a code) or refuse (with a reason); once decided, what the decision did. */
export function DecidePage({ ctx, data, accept, refuse, alert }: { ctx: PageContext; data: DecideData; accept: FormState; refuse: FormState; alert?: { key: string; params?: Record<string, string | number> } }) {
  const { t, i18n } = ctx;
  const { x } = data;
  const self = `/staff/attendance/explanations/${x.id}`;
  const form: FormState = { values: {}, errors: { ...accept.errors, ...refuse.errors } };
  return (
    <FormLayout ctx={ctx} title={t(`${NS}.decide.title`, { name: data.studentName })} form={form} back={{ href: '/staff/attendance/explanations', label: t(`${NS}.decide.back`) }}>
      {alert ? (
        <div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{t(alert.key, alert.params)}</p></div></div>
      ) : null}
      <dl class="app-summary">
        <dt>{t(`${NS}.decide.school`)}</dt><dd>{data.school}</dd>
        <dt>{t(`${NS}.decide.dates`)}</dt><dd>{datesText(ctx, x)} · {t(`${NS}.parts.${x.part}`)}</dd>
        <dt>{t(`${NS}.decide.reason`)}</dt><dd>{reasonText(ctx, x.reason)}</dd>
        <dt>{t(`${NS}.decide.channel`)}</dt><dd>{t(`${NS}.channels.${x.channel}`)} · {i18n.dateTime(x.created_at)} · {t(`${NS}.languages.${x.language}`)}</dd>
        <dt>{t(`${NS}.decide.note`)}</dt><dd>{x.removed_at ? t(`${NS}.decide.removed`, { date: i18n.date(x.removed_at.slice(0, 10)) }) : x.note}</dd>
        {x.document_key ? (<><dt>{t(`${NS}.decide.document`)}</dt><dd><a class="usa-link" href={`${self}/document`}>{t(`${NS}.decide.download`, { name: x.document_name ?? '' })}</a></dd></>) : null}
        <dt>{t(`${NS}.decide.status`)}</dt><dd><StatusCell ctx={ctx} x={x} /></dd>
      </dl>
      <h2 id="absences-heading">{t(`${NS}.decide.marksHeading`)}</h2>
      {data.marks.length === 0 ? <p>{t(`${NS}.decide.noMarks`)}</p> : (
        <DataTable
          caption={t(`${NS}.decide.marksCaption`)}
          variants={['stacked', 'borderless']}
          rows={data.marks}
          rowKey={(m) => `${m.date}:${m.period_code}`}
          columns={[
            { header: t(`${NS}.decide.date`), rowHeader: true, cell: (m) => i18n.date(m.date) },
            { header: t(`${NS}.decide.period`), cell: (m) => m.period_code },
            { header: t(`${NS}.decide.code`), cell: (m) => m.code },
          ]}
        />
      )}
      {x.status === 'accepted' ? (
        <>
          <h2 id="result-heading">{t(`${NS}.decide.resultHeading`)}</h2>
          <p>{t(`${NS}.decide.acceptedWith`, { code: x.code ?? '', count: data.changes.length })}</p>
          {data.changes.length ? (
            <DataTable
              caption={t(`${NS}.decide.changesCaption`)}
              variants={['stacked', 'borderless']}
              rows={data.changes}
              rowKey={(c) => c.id}
              columns={[
                { header: t(`${NS}.decide.date`), rowHeader: true, cell: (c) => i18n.date(c.date) },
                { header: t(`${NS}.decide.from`), cell: (c) => c.from_code ?? '' },
                { header: t(`${NS}.decide.to`), cell: (c) => c.to_code ?? '' },
              ]}
            />
          ) : null}
        </>
      ) : null}
      {x.status === 'pending' ? (
        <>
          <h2 id="accept-heading">{t(`${NS}.decide.acceptHeading`)}</h2>
          <form method="post" action={self} class="usa-form usa-form--large" novalidate>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="action" value="accept" />
            <SelectInput ctx={ctx} form={accept} name="code" label={t(`${NS}.decide.codeLabel`)} hint={t(`${NS}.decide.codeHint`)} required options={data.codes} />
            <SubmitButton>{t(`${NS}.decide.accept`)}</SubmitButton>
          </form>
          <h2 id="refuse-heading">{t(`${NS}.decide.refuseHeading`)}</h2>
          <form method="post" action={self} class="usa-form usa-form--large" novalidate>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="action" value="refuse" />
            <TextArea ctx={ctx} form={refuse} name="refusal" label={t(`${NS}.decide.refusalLabel`)} hint={t(`${NS}.decide.refusalHint`, { language: t(`${NS}.languages.${x.language}`) })} required maxLength={REFUSAL_MAX} rows={3} />
            <SubmitButton secondary>{t(`${NS}.decide.refuse`)}</SubmitButton>
          </form>
        </>
      ) : null}
    </FormLayout>
  );
}
