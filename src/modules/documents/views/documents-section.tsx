import type { PageContext, FormState } from '../../../platform/views/context.js';
import { ErrorSummary, fieldId } from '../../../platform/views/forms.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import type { DocumentsTable } from '../../../platform/db/schema.js';
import { counts, type ChecklistItem } from '../service.js';
import { REJECT_REASONS } from '../review.js';
import { acceptAttribute } from '../../../platform/views/accept.js';
import { FileInputWordsScript, fileInputWords } from '../../../platform/views/file-input.js';

/** DOC-6: what the picker offers and USWDS's script lets through, whatever the case of the name. */
const DOCUMENT_ACCEPT = acceptAttribute(['pdf', 'jpg', 'jpeg', 'png', 'heic', 'heif'], ['application/pdf', 'image/jpeg', 'image/png', 'image/heic', 'image/heif']);

/** A rejected file is replaced once a file that counts arrived for the same document after it. */
const replaced = (f: DocumentsTable, all: DocumentsTable[]): boolean => all.some((g) => g.doc_type === f.doc_type && counts(g) && g.uploaded_at > f.uploaded_at);

/** DOC-3: rejected files the parent still has to send again. */
export const awaitingReplacement = (items: ChecklistItem[], other: DocumentsTable[]): DocumentsTable[] => {
  const all = [...items.flatMap((i) => i.files), ...other];
  return all.filter((f) => !counts(f) && !replaced(f, all));
};

/** One file of the checklist; a rejected one says why, in the parent's language, and what to send instead (DOC-3). */
function FileLine({ ctx, file: f, all }: { ctx: PageContext; file: DocumentsTable; all: DocumentsTable[] }) {
  const { t } = ctx;
  if (counts(f)) {
    return <li>✓ {f.original_name} ({ctx.i18n.bytes(f.size_bytes)}){f.status === 'accepted' ? ` — ${t('review.status.accepted')}` : ''}</li>;
  }
  const reason = (REJECT_REASONS as readonly string[]).includes(f.review_reason ?? '') ? f.review_reason! : 'other';
  return (
    <li>
      <span aria-hidden="true">✗</span> {f.original_name} ({ctx.i18n.bytes(f.size_bytes)}) — <strong>{t('review.rejectedBecause', { reason: t(`review.reasons.${reason}`) })}</strong>
      {replaced(f, all) ? (
        <div class="usa-hint">{t('review.parent.replaced')}</div>
      ) : (
        <div>{t('review.parent.sendInstead')} {t(`review.instead.${reason}`)}</div>
      )}
      {f.review_note ? <div>{t('review.parent.note')} {f.review_note}</div> : null}
    </li>
  );
}

/** DOC-3: says so at the top when a document must be sent again. */
export function RejectedAlert({ ctx, items, other }: { ctx: PageContext; items: ChecklistItem[]; other: DocumentsTable[] }) {
  if (awaitingReplacement(items, other).length === 0) return null;
  return (
    <div class="usa-alert usa-alert--warning" role="region" aria-labelledby="rejected-heading">
      <div class="usa-alert__body">
        <h3 class="usa-alert__heading" id="rejected-heading">{ctx.t('review.parent.alertHeading')}</h3>
        <p class="usa-alert__text">{ctx.t('review.parent.alertText')}</p>
      </div>
    </div>
  );
}

