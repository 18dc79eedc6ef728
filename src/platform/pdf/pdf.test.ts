import { describe, expect, it } from 'vitest';
import { pdfPages, pdfText } from '../../../test/support/pdf.js';
import { createPdf, pdfSafeText } from './pdf.js';

const pages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

describe('PDF helper', () => {
  it('LNG-1 writes Spanish text that can be read back, accents included', async () => {
    const pdf = createPdf({ title: 'Recibo', language: 'es' });
    pdf.title('Recibo de documentos recibidos').fields([['Número de confirmación', '7KQ3-M9X2-H']]).paragraph('Señora Núñez: guárdelo, ¿sí?');
    const buf = await pdf.finish();
    expect(buf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(buf);
    expect(text).toContain('Recibo de documentos recibidos');
    expect(text).toContain('Número de confirmación: 7KQ3-M9X2-H');
    expect(text).toContain('Señora Núñez: guárdelo, ¿sí?');
  });

  it('a long table goes on to more pages, repeating its header', async () => {
    const pdf = createPdf({ title: 'Long', language: 'en' });
    const rows = Array.from({ length: 80 }, (_, i) => [`Document ${i}`, `file-${i}.pdf`, 'Sunday, November 22, 2026 at 10:00 AM PST', '1.4 KB']);
    pdf.table(['Document', 'File', 'Received', 'Size'], rows, [3, 3, 3, 1]);
    const buf = await pdf.finish();
    expect(pages(buf)).toBeGreaterThan(1);
    const text = await pdfText(buf);
    expect(text).toContain('file-0.pdf');
    expect(text).toContain('file-79.pdf');
    expect((await pdfPages(buf)).filter((p) => p.includes('Received')).length).toBe(pages(buf));
  });

  it('letters the standard fonts lack become their base letter, never garbage', async () => {
    expect(pdfSafeText('José Núñez — “Zoë” €')).toBe('José Núñez — “Zoë” €');
    expect(pdfSafeText('Nguyễn Łukasz Đặng')).toBe('Nguyen Lukasz Dang');
    expect(pdfSafeText('王小明')).toBe('???');
    const pdf = createPdf({ title: 'Names', language: 'en' });
    pdf.paragraph('Nguyễn Łukasz 王 then Zoë');
    expect(await pdfText(await pdf.finish())).toContain('Nguyen Lukasz ? then Zoë');
  });

  it('can stream the file instead of holding it', async () => {
    const pdf = createPdf({ title: 'Stream', language: 'en', compress: true });
    pdf.paragraph('Streamed');
    const chunks: Buffer[] = [];
    for await (const c of pdf.stream()) chunks.push(c as Buffer);
    const buf = Buffer.concat(chunks);
    expect(buf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfText(buf)).toContain('Streamed');
  });
});
