import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A big upload that is still a real PDF: test/fixtures/files/pay-stub.pdf, then a comment line
 * that makes each file unique (files are stored under their hash), then comment lines of spaces
 * up to the size. Readers ignore what follows %%EOF, and the app sniffs the type from the first
 * bytes, so the padding changes neither. Generated in 64 KiB chunks: never held whole in memory.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const PDF = fs.readFileSync(path.join(here, '../test/fixtures/files/pay-stub.pdf'));
const PAD = Buffer.from(`%${' '.repeat(62)}\n`.repeat(1024));

export const pdfHead = (tag: string): Buffer => Buffer.concat([PDF, Buffer.from(`%bench ${tag}\n`)]);

export function* paddedPdf(head: Uint8Array, size: number): Generator<Buffer> {
  yield Buffer.from(head);
  for (let left = size - head.length; left > 0; left -= PAD.length) yield left >= PAD.length ? PAD : PAD.subarray(0, left);
}
