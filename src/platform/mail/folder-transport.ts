import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { MailTransport, OutgoingMail } from './transport.js';

/**
 * Default transport: each message becomes an `.eml` file in a folder, named by its
 * message id, so a re-send after a crash overwrites rather than duplicates. It needs no
 * hand-over: writing the same message again is harmless here.
 */
export class FolderTransport implements MailTransport {
  private builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  constructor(private dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }
  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.builder.sendMail({ ...mail, messageId: `<${mail.messageId}@student-permits>` });
    const raw = (info as unknown as { message: Buffer }).message;
    const safe = mail.messageId.replace(/[^A-Za-z0-9_-]/g, '_');
    const final = path.join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safe}.eml`);
    const existing = fs.readdirSync(this.dir).find((f) => f.endsWith(`-${safe}.eml`));
    if (existing) return; // already delivered before a crash
    const tmp = path.join(this.dir, `.${safe}.tmp`);
    await fs.promises.writeFile(tmp, raw);
    await fs.promises.rename(tmp, final);
  }
}
