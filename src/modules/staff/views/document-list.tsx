import { FormLayout } from '../../../platform/views/form-layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { CsrfField, fieldId } from '../../../platform/views/forms.js';
import type { ApplicationsTable, DocumentsTable } from '../../../platform/db/schema.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { NOTE_MAX, REJECT_REASONS, canReview } from '../../documents/review.js';
import type { RequestView } from '../request-view.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import { ShortDate } from './short-date.js';

const base = (applicationId: string, documentId: string) => `/staff/requests/${applicationId}/documents/${documentId}`;
const label = (ctx: PageContext, district: DistrictConfig, code: string) => {
  const doc = district.documents.find((d) => d.code === code);
  return doc ? inLanguage(doc.label, ctx.lang) : ctx.t('documents.other');
};

/** DOC-3: a document's status as the permit office set it, with the reason and note of a rejection. */
export function DocumentStatus({ ctx, doc }: { ctx: PageContext; doc: Pick<DocumentsTable, 'status' | 'review_reason' | 'review_note' | 'reviewed_at'> }) {
  const { t } = ctx;
  if (doc.status === 'accepted' || doc.status === 'rejected') {
    return (
      <>
        <span class={`usa-tag ${doc.status === 'accepted' ? 'bg-success-darker' : 'bg-secondary-darker'}`}>{t(`review.status.${doc.status}`)}</span>
        {doc.review_reason ? <div>{t(`review.reasons.${doc.review_reason}`)}</div> : null}
        {doc.review_note ? <div class="app-queue__dob">“{doc.review_note}”</div> : null}
        {doc.reviewed_at ? <div class="app-queue__dob">{t('review.list.reviewed', { when: ctx.i18n.dateTime(doc.reviewed_at) })}</div> : null}
      </>
    );
  }
  return <>{t('review.status.received')}</>;
}

/** The reason (from the fixed list) and the note of a rejection. `suffix` keeps ids apart when a page has several. */
export function RejectForm({ ctx, action, form, suffix, name }: { ctx: PageContext; action: string; form: FormState; suffix?: string; name: string }) {
  const { t } = ctx;
  const id = (field: string) => fieldId(suffix ? `${field}-${suffix}` : field);
  const reasonError = form.errors.reason;
  const noteError = form.errors.note;
  return (
    <form method="post" action={action} class="usa-form" novalidate>
      <CsrfField ctx={ctx} />
      <input type="hidden" name="decision" value="rejected" />
      <div class={`usa-form-group${reasonError ? ' usa-form-group--error' : ''}`}>
        <label class="usa-label" for={id('reason')}>{t('review.list.reason')}</label>
        <ErrorMessage ctx={ctx} id={`${id('reason')}-error`} error={reasonError} />
        <select class={`usa-select${reasonError ? ' usa-input--error' : ''}`} id={id('reason')} name="reason" aria-invalid={reasonError ? 'true' : undefined} aria-describedby={reasonError ? `${id('reason')}-error` : undefined}>
          <option value="">{t('review.list.chooseReason')}</option>
          {REJECT_REASONS.map((r) => (
            <option value={r} selected={form.values.reason === r} key={r}>{t(`review.reasons.${r}`)}</option>
          ))}
        </select>
      </div>
      <div class={`usa-form-group${noteError ? ' usa-form-group--error' : ''}`}>
        <label class="usa-label" for={id('note')}>{t('review.list.note')} <span class="usa-hint">({t('common.optional')})</span></label>
        <div class="usa-hint" id={`${id('note')}-hint`}>{t('review.list.noteHint')}</div>
        <ErrorMessage ctx={ctx} id={`${id('note')}-error`} error={noteError} />
        <textarea
          class={`usa-textarea${noteError ? ' usa-input--error' : ''}`}
          id={id('note')}
          name="note"
          rows={3}
          maxLength={NOTE_MAX}
          aria-invalid={noteError ? 'true' : undefined}
          aria-describedby={`${id('note')}-hint${noteError ? ` ${id('note')}-error` : ''}`}
        >
          {form.values.note ?? ''}
        </textarea>
      </div>
      <button type="submit" class="usa-button usa-button--secondary">{t('review.list.reject')}<span class="usa-sr-only"> {name}</span></button>
    </form>
  );
}

/** Accept, or set back to received: one button each, a form of its own. */
function DecisionButton({ ctx, action, decision, text, name, outline = true }: { ctx: PageContext; action: string; decision: string; text: string; name: string; outline?: boolean }) {
  return (
    <form method="post" action={action} class="app-inline-form">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="decision" value={decision} />
      <button type="submit" class={outline ? 'usa-button usa-button--outline' : 'usa-button usa-button--unstyled'}>{text}<span class="usa-sr-only"> {name}</span></button>
    </form>
  );
}