/** APP-11, DOC-5: the documents a request needs, and what has arrived for each. */
export function ChecklistTable({ ctx, items, other }: { ctx: PageContext; items: ChecklistItem[]; other: DocumentsTable[] }) {
  const { t } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  const all = [...items.flatMap((i) => i.files), ...other];
  return (
    <DataTable
      caption={t('documents.checklist.caption')}
      variants={['stacked', 'borderless']}
      class="app-checklist"
      rows={items}
      rowKey={(i) => i.code}
      columns={[
        {
          header: t('documents.checklist.document'),
          rowHeader: true,
          cell: (i) => (
            <>
              {i.label[lang] ?? i.label.en}
              <div class="usa-hint">{i.description[lang] ?? i.description.en}</div>
            </>
          ),
        },
        { header: t('documents.checklist.needed'), cell: (i) => (i.required ? t('documents.checklist.required') : t('documents.checklist.ifApplies')) },
        {
          header: t('documents.checklist.received'),
          cell: (i) => (
            <>
              {i.heldByRelease && !i.files.length ? (
                <span>{t('documents.checklist.heldByRelease')}</span>
              ) : i.files.length === 0 || (i.required && !i.files.some(counts)) ? (
                <span class={i.required ? 'usa-tag app-tag--missing' : undefined}>{i.required ? t('documents.checklist.missing') : '—'}</span>
              ) : null}
              {i.files.length ? (
                <ul class="usa-list usa-list--unstyled">
                  {i.files.map((f) => (
                    <FileLine ctx={ctx} file={f} all={all} key={f.id} />
                  ))}
                </ul>
              ) : null}
            </>
          ),
        },
      ]}
      more={
        other.length ? (
          <tr>
            <th scope="row" data-label={t('documents.checklist.document')}>{t('documents.other')}</th>
            <td data-label={t('documents.checklist.needed')}>—</td>
            <td data-label={t('documents.checklist.received')}>
              <ul class="usa-list usa-list--unstyled">
                {other.map((f) => (
                  <FileLine ctx={ctx} file={f} all={all} key={f.id} />
                ))}
              </ul>
            </td>
          </tr>
        ) : null
      }
    />
  );
}

/** One file input per document of the checklist, plus "other": works on any phone without JavaScript. */
export function UploadForm({ ctx, action, items, form, maxMb, maxFiles }: { ctx: PageContext; action: string; items: ChecklistItem[]; form: FormState; maxMb: number; maxFiles: number }) {
  const { t } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  const inputs = [...items.map((i) => ({ code: i.code, label: i.label[lang] ?? i.label.en })), { code: 'other', label: t('documents.other') }];
  return (
    <>
      <ErrorSummary ctx={ctx} form={form} />
      <form method="post" action={action} encType="multipart/form-data" class="usa-form usa-form--large" novalidate>
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <p class="usa-hint" id="upload-rules">{t('documents.upload.rules', { max: maxMb, files: maxFiles })}</p>
        {form.errors._form ? (
          <span class="usa-error-message" id={fieldId('_form')}>{t(form.errors._form.key, form.errors._form.params)}</span>
        ) : null}
        {inputs.map((i) => {
          const name = `file_${i.code}`;
          const e = form.errors[name];
          return (
            <div class={`usa-form-group${e ? ' usa-form-group--error' : ''}`} key={i.code}>
              <label class="usa-label" id={`${fieldId(name)}-label`} for={fieldId(name)}>{i.label}</label>
              <ErrorMessage ctx={ctx} id={`${fieldId(name)}-error`} error={e} />
              <input
                class="usa-file-input"
                id={fieldId(name)}
                name={name}
                type="file"
                multiple
                accept={DOCUMENT_ACCEPT}
                aria-describedby={e ? `upload-rules ${fieldId(name)}-error` : 'upload-rules'}
                // USWDS's file-input script puts one generic aria-label on every field; the label
                // named here wins over it, so each field keeps its document's name when spoken.
                aria-labelledby={`${fieldId(name)}-label`}
                {...fileInputWords(ctx)}
              />
            </div>
          );
        })}
        <button type="submit" class="usa-button">{t('documents.upload.submit')}</button>
      </form>
      <FileInputWordsScript />
    </>
  );
}

export function DocumentsSection({ ctx, items, other, form, action, receiptHref, maxMb, maxFiles, closed = false }: {
  ctx: PageContext; items: ChecklistItem[]; other: DocumentsTable[]; form: FormState; action: string; receiptHref: string; maxMb: number; maxFiles: number;
  /** A decided or closed request shows what was sent, but takes no more. */
  closed?: boolean;
}) {
  const { t } = ctx;
  const received = items.some((i) => i.files.length) || other.length > 0;
  return (
    <section aria-labelledby="documents-heading">
      <h2 id="documents-heading">{t('documents.heading')}</h2>
      <RejectedAlert ctx={ctx} items={items} other={other} />
      <ChecklistTable ctx={ctx} items={items} other={other} />
      {received ? (
        <p>
          <a class="usa-link" href={receiptHref} download>{t('documents.receipt.download')}</a>
        </p>
      ) : null}
      {closed ? (
        <p>{t('documents.errors.closed')}</p>
      ) : (
        <>
          <h3>{t('documents.upload.heading')}</h3>
          <UploadForm ctx={ctx} action={action} items={items} form={form} maxMb={maxMb} maxFiles={maxFiles} />
        </>
      )}
    </section>
  );
}
