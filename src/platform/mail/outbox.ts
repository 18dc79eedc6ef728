import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Catalogs } from '../i18n/catalogs.js';
import { translator, type Params } from '../i18n/translator.js';
import { newId } from '../ids.js';
import { ringForEmail } from './bell.js';
import { priorityOf, type MailPriority } from './priority.js';

export interface EmailToSend {
  /** The same key twice means the same message: the second is ignored. */
  dedupeKey: string;
  to: string;
  language: string;
  /** Catalog prefix: `<template>.subject` and `<template>.body` (paragraphs split by blank lines). */
  template: string;
  params: Params;
  accountId?: string | null;
  applicationId?: string | null;
  /** Staff emails do not show in a parent's account, so they sign off differently. */
  signatureKey?: string;
  /**
   * Whether the email's links to our pages carry its language (`?lang=`), so the page opens in
   * the language the email was written in (LNG-1). Yes for a parent's emails (no signatureKey);
   * a staff notice written in a fixed language leaves the reader's own choice of language alone.
   */
  linksCarryLanguage?: boolean;
  /** Which due messages go first; by default from the template (`priorityOf`, docs/adr/0021). */
  priority?: MailPriority;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Makes every web address of an already escaped paragraph a real link, so that a mail program
 * that does not find links by itself (or a reader who cannot copy a long line) can still open it.
 * A full stop, comma or closing bracket that ends the sentence is not part of the address.
 */
export function linkify(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<]+/g, (match) => {
    const url = match.replace(/(?:[.,;:!?)\]]|&#39;|&quot;)+$/, '');
    const rest = match.slice(url.length);
    return `<a href="${url}">${url}</a>${rest}`;
  });
}

/** The address with `lang=<lang>` in its query (`?lang=` or `&lang=`), replacing any it had; a `#part` stays last. */
export function withLanguage(url: string, lang: string): string {
  const hashAt = url.indexOf('#');
  const hash = hashAt < 0 ? '' : url.slice(hashAt);
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt < 0 ? [] : beforeHash.slice(queryAt + 1).split('&').filter((p) => p !== '' && !/^lang(=|$)/.test(p));
  return `${path}?${[...query, `lang=${encodeURIComponent(lang)}`].join('&')}${hash}`;
}

const ADDRESS = /https?:\/\/[^\s<>"]+/g;
const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * LNG-1: the links an email gives to our pages carry its language. Our pages are the origins of
 * the parameters that are links (composed by the code from PUBLIC_URL); an address of the same
 * origin inside a longer parameter (a move's advice) carries it too; an address of another site
 * (one a clerk typed into a note) is left as written.
 */
function paramsWithLanguage(params: Params, lang: string): Params {
  const ours = new Set<string>();
  for (const v of Object.values(params)) {
    if (typeof v === 'string' && /^https?:\/\/\S+$/.test(v)) {
      const origin = originOf(v);
      if (origin) ours.add(origin);
    }
  }
  if (ours.size === 0) return params;
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) {
    out[k] = typeof v !== 'string' ? v : v.replace(ADDRESS, (match) => {
      // A full stop, comma or bracket that ends the sentence is not part of the address.
      const url = match.replace(/[.,;:!?)\]']+$/, '');
      const origin = originOf(url);
      return origin && ours.has(origin) ? `${withLanguage(url, lang)}${match.slice(url.length)}` : match;
    });
  }
  return out;
}

export function renderEmail(catalogs: Catalogs, msg: Pick<EmailToSend, 'language' | 'template' | 'params' | 'signatureKey' | 'linksCarryLanguage'>) {
  const { t, lang } = translator(catalogs, msg.language);
  const params = (msg.linksCarryLanguage ?? !msg.signatureKey) ? paramsWithLanguage(msg.params, lang) : msg.params;
  const subject = t(`${msg.template}.subject`, params);
  const body = t(`${msg.template}.body`, params);
  const signature = t(msg.signatureKey ?? 'common.emailSignature');
  const text = `${body}\n\n${signature}\n`;
  const paragraphs = `${body}\n\n${signature}`
    .split(/\n\s*\n/)
    .map((p) => `<p>${linkify(escapeHtml(p)).replace(/\n/g, '<br>')}</p>`);
  const html = `<!DOCTYPE html><html lang="${escapeHtml(msg.language)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${paragraphs.join('\n')}</body></html>`;
  return { subject, text, html };
}

/**
 * Writes an email into the outbox inside the caller's transaction, so the message exists
 * if and only if the change that causes it is committed. A background sender delivers it: this
 * process's sender is woken once the transaction commits (`ringForEmail`), the others' by their poll.
 */
export async function enqueueEmail(
  trx: Kysely<Database> | Transaction<Database>,
  catalogs: Catalogs,
  msg: EmailToSend,
  nowIso: string,
): Promise<void> {
  const { subject, text, html } = renderEmail(catalogs, msg);
  // ON CONFLICT rather than catching the error: on PostgreSQL a failed statement would abort
  // the caller's whole transaction (two instances racing to send the same reminder).
  await trx
    .insertInto('outbox')
    .values({
      id: newId(),
      dedupe_key: msg.dedupeKey,
      account_id: msg.accountId ?? null,
      application_id: msg.applicationId ?? null,
      to_address: msg.to,
      language: msg.language,
      template: msg.template,
      subject,
      text_body: text,
      html_body: html,
      status: 'pending',
      priority: msg.priority ?? priorityOf(msg.template),
      attempts: 0,
      next_attempt_at: nowIso,
      locked_until: null,
      sent_at: null,
      last_error: null,
      created_at: nowIso,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
  ringForEmail(trx);
}
