import PDFDocument from 'pdfkit';

/**
 * A small layer over pdfkit for the letters and receipts people print: US Letter, the
 * standard Helvetica fonts (they cover Spanish), a heading, paragraphs and simple tables.
 */
export interface PdfWriter {
  doc: PDFKit.PDFDocument;
  title(text: string): PdfWriter;
  heading(text: string): PdfWriter;
  paragraph(text: string): PdfWriter;
  fields(rows: [string, string][]): PdfWriter;
  table(headers: string[], rows: string[][], widths: number[]): PdfWriter;
  finish(): Promise<Buffer>;
}

export function createPdf(meta: { title: string; language: string; author?: string }): PdfWriter {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 54,
    lang: meta.language,
    displayTitle: true,
    info: { Title: meta.title, Author: meta.author ?? 'Student Permits', Creator: 'Student Permits' },
    pdfVersion: '1.7',
    compress: false, // keeps the text searchable by simple tools; receipts are small
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 108;

  const w: PdfWriter = {
    doc,
    title(text) {
      doc.font('Helvetica-Bold').fontSize(18).text(text, { width });
      doc.moveDown(0.5);
      return w;
    },
    heading(text) {
      doc.moveDown(0.5);
      doc.font('Helvetica-Bold').fontSize(13).text(text, { width });
      doc.moveDown(0.25);
      return w;
    },
    paragraph(text) {
      doc.font('Helvetica').fontSize(11).text(text, { width });
      doc.moveDown(0.5);
      return w;
    },
    fields(rows) {
      for (const [label, value] of rows) {
        doc.font('Helvetica-Bold').fontSize(11).text(`${label}: `, { continued: true, width });
        doc.font('Helvetica').text(value);
      }
      doc.moveDown(0.5);
      return w;
    },
    table(headers, rows, widths) {
      const x0 = doc.page.margins.left;
      const total = widths.reduce((a, b) => a + b, 0);
      const cols = widths.map((x) => (x / total) * width);
      const drawRow = (cells: string[], bold: boolean) => {
        doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
        const heights = cells.map((c, i) => doc.heightOfString(c, { width: cols[i] - 6 }));
        const h = Math.max(...heights) + 6;
        if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
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
    finish() {
      doc.end();
      return done;
    },
  };
  return w;
}
