import fs from 'node:fs';
import path from 'node:path';

function decodeQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Waits for an email to an address in the mail folder and returns its decoded text. */
export async function readMail(dataDir: string, to: string, subjectHint: RegExp, timeoutMs = 15_000): Promise<string> {
  const dir = path.join(dataDir, 'mail');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().reverse() : [];
    for (const f of files) {
      const raw = fs.readFileSync(path.join(dir, f), 'utf8');
      if (!raw.includes(`To: ${to}`)) continue;
      const text = decodeQuotedPrintable(raw);
      if (subjectHint.test(text)) return text;
    }
    if (Date.now() > deadline) throw new Error(`No email to ${to} matching ${subjectHint} in ${dir}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function firstLink(text: string, pathPart: string): string {
  const m = new RegExp(`https?://[^\\s"<>]*${pathPart}[^\\s"<>]*`).exec(text);
  if (!m) throw new Error(`No link containing ${pathPart}`);
  return m[0];
}
