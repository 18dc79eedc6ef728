import QRCode from 'qrcode';

/**
 * A QR code drawn into a PDF as plain vector rectangles, from the `qrcode` library's module
 * matrix: no image, no font, no service called, and sharp at any print size.
 */

/** The modules of a QR code, row by row: `size` × `size`, true where the module is dark. */
export interface QrMatrix {
  size: number;
  dark(row: number, col: number): boolean;
}

/** Error correction M (15 %): a printed page that is folded or a little smudged still scans. */
export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: modules.size, dark: (row, col) => Boolean(modules.get(row, col)) };
}

/** A reader needs four light modules around the symbol (ISO/IEC 18004): callers leave this room. */
export const QR_QUIET_ZONE = 4;

/** What `drawQr` needs of a pdfkit document (a recording stand-in in tests). */
export type QrCanvas = Pick<PDFKit.PDFDocument, 'save' | 'restore' | 'rect' | 'fill'>;

/**
 * Draws the symbol with its top-left corner at (x, y), `side` points wide and high (the quiet
 * zone not included). Each run of dark modules in a row is one rectangle, all filled at once,
 * so a page holds a few hundred small path operators rather than an image.
 */
export function drawQr(doc: QrCanvas, m: QrMatrix, x: number, y: number, side: number): void {
  const unit = side / m.size;
  doc.save();
  for (let row = 0; row < m.size; row++) {
    let col = 0;
    while (col < m.size) {
      if (!m.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < m.size && m.dark(row, col)) col++;
      doc.rect(x + start * unit, y + row * unit, (col - start) * unit, unit);
    }
  }
  doc.fill('#000000');
  doc.restore();
}
