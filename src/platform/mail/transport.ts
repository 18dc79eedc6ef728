import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { MailInDoubt, SmtpTransport, type SmtpPoolOptions } from './smtp-transport.js';

export interface OutgoingMail {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  /**
   * Delivers one message. A transport whose receiver could take the same message twice calls
   * `handOver` when the whole message is with the receiver but the one step that makes the
   * receiver accept it is still to come; if `handOver` throws, it gives up without that step,
   * so the receiver discards the message, and rethrows. It throws `MailInDoubt` when that step
   * may have been taken but the receiver's answer never came; any other error means the
   * message was not taken.
   */
  send(mail: OutgoingMail, handOver?: () => Promise<void>): Promise<void>;
  /** Closes what the transport keeps open between messages (the SMTP pool's connections). */
  close?(): Promise<void>;
}

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

export { MailInDoubt, SmtpTransport };

/** The SMTP transport when SMTP_URL is set (a pool of `pool.maxConnections`), else the mail folder. */
export function openTransport(smtpUrl: string | undefined, mailDir: string, pool?: SmtpPoolOptions): MailTransport {
  return smtpUrl ? new SmtpTransport(smtpUrl, pool) : new FolderTransport(mailDir);
}
