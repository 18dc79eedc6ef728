import { describe, expect, it } from 'vitest';
import { loadCatalogs } from '../src/platform/i18n/catalogs.js';
import { linkify, renderEmail } from '../src/platform/mail/outbox.js';

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
        const escaped = LINK.replace(/&/g, '&amp;');
        expect(mail.html).toContain(`<a href="${escaped}">${escaped}</a>`);
        expect(mail.text).toContain(LINK);
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
});
