import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The text of a PDF as a reader would see it (pdftotext from Debian's poppler-utils, installed by .ci/run). */
export function pdfText(pdf: Buffer): string {
  const tmp = path.join(os.tmpdir(), `sp-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(tmp, pdf);
  try {
    return execFileSync('pdftotext', ['-layout', tmp, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
