import { describe, expect, it } from 'vitest';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { linkify, renderEmail, withLanguage } from '../src/platform/mail/outbox.js';

/**
 * The HTML part of an email carries each of its web addresses as a real link: some mail programs
 * find none by themselves, and a long address is hard to copy on a phone.
 */
const catalogs = loadCatalogs();
const LINK = 'https://permits.example.org/activate?token=Ab_9-xYz&lang=es';

describe('links in emails', () => {
  for (const language of ['en', 'es']) {
    for (const template of ['accounts.emails.activation', 'accounts.emails.reset', 'team.email.invite']) {
      it(`LNG-1 the ${template} email in ${language} links its address in the HTML part and keeps it whole in the text part`, () => {
        const mail = renderEmail(catalogs, { language, template, params: { firstName: 'María', link: LINK, hours: 24, minutes: 30, days: 7, inviter: 'Ana', district: 'LAUSD', role: 'clerk' } });
        // The link carries the email's language (LNG-1), in place of the one it had.
        const link = LINK.replace('lang=es', `lang=${language}`);
        const escaped = link.replace(/&/g, '&amp;');
        expect(mail.html).toContain(`<a href="${escaped}">${escaped}</a>`);
        expect(mail.text).toContain(link);
      });
    }
  }

  it('a full stop, comma or bracket after an address ends the sentence, not the link', () => {
    expect(linkify('Open https://a.example/x. Then')).toBe('Open <a href="https://a.example/x">https://a.example/x</a>. Then');
    expect(linkify('(see https://a.example/y),')).toBe('(see <a href="https://a.example/y">https://a.example/y</a>),');
    expect(linkify('no address here')).toBe('no address here');
  });

  it('text that only looks like markup stays text: the body is escaped before links are made', () => {
    const mail = renderEmail(catalogs, { language: 'en', template: 'accounts.emails.activation', params: { firstName: '<b>x</b>', link: 'https://a.example/"onmouseover="x', hours: 24 } });
    expect(mail.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(mail.html).not.toContain('onmouseover="x"');
  });

  it('LNG-1 withLanguage puts lang in the query, after any other, replacing one it had, before a #part', () => {
    expect(withLanguage('https://p.example/activate/abc', 'es')).toBe('https://p.example/activate/abc?lang=es');
    expect(withLanguage('https://p.example/apply?kind=incoming', 'es')).toBe('https://p.example/apply?kind=incoming&lang=es');
    expect(withLanguage('https://p.example/a?lang=en&x=1', 'es')).toBe('https://p.example/a?x=1&lang=es');
    expect(withLanguage('https://p.example/a?language=fr', 'es')).toBe('https://p.example/a?language=fr&lang=es');
    expect(withLanguage('https://p.example/a#documents', 'en')).toBe('https://p.example/a?lang=en#documents');
  });

  it('LNG-1 a parent email\'s addresses of our site carry its language, in the link and inside longer text; another site\'s address, typed by a clerk, is left as written', () => {
    const mail = renderEmail(catalogs, {
      language: 'es', template: 'decisions.email.infoRequested',
      params: {
        student: 'Mateo López', district: 'LAUSD', confirmation: 'ABCD-2345', due: '2027-01-01', documents: '-',
        message: 'Vea https://www.lacoe.example/forms. Y https://permits.example.org/upload, por favor.',
        link: 'https://permits.example.org/applications/42', uploadLink: 'https://permits.example.org/applications/42/documents',
      },
    });
    expect(mail.text).toContain('https://permits.example.org/applications/42/documents?lang=es');
    expect(mail.text).toContain('https://permits.example.org/upload?lang=es, por favor.');
    expect(mail.text).toContain('https://www.lacoe.example/forms. Y');
    expect(mail.text).not.toContain('lacoe.example/forms?lang');
    // and the due day is written out, never as digits
    expect(mail.text).toContain('viernes, 1 de enero de 2027');
    expect(mail.text).not.toContain('2027-01-01');
  });

  it('a staff notice in the staff\'s fixed English leaves the reader\'s own language alone: its links carry none', () => {
    const mail = renderEmail(catalogs, {
      language: 'en', template: 'decisions.email.staffReminder', signatureKey: 'common.staffEmailSignature',
      params: { count: 1, days: 3, list: '- ABCD-2345 (López): Friday, January 1, 2027', link: 'https://permits.example.org/staff/dashboard' },
    });
    expect(mail.text).toContain('https://permits.example.org/staff/dashboard');
    expect(mail.text).not.toContain('lang=');
  });
});
