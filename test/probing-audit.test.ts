import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD } from './support/parents.js';
import { request, staffMember } from './support/staff.js';
import { newId } from '../src/platform/ids.js';

const L = 'lausd-sample';
const P = 'paramount-sample';

/** A stored PDF attached to a request, as a parent's upload leaves it. */
async function pdfOf(t: TestApp, applicationId: string) {
  const bytes = Buffer.from('%PDF-1.4\n% report card\n%%EOF\n');
  const stored = await t.deps.storage.put((async function* () { yield bytes; })() as never, { maxBytes: 1_000_000 });
  const id = newId();
  await t.deps.db.insertInto('documents').values({
    id, application_id: applicationId, doc_type: 'report-card', original_name: 'report.pdf', content_type: 'application/pdf', size_bytes: stored.size, sha256: stored.sha256,
    storage_key: stored.key, status: 'received', uploaded_via: 'account', uploaded_at: t.clock.now().toISOString(), review_reason: null, review_note: null, reviewed_by: null, reviewed_at: null,
  }).execute();
  return id;
}

/** The same staff member signed in again from a known address, so the test can look for it in the log. */
async function signedInFrom(t: TestApp, email: string, ip: string) {
  const c = new TestClient(t.app, ip);
  await c.get('/staff/sign-in');
  const res = await c.post('/staff/sign-in', { email, password: PASSWORD });
  if (res.status !== 303) throw new Error(`sign-in failed ${res.status}`);
  return c;
}

const entriesOf = (t: TestApp, staffId: string) =>
  t.deps.db.selectFrom('audit_log').selectAll().where('staff_id', '=', staffId).where('action', '!=', 'queue.view').orderBy('at').orderBy('id').execute();

/** Entries written in the same instant (the clock is fixed) come in any order. */
const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

/** The rows of the audit page's table, as a person reads them. */
const auditRows = (html: string) => [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1]));

