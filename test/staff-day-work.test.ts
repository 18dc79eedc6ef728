import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { createApplication } from './support/applications.js';
import { completeRequest, request, staffMember } from './support/staff.js';
import { formatConfirmationNumber } from '../src/modules/applications/confirmation-number.js';

/**
 * Issue 12, points 5 and 6: a phone never scrolls sideways, and the staff queue and request page
 * read well for a day's work. The browser suite (e2e/phone-width.ts) measures the pages; these
 * tests hold the markup and the words that make it so.
 */
const D = 'lausd-sample';
const LONG_EMAIL = 'maria.jose.oneil.hernandez.family.account@example-school-district.org';

async function act(c: TestClient, id: string, path: string, form: Record<string, string>) {
  await c.get(`/staff/requests/${id}`);
  return c.post(`/staff/requests/${id}/${path}`, form);
}
const approve = (c: TestClient, id: string, over: Record<string, string> = {}) => act(c, id, 'approve', { school: '1001', years: '1', ...over });

/** The section of a page between an element's opening tag with `marker` and the end of that element's name. */
function rowOf(html: string, marker: string, tag = 'tr'): string {
  const at = html.indexOf(marker);
  if (at < 0) throw new Error(`no "${marker}" in the page`);
  const start = html.lastIndexOf(`<${tag}`, at);
  return html.slice(start, html.indexOf(`</${tag}>`, at) + tag.length + 3);
}
/** The history list of a request page, one string per line. */
const historyOf = (html: string) => [...(/<ol class="usa-list app-history">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '').matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]));
/** The rules of the stylesheets a page links, as [selectors, declarations]. */
async function stylesheetsOf(c: TestClient, html: string): Promise<[string, string][]> {
  const rules: [string, string][] = [];
  for (const [, href] of html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
    const css = (await c.get(href)).body.toString('utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const [, selectors, body] of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) rules.push([selectors.trim(), body]);
  }
  return rules;
}
const ruleFor = (rules: [string, string][], selector: string, declaration: RegExp) =>
  rules.some(([selectors, body]) => selectors.split(',').map((s) => s.trim()).includes(selector) && declaration.test(body));

for (const db of databases) {
  describe(`a day's work in the permit office on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2026-11-22T18:00:00Z'));

    it('staff tables write short dates in their cells with the whole date at hand, in English and in Spanish', async () => {
      const { client } = await staffMember(t, D);
      const app = await request(t, D, { decision_due_on: '2027-02-03', student_date_of_birth: '2018-04-09' });
      const en = await client.get('/staff/queue');
      const row = rowOf(en.html, `/staff/requests/${app.id}"`);
      expect(row).toContain('<time datetime="2027-02-03" title="Wednesday, February 3, 2027" class="app-nowrap"><span aria-hidden="true">Feb 3, 2027</span><span class="usa-sr-only">Wednesday, February 3, 2027</span></time>');
      expect(row).toContain('<span aria-hidden="true">Apr 9, 2018</span><span class="usa-sr-only">Monday, April 9, 2018</span>');
      // Received: the day, shown in the district's zone; the moment written out beside it for screen readers.
      expect(row).toMatch(/<time datetime="2026-11-22T18:00:00.000Z" title="Sunday, November 22, 2026 at 10:00 AM PST" class="app-nowrap"><span aria-hidden="true">Nov 22, 2026<\/span>/);
      expect(textOf(row)).not.toContain('Wednesday, February 3, 2027 Wednesday');
      const es = await client.get('/staff/queue?lang=es');
      const fila = rowOf(es.html, `/staff/requests/${app.id}"`);
      expect(fila).toContain('<span aria-hidden="true">3 feb 2027</span><span class="usa-sr-only">miércoles, 3 de febrero de 2027</span>');
      // The dashboard's due list and a request's documents do the same.
      const soon = await completeRequest(t, D, { decision_due_on: '2026-11-25' });
      const dashboard = await client.get('/staff/dashboard?lang=en');
      expect(rowOf(dashboard.html, `/staff/requests/${soon.id}"`)).toContain('<span aria-hidden="true">Nov 25, 2026</span><span class="usa-sr-only">Wednesday, November 25, 2026</span>');
      const doc = await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', soon.id).executeTakeFirstOrThrow();
      expect(rowOf((await client.get(`/staff/requests/${soon.id}`)).html, `id="doc-${doc.id}"`)).toContain('<span aria-hidden="true">Nov 22, 2026</span><span class="usa-sr-only">Sunday, November 22, 2026 at 10:00 AM PST</span>');
    });

    it('the queue\'s table scrolls in its own box, a named region the keyboard reaches; confirmation numbers stay on one line', async () => {
      const { client } = await staffMember(t, D);
      const app = await request(t, D);
      const page = await client.get('/staff/queue');
      expect(page.html).toMatch(/<div class="usa-table-container--scrollable app-table-box" tabindex="0" role="region" aria-labelledby="queue-caption"><table class="usa-table[^"]*app-queue"><caption id="queue-caption">Requests in the order received<\/caption>/);
      expect(rowOf(page.html, `/staff/requests/${app.id}"`)).toContain(`<td class="app-nowrap">${formatConfirmationNumber(app.confirmation_number)}</td>`);
      // The request page's tables scroll in boxes of their own too.
      const req = await client.get(`/staff/requests/${app.id}`);
      expect(req.html).toContain('<div class="usa-table-container--scrollable app-table-box" tabindex="0" role="region" aria-labelledby="documents-list-caption">');
      // The stylesheets the pages link keep the box's USWDS rule (the build purges unused ones) and ours.
      const rules = await stylesheetsOf(client, page.html);
      expect(ruleFor(rules, '.usa-table-container--scrollable', /overflow-y:\s*hidden/)).toBe(true);
      expect(ruleFor(rules, '.app-nowrap', /white-space:\s*nowrap/)).toBe(true);
    });

    it('a long email address breaks instead of widening the confirmation and application pages; the confirmation number never breaks', async () => {
      const { client, user } = await signedInParent(t, { email: LONG_EMAIL });
      const student = await buildStudent(t, user.id);
      const app = await createApplication(t, user.id, student.id, { decision_email: LONG_EMAIL });
      const confirmation = await client.get(`/applications/${app.id}/confirmation`);
      expect(confirmation.status).toBe(200);
      expect(textOf(confirmation.html)).toContain(LONG_EMAIL);
      expect(confirmation.html).toContain(`<p class="app-confirmation-number" data-testid="confirmation-number">${formatConfirmationNumber(app.confirmation_number)}</p>`);
      const application = await client.get(`/applications/${app.id}`);
      expect(textOf(application.html)).toContain(LONG_EMAIL);
      expect(application.html).toContain(`<dd class="app-confirmation-number--small">${formatConfirmationNumber(app.confirmation_number)}</dd>`);
      const rules = await stylesheetsOf(client, confirmation.html);
      expect(ruleFor(rules, '.app-main', /overflow-wrap:\s*anywhere/)).toBe(true);
      expect(ruleFor(rules, '.app-confirmation-number', /white-space:\s*nowrap/)).toBe(true);
      expect(ruleFor(rules, '.app-confirmation-number--small', /white-space:\s*nowrap/)).toBe(true);
    });

    it('DEC-3 an undecided request\'s heading gives its decision due date; a decided request\'s heading no longer does', async () => {
      const { client } = await staffMember(t, D);
      const app = await completeRequest(t, D, { decision_due_on: '2026-12-22' });
      const intro = async () => textOf(/<p class="usa-intro">([\s\S]*?)<\/p>/.exec((await client.get(`/staff/requests/${app.id}`)).html)![1]);
      expect(await intro()).toBe('Received · Decision due: Tuesday, December 22, 2026');
      expect((await approve(client, app.id)).status).toBe(303);
      expect(await intro()).toBe('Approved');
    });

    it('the history is written in words, in the order things happened, each email after the change that caused it', async () => {
      const { client } = await staffMember(t, D);
      const app = await completeRequest(t, D, { grade_requested: '6' });
      expect((await approve(client, app.id, { school: '2001', years: '2' })).status).toBe(303);
      t.clock.set('2026-11-22T18:10:00Z');
      expect((await act(client, app.id, 'revoke', { revoke_reasons__attendance: 'yes', revoke_note: 'Forty absences.' })).status).toBe(303);
      const page = await client.get(`/staff/requests/${app.id}`);
      const lines = historyOf(page.html);
      expect(lines).toEqual([
        `Sunday, November 22, 2026 at 10:00 AM PST — Approved for Mission Hills Middle School, 2 school years`,
        `Sunday, November 22, 2026 at 10:00 AM PST — Email to the family: Permit approved for Mateo ${app.student_last_name}`,
        'Sunday, November 22, 2026 at 10:10 AM PST — Permit revoked: Repeated failure to follow attendance policies',
        expect.stringMatching(/^Sunday, November 22, 2026 at 10:10 AM PST — Email to the family: /),
      ]);
      expect(textOf(page.html)).not.toMatch(/school:\d|years:\d/);
      // LNG-1: staff who chose Spanish read it in Spanish.
      const es = historyOf((await client.get(`/staff/requests/${app.id}?lang=es`)).html);
      expect(es[0]).toContain('Aprobada para Mission Hills Middle School, 2 años escolares');
      expect(es[2]).toContain('Permiso revocado: Incumplimiento repetido de las normas de asistencia');
    });

    it('a request for missing items reads with its due date written out, not its code', async () => {
      const { client } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      expect((await act(client, app.id, 'request-info', { info_message: 'Send a pay stub from the last 30 days.', 'info_docs__pay-stub': 'yes', info_due: '2026-12-07' })).status).toBe(303);
      const lines = historyOf((await client.get(`/staff/requests/${app.id}`)).html);
      expect(lines[0]).toBe('Sunday, November 22, 2026 at 10:00 AM PST — Missing items asked of the parent, due Monday, December 7, 2026');
      expect(lines[1]).toMatch(/— Email to the family: /);
      expect(lines.join(' ')).not.toContain('due:');
    });

    it('DOC-3 each document\'s reject form is folded until asked for', async () => {
      const { client } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      const docs = await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).execute();
      expect(docs.length).toBeGreaterThan(1);
      const html = (await client.get(`/staff/requests/${app.id}`)).html;
      for (const d of docs) {
        const row = rowOf(html, `id="doc-${d.id}"`);
        const folded = /<details>\s*<summary>Reject…<span class="usa-sr-only">[^<]*<\/span><\/summary>([\s\S]*?)<\/details>/.exec(row);
        expect(folded, `document ${d.id}`).not.toBeNull();
        expect(folded![1]).toContain(`action="/staff/requests/${app.id}/documents/${d.id}/review"`);
        expect(folded![1]).toContain('name="decision" value="rejected"');
        // Nothing of the rejection is outside the fold, and the fold is closed.
        expect(row.replace(folded![0], '')).not.toContain('value="rejected"');
        expect(row).not.toMatch(/<details[^>]*\sopen/);
      }
    });

    it('DEC-10 where a permit can no longer be revoked, the request page says why instead of leaving the section out', async () => {
      const { client } = await staffMember(t, D);
      const high = await completeRequest(t, D, { grade_requested: '10' });
      expect((await approve(client, high.id, { school: '3002', years: '1' })).status).toBe(303);
      const barred = (await client.get(`/staff/requests/${high.id}`)).html;
      const section = /<div class="app-decision__form" id="revocation-barred">([\s\S]*?)<\/div>/.exec(barred);
      expect(section).not.toBeNull();
      expect(textOf(section![1])).toBe('Revoke the permit This permit cannot be revoked: the student is in grade 10. A permit cannot be revoked once a student reaches grade 10 (entering grade 11 next year), nor after the June 30 that follows grade 10 (Education Code 46600).');
      expect(barred).not.toContain(`action="/staff/requests/${high.id}/revoke"`);
      // Below grade 10 the form is there, and no such notice.
      const young = await completeRequest(t, D, { grade_requested: '6' });
      await approve(client, young.id, { school: '2001' });
      const open = (await client.get(`/staff/requests/${young.id}`)).html;
      expect(open).toContain(`action="/staff/requests/${young.id}/revoke"`);
      expect(open).not.toContain('id="revocation-barred"');
    });
  });
}
