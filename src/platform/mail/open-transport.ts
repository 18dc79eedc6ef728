import type { MailTransport } from './transport.js';
import { FolderTransport } from './folder-transport.js';
import { SmtpTransport, type SmtpPoolOptions } from './smtp-transport.js';

/** The SMTP transport when SMTP_URL is set (a pool of `pool.maxConnections`), else the mail folder. */
export function openTransport(smtpUrl: string | undefined, mailDir: string, pool?: SmtpPoolOptions): MailTransport {
  return smtpUrl ? new SmtpTransport(smtpUrl, pool) : new FolderTransport(mailDir);
}
