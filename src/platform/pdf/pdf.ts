import PDFDocument from 'pdfkit';
import type { Readable } from 'node:stream';
import { drawQr, qrMatrix, QR_QUIET_ZONE } from './qr.js';

/** The printed side of a QR code, in points (72 to the inch). */
export const QR_SIDE = 100;

/**
 * A small layer over pdfkit for the letters and receipts people print: US Letter, the
 * standard Helvetica fonts (no font files to ship; they cover English and Spanish), a title,
 * headings, label–value lines, paragraphs and simple tables that break across pages.
 * Dates are written out by the caller's Translator (`i18n.date`, `i18n.dateTime`), so a PDF
 * reads like the page it came from.
 */
export interface PdfWriter {
  doc: PDFKit.PDFDocument;
  title(text: string): PdfWriter;
  heading(text: string): PdfWriter;
  paragraph(text: string): PdfWriter;
  bullets(items: string[]): PdfWriter;
  fields(rows: [string, string][]): PdfWriter;
  /** `widths` are relative (e.g. [3, 3, 3, 1]); long cells wrap, rows move to a new page whole. */
  table(headers: string[], rows: string[][], widths: number[]): PdfWriter;
  /**
   * A QR code of `data` (a link a phone camera opens) at the left margin, with a bold caption
   * and a paragraph beside it; the block moves to a new page whole.
   */
  qr(data: string, caption: string, text: string): PdfWriter;
  /** The finished file in memory: receipts and letters are a few kilobytes. */
  finish(): Promise<Buffer>;
  /** The file as a stream, for large documents sent straight to a response or to storage. */
  stream(): Readable;
}

export interface PdfMeta {
  title: string;
  language: string;
  author?: string;
  /** Off by default so simple tools (and tests) can search the text; these files are small. */
  compress?: boolean;
}

/**
 * The standard PDF fonts only know the Windows-1252 ("WinAnsi") characters. Anything else
 * (a Vietnamese or Polish letter, a Chinese name) would print as garbage and can even spoil
 * the text after it, so it becomes its base letter when it has one ("ễ" → "e", "Ł" → "L"),
 * or "?" when it has none.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const BASE_LETTER: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', Ŀ: 'L', ŀ: 'l' };

const isWinAnsi = (ch: string): boolean => {
  const c = ch.codePointAt(0)!;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || c === 0x0a || WIN_ANSI_EXTRA.has(ch);
};

export function pdfSafeText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (isWinAnsi(ch)) {
      out += ch;
      continue;
    }
    if (ch === '\t') {
      out += ' ';
      continue;
    }
    const base = BASE_LETTER[ch] ?? ch.normalize('NFD').replace(/\p{M}/gu, '');
    out += base && [...base].every(isWinAnsi) ? base : '?';
  }
  return out;
}

export function createPdf(meta: PdfMeta): PdfWriter {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 54,
    lang: meta.language,
    displayTitle: true,
    info: { Title: pdfSafeText(meta.title), Author: meta.author ?? 'Student Permits', Creator: 'Student Permits' },
    pdfVersion: '1.7',
    compress: meta.compress ?? false,
  });
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const s = pdfSafeText;

  const w: PdfWriter = {
    doc,
    title(text) {
      doc.font('Helvetica-Bold').fontSize(18).text(s(text), { width });
      doc.moveDown(0.5);
      return w;
    },
    heading(text) {
      doc.moveDown(0.5);
      doc.font('Helvetica-Bold').fontSize(13).text(s(text), { width });
      doc.moveDown(0.25);
      return w;
    },
    paragraph(text) {
      doc.font('Helvetica').fontSize(11).text(s(text), { width });
      doc.moveDown(0.5);
      return w;
    },
    bullets(items) {
      doc.font('Helvetica').fontSize(11);
      for (const item of items) doc.text(`•  ${s(item)}`, { width });
      doc.moveDown(0.5);
      return w;
    },
    fields(rows) {
      for (const [label, value] of rows) {
        doc.font('Helvetica-Bold').fontSize(11).text(`${s(label)}: `, { continued: true, width });
        doc.font('Helvetica').text(s(value));
      }
      doc.moveDown(0.5);
      return w;
    },
    table(headers, rows, widths) {
      const x0 = doc.page.margins.left;
      const total = widths.reduce((a, b) => a + b, 0);
      const cols = widths.map((x) => (x / total) * width);
      const drawRow = (raw: string[], bold: boolean) => {
        const cells = raw.map(s);
        doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
        const heights = cells.map((c, i) => doc.heightOfString(c, { width: cols[i] - 6 }));
        const h = Math.max(...heights) + 6;
        if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
          doc.addPage();
          // The header again on each page, so a printed second page still reads on its own.
          if (!bold) drawRow(headers, true);
        }
        const y = doc.y;
        let x = x0;
        cells.forEach((c, i) => {
          doc.text(c, x + 3, y + 3, { width: cols[i] - 6 });
          x += cols[i];
        });
        doc.moveTo(x0, y + h).lineTo(x0 + width, y + h).lineWidth(0.5).strokeColor('#888888').stroke();
        doc.x = x0;
        doc.y = y + h;
      };
      drawRow(headers, true);
      for (const r of rows) drawRow(r, false);
      doc.moveDown(0.5);
      return w;
    },
    qr(data, caption, text) {
      const matrix = qrMatrix(data);
      // About 1.4 inches: modules near a millimetre for a link of this length, which any phone reads.
      const side = QR_SIDE;
      const quiet = (side / matrix.size) * QR_QUIET_ZONE;
      if (doc.y + quiet + side > doc.page.height - doc.page.margins.bottom) doc.addPage();
      const x0 = doc.page.margins.left;
      const y0 = doc.y + quiet;
      drawQr(doc, matrix, x0, y0, side);
      const tx = x0 + side + quiet + 6;
      const tw = width - (tx - x0);
      doc.font('Helvetica-Bold').fontSize(12).text(s(caption), tx, y0, { width: tw });
      doc.moveDown(0.25);
      doc.font('Helvetica').fontSize(11).text(s(text), tx, doc.y, { width: tw });
      doc.x = x0;
      doc.y = Math.max(doc.y, y0 + side + quiet);
      doc.moveDown(0.5);
      return w;
    },
    finish() {
      const chunks: Buffer[] = [];
      const done = new Promise<Buffer>((resolve, reject) => {
        doc.on('data', (c: Buffer) => chunks.push(c));
        doc.on('end', () => resolve(Buffer.concat(chunks)));
        doc.on('error', reject);
      });
      doc.end();
      return done;
    },
    stream() {
      doc.end();
      return doc as unknown as Readable;
    },
  };
  return w;
}
