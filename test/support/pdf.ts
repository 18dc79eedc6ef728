import { extractTextItems } from 'unpdf';

/**
 * Reading back the PDFs the app writes, with pdf.js (through `unpdf`, which bundles it with no
 * other dependency), so the tests need Node.js and nothing else installed.
 *
 * pdf.js gives positioned pieces of text, not lines: pieces on the same baseline make one line,
 * read left to right, with a space wherever the PDF leaves a gap (a table's next column, or the
 * value after a bold label) — as a reader sees the page.
 */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  // A copy: pdf.js takes a Uint8Array (not a Buffer) and may detach what it is given.
  const { items } = await extractTextItems(new Uint8Array(pdf));
  return items.map((pieces) => {
    const lines: { y: number; size: number; pieces: typeof pieces }[] = [];
    for (const p of pieces) {
      if (!p.str) continue;
      // Same line when the baselines are within a third of the font size (bold and regular
      // pieces of one line share a baseline; the next line is a whole line height away).
      const line = lines.find((l) => Math.abs(l.y - p.y) < Math.max(l.size, p.fontSize) / 3);
      if (line) line.pieces.push(p);
      else lines.push({ y: p.y, size: p.fontSize, pieces: [p] });
    }
    // PDF coordinates grow upwards: the top line has the largest y.
    lines.sort((a, b) => b.y - a.y);
    return lines
      .map((l) => {
        let text = '';
        let end = -Infinity;
        for (const p of [...l.pieces].sort((a, b) => a.x - b.x)) {
          const gap = p.x - end > p.fontSize * 0.15;
          if (text && gap && !/\s$/.test(text) && !/^\s/.test(p.str)) text += ' ';
          text += p.str;
          end = p.x + p.width;
        }
        return text.trimEnd();
      })
      .join('\n');
  });
}

/** The whole text of a PDF, pages in order, every run of whitespace (line breaks too) one space. */
export async function pdfText(pdf: Buffer): Promise<string> {
  return (await pdfPages(pdf)).join(' ').replace(/\s+/g, ' ').trim();
}
