import jsqrModule from 'jsqr';

// jsqr is a CommonJS bundle whose types declare an ES default export: take the function either way.
const jsQR = ((jsqrModule as unknown as { default?: unknown }).default ?? jsqrModule) as typeof jsqrModule.default;

/**
 * Reading back the QR code the app draws into a PDF, with nothing but Node.js: the symbol is
 * plain filled rectangles (`x y w h re` in the page's uncompressed content), one per run of dark
 * modules, so the module grid is rebuilt from them, turned into a bitmap with its quiet zone, and
 * read by jsQR as a phone camera's picture would be.
 */
export interface Rect { x: number; y: number; w: number; h: number }

/** Every rectangle the PDF's pages draw, in the order drawn. */
export function pdfRectangles(pdf: Buffer): Rect[] {
  const n = '(-?\\d+(?:\\.\\d+)?)';
  return [...pdf.toString('latin1').matchAll(new RegExp(`(?<![\\d.])${n} ${n} ${n} ${n} re\\b`, 'g'))].map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) }));
}

/** The grid of dark modules the rectangles cover: rows of columns, true where dark. */
export function modulesFromRectangles(rects: Rect[]): boolean[][] {
  if (!rects.length) return [];
  const unit = Math.min(...rects.map((r) => r.h));
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const size = Math.round((Math.max(...rects.map((r) => r.x + r.w)) - x0) / unit);
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const r of rects) {
    const row = Math.round((r.y - y0) / unit);
    const col = Math.round((r.x - x0) / unit);
    for (let i = 0; i < Math.round(r.w / unit); i++) grid[row][col + i] = true;
  }
  return grid;
}

/** What a QR reader makes of a module grid, or null when it reads nothing. */
export function decodeModules(grid: boolean[][], scale = 4, quiet = 4): string | null {
  const size = grid.length;
  const px = (size + 2 * quiet) * scale;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!grid[row][col]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = (((row + quiet) * scale + dy) * px + (col + quiet) * scale + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
      }
    }
  }
  return jsQR(rgba, px, px)?.data ?? null;
}

/** The `qrcode` library's matrix as the same grid, to compare with what was drawn. */
export function gridOf(modules: { size: number; get(row: number, col: number): number | boolean }): boolean[][] {
  return Array.from({ length: modules.size }, (_, row) => Array.from({ length: modules.size }, (_, col) => Boolean(modules.get(row, col))));
}