/** DOC-3: the review actions of one document, for the permit office only. */
function ReviewActions({ ctx, action, doc, name }: { ctx: PageContext; action: string; doc: DocumentsTable; name: string }) {
  const { t } = ctx;
  return (
    <>
      {doc.status !== 'accepted' ? <DecisionButton ctx={ctx} action={action} decision="accepted" text={t('review.list.accept')} name={name} /> : null}
      {doc.status !== 'received' ? <DecisionButton ctx={ctx} action={action} decision="received" text={t('review.list.reset')} name={name} outline={false} /> : null}
      <details>
        <summary>{t('review.list.rejectOpen')}<span class="usa-sr-only"> {name}</span></summary>
        <RejectForm ctx={ctx} action={action} form={{ values: {}, errors: {} }} suffix={doc.id} name={name} />
      </details>
    </>
  );
}

/**
 * The documents of a request on its staff page: each file with a link to view it in the browser
 * and one to download it, its status, and (for the permit office) accept and reject; then the
 * required documents still missing (a rejected file does not count, DOC-3).
 */
export function DocumentList({ ctx, district, view }: { ctx: PageContext; district: DistrictConfig; view: RequestView }) {
  const { t, i18n } = ctx;
  const a = view.application;
  const reviewer = ctx.staff ? canReview(ctx.staff) : false;
  const docName = (d: RequestView['documents'][number]) => `${label(ctx, district, d.doc_type)}: ${d.original_name}`;
  return (
    <>
      <h2 id="req-documents">{t('documents.heading')}</h2>
      <DataTable
        id="documents-list"
        caption={t('documents.heading')}
        captionClass="usa-sr-only"
        variants={['borderless']}
        rows={view.documents}
        rowKey={(d) => d.id}
        rowAttrs={(d) => ({ id: `doc-${d.id}` })}
        columns={[
          { header: t('documents.checklist.document'), rowHeader: true, cell: (d) => label(ctx, district, d.doc_type) },
          {
            header: t('documents.receipt.file'),
            cell: (d) => (
              <>
                <a class="usa-link" href={base(a.id, d.id)}>{d.original_name}</a> <span class="app-queue__dob">({d.content_type})</span>
                <div><a class="usa-link" href={`${base(a.id, d.id)}/view`}>{t('review.list.view')}<span class="usa-sr-only"> {docName(d)}</span></a></div>
              </>
            ),
          },
          { header: t('documents.receipt.received'), cell: (d) => <ShortDate ctx={ctx} value={d.uploaded_at} timeZone={district.timeZone} /> },
          { header: t('documents.receipt.size'), cell: (d) => i18n.bytes(d.size_bytes) },
          { header: t('review.list.status'), cell: (d) => <DocumentStatus ctx={ctx} doc={d} /> },
          reviewer && { header: t('review.list.review'), cell: (d) => <ReviewActions ctx={ctx} action={`${base(a.id, d.id)}/review`} doc={d} name={docName(d)} /> },
        ]}
        more={
          <>
            {view.checklist.items.filter((c) => c.heldByRelease).map((c) => (
              <tr key={c.code}><th scope="row">{label(ctx, district, c.code)}</th><td colSpan={reviewer ? 5 : 4}>{t('documents.checklist.heldByReleaseStaff')}</td></tr>
            ))}
            {view.checklist.missingRequired.map((code) => (
              <tr key={code}><th scope="row">{label(ctx, district, code)}</th><td colSpan={reviewer ? 5 : 4}><span class="usa-tag app-tag--overdue">{t('documents.checklist.missing')}</span></td></tr>
            ))}
          </>
        }
      />
    </>
  );
}

/** DOC-3: one document's review on a page of its own; shown again with its errors when a rejection is incomplete. */
export function DocumentReviewPage({ ctx, district, application: a, doc, form }: { ctx: PageContext; district: DistrictConfig; application: ApplicationsTable; doc: DocumentsTable; form: FormState }) {
  const { t, i18n } = ctx;
  const action = `${base(a.id, doc.id)}/review`;
  const name = `${label(ctx, district, doc.doc_type)}: ${doc.original_name}`;
  return (
    <FormLayout ctx={ctx} title={t('review.page.title')} form={form} back={{ href: `/staff/requests/${a.id}#doc-${doc.id}`, label: t('review.page.back') }}>
      <dl class="app-summary">
        <dt>{t('staff.request.student')}</dt><dd>{`${a.student_last_name}, ${a.student_first_name}`}</dd>
        <dt>{t('documents.checklist.document')}</dt><dd>{label(ctx, district, doc.doc_type)}</dd>
        <dt>{t('documents.receipt.file')}</dt>
        <dd>
          {doc.original_name} ({i18n.bytes(doc.size_bytes)}) · <a class="usa-link" href={`${base(a.id, doc.id)}/view`}>{t('review.list.view')}</a> · <a class="usa-link" href={base(a.id, doc.id)}>{t('review.list.download')}</a>
        </dd>
        <dt>{t('review.list.status')}</dt><dd><DocumentStatus ctx={ctx} doc={doc} /></dd>
      </dl>
      {form.errors.decision ? <p class="usa-error-message" id={fieldId('decision')}>{t(form.errors.decision.key)}</p> : null}
      {doc.status !== 'accepted' ? <p><DecisionButton ctx={ctx} action={action} decision="accepted" text={t('review.list.accept')} name={name} /></p> : null}
      <h2>{t('review.list.reject')}</h2>
      <RejectForm ctx={ctx} action={action} form={form} name={name} />
    </FormLayout>
  );
}
