import type { Translator } from '../../platform/i18n/translator.js';
import { createPdf } from '../../platform/pdf/pdf.js';
import { formatConfirmationNumber } from '../applications/confirmation-number.js';
import type { Application, ChecklistStatus } from './service.js';

/**
 * DOC-2: a receipt a parent can print or keep on a phone, listing each file received with the
 * document it was sent for, its name, when it arrived and its size.
 *
 * `i18n` is a translator in the language of the page the parent downloads it from (the person
 * holding the receipt is the one who just clicked), set to the district's time zone so times
 * match the office's clock.
 */
export async function receiptPdf(i18n: Translator, app: Application, districtName: string, checklist: ChecklistStatus, generatedAt: string): Promise<Buffer> {
  const { t } = i18n;
  const lang = i18n.lang as 'en' | 'es';
  const { items, other } = checklist;
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
  const missing = items.filter((i) => checklist.missingRequired.includes(i.code));
  if (missing.length) {
    pdf.heading(t('documents.receipt.missingHeading'));
    pdf.bullets(missing.map((m) => m.label[lang] ?? m.label.en));
  }
  pdf.paragraph(t('documents.receipt.footer'));
  return pdf.finish();
}
