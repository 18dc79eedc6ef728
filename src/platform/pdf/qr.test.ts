import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../../../test/support/pdf.js';
import { decodeModules, gridOf, modulesFromRectangles, pdfRectangles, type Rect } from '../../../test/support/qr.js';
import { createPdf, QR_SIDE } from './pdf.js';
import { drawQr, qrMatrix, type QrCanvas } from './qr.js';

const LINK = 'https://permits.example.org/permits/verify?code=7KQ3M9X2HA';

/** A stand-in for the pdfkit document that keeps the rectangles it is asked to draw. */
function recorder() {
  const rects: Rect[] = [];
  const fills: unknown[] = [];
  const canvas = {
    save: () => canvas,
    restore: () => canvas,
    rect: (x: number, y: number, w: number, h: number) => (rects.push({ x, y, w, h }), canvas),
    fill: (color: unknown) => (fills.push(color), canvas),
  } as unknown as QrCanvas;
  return { canvas, rects, fills };
}

describe('QR code in a PDF', () => {
  it('DEC-6 draws exactly the modules of QRCode.create(link) at level M, and a QR reader reads the link back from them', () => {
    const { canvas, rects, fills } = recorder();
    const m = qrMatrix(LINK);
    drawQr(canvas, m, 54, 300, 99);
    const expected = gridOf(QRCode.create(LINK, { errorCorrectionLevel: 'M' }).modules);
    const drawn = modulesFromRectangles(rects);
    expect(drawn).toEqual(expected);
    expect(fills).toEqual(['#000000']); // one fill for the whole symbol
    // Every rectangle lies inside the square asked for.
    for (const r of rects) {
      expect(r.x).toBeGreaterThanOrEqual(54);
      expect(r.y).toBeGreaterThanOrEqual(300);
      expect(r.x + r.w).toBeLessThanOrEqual(54 + 99 + 1e-9);
      expect(r.y + r.h).toBeLessThanOrEqual(300 + 99 + 1e-9);
    }
    expect(decodeModules(drawn)).toBe(LINK);
  });

  it('DEC-6 the writer puts the symbol, its caption and its text on the page; read back from the PDF itself, it gives the link', async () => {
    const pdf = createPdf({ title: 'Permit', language: 'en' });
    pdf.paragraph('Before.');
    pdf.qr(LINK, 'Scan to check this permit', 'Anyone can check this permit with the code 7KQ3M-9X2HA.');
    pdf.paragraph('After.');
    const buf = await pdf.finish();
    const rects = pdfRectangles(buf);
    const grid = modulesFromRectangles(rects);
    expect(grid).toEqual(gridOf(QRCode.create(LINK, { errorCorrectionLevel: 'M' }).modules));
    expect(decodeModules(grid)).toBe(LINK);
    // Printed at QR_SIDE points: modules of about a millimetre, which a phone reads at arm's length.
    const unit = rects[0].h;
    expect(unit * grid.length).toBeCloseTo(QR_SIDE, 3);
    expect(unit).toBeGreaterThan(72 / 25.4 * 0.7);
    const text = await pdfText(buf);
    expect(text).toContain('Scan to check this permit');
    expect(text).toContain('7KQ3M-9X2HA');
    expect(text.indexOf('After.')).toBeGreaterThan(text.indexOf('7KQ3M-9X2HA'));
  });

  it('DEC-6 a block that would not fit above the bottom margin starts a new page, whole', async () => {
    const pdf = createPdf({ title: 'Long', language: 'en' });
    // Fill the first page until less than the symbol's height is left above the bottom margin.
    const bottom = pdf.doc.page.height - pdf.doc.page.margins.bottom;
    for (let i = 0; pdf.doc.y < bottom - QR_SIDE / 2; i++) pdf.paragraph(`Line ${i}`);
    expect(pdf.doc.bufferedPageRange().count).toBe(1);
    pdf.qr(LINK, 'Scan to check this permit', 'Text.');
    const buf = await pdf.finish();
    expect((buf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length).toBe(2);
    const rects = pdfRectangles(buf);
    // All of it near the top of page 2: pdfkit writes y from the top of the page.
    expect(Math.min(...rects.map((r) => r.y))).toBeLessThan(100);
    expect(decodeModules(modulesFromRectangles(rects))).toBe(LINK);
  });
});