for (const db of databases) {
  describe(`probing leaves a trace on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it("PRV-2 PRV-1 a Los Angeles clerk opening, downloading from and posting to a Paramount request is refused, and Paramount's administrator finds each attempt as refused", async () => {
      const target = await request(t, P);
      const docId = await pdfOf(t, target.id);
      const clerk = await staffMember(t, L);
      const c = await signedInFrom(t, clerk.email, '10.88.1.7');
      // A page of their own, for the form token a browser would send.
      await c.get('/staff/queue');

      const page = await c.get(`/staff/requests/${target.id}`);
      const download = await c.get(`/staff/requests/${target.id}/documents/${docId}`);
      const view = await c.get(`/staff/requests/${target.id}/documents/${docId}/view`);
      const deny = await c.post(`/staff/requests/${target.id}/deny`, { 'deny_reasons__no-space-grade': 'yes', appeal_right: 'yes' });
      const approve = await c.post(`/staff/requests/${target.id}/approve`, { school: '101', years: '1' });
      const note = await c.post(`/staff/requests/${target.id}/request-info`, { info_message: 'Send the report card.', info_due: '2026-12-10' });
      const number = await c.post(`/staff/requests/${target.id}/student-number`, { student_number: 'X-1' });
      // PRV-1: refused as before — "not found", whose it is never said.
      for (const res of [page, download, view, deny, approve, note, number]) {
        expect(res.status).toBe(404);
        expect(res.html).not.toContain(target.student_last_name);
        expect(res.html).not.toContain('Paramount');
      }
      expect((await t.deps.db.selectFrom('applications').select(['status', 'student_number']).where('id', '=', target.id).executeTakeFirstOrThrow())).toEqual({ status: 'submitted', student_number: null });

      // Each attempt is on Paramount's record: who (id, email, district), what, which record, from where, when, refused.
      const rows = await entriesOf(t, clerk.id);
      expect(sorted(rows.map((r) => [r.action, r.entity_type, r.entity_id]))).toEqual(sorted([
        ['application.view', 'application', target.id],
        ['document.download', 'document', docId],
        ['document.view', 'document', docId],
        ['application.deny', 'application', target.id],
        ['application.approve', 'application', target.id],
        ['application.request-info', 'application', target.id],
        ['application.student-number', 'application', target.id],
      ]));
      for (const r of rows) {
        expect(r).toMatchObject({ district_id: P, actor_district_id: L, outcome: 'refused', ip: '10.88.1.7', at: t.clock.now().toISOString() });
        expect(JSON.parse(r.detail!).refusal).toBe('not-found');
      }

      const admin = await staffMember(t, P, 'district_admin');
      const log = await admin.client.get('/staff/audit?outcome=refused');
      expect(log.status).toBe(200);
      expect(log.html).toMatch(/<option value="refused" selected>Refused only<\/option>/);
      const mine = auditRows(log.html).filter((r) => r.includes(clerk.email));
      expect(mine).toHaveLength(7);
      for (const [action] of rows.map((r) => [r.action])) expect(mine.some((r) => r.includes(`${action} Refused`))).toBe(true);
      for (const r of mine) {
        expect(r).toContain('Staff of Los Angeles Unified (sample)');
        expect(r).toContain('10.88.1.7');
        expect(r).toContain('Sunday, November 22, 2026');
      }
      expect(mine.some((r) => r.includes(`document ${docId}`))).toBe(true);
      // Searching by the record finds the attempts on it.
      expect(auditRows((await admin.client.get(`/staff/audit?entity=${target.id}`)).html).filter((r) => r.includes(clerk.email))).toHaveLength(5);

      // Spanish: the tag and the district are in the staff member's language.
      await admin.client.follow(await admin.client.get(`/language?to=es&next=${encodeURIComponent('/staff/audit?outcome=refused')}`));
      const es = textOf((await admin.client.get('/staff/audit?outcome=refused')).html);
      expect(es).toContain('Rechazado');
      expect(es).toContain('Personal de Distrito Unificado de Los Ángeles (ejemplo)');
      expect(es).toContain('Solo rechazados');

      // Los Angeles' own log does not hold another district's record.
      const own = await staffMember(t, L, 'district_admin');
      expect(textOf((await own.client.get('/staff/audit?outcome=refused')).html)).not.toContain(target.id);
    });

    it('PRV-2 an id that matches no record is logged, refused, in the prober\'s own district', async () => {
      const clerk = await staffMember(t, L);
      const nothing = newId();
      expect((await clerk.client.get(`/staff/requests/${nothing}`)).status).toBe(404);
      const rows = await entriesOf(t, clerk.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'application.view', entity_id: nothing, district_id: L, actor_district_id: L, outcome: 'refused' });
      const admin = await staffMember(t, L, 'district_admin');
      const row = auditRows((await admin.client.get(`/staff/audit?entity=${nothing}`)).html).find((r) => r.includes(clerk.email));
      expect(row).toContain('application.view Refused');
      expect(row).not.toContain('Staff of'); // their own district's staff
    });

    it("PRV-2 a site administrator trying a request of another school of their district is refused, and it is in the district's log", async () => {
      const elm = await request(t, L, { requested_school_id: `${L}:1001` });
      const docId = await pdfOf(t, elm.id);
      const site = await staffMember(t, L, 'site_admin', ['3001']);
      const c = await signedInFrom(t, site.email, '10.88.2.9');
      await c.get('/staff/queue');
      expect((await c.get(`/staff/requests/${elm.id}`)).status).toBe(404);
      expect((await c.get(`/staff/requests/${elm.id}/documents/${docId}`)).status).toBe(404);
      expect((await c.get(`/staff/requests/${elm.id}/documents/${docId}/review`)).status).toBe(404);
      expect((await c.post(`/staff/requests/${elm.id}/provisional`, { first_day: '2026-11-20' })).status).toBe(404);
      // Deciding is the permit office's: refused by role, whatever the school.
      expect((await c.post(`/staff/requests/${elm.id}/approve`, { school: '1001', years: '1' })).status).toBe(403);

      const rows = await entriesOf(t, site.id);
      expect(sorted(rows.map((r) => [r.action, r.entity_id, JSON.parse(r.detail!).refusal]))).toEqual(sorted([
        ['application.view', elm.id, 'not-found'],
        ['document.download', docId, 'not-found'],
        ['application.view', docId, 'not-found'],
        ['application.provisional', elm.id, 'not-found'],
        ['application.approve', elm.id, 'forbidden'],
      ]));
      for (const r of rows) expect(r).toMatchObject({ district_id: L, actor_district_id: L, outcome: 'refused', ip: '10.88.2.9' });

      const auditor = await staffMember(t, L, 'auditor');
      const mine = auditRows((await auditor.client.get('/staff/audit?outcome=refused')).html).filter((r) => r.includes(site.email));
      expect(mine).toHaveLength(5);
      for (const r of mine) expect(r).toContain('Refused');
      expect(mine.some((r) => r.includes('application.approve Refused') && r.includes('10.88.2.9'))).toBe(true);
    });

    it('PRV-2 an allowed view is logged as before, not as refused', async () => {
      const app = await request(t, L);
      const clerk = await staffMember(t, L);
      expect((await clerk.client.get(`/staff/requests/${app.id}`)).status).toBe(200);
      const rows = await entriesOf(t, clerk.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'application.view', entity_id: app.id, district_id: L, actor_district_id: L, outcome: 'allowed' });
      const admin = await staffMember(t, L, 'district_admin');
      const all = auditRows((await admin.client.get(`/staff/audit?entity=${app.id}`)).html).find((r) => r.includes(clerk.email));
      expect(all).toContain('application.view');
      expect(all).not.toContain('Refused');
      const refused = auditRows((await admin.client.get(`/staff/audit?entity=${app.id}&outcome=refused`)).html).filter((r) => r.includes(clerk.email));
      expect(refused).toEqual([]);
    });
  });
}
