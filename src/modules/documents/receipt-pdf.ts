import type { Translator } from '../../platform/i18n/translator.js';
import { createPdf } from '../../platform/pdf/pdf.js';
import { formatConfirmationNumber } from '../applications/confirmation-number.js';
import type { ChecklistItem, Application } from './service.js';
import type { DocumentsTable } from '../../platform/db/schema.js';

/** DOC-2: a receipt a parent can print, listing each file received with its time and size. */
export async function receiptPdf(
  i18n: Translator,
  app: Application,
  districtName: string,
  items: ChecklistItem[],
  other: DocumentsTable[],
  generatedAt: string,
): Promise<Buffer> {
  const { t } = i18n;
  const lang = i18n.lang as 'en' | 'es';
  const pdf = createPdf({ title: t('documents.receipt.title'), language: i18n.lang });
  pdf.title(t('documents.receipt.title'));
  pdf.fields([
    [t('documents.receipt.district'), districtName],
    [t('documents.receipt.student'), `${app.student_first_name} ${app.student_last_name}`],
    [t('documents.receipt.confirmation'), formatConfirmationNumber(app.confirmation_number)],
    [t('documents.receipt.generated'), i18n.dateTime(generatedAt)],
  ]);
  const rows: string[][] = [];
  for (const item of items) for (const f of item.files) rows.push([item.label[lang] ?? item.label.en, f.original_name, i18n.dateTime(f.uploaded_at), i18n.bytes(f.size_bytes)]);
  for (const f of other) rows.push([t('documents.other'), f.original_name, i18n.dateTime(f.uploaded_at), i18n.bytes(f.size_bytes)]);
  pdf.heading(t('documents.receipt.filesHeading', { count: rows.length }));
  if (rows.length === 0) pdf.paragraph(t('documents.receipt.none'));
  else pdf.table([t('documents.receipt.document'), t('documents.receipt.file'), t('documents.receipt.received'), t('documents.receipt.size')], rows, [3, 3, 3, 1]);
  const missing = items.filter((i) => i.required && i.files.length === 0);
  if (missing.length) {
    pdf.heading(t('documents.receipt.missingHeading'));
    for (const m of missing) pdf.paragraph(`• ${m.label[lang] ?? m.label.en}`);
  }
  pdf.paragraph(t('documents.receipt.footer'));
  return pdf.finish();
}
